"""The library: browse and search every content card, from anywhere."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from assistant.flows.content import load_cards
from assistant.flows.search import search
from assistant.paths import content_dir
from assistant.ui.cards import CardScreen
from assistant.ui.dialog import Dialog


class LibraryScreen(Dialog[None]):
    """Type to search titles and text; ↓ to the list, Enter opens a card, Esc closes."""

    BINDINGS = [Binding("escape", "dismiss", "Close library", id="library.close")]

    def __init__(self) -> None:
        super().__init__()
        self.cards, self.problems = load_cards(content_dir())

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(
                "Library — every card. Type to search; ↓ then Enter opens; Esc closes.",
                markup=False,
            )
            yield Input(placeholder="Search titles and text, e.g. substance misuse", id="query")
            yield Static(id="count", markup=False)
            yield OptionList(id="results")

    def on_mount(self) -> None:
        self._show("")
        self.query_one("#query").focus()

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#query")
    def _to_list(self) -> None:
        self.query_one("#results").focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#query"):
            event.stop()
            self.query_one("#results").focus()

    def _show(self, query: str) -> None:
        found = search(self.cards, query)
        results = self.query_one("#results", OptionList)
        results.clear_options()
        for card in found:
            results.add_option(Option(Text(card.title), id=card.id))
        if found:
            results.highlighted = 0
        self.query_one("#count", Static).update(
            f"{len(found)} of {len(self.cards)} cards" + (f" match '{query}'" if query else "")
        )

    @on(OptionList.OptionSelected, "#results")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(CardScreen((str(event.option.id),)))
