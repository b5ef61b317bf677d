"""Leaving a conversation: nothing unsent is lost, and a child cannot leave alone.

Esc stops changing an earlier answer, or leaves; with words unsent in the input it
asks first (they are kept as a draft either way). In a child's conversation only
the worker leaves: ctrl+x twice within a few seconds, and on the team server the
worker's password too. A part of the chat screen (mixed in).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from assistant.ui.child import WorkerPassword
from assistant.ui.drafts import UnsentDialog

if TYPE_CHECKING:
    from assistant.flows.child_replies import ChildReplies
    from assistant.flows.runner import FlowSession
    from assistant.records.store import Store

    _MixedInto = Screen[Any]
else:
    _MixedInto = object

#: Seconds within which a second ctrl+x leaves a child's conversation.
LEAVE_CHORD_SECONDS = 3.0


class Leaving(_MixedInto):
    """For the chat screen: Esc, and the worker's way out of child mode."""

    if TYPE_CHECKING:  # what the screen this is mixed into provides
        store: Store
        session: FlowSession
        child_mode: bool
        child_words: ChildReplies | None

        def _unsent(self) -> str: ...
        def _keep_draft_now(self) -> None: ...
        async def _advance(self) -> None: ...

    _leave_pressed_at = 0.0

    async def action_worker_leave(self) -> None:
        """In child mode, leaving needs ctrl+x twice within three seconds."""
        now = time.monotonic()
        if not self.child_mode or now - self._leave_pressed_at <= LEAVE_CHORD_SECONDS:
            served = getattr(self.app, "served_as", None)
            if self.child_mode and served is not None:  # team server: the worker's password
                self.app.push_screen(WorkerPassword(self.store.root, served.name), self._unlocked)
                return
            self.dismiss()
            return
        self._leave_pressed_at = now
        self.notify("Press ctrl+x again to leave the child's conversation.", markup=False)

    def _unlocked(self, ok: bool | None) -> None:
        if ok:
            self.dismiss()

    async def action_leave(self) -> None:
        """Stop changing an answer, or leave; asks first when something is unsent
        in the input (kept as a draft either way)."""
        revisiting = self.session.revisiting
        if self.child_words is not None and not revisiting:
            self.notify(self.child_words.leave_hint, markup=False)
            return
        if self._unsent():
            self.app.push_screen(UnsentDialog(changing=revisiting), self._leave_anyway)
            return
        await self._leave()

    async def _leave_anyway(self, leave: bool | None) -> None:
        if leave:
            await self._leave()

    async def _leave(self) -> None:
        self._keep_draft_now()
        if self.session.revisiting:
            self.session.cancel_change()
            await self._advance()
            return
        self.dismiss()
