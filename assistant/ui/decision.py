"""Recording the practitioner's own decision about the level, with the reason."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from assistant.casework.decisions import DecisionError, make_decision
from assistant.ui.dialog import Dialog
from assistant.ui.inputs import Submitted, input_for
from assistant.ui.levels import level_text


class DecisionScreen(Dialog[dict[str, Any] | None]):
    """Choose a level (1–4), then write why; Enter saves, Esc leaves nothing recorded."""

    DEFAULT_CSS = """
    DecisionScreen > .dialog-box { height: auto; }
    DecisionScreen #decision-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="decision.cancel")]

    def __init__(self, suggested: str | None) -> None:
        super().__init__()
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        intro = Text("Your decision about the level\n", style="bold")
        if self.suggested:
            intro.append("The framework's table suggests ")
            intro.append_text(level_text(self.suggested))
            intro.append(". You decide; say why. Esc cancels.")
        else:
            intro.append("The table has no suggestion yet. You decide; say why. Esc cancels.")
        with Vertical(classes="dialog-box"):
            yield Static(intro)
            yield input_for(_DECISION, self.suggested)
            yield Static("", id="decision-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#answer").focus()

    @on(Submitted)
    def _submitted(self, message: Submitted) -> None:
        message.stop()
        value = message.value
        try:
            decision = make_decision(value["level"] or "", value["reason"], self.suggested)
        except DecisionError as exc:
            self.query_one("#decision-error", Static).update(f"⚠ {exc}.")
            return
        self.dismiss(decision)

    def action_cancel(self) -> None:
        self.dismiss(None)


class _DecisionKind:
    kind = "decision"


_DECISION = _DecisionKind()
