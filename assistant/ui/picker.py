"""Choosing an earlier answer to change."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from assistant.ui.dialog import Dialog


class AnswerPicker(Dialog[str | None]):
    """Every question answered so far; Enter reopens one, Esc keeps them all."""

    DEFAULT_CSS = "AnswerPicker > .dialog-box { height: auto; max-height: 90%; }"
    BINDINGS = [Binding("escape", "cancel", "Keep the answers", id="picker.cancel")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(
                "Change which answer? The earlier answer stays in the history. Esc cancels.",
                markup=False,
            )
            yield OptionList(
                *(
                    Option(Text(f"{label}: {shown}"), id=step_id)
                    for step_id, label, shown in self.rows
                ),
                id="answers",
            )

    def on_mount(self) -> None:
        answers = self.query_one("#answers", OptionList)
        answers.highlighted = 0
        answers.focus()

    @on(OptionList.OptionSelected, "#answers")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
