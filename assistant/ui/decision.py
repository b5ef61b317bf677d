"""Recording a decision about the level, with the reason: the practitioner's own
view, or, naming the manager it was agreed with, the case's agreed level."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from assistant.casework.decisions import DecisionError, make_decision
from assistant.ui.answer_input import input_for
from assistant.ui.dialog import Dialog
from assistant.ui.inputs import Submitted
from assistant.ui.levels import level_text


class DecisionScreen(Dialog[dict[str, Any] | None]):
    """Choose a level (1–4), then write why and, if it was agreed with a manager, who
    with; Enter saves, Esc leaves nothing recorded. `blind`: the flow keeps
    Reunify's reading out of sight until the practitioner's own levels are in."""

    DEFAULT_CSS = """
    DecisionScreen > .dialog-box { height: auto; }
    DecisionScreen #decision-error { color: $error; }
    DecisionScreen #agreed-with { background: $boost; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="decision.cancel")]

    def __init__(self, suggested: str | None, blind: bool = False) -> None:
        super().__init__()
        self.suggested = None if blind else suggested
        self.blind = blind

    def compose(self) -> ComposeResult:
        intro = Text("Your decision about the level\n", style="bold")
        if self.blind:
            intro.append("Reunify's reading of the framework's table shows once your own ")
            intro.append("levels are in.")
        elif self.suggested:
            intro.append("Reunify's reading of the framework's table: ")
            intro.append_text(level_text(self.suggested))
            intro.append(".")
        else:
            intro.append("Not enough recorded for Reunify's reading to suggest a level yet.")
        intro.append(
            " You decide; say why. Name the manager you agreed it with to make it the "
            "case's level; without a name it is kept as your own view. Esc cancels."
        )
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
            decision = make_decision(
                value["level"] or "", value["reason"], self.suggested, value.get("agreed_with")
            )
        except DecisionError as exc:
            self.query_one("#decision-error", Static).update(f"⚠ {exc}.")
            return
        self.dismiss(decision)

    def action_cancel(self) -> None:
        self.dismiss(None)


def decided_words(decision: dict[str, Any]) -> str:
    """What a recorded decision is: agreed (the case's level) or the practitioner's view."""
    level = str(decision["level"]).upper()
    if decision.get("agreed_with"):
        return f"Decision recorded: {level}, agreed with {decision['agreed_with']}."
    return (
        f"Your view ({level}) is recorded. It becomes the case's level once agreed "
        "with your manager or in a round."
    )


class _DecisionKind:
    kind = "decision"


_DECISION = _DecisionKind()
