"""What is due across cases, on the home screen and in a dialog (`d`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from assistant.text import printable
from assistant.ui.dialog import Dialog


def compute_due(
    store: Any,
    library: Any,
    profile: str = "framework",
    cancelled: Callable[[], bool] | None = None,
) -> list[Any]:
    """Every due item, soonest first (runs in a thread: the cases changed since the
    last run are read and classified, many of them shared with a helper process;
    see `assistant.casework.due_cache` and `assistant.casework.due_helper`)."""
    from assistant.casework.due import due_items
    from assistant.casework.policies import load_policies
    from assistant.paths import content_dir

    policies = load_policies(content_dir())
    today = date.today()
    return due_items(store, library, policies, profile, today, helper=True, cancelled=cancelled)


def due_lines(items: list[Any], limit: int | None = None) -> Text:
    """Soonest first; OVERDUE in words as well as colour."""
    text = Text()
    if not items:
        text.append("Nothing is due.")
        return text
    for item in items[:limit]:
        if item.overdue:
            text.append("OVERDUE ", style="bold reverse")
        text.append(f"{item.due_on} {item.case}", style="bold")
        text.append(f"\n{printable(item.what)}\n")  # no indent: wrapped lines would lose it
    if limit is not None and len(items) > limit:
        text.append(f"… and {len(items) - limit} more (d)")
    return text


class DueScreen(Dialog[None]):
    """Everything due across cases, with sources."""

    BINDINGS = [Binding("escape,d,q", "dismiss", "Close", id="due.close")]

    def __init__(self, items: list[Any]) -> None:
        super().__init__()
        self.items = items

    def compose(self) -> ComposeResult:
        text = Text("What is due, soonest first\n\n", style="bold")
        for item in self.items:
            if item.overdue:
                text.append("OVERDUE ", style="bold reverse")
            text.append(f"{item.due_on}  {item.case}\n", style="bold")
            text.append(f"{printable(item.what)}\n")
            text.append(f"Source: {printable(item.source)}\n\n", style="dim")
        if not self.items:
            text.append("Nothing is due.\n")
        text.append("Esc closes.")
        with VerticalScroll(classes="dialog-box", id="due-all"):
            yield Static(text)

    def on_mount(self) -> None:
        self.query_one("#due-all").focus()
