"""The home screen's "Due soon": what is due across cases, worked out in a thread.

Working it out classifies every case, so it is done after the case list is
painted, never twice at once, and again only when something it depends on has
changed: the records (any case's file or answer log, or the index), the day,
the policy profile or the flows. Coming back from a case where nothing was
recorded so costs a look at the files' sizes and times, not a new run.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

if TYPE_CHECKING:
    from assistant.flows.loader import FlowLibrary
    from assistant.records.store import Store

#: What the list says until what is due has been worked out.
WORKING = "Working out what is due…"


class DueSoon(Static):
    """The three soonest due items (`d` shows all), worked out in a thread."""

    class Settled(Message):
        """What is due was worked out (or could not be): the work that makes the
        home screen ready is done (the app then starts what can wait, a backup)."""

    def __init__(self, store: Store, *, id: str | None = None) -> None:
        super().__init__(WORKING, id=id, markup=False)
        self.store = store
        #: what is due, soonest first (empty until worked out)
        self.items: list[Any] = []
        self._library: FlowLibrary | None = None
        #: what the items shown were worked out from (see `_inputs`)
        self._worked_from: object = None
        self._busy = False
        self._once_more = False

    def refresh_due(self, library: FlowLibrary) -> None:
        """Work out what is due if anything it depends on changed; while a run is
        going, once more after it (never two at once)."""
        self._library = library
        if self._busy:
            self._once_more = True
            return
        self._busy = True
        self.run_worker(self._work, thread=True, name="due", exit_on_error=False)

    def _inputs(self, profile: str) -> object:
        """Everything what is due depends on, cheap to compare (nothing is read)."""
        from assistant.records.backups import database_version

        return (database_version(self.store.root), profile, date.today(), id(self._library))

    def _work(self) -> None:
        from assistant.records.settings import load_settings
        from assistant.ui.due import compute_due

        worker = get_current_worker()
        library = self._library
        profile = str(load_settings().get("policy_profile") or "framework")
        try:
            inputs = self._inputs(profile)
            if inputs == self._worked_from:
                items = None  # nothing changed: what is shown stands
            else:
                # stops at the next case when the app closes (it would wait for it)
                items = compute_due(self.store, library, profile, lambda: worker.is_cancelled)
        except Exception as exc:  # shown, never fatal: the list is a convenience
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, str(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._done, items, inputs)

    def _done(self, items: list[Any] | None, inputs: object) -> None:
        from assistant.ui.due import due_lines

        if items is not None:
            self.items = items
            self._worked_from = inputs
            self.update(due_lines(items, limit=3))
        self._next()

    def _failed(self, why: str) -> None:
        self._worked_from = None
        self.update(f"What is due could not be worked out: {why}")
        self._next()

    def _next(self) -> None:
        self.post_message(self.Settled())
        self._busy = False
        if self._once_more and self._library is not None:
            self._once_more = False
            self.refresh_due(self._library)
