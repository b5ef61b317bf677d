"""Recording the practitioner's own decision about the level, with the reason."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from assistant.classification import DecisionError, make_decision
from assistant.risk import LEVELS
from assistant.ui.inputs import ChoiceInput, Submitted, TextInput
from assistant.ui.risk_panel import LEVEL_LOOK, level_text


class DecisionScreen(ModalScreen[dict[str, Any] | None]):
    """Choose a level (1–4), then write why; Enter saves, Esc leaves nothing recorded."""

    DEFAULT_CSS = """
    DecisionScreen { align: center middle; }
    DecisionScreen > Vertical {
        width: 76; max-width: 100%; height: auto; border: thick $primary;
        padding: 0 1; background: $surface;
    }
    DecisionScreen #decision-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="decision.cancel")]

    def __init__(self, suggested: str | None) -> None:
        super().__init__()
        self.suggested = suggested
        self.level: str | None = None

    def compose(self) -> ComposeResult:
        intro = Text("Your decision about the level\n", style="bold")
        if self.suggested:
            intro.append("The framework's table suggests ")
            intro.append_text(level_text(self.suggested))
            intro.append(". You decide; say why.")
        else:
            intro.append("The table has no suggestion yet. You decide; say why.")
        with Vertical():
            yield Static(intro)
            yield ChoiceInput([(lv, " ".join(LEVEL_LOOK[lv][1::-1])) for lv in LEVELS], id="level")
            yield Static("Reason (Enter saves, ctrl+n new line, Esc cancels):", id="reason-label")
            yield TextInput("Why this level: the evidence you are weighing", id="reason")
            yield Static("", id="decision-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#level").focus()

    @on(Submitted)
    def _submitted(self, message: Submitted) -> None:
        message.stop()
        if message.sender is self.query_one("#level"):
            self.level = message.value
            self.query_one("#reason").focus()
            return
        try:
            decision = make_decision(self.level or "", message.value, self.suggested)
        except DecisionError as exc:
            self.query_one("#decision-error", Static).update(f"⚠ {exc}.")
            if self.level is None:
                self.query_one("#level").focus()
            return
        self.dismiss(decision)

    def action_cancel(self) -> None:
        self.dismiss(None)
