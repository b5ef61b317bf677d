"""What every step of a flow shares: its id, text, condition and cards; what every
question adds (label, hint, optional, where its answer feeds the table); the
placeholders a text may hold; and `AnswerError`, which says what is wrong with an
answer in words a practitioner can act on. The kinds are in `steps` and `risk_steps`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.flows.conditions import Condition, parse_condition
from assistant.flows.links import linked_cards

STEP_ID = r"^[a-z][a-z0-9_]{0,63}$"
OPTION_VALUE = r"^[a-z0-9][a-z0-9_]{0,63}$"
YES_NO_UNKNOWN = {"yes": "Yes", "no": "No", "unknown": "Not known"}
SCALE_MIN, SCALE_MAX = 0, 10
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Dates a practitioner can type: wide enough for any real case, narrow enough that
#: the due dates and six-month rules counted from them stay inside the calendar.
FIRST_DATE, LAST_DATE = date(1990, 1, 1), date(2100, 12, 31)


class AnswerError(ValueError):
    """An answer that does not fit its question; the message says why."""


#: A placeholder in a message step's text, filled from the case's records by
#: whoever runs the flow (`FlowSession(recorded=...)`; casework works the values
#: out): `{recorded:<flow>.<step>}` is the newest answer to that question in the
#: case (several, comma-separated: the newest of them); `{case:<name>}` is one of
#: CASE_FACTS. Never code: a name, looked up.
PLACEHOLDER = re.compile(r"\{(recorded|case):([^{}\n]*)\}")
RECORDED_REF = re.compile(r"^[a-z][a-z0-9-]{0,63}\.[a-z][a-z0-9_]{0,63}$")
CASE_FACTS = {
    "agreed_level": "the level last agreed (a round's, or one agreed with a manager)",
    "last_classified": "the latest classification recorded: its level, whose it is, its date",
    "round": "the latest round of independent classification: who has rated, whether agreed",
    "assessment": "what the assessment flows recorded, about whom and when, and the adults "
    "named for assessment with nothing recorded (a list)",
    "due": "what is due and overdue for the case, soonest first (a list)",
}


def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the placeholders in `text` (the names only; whether a
    recorded question exists is checked where every flow is known)."""
    problems = []
    for match in PLACEHOLDER.finditer(text):
        kind, body = match.groups()
        if kind == "case" and body not in CASE_FACTS:
            problems.append(f"{match.group()}: not one of {', '.join(CASE_FACTS)}")
        elif kind == "recorded":
            refs = [ref.strip() for ref in body.split(",")]
            if not all(RECORDED_REF.match(ref) for ref in refs):
                problems.append(f"{match.group()}: write it {{recorded:<flow id>.<step id>}}")
    return problems


def recorded_refs(text: str) -> list[tuple[str, str]]:
    """The (flow id, step id) pairs that `{recorded:...}` placeholders in `text` name."""
    refs = []
    for match in PLACEHOLDER.finditer(text):
        if match.group(1) == "recorded":
            for ref in match.group(2).split(","):
                flow, _, step = ref.strip().partition(".")
                refs.append((flow, step))
    return refs


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=STEP_ID)]
    text: Annotated[str, Field(min_length=1)]
    cite: tuple[str, ...] = ()
    when: Condition | None = None

    is_question: ClassVar[bool] = False
    #: whether the text may hold placeholders filled from the case's records
    fills_placeholders: ClassVar[bool] = False

    @field_validator("when", mode="before")
    @classmethod
    def _parse_when(cls, raw: Any) -> Condition | None:
        return None if raw is None else parse_condition(raw)

    @field_validator("text")
    @classmethod
    def _placeholders(cls, text: str) -> str:
        if PLACEHOLDER.search(text) and not cls.fills_placeholders:
            raise ValueError("placeholders ({recorded:...}, {case:...}) work in messages only")
        problems = placeholder_problems(text)
        if problems:
            raise ValueError("; ".join(problems))
        return text

    def cards(self) -> tuple[str, ...]:
        """The content cards that explain this step: those it cites, then those it links."""
        return tuple(dict.fromkeys((*self.cite, *linked_cards(self.text))))


class MessageStep(_Step):
    """The assistant says something; nothing is asked. Its text may show what the
    case has recorded (placeholders: see PLACEHOLDER)."""

    kind: Literal["message"]
    fills_placeholders: ClassVar[bool] = True

    def placeholders(self) -> list[str]:
        """The placeholders in the text, e.g. "case:due", each once, in order."""
        return list(dict.fromkeys(f"{k}:{b}" for k, b in PLACEHOLDER.findall(self.text)))


class Feed(BaseModel):
    """Where a question's answer goes in the risk classification (see assistant.casework.feeds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: Annotated[str, Field(min_length=1)]
    values: dict[str, str | int | bool] | None = None

    def value_for(self, answer: Any) -> tuple[bool, Any]:
        """(True, input value) when `answer` feeds something, else (False, None)."""
        if self.values is None:
            return True, answer
        if isinstance(answer, str) and answer in self.values:
            return True, self.values[answer]
        return False, None


class _Question(_Step):
    label: Annotated[str, Field(min_length=1, max_length=80)]
    hint: str | None = None
    optional: bool = False
    feeds: Feed | None = None

    is_question: ClassVar[bool] = True

    def check(self, value: Any, today: date | None = None) -> Any:
        """Return the value to store for `value`, or raise `AnswerError`."""
        raise NotImplementedError

    def display(self, value: Any) -> str:
        """The stored value as a practitioner reads it."""
        return str(value)

    def answer_values(self) -> list[str]:
        """The fixed answers this question allows (empty when answers are open)."""
        return []

    def fed(self, value: Any) -> tuple[str, Any] | None:
        """(classification input path, value) that this answer feeds, if any."""
        if self.feeds is None:
            return None
        feeds, fed_value = self.feeds.value_for(value)
        return (self.feeds.to, fed_value) if feeds else None

    def fed_all(self, value: Any) -> list[tuple[str, Any]]:
        """Every (input path, value) this answer feeds: one at most, except a factor
        tick list, which feeds each factor left unticked as not present."""
        fed = self.fed(value)
        return [] if fed is None else [fed]

    @property
    def feeds_the_table(self) -> bool:
        """Whether an answer here can change Reunify's reading of the table (its feed,
        a factor, a factor tick list, or a decision kept with the case)."""
        return self.feeds is not None
