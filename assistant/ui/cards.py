"""Content cards opened beside a question: "What does this mean?"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from assistant.content import CardError, load_card
from assistant.paths import content_dir
from assistant.ui.dialog import Dialog
from assistant.ui.turns import parser


class CardScreen(Dialog[None]):
    """One or more cards over the conversation; the answer being typed is kept."""

    DEFAULT_CSS = """
    CardScreen .card-source { color: $text-muted; margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("escape,f2,q", "dismiss", "Close", id="cards.close"),
        Binding("up", "scroll('up')", "Up", show=False),
        Binding("down", "scroll('down')", "Down", show=False),
    ]

    def __init__(self, card_ids: tuple[str, ...]) -> None:
        super().__init__()
        self.card_ids = card_ids

    def compose(self) -> ComposeResult:

        with VerticalScroll(id="cards", classes="dialog-box"):
            for card_id in self.card_ids:
                try:
                    card = load_card(content_dir(), card_id)
                except CardError as exc:
                    yield Static(str(exc), markup=False)
                    continue
                yield Markdown(card.body, parser_factory=parser)
                yield Static(f"Source: {card.source}", classes="card-source", markup=False)
            yield Static("Esc closes; your answer in progress is kept.", markup=False)

    def on_mount(self) -> None:
        self.query_one("#cards").focus()

    def action_scroll(self, direction: str) -> None:
        scroller = self.query_one("#cards", VerticalScroll)
        scroller.scroll_up() if direction == "up" else scroller.scroll_down()
