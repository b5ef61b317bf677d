"""The turns of the conversation: the assistant's (Markdown) and the practitioner's replies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.widgets import Static

from assistant.text import printable
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
    """What the table suggests, shown inside the conversation (plain text, never markup)."""

    DEFAULT_CSS = (
        "ClassificationTurn { margin: 1 8 0 0; padding: 0 1; border-left: thick $warning; }"
    )
