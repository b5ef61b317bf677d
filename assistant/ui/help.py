"""The help screen, generated from the bindings in force where it was opened."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from assistant.ui.dialog import Dialog


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, what it does, more) for every binding active on `screen`, app ones included."""
    rows: dict[str, tuple[str, str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        shown = screen.app.get_key_display(binding)
        rows[key] = (shown, binding.description, active.tooltip or binding.tooltip or "")
    return sorted(rows.values(), key=lambda row: row[1].casefold())


class HelpScreen(Dialog[None]):
    """Every key that works on the screen beneath, and how to answer each kind of question."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close help", id="help.close")]

    def __init__(
        self, rows: list[tuple[str, str, str]], answering: list[str] | None = None
    ) -> None:
        """`answering`: how to answer, where a screen says (a child's conversation);
        else every kind of question."""
        super().__init__()
        self.rows = rows
        self.answering = answering

    def compose(self) -> ComposeResult:
        text = Text("Keys on this screen\n", style="bold")
        for key, description, tooltip in self.rows:
            text.append(f"\n{key:>12}  ", style="bold")
            text.append(description)
            if tooltip:
                text.append(f" — {tooltip}", style="dim")
        text.append("\n\nAnswering questions\n", style="bold")
        from assistant.ui.answer_input import HOW_TO_ANSWER  # only when help is shown

        for how in self.answering if self.answering is not None else HOW_TO_ANSWER.values():
            text.append(f"\n• {how}")
        text.append("\n\nctrl+p opens the command palette: every action by name.")
        text.append("\nEsc, F1 or q closes this help.")
        with VerticalScroll(classes="dialog-box"):
            yield Static(text)
