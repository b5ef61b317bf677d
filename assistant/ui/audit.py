"""The audit of a case, and archiving it: who recorded what and when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from assistant.documents.describe import describe
from assistant.records.store import AuditRow
from assistant.text import printable
from assistant.ui.audit_list import BlockList
from assistant.ui.dialog import Dialog
from assistant.ui.stamps import when


def title_text(ref: str, problem: str | None = None, empty: bool = False) -> Text:
    """The audit's first lines: what it is, and a broken chain in the case's log
    named first, with its first bad line."""
    text = Text(f"Audit of case {ref}: every answer as it was recorded", style="bold")
    if problem:
        text.append(
            f"\n\n⚠ WARNING: the answer log was changed outside Reunify: {printable(problem)}. "
            "Run 'reunify check' and restore this case from a backup if needed.",
            style="bold",
        )
    if empty:
        text.append("\n\nNo answers yet.")
    return text


def event_text(row: AuditRow, library: Any = None) -> Text:
    """One answer event after a blank line: its number, when, who and in which flow,
    the answer, and for a changed answer what it replaced."""
    who, title = printable(row.who), printable(row.flow_title)
    text = Text(f"\n#{row.seq} · {when(row.at)} · {who} · {title}\n", style="dim")
    flow = library.flows.get(row.flow_id) if library is not None else None
    label, answer = describe(flow, row.step, row.value, row.skipped)
    text.append(f"{label}: ", style="bold")
    text.append(answer)
    if row.changed:
        text.append("\n  CHANGED — it was: ", style="bold")
        text.append(describe(flow, row.step, row.replaced, row.replaced_skipped)[1])
    return text


class AuditBlocks:
    """The audit as blocks for a `BlockList`: its title, one block for each answer
    event (oldest first, built when it comes into sight), and how to close it."""

    #: a question's label, roughly, for guessing how many lines an event takes
    LABEL = 30

    def __init__(
        self, ref: str, rows: Sequence[AuditRow], library: Any = None, problem: str | None = None
    ) -> None:
        self.ref, self.rows, self.library, self.problem = ref, rows, library, problem

    def __len__(self) -> int:
        return len(self.rows) + 2

    def text(self, index: int) -> Text:
        if index == 0:
            return title_text(self.ref, self.problem, empty=not self.rows)
        if index > len(self.rows):
            return Text("\nEsc closes." if self.rows else "Esc closes.")
        return event_text(self.rows[index - 1], self.library)

    def guesses(self, width: int) -> list[int]:
        sizes = getattr(self.rows, "sizes", None)  # an AuditTrail sizes its rows unbuilt
        if sizes is not None:
            answers, replaced = sizes()
        else:
            answers = [len(str(row.value)) for row in self.rows]
            replaced = [len(str(row.replaced)) if row.changed else -1 for row in self.rows]
        label, width = self.LABEL, max(width, 1)
        # a blank line, the header, the answer, and what it replaced
        events = [
            2 + (label + a + width - 1) // width + ((20 + r + width - 1) // width if r >= 0 else 0)
            for a, r in zip(answers, replaced, strict=True)
        ]
        title = 1 + (2 + len(self.problem) // width if self.problem else 0)
        return [title, *events, 2]


class AuditScreen(Dialog[None]):
    """A case's answer events over the case screen, rendered as they come into sight."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="audit.close")]

    def __init__(
        self, ref: str, rows: Sequence[AuditRow], library: Any = None, problem: str | None = None
    ) -> None:
        super().__init__()
        self.ref = ref
        self.rows = rows
        self.library = library
        self.problem = problem

    def compose(self) -> ComposeResult:
        blocks = AuditBlocks(self.ref, self.rows, self.library, self.problem)
        yield BlockList(blocks, classes="dialog-box", id="audit")

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
