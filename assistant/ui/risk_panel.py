"""The side panel: what the framework's table suggests for the case, and why.

Levels are always a word and a symbol as well as a colour. The panel says
plainly that the table suggests and people decide.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from assistant.casework.classification import CaseClassification, to_record_next
from assistant.casework.decisions import who_decided
from assistant.casework.inputs_text import input_label, value_words
from assistant.risk.explain import ROW_LABELS, Explanation, gap_label
from assistant.risk.table import OUR_READINGS
from assistant.text import printable
from assistant.ui.dialog import Dialog
from assistant.ui.levels import level_text

GUIDES = "Reunify's reading of the framework's table guides judgement; people decide."
HEADING = "Reunify's reading of the framework's table"
NOT_ENOUGH = "Not enough recorded to suggest a level yet."


def one_line(case: CaseClassification | None, decision: dict[str, Any] | None = None) -> Text:
    """The suggestion in one line, for narrow terminals, and the latest decision on a
    line of its own, said for what it is (one person's view, or agreed)."""
    if case is None or case.result is None or case.inputs.empty:
        text = Text("reading: nothing recorded yet")
    elif case.result.suggested is None:
        text = Text("reading: not enough recorded to suggest a level yet")
    else:
        text = Text("Reunify's reading ")
        text.append_text(level_text(case.result.suggested))
        if case.result.provisional:
            text.append(" (provisional)")
    if decision is not None:
        text.append("\nLatest decision ")
        text.append_text(level_text(decision["level"]))
        text.append(f": {printable(who_decided(decision))}")
    return text


def _not_enough(text: Text, case: CaseClassification) -> None:
    assert case.result is not None
    text.append(f"{NOT_ENOUGH}\n")
    steps = to_record_next(case.result)
    if steps:
        text.append("Record next:\n")
        for step in steps:
            text.append(f"• {step}\n")


def panel_text(case: CaseClassification) -> Text:
    text = Text(f"{HEADING}\n", style="bold")
    if case.result is None:
        text.append(f"\nNo suggestion: {case.problem}\n")
        return text
    if case.inputs.empty:
        text.append(
            "\nNothing recorded for this case feeds the table yet. Flows about the "
            "case profile, the factors, capacity to change and wishes fill it in.\n"
        )
        text.append(f"\n{GUIDES}", style="italic")
        return text
    result = case.result
    if result.suggested is None:
        _not_enough(text, case)
    else:
        text.append_text(level_text(result.suggested))
        if result.provisional:
            text.append(" · provisional: some things are not known")
    text.append("\n\nRows\n", style="bold")
    for name, level in result.rows.as_dict().items():
        text.append(f"{ROW_LABELS[name]}\n  ")
        text.append_text(level_text(level) if level else Text("not known yet"))
        text.append("\n")
    if result.alerts:
        text.append(f"\nAlerts ({len(result.alerts)})\n", style="bold")
        for alert in result.alerts:
            text.append(f"• {alert_label(alert)}\n")
    if result.gaps:
        text.append(f"\nGaps ({len(result.gaps)})\n", style="bold")
        for gap in result.gaps[:6]:
            text.append(f"• {gap_label(gap)}\n")
        if len(result.gaps) > 6:
            text.append(f"• … and {len(result.gaps) - 6} more\n")
    text.append(f"\n{GUIDES}", style="italic")
    text.append("\nF3: why?")
    return text


def alert_label(alert: str) -> str:
    """An alert's name in words."""
    return alert.replace("_", " ").capitalize()


class RiskPanel(VerticalScroll):
    """The live suggestion beside a practitioner's conversation."""

    DEFAULT_CSS = """
    RiskPanel { width: 32; border-left: solid $primary; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="risk-text")

    _shown: Text | None = None

    def show(self, case: CaseClassification, decision: dict[str, Any] | None = None) -> None:
        text = panel_text(case)
        text.append("\n\nYour latest decision\n", style="bold")
        if decision is None:
            text.append("none recorded · F4 to record")
        else:
            text.append_text(level_text(decision["level"]))
            text.append(f" · {who_decided(decision)}\n")
            text.append(f"{decision['at'][:10]} · {printable(decision['who'])}\n")
            text.append(printable(decision["reason"]))
            text.append("\nF4 to record another")
        if text != self._shown:  # an unchanged panel is not laid out again
            self._shown = text
            self.query_one("#risk-text", Static).update(text)


class WhyScreen(Dialog[None]):
    """Every row, alert, gap and six-month rule explained, with its source."""

    BINDINGS = [Binding("escape,f3,q", "dismiss", "Close", id="why.close")]

    def __init__(self, case: CaseClassification) -> None:
        super().__init__()
        self.case = case

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static(why_text(self.case))


def why_text(case: CaseClassification) -> Text:
    text = Text("Why Reunify reads the table this way\n", style="bold")
    text.append(
        f"{GUIDES} A single grave factor, or a cluster, can outweigh the table. "
        "Rules marked [Reunify's reading] are ours, not the framework's words.\n",
        style="italic",
    )
    if case.result is None or case.inputs.empty:
        text.append("\nNothing recorded for this case feeds the table yet.\n")
        return text
    text.append("\nSuggested: ")
    if case.result.suggested is None:
        text.append(NOT_ENOUGH)
    else:
        text.append_text(level_text(case.result.suggested))
    text.append("\n")
    for reason in case.reasons:
        text.append(f"\n{KIND_WORDS[reason.kind]} · {reason_title(reason)}", style="bold")
        if reason.level:
            text.append(" · ")
            text.append_text(level_text(reason.level))
        text.append(f"\n{reason.text}\n")
        if reason.reading:
            text.append(f"[Reunify's reading] {OUR_READINGS[reason.reading]}\n", style="italic")
        text.append(f"Source: {reason.citation}\n", style="dim")
    text.append("\nRecorded answers that feed the table\n", style="bold")
    for path, answers in sorted(case.inputs.sources.items()):
        for answer in answers:
            text.append(f"• {input_label(path)}: {value_words(answer.value, path)} — ")
            text.append(f"{answer.flow_title} › {answer.step_label}\n", style="dim")
    if case.unread_flows:
        names = ", ".join(case.unread_flows)
        text.append(f"\nNot used (flow cannot be loaded now): {names}\n", style="bold")
    text.append("\nEsc closes.")
    return text


KIND_WORDS = {
    "suggestion": "SUGGESTION",
    "row": "ROW",
    "alert": "ALERT",
    "gap": "NOT KNOWN",
    "trajectory": "SIX-MONTH RULES",
}
_RULES = {
    "not_enough": "Not enough recorded",
    "no_history": "No earlier agreed level",
    "at_or_above": "Moving up at once",
    "held": "Held until change lasts six months",
    "stepped_down": "One step down",
}


def reason_title(reason: Explanation) -> str:
    """What a reason is about, in words."""
    if reason.kind == "row":
        return ROW_LABELS[reason.key]
    if reason.kind == "alert":
        return alert_label(reason.key)
    if reason.kind == "gap":
        return gap_label(reason.key)
    if reason.kind == "trajectory":
        return _RULES.get(reason.key, reason.key)
    return "Reunify's reading"
