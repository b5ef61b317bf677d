"""What is due across cases, on the home screen and in a dialog (`d`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from assistant.text import printable
from assistant.ui.audit_list import BlockList
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


class DueBlocks:
    """What is due as blocks for a `BlockList` (only what is in sight is drawn: at
    1,000 cases there are thousands of items, and one Static of all of them took
    seconds to open): the title, one block for each item with its source, and how
    to close it."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items) + 2

    def text(self, index: int) -> Text:
        if index == 0:
            title = Text()
            title.append("What is due, soonest first", style="bold")
            return title if self.items else title.append("\n\nNothing is due.")
        if index > len(self.items):
            return Text("\nEsc closes." if self.items else "Esc closes.")
        item = self.items[index - 1]
        text = Text("\n")  # a blank line before each item
        if item.overdue:
            text.append("OVERDUE ", style="bold reverse")
        text.append(f"{item.due_on}  {item.case}\n", style="bold")
        text.append(f"{printable(item.what)}\n")
        text.append(f"Source: {printable(item.source)}", style="dim")
        return text

    def guesses(self, width: int) -> list[int]:
        width = max(width, 1)
        items = [
            2 + (len(i.what) + width - 1) // width + (len(i.source) + 8 + width - 1) // width
            for i in self.items
        ]
        return [1 if self.items else 3, *items, 2 if self.items else 1]


class DueScreen(Dialog[None]):
    """Everything due across cases, with sources."""

    BINDINGS = [Binding("escape,d,q", "dismiss", "Close", id="due.close")]

    def __init__(self, items: list[Any]) -> None:
        super().__init__()
        self.items = items

    def compose(self) -> ComposeResult:
        yield BlockList(DueBlocks(self.items), classes="dialog-box", id="due-all")

    def on_mount(self) -> None:
        self.query_one("#due-all").focus()
