"""The kinds of step a flow can hold, and how each kind checks an answer.

A step is a `message` (the assistant says something) or a question of one of
the kinds below. Each question kind turns a raw answer into the value that is
stored, or raises `AnswerError` with a message a practitioner can act on.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.flows.risk_steps import (
    A_STRENGTH,
    AGREED_WITH_MAX,
    COMPARED,
    EVIDENCE_NEEDED,
    FACTOR_STATUS_LABELS,
    PROTECTIVE_CHOICES,
    RISK_CHOICES,
    ClassificationStep,
    DecisionStep,
    FactorStep,
)
from assistant.flows.step_base import (
    CASE_FACTS,
    FIRST_DATE,
    ISO_DATE,
    LAST_DATE,
    OPTION_VALUE,
    PLACEHOLDER,
    SCALE_MAX,
    SCALE_MIN,
    YES_NO_UNKNOWN,
    AnswerError,
    Feed,
    MessageStep,
    _Question,
    placeholder_problems,
    recorded_refs,
)

#: The kinds and what goes with them, from here (the risk kinds are in `risk_steps`,
#: what every step shares in `step_base`).
__all__ = [
    "AGREED_WITH_MAX",
    "A_STRENGTH",
    "CASE_FACTS",
    "COMPARED",
    "EVIDENCE_NEEDED",
    "FACTOR_STATUS_LABELS",
    "KINDS",
    "LEFT_UNTICKED",
    "PLACEHOLDER",
    "PROTECTIVE_CHOICES",
    "RISK_CHOICES",
    "SCALE_MAX",
    "SCALE_MIN",
    "YES_NO_UNKNOWN",
    "AnswerError",
    "ChoiceStep",
    "ClassificationStep",
    "DateStep",
    "DecisionStep",
    "FactorStep",
    "Feed",
    "MessageStep",
    "MultiStep",
    "Option",
    "Question",
    "ScaleStep",
    "Step",
    "TextStep",
    "YesNoUnknownStep",
    "placeholder_problems",
    "recorded_refs",
]
from assistant.risk.factors import FACTORS_BY_ID
from assistant.text import clean_text


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Annotated[str, Field(pattern=OPTION_VALUE)]
    label: Annotated[str, Field(min_length=1)]


class _WithOptions(_Question):
    options: Annotated[tuple[Option, ...], Field(min_length=2, max_length=12)]

    @field_validator("options")
    @classmethod
    def _unique(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        seen: set[str] = set()
        for option in options:
            if option.value in seen:
                raise ValueError(f"option value {option.value!r} is used twice")
            seen.add(option.value)
        return options

    def answer_values(self) -> list[str]:
        return [o.value for o in self.options]

    def label_of(self, value: str) -> str:
        return next((o.label for o in self.options if o.value == value), value)

    def _known(self, value: Any) -> str:
        values = [o.value for o in self.options]
        if value not in values:
            raise AnswerError(f"{value!r} is not one of the options ({', '.join(values)})")
        return value


class ChoiceStep(_WithOptions):
    """One option from a list."""

    kind: Literal["choice"]

    def check(self, value: Any, today: date | None = None) -> str:
        return self._known(value)

    def display(self, value: Any) -> str:
        return self.label_of(value)


#: The most options a factor tick list may show: every factor of the largest domain.
TICK_LIST_MAX = 20
#: How a factor left unticked in a tick list reads wherever it is shown.
LEFT_UNTICKED = "left unticked, so recorded as not present"


class MultiStep(_WithOptions):
    """Any number of options from a list (none is a valid answer).

    With `unticked = "absent"` it is a factor tick list: each option's value is a
    factor id, and every factor left unticked is recorded as not present for the
    person the session is about (it feeds `factors.<id>` = "absent" by itself).
    The ticked ones are asked next, each by a factor step whose condition is
    `{ step = "<this list>", ticked = "<factor id>" }`.
    """

    kind: Literal["multi"]
    options: Annotated[tuple[Option, ...], Field(min_length=2, max_length=TICK_LIST_MAX)]
    unticked: Literal["absent"] | None = None

    @model_validator(mode="after")
    def _tick_list(self) -> MultiStep:
        if self.unticked is None:
            if len(self.options) > 12:
                raise ValueError(
                    f'options: at most 12 (a factor tick list, unticked = "absent", '
                    f"may have {TICK_LIST_MAX})"
                )
            return self
        wrong = [o.value for o in self.options if o.value not in FACTORS_BY_ID]
        if wrong:
            raise ValueError(
                f"options: {', '.join(repr(w) for w in wrong)} is not a factor id "
                '(a list with unticked = "absent" ticks factors)'
            )
        if self.feeds is not None:
            raise ValueError("a factor tick list feeds what is left unticked; remove 'feeds'")
        return self

    def check(self, value: Any, today: date | None = None) -> list[str]:
        if not isinstance(value, list | tuple | set | frozenset):
            raise AnswerError("choose the options that apply")
        chosen = {self._known(v) for v in value}
        return [o.value for o in self.options if o.value in chosen]

    def display(self, value: Any) -> str:
        if self.unticked is None:
            return "; ".join(self.label_of(v) for v in value) if value else "None of these"
        left = [o.label for o in self.options if o.value not in value]
        shown = "Ticked: " + ("; ".join(self.label_of(v) for v in value) if value else "none")
        if left:
            shown += f". {LEFT_UNTICKED[0].upper()}{LEFT_UNTICKED[1:]}: " + "; ".join(left)
        return shown

    def fed_all(self, value: Any) -> list[tuple[str, Any]]:
        if self.unticked is None:
            return super().fed_all(value)
        return [(f"factors.{o.value}", "absent") for o in self.options if o.value not in value]

    @property
    def feeds_the_table(self) -> bool:
        return self.unticked is not None or self.feeds is not None

    def card_for(self, value: str) -> str | None:
        """The card that explains one option (a factor's own card in a tick list)."""
        return f"factor-{value}" if self.unticked is not None else None


class ScaleStep(_Question):
    """A whole number from 0 to 10."""

    kind: Literal["scale"]
    min_label: str | None = None
    max_label: str | None = None

    def check(self, value: Any, today: date | None = None) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnswerError(f"give a whole number from {SCALE_MIN} to {SCALE_MAX}")
        if not SCALE_MIN <= value <= SCALE_MAX:
            raise AnswerError(f"{value} is outside the scale {SCALE_MIN} to {SCALE_MAX}")
        return value

    def display(self, value: Any) -> str:
        return f"{value} out of {SCALE_MAX}"


class YesNoUnknownStep(_Question):
    """Yes, no, or not known."""

    kind: Literal["yes_no_unknown"]

    def answer_values(self) -> list[str]:
        return list(YES_NO_UNKNOWN)

    def check(self, value: Any, today: date | None = None) -> str:
        if value not in YES_NO_UNKNOWN:
            raise AnswerError("answer yes, no or unknown")
        return value

    def display(self, value: Any) -> str:
        return YES_NO_UNKNOWN.get(value, str(value))


class TextStep(_Question):
    """Free text, kept exactly as typed (less control characters)."""

    kind: Literal["text"]
    placeholder: str | None = None
    max_length: Annotated[int, Field(ge=1, le=100_000)] = 20_000

    def check(self, value: Any, today: date | None = None) -> str:
        if not isinstance(value, str):
            raise AnswerError("write the answer as text")
        text = clean_text(value)
        if not text:
            hint = "; or skip it, it is optional" if self.optional else ""
            raise AnswerError("the answer is empty" + hint)
        if len(text) > self.max_length:
            raise AnswerError(f"the answer is {len(text)} characters; at most {self.max_length}")
        return text


class DateStep(_Question):
    """A calendar date written YYYY-MM-DD."""

    kind: Literal["date"]
    allow_future: bool = True
    allow_past: bool = True

    def check(self, value: Any, today: date | None = None) -> str:
        text = value.strip() if isinstance(value, str) else ""
        if not ISO_DATE.fullmatch(text):
            raise AnswerError(f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise AnswerError(f"{text} is not a real date") from None
        if not FIRST_DATE <= day <= LAST_DATE:
            raise AnswerError(
                f"{text} is outside {FIRST_DATE.year}-{LAST_DATE.year}; check the year"
            )
        today = today or date.today()
        if not self.allow_future and day > today:
            raise AnswerError(f"{text} is in the future; this question needs a date up to today")
        if not self.allow_past and day < today:
            raise AnswerError(f"{text} is in the past; this question needs today or later")
        return text

    def display(self, value: Any) -> str:
        day = date.fromisoformat(value)
        return f"{day.day} {day:%B %Y}"  # a day without its leading zero, on every platform


Question = (
    ChoiceStep
    | MultiStep
    | ScaleStep
    | YesNoUnknownStep
    | TextStep
    | DateStep
    | FactorStep
    | DecisionStep
)
Step = Annotated[MessageStep | ClassificationStep | Question, Field(discriminator="kind")]
KINDS = (
    "message",
    "classification",
    "choice",
    "multi",
    "scale",
    "yes_no_unknown",
    "text",
    "date",
    "factor",
    "decision",
)
