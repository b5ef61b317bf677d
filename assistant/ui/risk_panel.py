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

from assistant.casework.classification import CaseClassification
from assistant.risk.explain import ROW_LABELS
from assistant.text import printable
from assistant.ui.dialog import Dialog
from assistant.ui.levels import level_text

GUIDES = "The table guides judgement; you and your manager decide."


def humanise(key: str) -> str:
    return key.removeprefix("factors.").replace("_", " ").replace(".", ": ").capitalize()


def one_line(case: CaseClassification | None) -> Text:
    """The suggestion in one line, for narrow terminals."""
    if case is None or case.result is None or case.inputs.empty:
        return Text("table: nothing recorded yet")
    text = Text("table suggests ")
    text.append_text(level_text(case.result.suggested))
    if not _has_factors(case):
        text.append(" · no factors recorded yet")
    return text


def _has_factors(case: CaseClassification) -> bool:
    return any(path.startswith("factors.") for path in case.inputs.sources)


def panel_text(case: CaseClassification) -> Text:
    text = Text("Suggested by the framework's table\n", style="bold")
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
    text.append_text(level_text(result.suggested))
    if not _has_factors(case):
        text.append(
            "\nNo factors recorded yet: until some are, the protective row reads 'none apparent'."
        )
    text.append("\n\nRows\n", style="bold")
    for name, level in result.rows.as_dict().items():
        text.append(f"{ROW_LABELS[name]}\n  ")
        text.append_text(level_text(level))
        text.append("\n")
    if result.alerts:
        text.append(f"\nAlerts ({len(result.alerts)})\n", style="bold")
        for alert in result.alerts:
            text.append(f"• {humanise(alert)}\n")
    if result.gaps:
        text.append(f"\nGaps ({len(result.gaps)})\n", style="bold")
        for gap in result.gaps[:6]:
            text.append(f"• {humanise(gap)}\n")
        if len(result.gaps) > 6:
            text.append(f"• … and {len(result.gaps) - 6} more\n")
    text.append(f"\n{GUIDES}", style="italic")
    text.append("\nF3: why?")
    return text


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
            text.append(f" · {decision['at'][:10]} · {decision['who']}\n")
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
    text = Text("Why the table suggests this\n", style="bold")
    text.append(f"{GUIDES} A single grave factor can outweigh the table.\n", style="italic")
    if case.result is None or case.inputs.empty:
        text.append("\nNothing recorded for this case feeds the table yet.\n")
        return text
    text.append("\nSuggested: ")
    text.append_text(level_text(case.result.suggested))
    text.append("\n")
    for reason in case.reasons:
        text.append(f"\n{reason.kind.upper()} · {humanise(reason.key)}", style="bold")
        if reason.level:
            text.append(" · ")
            text.append_text(level_text(reason.level))
        text.append(f"\n{reason.text}\n")
        text.append(f"Source: {reason.citation}\n", style="dim")
    text.append("\nRecorded answers that feed the table\n", style="bold")
    for path, answers in sorted(case.inputs.sources.items()):
        for answer in answers:
            text.append(f"• {humanise(path)}: {answer.value} — ")
            text.append(f"{answer.flow_title} › {answer.step_label}\n", style="dim")
    if case.unread_flows:
        names = ", ".join(case.unread_flows)
        text.append(f"\nNot used (flow cannot be loaded now): {names}\n", style="bold")
    text.append("\nEsc closes.")
    return text
