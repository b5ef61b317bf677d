"""The audit of a case, and archiving it: who recorded what and when."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from assistant.documents.describe import describe
from assistant.records.store import AuditRow
from assistant.text import printable
from assistant.ui.dialog import Dialog
from assistant.ui.stamps import when


def audit_text(
    ref: str, rows: list[AuditRow], library: Any = None, problem: str | None = None
) -> Text:
    """Every answer event, oldest first; a changed answer shows what it replaced. A
    broken chain in the case's log is named first, with its first bad line."""
    text = Text(f"Audit of case {ref}: every answer as it was recorded\n", style="bold")
    if problem:
        text.append(
            f"\n⚠ WARNING: the answer log was changed outside Reunify: {printable(problem)}. "
            "Run 'reunify check' and restore this case from a backup if needed.\n",
            style="bold",
        )
    if not rows:
        text.append("\nNo answers yet.")
    for row in rows:
        who, title = printable(row.who), printable(row.flow_title)
        text.append(f"\n#{row.seq} · {when(row.at)} · {who} · {title}\n", style="dim")
        flow = library.flows.get(row.flow_id) if library is not None else None
        label, answer = describe(flow, row.step, row.value, row.skipped)
        text.append(f"{label}: ", style="bold")
        text.append(answer)
        if row.changed:
            text.append("\n  CHANGED — it was: ", style="bold")
            text.append(describe(flow, row.step, row.replaced, row.replaced_skipped)[1])
        text.append("\n")
    text.append("\nEsc closes.")
    return text


class AuditScreen(Dialog[None]):
    """A case's answer events over the case screen."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="audit.close")]

    def __init__(
        self, ref: str, rows: list[AuditRow], library: Any = None, problem: str | None = None
    ) -> None:
        super().__init__()
        self.ref = ref
        self.rows = rows
        self.library = library
        self.problem = problem

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="audit"):
            yield Static(audit_text(self.ref, self.rows, self.library, self.problem))

    def on_mount(self) -> None:
        self.query_one("#audit").focus()


class ConfirmArchive(Dialog[bool]):
    """Archiving a case needs a deliberate yes; it can be undone from the command line."""

    DEFAULT_CSS = "ConfirmArchive > .dialog-box { height: auto; width: 70; }"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes, archive", id="archive.yes"),
        Binding("n,escape", "answer(False)", "No", id="archive.no"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(
                f"Archive case {self.ref}?\n\nIt leaves the lists; every answer is kept, and "
                f"'reunify case unarchive {self.ref}' brings it back. Purging for good is "
                "only done from the command line, naming the case.\n\ny: archive · n: keep it",
                markup=False,
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
