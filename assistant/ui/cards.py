"""Content cards opened beside a question: "What does this mean?"."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from assistant.flows.content import CardError, load_card
from assistant.paths import content_dir
from assistant.ui.dialog import Dialog
from assistant.ui.markdown import LinkedMarkdown

#: The tag of a card written for a child to read: the only cards a child's
#: conversation opens (none are, yet).
FOR_CHILDREN = "for-children"


def child_cards(card_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Those of `card_ids` that are written for children."""
    kept = []
    for card_id in card_ids:
        try:
            card = load_card(content_dir(), card_id)
        except CardError:
            continue
        if FOR_CHILDREN in card.tags:
            kept.append(card_id)
    return tuple(kept)


class CardView(VerticalScroll):
    """Content cards, one after another, each with its source.

    Each card is one Static holding Rich Markdown: quick to open however long
    the card, and links to other cards open them (see `ui.markdown`).
    """

    DEFAULT_CSS = "CardView .card-source { color: $text-muted; margin-bottom: 1; }"

    def __init__(self, card_ids: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.card_ids = card_ids

    def compose(self) -> ComposeResult:
        for card_id in self.card_ids:
            try:
                card = load_card(content_dir(), card_id)
            except CardError as exc:
                yield Static(str(exc), markup=False)
                continue
            yield Static(LinkedMarkdown(card.body), classes="card-body")
            yield Static(f"Source: {card.source}", classes="card-source", markup=False)

    async def show(self, card_ids: tuple[str, ...]) -> None:
        self.card_ids = card_ids
        await self.recompose()
        self.scroll_home(animate=False)


class CardScreen(Dialog[None]):
    """One or more cards over the screen beneath; an answer being typed is kept.
    `for_child`: a child is reading, so a link leads only to a card for children."""

    BINDINGS = [
        Binding("escape,f2,q", "dismiss", "Close", id="cards.close"),
        Binding("up", "scroll('up')", "Up", show=False),
        Binding("down", "scroll('down')", "Down", show=False),
    ]

    def __init__(self, card_ids: tuple[str, ...], for_child: bool = False) -> None:
        super().__init__()
        self.for_child = for_child
        self.card_ids = child_cards(card_ids) if for_child else card_ids

    def compose(self) -> ComposeResult:
        yield CardView(self.card_ids, id="cards", classes="dialog-box")

    def on_mount(self) -> None:
        self.query_one("#cards").focus()

    async def show_cards(self, card_ids: tuple[str, ...]) -> None:
        """A link inside a card opens the linked card in its place."""
        if self.for_child:
            card_ids = child_cards(card_ids)
            if not card_ids:
                return
        await self.query_one("#cards", CardView).show(card_ids)

    def action_scroll(self, direction: str) -> None:
        scroller = self.query_one("#cards", VerticalScroll)
        scroller.scroll_up() if direction == "up" else scroller.scroll_down()
