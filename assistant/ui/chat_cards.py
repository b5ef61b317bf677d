"""The content cards for the question on screen (F2): beside the conversation when
there is room, over it when not; in a child's conversation only cards written for
children. A part of the chat screen (mixed in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from assistant.ui.cards import CardScreen, CardView, child_cards
from assistant.ui.chat_reading import PANEL_MIN_WIDTH
from assistant.ui.child import NO_CHILD_CARD

if TYPE_CHECKING:
    from assistant.flows.loader import Flow
    from assistant.flows.runner import FlowSession

    _MixedInto = Screen[Any]
else:
    _MixedInto = object


class CardKeeping(_MixedInto):
    """For the chat screen: open and close the cards of the current question."""

    if TYPE_CHECKING:  # what the screen this is mixed into provides
        flow: Flow
        session: FlowSession
        child_mode: bool

        def _place_panel(self) -> None: ...

    async def action_cards(self) -> None:
        """The cards for the current question: beside the chat when there is room
        (F2 again closes them), else over it. The answer being typed stays as it is."""
        ids = self._cards_here()
        if self.query_one("#card-pane", CardView).display:
            self._close_cards()
        elif not ids:
            words = NO_CHILD_CARD if self.child_mode else "No card explains this question."
            self.notify(f"{words} F1 lists the keys.", markup=False)
        else:
            await self.show_cards(ids)

    def _cards_here(self) -> tuple[str, ...]:
        """The current question's cards, then the flow's; a child's, only those for children."""
        step = self.session.current
        ids = step.cards() if step is not None else ()
        ids = tuple(dict.fromkeys((*ids, *self.flow.cite)))
        return child_cards(ids) if self.child_mode else ids

    async def show_cards(self, ids: tuple[str, ...]) -> None:
        """Open cards beside the chat (over it when narrow); also where card links lead.
        A child's conversation opens only cards written for children."""
        if self.child_mode:
            ids = child_cards(ids)
            if not ids:
                self.notify(NO_CHILD_CARD, markup=False)
                return
        if self.size.width < PANEL_MIN_WIDTH:
            self.app.push_screen(CardScreen(ids, for_child=self.child_mode))
            return
        pane = self.query_one("#card-pane", CardView)
        await pane.show(ids)
        pane.display = True
        self._place_panel()  # the reading moves to the progress line

    def _close_cards(self) -> None:
        self.query_one("#card-pane", CardView).display = False
        self._place_panel()
