"""Drafts: what a practitioner types is kept before it is sent.

A pause in typing (or leaving the conversation, or moving to another question)
stores what is unsent for the current question in the case's file; asking that
question again puts it back, with the cursor at the end of the words. For a
factor or a decision the draft holds the choice made as well as the words.
Sending the answer drops the draft. Used by the chat screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from assistant.records.store import StoreError
from assistant.ui.dialog import Dialog
from assistant.ui.inputs import Edited

if TYPE_CHECKING:
    from assistant.flows.runner import FlowSession
    from assistant.records.store import SessionRecord, Store

    _MixedInto = Screen[Any]
else:
    _MixedInto = object

#: Seconds after the last key press before what is being typed is kept as a draft.
DRAFT_SECONDS = 1.0


class DraftKeeping(_MixedInto):
    """For a screen with `store`, `record`, `session` and the current answer input
    (`_input`, whose `put`, `draft` and `restore` it uses where the input has them).

    Handlers are named (`on_text_area_changed`), not `@on`-decorated: Textual
    collects decorated handlers only from its own classes, not from a mixin.
    """

    if TYPE_CHECKING:  # what the screen this is mixed into provides
        store: Store
        record: SessionRecord
        session: FlowSession
        _input: Any

    _draft_timer: Any = None
    _pending_draft: tuple[str, str] | None = None
    #: What the input held before anything unsent: the earlier answer when one is
    #: being changed, else nothing.
    _baseline = ""

    # -- drafts: what is typed is kept before it is sent -----------------------
    def _drafts(self) -> dict[str, str]:
        try:
            return self.store.drafts(self.record.ref, self.record.id)
        except StoreError:
            return {}

    def _fill_input(self, earlier: Any, draft: str | None) -> None:
        """Put the earlier answer in the input, ready to edit, then any draft over it."""
        widget = self._input
        if earlier is not None and hasattr(widget, "put"):
            widget.put(earlier)
        self._baseline = widget.draft() if hasattr(widget, "draft") else ""
        if draft and hasattr(widget, "restore"):
            widget.restore(draft)

    def _unsent(self) -> str:
        """What is in the input and not sent (as its draft), or "" when nothing is:
        an earlier answer put back unchanged is not unsent."""
        draft = getattr(self._input, "draft", None)
        text = draft() if draft is not None else ""
        return "" if text == self._baseline else text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._typing()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._typing()

    def on_edited(self, event: Edited) -> None:
        self._typing()

    def _typing(self) -> None:
        step = self.session.current
        if step is None or not hasattr(self._input, "draft"):
            return
        self._pending_draft = (step.id, self._unsent())
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SECONDS, self._keep_draft)

    def _keep_draft_now(self) -> None:
        """Keep what is unsent in the input now, not after a pause (leaving it)."""
        step = self.session.current
        if step is not None and hasattr(self._input, "draft"):
            self._pending_draft = (step.id, self._unsent())
        self._keep_draft()

    def _keep_draft(self) -> None:
        """Keep what was typed for a question (after a pause, or on leaving it)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = None
        pending, self._pending_draft = self._pending_draft, None
        if pending is None or self.store.read_only:
            return
        step_id, text = pending
        if not text and step_id not in self._drafts():
            return
        try:
            self.store.save_draft(self.record.ref, self.record.id, step_id, text)
        except (StoreError, OSError) as exc:
            self.notify(f"Draft not kept: {exc}", severity="error", markup=False)

    def on_unmount(self) -> None:
        self._keep_draft()


class UnsentDialog(Dialog[bool]):
    """Esc with something unsent in the input: asked first; the draft is kept either way."""

    DEFAULT_CSS = "UnsentDialog > .dialog-box { height: auto; width: 70; }"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="unsent.yes"),
        Binding("n,escape", "answer(False)", "No, stay", id="unsent.no"),
    ]

    def __init__(self, changing: bool) -> None:
        super().__init__()
        self.changing = changing

    def compose(self) -> ComposeResult:
        if self.changing:
            words = (
                "Keep the earlier answer?\n\nWhat you changed here is not sent. It is kept "
                "as a draft and is back in the input when you change this answer again."
                "\n\ny: keep the earlier answer · n: stay and send it"
            )
        else:
            words = (
                "Leave this conversation?\n\nWhat you typed is not sent yet. It is kept as "
                "a draft and is back in the input when you return to this question."
                "\n\ny: leave · n: stay and finish it"
            )
        with Vertical(classes="dialog-box"):
            yield Static(words, markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
