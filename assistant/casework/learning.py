"""Learning the framework: practice cases and a research quiz (issue 10).

Practice cases (`content/practice/*.toml`) are fictional; a learner records
them through the same flows as real work, but in a separate learning database
(`paths.learning_db_path`), so practice never mixes with real cases. Comparing
with the model answer names the rows that differ, the factors missed and what
learners often overlook, with the reasoning and its sources.

The quiz (`content/quiz.toml`) gives immediate feedback with the source and
brings missed questions back sooner: a question answered wrongly returns to box
1 (asked every round), one answered rightly moves up a box (asked every 2nd, 4th,
8th round). Progress is kept per learner in the learning folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.records.storage import write_atomic

LEVEL = Literal["low", "medium", "high", "severe"]
ROWS = ("risk_factors", "protective_factors", "capacity_to_change", "wishes")
#: flows a learner records a practice case with, in order
PRACTICE_FLOWS = (
    "case-profile",
    "future-harm-factors",
    "capacity-to-change",
    "wishes-and-feelings",
    "risk-classification",
)


class LearningError(ValueError):
    """A practice case or quiz file that is wrong; the message says where."""


class Miss(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    cite: str


class Protection(BaseModel):
    """A protective factor in a model answer with the risks it reduces (classify
    contract version 2; NSPCC framework, Stage 2, Task 1, 'strengths vs protective
    factors'). An empty `mitigates` is a strength that reduces none of them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    status: Literal["present", "absent", "unknown"]
    mitigates: tuple[str, ...] = ()


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    level: LEVEL
    rows: dict[str, LEVEL]
    capacity_to_change: str
    wishes_parents: str
    wishes_child: str
    reasoning: str
    #: factor id -> status, or for a protective factor {status, mitigates}
    factors: dict[str, str | Protection] = {}
    misses: tuple[Miss, ...] = ()

    def factor_input(self) -> dict[str, Any]:
        """The factors as the classifier's input takes them."""
        return {
            fid: value if isinstance(value, str) else value.model_dump(mode="json")
            for fid, value in self.factors.items()
        }

    @model_validator(mode="after")
    def _four_rows(self) -> Model:
        if set(self.rows) != set(ROWS):
            raise ValueError(f"rows must be exactly {', '.join(ROWS)}")
        return self


class PracticeCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, Field(pattern=r"^practice-[a-z0-9-]{1,50}$")]
    title: str
    summary: str
    traps: tuple[str, ...] = ()
    child_age_band: str
    legal_status: str
    history: str
    parents_say: str
    child_says: str
    professionals: str
    model: Model

    @property
    def ref(self) -> str:
        """The learning case's reference (a practice case is one case per learner)."""
        return self.id.upper()[:32]

    def text(self) -> str:
        """The case to read, as Markdown."""
        return (
            f"# {self.title}\n\n*Fictional practice case: no real child or family.*\n\n"
            f"## Case history\n\n{self.history.strip()}\n\n"
            f"## What the parents or carers say\n\n{self.parents_say.strip()}\n\n"
            f"## What the child says\n\n{self.child_says.strip()}\n\n"
            f"## What other professionals report\n\n{self.professionals.strip()}\n"
        )


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, Field(pattern=r"^q-[a-z0-9-]{1,60}$")]
    form: Literal["choice", "true_false", "which_level", "next_step"]
    topic: Literal["research", "table", "six_month_rules", "factors", "capacity"]
    question: str
    options: Annotated[tuple[str, ...], Field(min_length=2, max_length=5)]
    answer: int
    explanation: str
    cite: str

    @model_validator(mode="after")
    def _answer_in_range(self) -> Question:
        if not 0 <= self.answer < len(self.options):
            raise ValueError("answer is not the index of an option")
        return self


def _load(path: Path, model: Any) -> Any:
    from assistant.flows.content import load_model

    return load_model(path, model, LearningError)


def load_practice(content: Path) -> dict[str, PracticeCase]:
    cases = {}
    for path in sorted((content / "practice").glob("*.toml")):
        case = _load(path, PracticeCase)
        if case.id != path.stem:
            raise LearningError(f"{path}: id {case.id!r} must match the file name")
        cases[case.id] = case
    return cases


class _Quiz(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    questions: Annotated[tuple[Question, ...], Field(min_length=1)]


def load_quiz(content: Path) -> list[Question]:
    path = content / "quiz.toml"
    if not path.exists():
        return []
    questions = list(_load(path, _Quiz).questions)
    ids = [q.id for q in questions]
    if len(ids) != len(set(ids)):
        raise LearningError(f"{path}: two questions share an id")
    return questions


# -- practice: comparing with the model answer ------------------------------------
@dataclass(frozen=True)
class RowResult:
    row: str
    learner: str | None
    model: str

    @property
    def differs(self) -> bool:
        return self.learner != self.model


@dataclass(frozen=True)
class Comparison:
    case: PracticeCase
    rows: list[RowResult]
    learner_level: str
    #: factor id, the model's value, the learner's (None when not recorded)
    missed_factors: list[tuple[str, Any, Any]]

    @property
    def rows_that_differ(self) -> list[str]:
        return [r.row for r in self.rows if r.differs]


class NotClassifiedYet(LearningError):
    """The learner has not recorded a level for the practice case: the model answer
    stays hidden (the framework asks for an independent classification before views
    are compared, Stage 2, Task 1)."""


def first_classify(library: Any) -> str:
    """What to do before the model answer can be seen."""
    flow = library.flows.get("risk-classification") if library is not None else None
    title = flow.title if flow is not None else "risk classification"
    return (
        "Record your own level first: choose the flow "
        f"'{title}' in this practice case, work through it and record your decision. "
        "Then press m to compare with the model answer. The model answer stays hidden "
        "until you have classified the case yourself, as the framework asks each person "
        "to classify independently before comparing views (Stage 2, Task 1)."
    )


def _status(value: Any) -> Any:
    return value.get("status") if isinstance(value, dict) else value


def _same(model: Any, learner: Any) -> bool:
    """A factor recorded as the model has it: the same status and, for a present
    protective factor, the same risks named as reduced."""
    want = model if isinstance(model, str) else model.model_dump(mode="json")
    if _status(want) != _status(learner):
        return False
    if isinstance(want, dict) and want.get("status") == "present":
        got = learner.get("mitigates", []) if isinstance(learner, dict) else None
        return got is not None and set(got) == set(want.get("mitigates", []))
    return True


def compare(store: Any, library: Any, case: PracticeCase) -> Comparison:
    """The learner's recorded answers on a practice case beside its model answer.

    Raises NotClassifiedYet until a decision (the learner's own level) is recorded
    for the practice case: we chose a recorded decision over a finished
    risk-classification session because the decision is the level that is compared,
    and a session can be finished, or abandoned, without one being kept."""
    from assistant.casework.classification import classify_case

    decisions = store.decisions(case.ref)
    if not decisions:
        raise NotClassifiedYet(first_classify(library))
    latest = sorted(enumerate(decisions), key=lambda iv: (iv[1]["at"], iv[0]))[-1][1]
    now = classify_case(store, library, case.ref)
    learner_rows: dict[str, str] = {}
    if now.result is not None and not now.inputs.empty:
        learner_rows = {k: v for k, v in now.result.rows.as_dict().items() if v is not None}
    rows = [RowResult(row, learner_rows.get(row), case.model.rows[row]) for row in ROWS]
    recorded = now.inputs.data.get("factors", {}) if now.result is not None else {}
    missed = [
        (factor, value, recorded.get(factor))
        for factor, value in case.model.factors.items()
        if not _same(value, recorded.get(factor))
    ]
    return Comparison(case, rows, str(latest["level"]), missed)


ROW_LABELS = {
    "risk_factors": "Risk factors",
    "protective_factors": "Protective factors",
    "capacity_to_change": "Parents' capacity for actual change",
    "wishes": "Wishes about return",
}


def _factor_words(value: Any, path: str) -> str:
    from assistant.casework.inputs_text import value_words

    if value is None:
        return "not recorded"
    if not isinstance(value, str | dict):
        value = value.model_dump(mode="json")
    return value_words(value, path)


def comparison_text(result: Comparison) -> str:
    """The feedback, as Markdown: level, rows (those that differ named), factors, misses.
    Factor names and answers are shown as labels, never internal ids."""
    from assistant.casework.inputs_text import input_label

    model = result.case.model
    verdict = "matches" if result.learner_level == model.level else "differs from"
    lines = [
        f"# Your answer beside the model answer: {result.case.title}",
        "",
        f"**Overall:** yours {result.learner_level.upper()} (your decision) "
        f"{verdict} the model answer {model.level.upper()}.",
        "",
    ]
    differ = [ROW_LABELS[r] for r in result.rows_that_differ]
    if differ:
        lines += [f"**Rows that differ:** {', '.join(differ)}.", ""]
    else:
        lines += ["**Every row matches the model answer.**", ""]
    lines += [
        "Your rows are Reunify's reading of the framework's table from the answers you "
        "recorded; the model's are the rows its author judged.",
        "",
        "| Row | From your answers | Model | |",
        "|---|---|---|---|",
    ]
    for row in result.rows:
        mark = "DIFFERS" if row.differs else "same"
        yours = (row.learner or "not recorded").upper()
        lines.append(f"| {ROW_LABELS[row.row]} | {yours} | {row.model.upper()} | {mark} |")
    lines.append("")
    if result.missed_factors:
        lines += ["## Factors to look at again", ""]
        for factor, model_value, learner_value in result.missed_factors:
            path = f"factors.{factor}"
            lines.append(
                f"- {input_label(path)}: model {_factor_words(model_value, path)}, "
                f"yours {_factor_words(learner_value, path)}"
            )
        lines.append("")
    lines += ["## The reasoning", "", model.reasoning.strip(), ""]
    if model.misses:
        lines += ["## What is easy to miss here", ""]
        lines += [f"- {m.text} *({m.cite})*" for m in model.misses]
    return "\n".join(lines) + "\n"


# -- the quiz ------------------------------------------------------------------
#: a box's questions are asked every this many rounds
BOX_EVERY = {0: 1, 1: 1, 2: 2, 3: 4, 4: 8, 5: 16}
MASTERED_BOX = 3


class QuizProgress:
    """One learner's boxes, kept in `<learning folder>/quiz-progress.json` (0600)."""

    def __init__(self, folder: Path, learner: str) -> None:
        self.path = Path(folder) / "quiz-progress.json"
        self.learner = learner
        try:
            self.all = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.all = {}
        mine = self.all.setdefault(learner, {"round": 0, "boxes": {}, "asked": {}})
        self.round: int = int(mine.get("round", 0))
        self.boxes: dict[str, int] = {k: int(v) for k, v in mine.get("boxes", {}).items()}
        #: the round in which each question was last asked
        self.asked: dict[str, int] = {k: int(v) for k, v in mine.get("asked", {}).items()}

    def due(self, questions: list[Question], size: int = 8) -> list[Question]:
        """This round's questions: missed ones first, then unseen, then those whose
        box says it is time again (box 2 after 2 rounds, box 3 after 4, ...)."""

        def is_due(q: Question) -> bool:
            box = self.boxes.get(q.id, 0)
            waited = self.round - self.asked.get(q.id, self.round)
            return box <= 1 or waited >= BOX_EVERY.get(box, 16)

        due = [q for q in questions if is_due(q)]
        order = {1: 0, 0: 1}
        due.sort(key=lambda q: (order.get(self.boxes.get(q.id, 0), 2), q.id))
        return due[:size] or questions[:size]

    def answered(self, question: Question, correct: bool) -> None:
        """A miss goes back to box 1; a right answer moves up (an unseen one to box 2)."""
        box = self.boxes.get(question.id, 0)
        self.boxes[question.id] = min(max(box, 1) + 1, 5) if correct else 1
        self.asked[question.id] = self.round

    def finish_round(self) -> None:
        self.round += 1
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.all[self.learner] = {"round": self.round, "boxes": self.boxes, "asked": self.asked}
        write_atomic(self.path, json.dumps(self.all, indent=2).encode("utf-8"))

    def summary(self, questions: list[Question]) -> str:
        mastered = sum(1 for q in questions if self.boxes.get(q.id, 0) >= MASTERED_BOX)
        missed = sum(1 for q in questions if self.boxes.get(q.id, 0) == 1)
        unseen = sum(1 for q in questions if q.id not in self.boxes)
        return (
            f"{mastered} of {len(questions)} questions well known, {missed} to practise again "
            f"soon, {unseen} not yet seen; {self.round} round(s) done."
        )


QUIZ_ID = "research-quiz"


def learning_items(content: Path) -> list[dict[str, Any]]:
    """Practice cases and the quiz, listed beside the flows (audience `learning`)."""
    items = [
        {
            "id": case.id,
            "title": f"Practice: {case.title}",
            "audience": "learning",
            "stages": [1, 2],
        }
        for case in load_practice(content).values()
    ]
    if load_quiz(content):
        items.append(
            {"id": QUIZ_ID, "title": "Research quiz", "audience": "learning", "stages": [1, 2, 3]}
        )
    return items
