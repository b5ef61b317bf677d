"""A flow session as a pure state machine (no Textual, no database).

The session's state is derived from its answer events alone, so it can be
resumed from what the store kept: the latest event for a step is its answer
(or its skip), and the current question is the first visible question with
neither — unless the practitioner went back to change an earlier one.

A message may show what the case has recorded (placeholders such as
`{case:due}`, see `assistant.flows.steps.PLACEHOLDER`). Whoever runs the
session passes the values in (`recorded`, worked out by
`assistant.casework.due.recorded_values`); the steps the conversation shows
(`transcript`, `messages_before`) then carry them, as data, never markup.
Without values a placeholder reads as where to look instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.flows.flow_index import index_of
from assistant.flows.loader import Flow
from assistant.flows.steps import PLACEHOLDER
from assistant.records.events import AnswerEvent
from assistant.text import printable

__all__ = [
    "AnswerEvent",
    "FlowSession",
    "Recorded",
    "RunnerError",
    "Turn",
    "about_words",
    "counted",
    "fill",
]

#: What the case recorded, for a flow's placeholders: "case:due" -> a list of lines,
#: "recorded:<flow>.<step>" -> words. A missing or empty value reads NOTHING_YET.
Recorded = Mapping[str, str | list[str]]
NOTHING_YET = "nothing recorded yet"
#: What a placeholder reads when the caller did not fill it in.
NOT_FILLED = {
    "case:due": "see what is due: d on the home screen",
    "": "see the case screen",
}
#: Every ASCII punctuation character may be backslash-escaped in CommonMark and
#: then shows as itself: recorded words never become formatting or links.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def as_markdown_text(words: str) -> str:
    """Recorded words safe inside a message's Markdown: shown exactly, on one line."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(printable(words).split()))


def fill(text: str, recorded: Recorded | None) -> str:
    """`text` with each placeholder replaced by what the case recorded. A list stands
    as bullets when its placeholder is alone on its line, else joined by "; "."""

    def value(match: re.Match[str]) -> str | list[str]:
        key = f"{match.group(1)}:{match.group(2)}"
        if recorded is None:
            return f"({NOT_FILLED.get(key, NOT_FILLED[''])})"
        found = recorded.get(key)
        return found if found else NOTHING_YET

    lines = []
    for line in text.split("\n"):
        alone = PLACEHOLDER.fullmatch(line.strip())
        if alone and isinstance(shown := value(alone), list):
            lines += [f"- {as_markdown_text(item)}" for item in shown]
            continue

        def inline(match: re.Match[str]) -> str:
            shown = value(match)
            words = "; ".join(shown) if isinstance(shown, list) else shown
            return words if recorded is None else as_markdown_text(words)

        lines.append(PLACEHOLDER.sub(inline, line))
    return "\n".join(lines)


def counted(flow: Flow, given: Mapping[str, Any]) -> dict[str, Any]:
    """Of `given` (each question's newest answer, skipped ones left out), the answers
    that count: those of the questions visible on them, in the flow's order (what
    `FlowSession.answers` gives for the same answers)."""
    return _walk(flow, given)[1]


def _walk(flow: Flow, given: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The flow's visible steps, and the answers of its visible questions: a step is
    visible when its condition holds on the answers of the visible steps before it."""
    answers: dict[str, Any] = {}
    visible = []
    for step, check, step_id, question in index_of(flow).plan:
        if check is not None and not check(answers):
            continue
        visible.append(step)
        if question and step_id in given:
            answers[step_id] = given[step_id]
    return visible, answers


class RunnerError(ValueError):
    """An action that the session cannot take in its present state."""


@dataclass(frozen=True)
class Turn:
    """A visible step of the conversation, with its answer if it has one."""

    step: Any
    value: Any = None
    answered: bool = False
    skipped: bool = False


class FlowSession:
    """One run through a flow: start, answer, back, change, skip, finish, resume."""

    def __init__(
        self, flow: Flow, events: Iterable[AnswerEvent] = (), recorded: Recorded | None = None
    ) -> None:
        self.flow = flow
        #: what the case recorded, for the placeholders of the flow's messages
        self.recorded = recorded
        self.history: list[AnswerEvent] = []
        self._latest: dict[str, AnswerEvent] = {}
        self._revisit: str | None = None
        for event in events:
            self._record(event)

    def _record(self, event: AnswerEvent) -> None:
        self.history.append(event)
        self._latest[event.step] = event

    # -- what is visible -------------------------------------------------
    def _given(self) -> dict[str, Any]:
        return {step: e.value for step, e in self._latest.items() if not e.skipped}

    def visible_steps(self) -> list[Any]:
        """Steps whose conditions hold, judged on the answers of visible steps only."""
        return _walk(self.flow, self._given())[0]

    def shown(self, step: Any) -> Any:
        """The step as the conversation shows it: a message with its placeholders
        filled in from `recorded` (a copy; the flow is never changed)."""
        if not getattr(step, "fills_placeholders", False) or not PLACEHOLDER.search(step.text):
            return step
        return step.model_copy(update={"text": fill(step.text, self.recorded)})

    def answers(self) -> dict[str, Any]:
        """The current answer of each visible, answered question."""
        return _walk(self.flow, self._given())[1]

    def _settled(self, step: Any) -> bool:
        return step.id in self._latest

    @property
    def current(self) -> Any | None:
        """The question being asked now, or None when every question is settled."""
        visible = self.visible_steps()
        if self._revisit is not None and any(s.id == self._revisit for s in visible):
            return self.flow.step(self._revisit)
        return next((s for s in visible if s.is_question and not self._settled(s)), None)

    @property
    def complete(self) -> bool:
        return self.current is None

    def progress(self) -> tuple[int, int]:
        """(settled questions, visible questions)."""
        questions = [s for s in self.visible_steps() if s.is_question]
        return sum(self._settled(s) for s in questions), len(questions)

    def transcript(self) -> list[Turn]:
        """The conversation so far: visible steps up to the first open question."""
        turns = []
        for step in self.visible_steps():
            event = self._latest.get(step.id) if step.is_question else None
            if event is None:
                turns.append(Turn(self.shown(step)))
                if step.is_question:
                    break
            else:
                turns.append(Turn(step, event.value, not event.skipped, event.skipped))
        return turns

    def messages_before(self, step_id: str | None) -> list[Any]:
        """The message steps shown between the previous question and `step_id` (or the end)."""
        pending: list[Any] = []
        for step in self.visible_steps():
            if step.id == step_id:
                return pending
            pending = [] if step.is_question else [*pending, self.shown(step)]
        return pending

    def ruled_out(self, step_id: str) -> bool:
        """True when the answers given rule the question out: it is hidden by its
        condition and the session has gone past it (e.g. the father's wishes where
        no father was named). A question not reached yet is not ruled out."""
        visible = self.visible_steps()
        if any(s.id == step_id for s in visible):
            return False
        order = [s.id for s in self.flow.steps]
        first_open = next((s for s in visible if s.is_question and not self._settled(s)), None)
        return first_open is None or order.index(first_open.id) > order.index(step_id)

    # -- actions ---------------------------------------------------------
    def _require_current(self) -> Any:
        step = self.current
        if step is None:
            raise RunnerError("every question in this flow has been answered")
        return step

    def prepare_answer(self, value: Any, today: date | None = None) -> AnswerEvent:
        """The event for answering the current question; `AnswerError` if it does not fit.

        Nothing changes until `apply`, so a caller can store the event first.
        """
        step = self._require_current()
        return AnswerEvent(step.id, step.check(value, today))

    def prepare_skip(self) -> AnswerEvent:
        step = self._require_current()
        if not step.optional:
            raise RunnerError(f"'{step.label}' needs an answer; it cannot be skipped")
        return AnswerEvent(step.id, None, skipped=True)

    def apply(self, event: AnswerEvent) -> None:
        """Take a prepared (and stored) event into the session."""
        self._record(event)
        self._revisit = None

    def answer(self, value: Any, today: date | None = None) -> AnswerEvent:
        """Answer the current question; raise `AnswerError` if the value does not fit."""
        event = self.prepare_answer(value, today)
        self.apply(event)
        return event

    def skip(self) -> AnswerEvent:
        """Skip the current question, if it is optional."""
        event = self.prepare_skip()
        self.apply(event)
        return event

    @property
    def revisiting(self) -> bool:
        """True while an earlier answer is reopened to be changed."""
        return self._revisit is not None and self.current is not None

    def back(self) -> Any:
        """Go back to the visible question before the current one, to change it."""
        questions = [s for s in self.visible_steps() if s.is_question]
        current = self.current
        index = questions.index(current) if current in questions else len(questions)
        if index == 0:
            raise RunnerError("this is the first question; there is nothing before it")
        self._revisit = questions[index - 1].id
        return questions[index - 1]

    def change(self, step_id: str) -> Any:
        """Reopen an earlier, visible question so its answer can be changed."""
        for step in self.visible_steps():
            if step.id == step_id and step.is_question:
                self._revisit = step_id
                return step
        raise RunnerError(f"there is no question '{step_id}' to change in this conversation")

    def cancel_change(self) -> None:
        """Leave the earlier answer as it was and return to the first open question."""
        self._revisit = None

    def summary(self) -> list[tuple[str, str]]:
        """What was recorded: (label, answer as read) for each visible question."""
        rows = []
        for step in self.visible_steps():
            if not step.is_question:
                continue
            event = self._latest.get(step.id)
            if event is None:
                shown = "not yet answered"
            elif event.skipped:
                shown = "skipped"
            else:
                shown = step.display(event.value)
            rows.append((step.label, shown))
        return rows

    def finish(self) -> list[tuple[str, str]]:
        """Check that nothing is left to answer and return the summary."""
        step = self.current
        if step is not None:
            raise RunnerError(f"'{step.label}' is still open")
        return self.summary()


def about_words(flow: Flow, events: Iterable[AnswerEvent]) -> str | None:
    """Whom a session is about (its flow's `about` answer, e.g. "Mother") in words,
    or None when the flow names nobody or the question is not answered yet."""
    if flow.about is None:
        return None
    latest = None
    for event in events:
        if event.step == flow.about:
            latest = event
    if latest is None or latest.skipped:
        return None
    return str(flow.step(flow.about).display(latest.value))
