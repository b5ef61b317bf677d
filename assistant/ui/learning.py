"""Learning screens: a practice case (read it, record it, compare) and the quiz.

Practice is recorded in the learning database (never the real one) through the
same chat flows as real work.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from assistant.casework.learning import (
    PRACTICE_FLOWS,
    NotClassifiedYet,
    PracticeCase,
    Question,
    QuizProgress,
    compare,
    comparison_text,
)
from assistant.records.store import Store, StoreError
from assistant.text import printable
from assistant.ui.dialog import Dialog
from assistant.ui.inputs import ChoiceInput, Submitted
from assistant.ui.markdown import LinkedMarkdown


def learning_store() -> Store:
    """The learning database (created on first use), apart from real cases."""
    from assistant.paths import learning_db_path

    return Store(learning_db_path())


class PracticeScreen(Screen):
    """Read the case, record it through the flows, then compare with the model answer."""

    BINDINGS = [
        Binding("escape", "dismiss", "Back", id="practice.back", tooltip="Back to the home screen"),
        Binding(
            "m",
            "compare",
            "Compare with the model",
            id="practice.compare",
            tooltip="Your recorded answers beside the model answer, row by row",
        ),
    ]
    DEFAULT_CSS = """
    PracticeScreen #practice-text { width: 3fr; padding: 0 1; }
    PracticeScreen #practice-side { width: 2fr; padding: 0 1; }
    PracticeScreen .heading { width: 100%; text-style: bold; }
    PracticeScreen #practice-flows { height: auto; max-height: 12; }
    """

    def __init__(self, case: PracticeCase, library: Any, store: Store | None = None) -> None:
        super().__init__()
        self.case = case
        self.library = library
        self.store = store or learning_store()
        try:
            self.store.case(case.ref)
        except StoreError:
            self.store.create_case(case.ref)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="practice-text"):
                yield Static(LinkedMarkdown(self.case.text()))
            with Vertical(id="practice-side"):
                yield Label("Record it, as you would a real case", classes="heading")
                yield OptionList(id="practice-flows")
                yield Static(
                    "Practice is kept in the learning space, never with real cases. "
                    "Record your own level first (the last flow in the list); then "
                    "press m to compare with the model answer.",
                    markup=False,
                )
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Practice case"
        self.sub_title = self.case.title
        self._fill()
        self.query_one("#practice-flows").focus()

    def on_screen_resume(self) -> None:
        self._fill()

    def _fill(self) -> None:
        done = {s.flow_id for s in self.store.sessions(self.case.ref) if s.finished}
        flows = self.query_one("#practice-flows", OptionList)
        flows.clear_options()
        for flow_id in PRACTICE_FLOWS:
            flow = self.library.flows.get(flow_id)
            if flow is not None:
                mark = "[x]" if flow_id in done else "[ ]"
                flows.add_option(Option(Text(f"{mark} {flow.title}"), id=flow_id))
        ready = bool(self.store.decisions(self.case.ref))
        label = "Compare with the model answer (m)"
        if not ready:
            label += ": record your level first"
        flows.add_option(Option(Text(label), id="compare"))

    @on(OptionList.OptionSelected, "#practice-flows")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "compare":
            self.action_compare()
            return
        from assistant.ui.chat import ChatScreen

        flow = self.library.flows[str(event.option.id)]
        record = self.store.start_session(self.case.ref, flow.id, flow.title)
        self.app.push_screen(ChatScreen(self.store, self.library, flow, record))

    def action_compare(self) -> None:
        try:
            result = compare(self.store, self.library, self.case)
        except NotClassifiedYet as exc:
            self.app.push_screen(FeedbackScreen(f"# Not yet\n\n{exc}\n"))
            return
        self.app.push_screen(FeedbackScreen(comparison_text(result)))


class FeedbackScreen(Dialog[None]):
    """The comparison with the model answer."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="feedback.close")]

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="feedback"):
            yield Static(LinkedMarkdown(self.markdown))

    def on_mount(self) -> None:
        self.query_one("#feedback").focus()


class QuizScreen(Screen):
    """One round of the research quiz: answer, see why, go on."""

    BINDINGS = [
        Binding(
            "escape", "dismiss", "Stop", id="quiz.stop", tooltip="Stop (progress so far is kept)"
        ),
        Binding("enter", "next", "Next", id="quiz.next", show=False),
    ]
    DEFAULT_CSS = """
    QuizScreen #quiz-box { padding: 1 2; }
    QuizScreen #quiz-slot { height: auto; }
    QuizScreen #quiz-feedback { margin-top: 1; height: auto; }
    """

    def __init__(self, questions: list[Question], progress: QuizProgress) -> None:
        super().__init__()
        self.all_questions = questions
        self.progress = progress
        self.round = progress.due(questions)
        self.index = 0
        self.score = 0
        self.answered = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="quiz-box"):
            yield Static(id="quiz-question", markup=False)
            yield Vertical(id="quiz-slot")
            yield Static(id="quiz-feedback", markup=False)
        yield Footer()

    async def on_mount(self) -> None:
        self.title = "Research quiz"
        await self._ask()

    @property
    def current(self) -> Question:
        return self.round[self.index]

    async def _ask(self) -> None:
        q = self.current
        self.answered = False
        self.sub_title = f"question {self.index + 1} of {len(self.round)}"
        self.query_one("#quiz-question", Static).update(
            Text(f"{q.question}\n\nPress the number of your answer.", style="bold")
        )
        self.query_one("#quiz-feedback", Static).update("")
        slot = self.query_one("#quiz-slot", Vertical)
        await slot.remove_children()
        options = [(str(i), printable(text)) for i, text in enumerate(q.options)]
        choice = ChoiceInput(options, id="quiz-answer")
        await slot.mount(choice)
        choice.focus()

    @on(Submitted)
    def _answered(self, message: Submitted) -> None:
        message.stop()
        if self.answered:
            return
        q = self.current
        chosen = int(message.value)
        correct = chosen == q.answer
        self.answered = True
        self.score += correct
        self.progress.answered(q, correct)
        self.progress.save()
        verdict = Text("Right. " if correct else "Not quite. ", style="bold")
        if not correct:
            verdict.append(f"The answer is: {printable(q.options[q.answer])}. ")
        verdict.append(printable(q.explanation))
        verdict.append(f"\nSource: {printable(q.cite)}", style="dim")
        verdict.append("\n\nEnter for the next question.")
        self.query_one("#quiz-feedback", Static).update(verdict)
        self.query_one("#quiz-slot", Vertical).remove_children()
        self.query_one("#quiz-feedback").focus()

    async def action_next(self) -> None:
        if not self.answered:
            return
        if self.index + 1 < len(self.round):
            self.index += 1
            await self._ask()
            return
        self.progress.finish_round()
        summary = self.progress.summary(self.all_questions)
        self.query_one("#quiz-question", Static).update(
            Text(f"Round done: {self.score} of {len(self.round)} right.\n\n{summary}", style="bold")
        )
        self.query_one("#quiz-feedback", Static).update(
            "Questions you missed come back in the next round. Esc returns to the home screen."
        )
        self.answered = False
