"""The turns of the conversation: the assistant's (Markdown) and the practitioner's replies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.widgets import Static

from assistant.casework.classification import CaseClassification, to_record_next
from assistant.casework.rounds import beside_reading
from assistant.text import printable
from assistant.ui.levels import level_text
from assistant.ui.markdown import LinkedMarkdown


class AssistantTurn(Static):
    """What the assistant says, rendered as Markdown.

    One widget per turn (Rich's Markdown renderable) rather than Textual's
    Markdown widget, which builds a widget per block: a long conversation then
    stays quick to lay out. Links to content cards open them when clicked; the
    current question's linked cards are also what F2 opens.
    """

    DEFAULT_CSS = """
    AssistantTurn { margin: 1 8 0 0; padding: 0 1; border-left: thick $primary; }
    """

    def __init__(self, text: str, **kwargs: Any) -> None:
        self.source = text.strip()
        super().__init__(LinkedMarkdown(self.source), **kwargs)


class ReplyTurn(Static):
    """The practitioner's answer, shown exactly as given (never read as markup)."""

    DEFAULT_CSS = """
    ReplyTurn { margin: 1 0 0 8; padding: 0 1; border-right: thick $secondary; text-align: right; }
    ReplyTurn.-skipped { text-style: italic; }
    """

    def __init__(self, label: str, answer: str, at: str | None = None, **kwargs: Any) -> None:
        when = _clock(at)
        body = Text(printable(answer))
        body.append(f"\n{label}" + (f" · {when}" if when else ""), style="dim")
        super().__init__(body, **kwargs)


def _clock(at: str | None) -> str:
    if not at:
        return ""
    try:
        return datetime.fromisoformat(at).strftime("%H:%M")
    except ValueError:
        return ""


class SummaryTurn(Static):
    """What the session recorded, as plain text (answers are never read as markup)."""

    DEFAULT_CSS = "SummaryTurn { margin: 1 8 0 0; padding: 0 1; border-left: thick $success; }"

    def __init__(self, rows: list[tuple[str, str]], **kwargs: Any) -> None:
        body = Text("What was recorded\n", style="bold")
        for label, answer in rows:
            body.append(f"\n{label}: ", style="bold")
            body.append(printable(answer))
        super().__init__(body, **kwargs)


class ClassificationTurn(Static):
    """Reunify's reading of the framework's table, shown inside the conversation (plain
    text, never markup)."""

    DEFAULT_CSS = (
        "ClassificationTurn { margin: 1 8 0 0; padding: 0 1; border-left: thick $warning; }"
    )


def _level(level: str | None, missing: str) -> Text:
    return level_text(level) if level else Text(missing)


def comparison_text(own: dict[str, str | None], case: CaseClassification) -> Text:
    """The practitioner's own levels beside Reunify's reading of the framework's
    table, row by row then overall, and the rows where they differ."""
    result = case.result if not case.inputs.empty else None
    reading: dict[str, Any] = {}
    if result is not None:
        reading = {"level": result.suggested, "rows": result.rows.as_dict()}
    text = Text("Your classification beside Reunify's reading of the framework's table\n", "bold")
    if result is None:
        text.append("Nothing recorded for this case feeds the table yet.\n")
    rows = beside_reading(own, reading)
    for row in rows:
        text.append(f"\n{row.label}\n", style="bold")
        text.append("  you: ")
        text.append_text(_level(row.by_role.get("you"), "not given"))
        text.append(" · Reunify's reading: ")
        text.append_text(_level(row.suggested, "not known yet"))
        if row.differs:
            text.append(" · DIFFERS", style="bold")
    differ = [row.label for row in rows if row.differs]
    if differ:
        text.append(f"\n\nWhere you differ: {', '.join(differ)}.", style="bold")
        text.append(" Weigh the evidence on each; you may keep your level with your reasons.")
    elif result is not None and result.suggested is not None:
        text.append("\n\nYou and Reunify's reading agree on every row and overall.")
    if result is not None and result.suggested is None:
        text.append("\n\nNot enough recorded for Reunify's reading to suggest a level yet.")
        for step in to_record_next(result):
            text.append(f"\n• record {step}")
    if result is not None and result.provisional:
        text.append(f"\n\nSome things are not known ({len(result.gaps)}); F3 lists them.")
    text.append("\nReunify's reading guides judgement; people decide.", style="italic")
    return text
