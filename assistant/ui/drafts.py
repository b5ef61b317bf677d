"""Drafts: what a practitioner types is kept before it is sent.

A pause in typing (or leaving the conversation) stores the words for the
current question in the case's file; asking that question again puts them
back. Sending the answer drops the draft. Used by the chat screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.widgets import Input, TextArea

from assistant.records.store import StoreError

if TYPE_CHECKING:
    from assistant.flows.runner import FlowSession
    from assistant.records.store import SessionRecord, Store

    _MixedInto = Screen[Any]
else:
    _MixedInto = object

#: Seconds after the last key press before what is being typed is kept as a draft.
DRAFT_SECONDS = 1.0


class DraftKeeping(_MixedInto):
    """For a screen with `store`, `record`, `session` and an answer slot (`#slot`).

    Handlers are named (`on_text_area_changed`), not `@on`-decorated: Textual
    collects decorated handlers only from its own classes, not from a mixin.
    """

    if TYPE_CHECKING:  # what the screen this is mixed into provides
        store: Store
        record: SessionRecord
        session: FlowSession

    _draft_timer: Any = None
    _pending_draft: tuple[str, str] | None = None

    # -- drafts: what is typed is kept before it is sent -----------------------
    def _drafts(self) -> dict[str, str]:
        try:
            return self.store.drafts(self.record.ref, self.record.id)
        except StoreError:
            return {}

    def _text_widget(self) -> Any:
        """Where the current answer's words are typed, if anywhere."""
        found = [w for w in self.query_one("#slot").query("TextInput, DateInput")]
        return found[-1] if found else None

    def _typed(self) -> str | None:
        widget = self._text_widget()
        if widget is None:
            return None
        return widget.text if isinstance(widget, TextArea) else widget.value

    def _put_typed(self, text: str) -> None:
        widget = self._text_widget()
        if isinstance(widget, TextArea):
            widget.load_text(text)
        elif widget is not None:
            widget.value = text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._typing()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._typing()

    def _typing(self) -> None:
        step = self.session.current
        text = self._typed()
        if step is None or text is None:
            return
        self._pending_draft = (step.id, text)
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SECONDS, self._keep_draft)

    def _keep_draft(self) -> None:
        """Keep what was typed for a question (after a pause, or on leaving)."""
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
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._keep_draft()
