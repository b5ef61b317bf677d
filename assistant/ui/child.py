"""Child mode: what the child sees, and what the worker is told before handing over.

A flow for use with a child (audience "child") shows the child plain words
only. What is meant for the worker (each question's hint, the keys, the
paragraphs of the flow written "*For the worker: ...*") is shown once, on a
handover screen, before the child starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from assistant.ui.dialog import Dialog

#: How to answer each kind of question, in words for a child.
CHILD_HOW = {
    "text": "Type your answer, then press Enter.",
    "choice": "Press the number of your answer (or ↑ ↓ and Enter).",
    "yes_no_unknown": "Press 1 for yes, 2 for no, 3 if you are not sure.",
    "multi": "Press space or a number to tick ([x]), then Enter when you are done.",
    "scale": "Press a number, or ← →, then Enter.",
    "date": "Type the date like 2026-03-01, then press Enter.",
}
#: Said under a question the child need not answer.
CHILD_OPTIONAL = "You do not have to answer this one."
#: The last line of a child's conversation.
CHILD_DONE = "All done. Thank you for sharing your answers."
#: What F2 says in a child's conversation when no card is written for children.
NO_CHILD_CARD = "There is nothing more to read for this question."

_WORKER_NOTE = "*For the worker:"


def worker_notes(text: str) -> tuple[str, list[str]]:
    """`text` without its paragraphs for the worker, and those paragraphs' words."""
    kept: list[str] = []
    notes: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", text.strip()):
        body = paragraph.strip()
        if body.startswith(_WORKER_NOTE) and body.endswith("*"):
            note = body.removeprefix(_WORKER_NOTE).removesuffix("*")
            notes.append(" ".join(note.split()))
        else:
            kept.append(paragraph)
    return "\n\n".join(kept), notes


def child_how(kind: str, optional: bool) -> str:
    """The line under a question in a child's conversation."""
    how = CHILD_HOW.get(kind, "Answer, then press Enter.")
    return f"{how} {CHILD_OPTIONAL}" if optional else how


def handover_text(flow: Any) -> Text:
    """The worker's guidance for a child's flow: hints, keys and notes."""
    text = Text(f"Before you hand over: {flow.title}\n", style="bold")
    text.append("For you, the worker. The child's screen shows none of this.\n")
    by_hint: dict[str, list[str]] = {}
    for step in flow.steps:
        if getattr(step, "hint", None):
            by_hint.setdefault(" ".join(step.hint.split()), []).append(step.label)
    if by_hint:
        text.append("\nTaking their answers\n", style="bold")
        for hint, labels in by_hint.items():
            text.append(f"• {hint} ")
            text.append(f"({'; '.join(labels)})\n", style="dim")
    text.append("\nKeys while the child is at the screen\n", style="bold")
    text.append(
        "• Enter sends an answer. ctrl+o skips a question they would rather not "
        "answer; ctrl+b goes back to change one.\n"
        "• ctrl+x twice leaves. Esc does nothing here, so a child cannot reach the "
        "cases: no library, risk panel or other flow. Every answer is saved as it "
        "is given.\n"
    )
    notes = worker_notes(flow.intro)[1]
    for step in flow.steps:
        if step.kind == "message":
            notes += worker_notes(step.text)[1]
    if notes:
        text.append("\nNotes for you\n", style="bold")
        for note in notes:
            text.append(f"• {note}\n")
    text.append("\nEnter: hand over to the child · Esc: back to the cases", style="bold")
    return text


class Handover(Dialog[bool]):
    """The worker's screen before a child's flow starts: True hands over, False leaves."""

    DEFAULT_CSS = "Handover > .dialog-box { height: auto; max-height: 100%; }"
    BINDINGS = [
        Binding("enter", "answer(True)", "Hand over", id="handover.start"),
        Binding("escape", "answer(False)", "Back to the cases", id="handover.back"),
    ]

    def __init__(self, flow: Any) -> None:
        super().__init__()
        self.flow = flow

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="handover"):
            yield Static(handover_text(self.flow))

    def on_mount(self) -> None:
        self.query_one("#handover").focus()

    def action_answer(self, start: bool) -> None:
        self.dismiss(start)


class WorkerPassword(Dialog[bool]):
    """On a team server a child's conversation ends only with the worker's password:
    a child in the browser cannot leave into adult screens."""

    DEFAULT_CSS = "WorkerPassword > .dialog-box { height: auto; width: 60; }"
    BINDINGS = [Binding("escape", "stay", "Stay with the child", id="worker_password.stay")]

    def __init__(self, root: Path, worker: str) -> None:
        super().__init__()
        self.root, self.worker = root, worker

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(f"For the worker: {self.worker}'s password to leave.", markup=False)
            yield Input(password=True, id="worker-password")
            yield Static("", id="worker-password-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#worker-password", Input).focus()

    @on(Input.Submitted, "#worker-password")
    def _check(self, event: Input.Submitted) -> None:
        from assistant.records.users import verify

        if verify(self.root, self.worker, event.value) is not None:
            self.dismiss(True)
            return
        event.input.value = ""
        self.query_one("#worker-password-error", Static).update("That is not the password.")

    def action_stay(self) -> None:
        self.dismiss(False)
