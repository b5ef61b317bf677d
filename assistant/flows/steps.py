"""The kinds of step a flow can hold, and how each kind checks an answer.

A step is a `message` (the assistant says something) or a question of one of
the kinds below. Each question kind turns a raw answer into the value that is
stored, or raises `AnswerError` with a message a practitioner can act on.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.flows.conditions import Condition, parse_condition
from assistant.flows.links import linked_cards
from assistant.risk import LEVELS
from assistant.risk.factors import FACTORS_BY_ID
from assistant.risk.table import ROW_NAMES
from assistant.text import NOTE_MAX, check_length, clean_text

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


FACTOR_STATUS_LABELS = {
    "absent": "Not present",
    "addressed": "Present, fully addressed",
    "being_addressed": "Present, being addressed",
    "not_addressed": "Present, not being addressed",
    "present": "Present",
    "unknown": "Not known",
}
#: The statuses a factor question offers, in the order shown. One order for both
#: kinds, so a number key means the same in every factor question: 1 is "not
#: present", 2 "not known", and the numbers from 3 say how it is present.
RISK_CHOICES: tuple[str, ...] = (
    "absent",
    "unknown",
    "addressed",
    "being_addressed",
    "not_addressed",
)
PROTECTIVE_CHOICES: tuple[str, ...] = ("absent", "unknown", "present")
#: A risk factor that is present and not fully dealt with needs a line of evidence:
#: what shows it (Annex 1 says what counts; Stage 2 Task 1 rates on evidence).
EVIDENCE_NEEDED: tuple[str, ...] = ("being_addressed", "not_addressed")
#: How a present protective factor that reduces none of the recorded risks reads.
A_STRENGTH = "none of these: it is a strength, not a protection"


def _risk_ids(value: Any) -> list[str]:
    """The risk factor ids a protective factor is said to reduce."""
    if not isinstance(value, list | tuple) or not all(
        isinstance(r, str) and r in FACTORS_BY_ID and FACTORS_BY_ID[r].kind == "risk" for r in value
    ):
        raise AnswerError("choose the recorded risks this protective factor reduces")
    return list(dict.fromkeys(value))


class FactorStep(_Question):
    """A factor associated with future harm (Stage 1; Annex 1): its status and the evidence.

    The answer is `{"status": ..., "note": ...}`, and for a protective factor that
    is present, `"mitigates": [<risk factor id>, ...]`: the case's recorded risks it
    reduces, chosen from a list (an empty list: "none of these, it is a strength,
    not a protection"). The note is evidence, never the link (Stage 2, "strengths
    vs protective factors"). It feeds `factors.<id>` by itself and cites the
    factor's card.
    """

    kind: Literal["factor"]
    factor: str

    @field_validator("factor")
    @classmethod
    def _known_factor(cls, factor: str) -> str:
        if factor not in FACTORS_BY_ID:
            raise ValueError(
                f"{factor!r} is not a factor id (see the README, 'Risk classification')"
            )
        return factor

    @field_validator("feeds")
    @classmethod
    def _no_feeds(cls, feeds: Feed | None) -> Feed | None:
        if feeds is not None:
            raise ValueError("a factor step feeds its factor by itself; remove 'feeds'")
        return feeds

    @property
    def protective(self) -> bool:
        return FACTORS_BY_ID[self.factor].kind == "protective"

    @property
    def feeds_the_table(self) -> bool:
        return True

    def answer_values(self) -> list[str]:
        return list(PROTECTIVE_CHOICES if self.protective else RISK_CHOICES)

    def check(self, value: Any, today: date | None = None) -> dict[str, Any]:
        if not isinstance(value, dict) or value.get("status") not in self.answer_values():
            raise AnswerError(f"choose a status: {', '.join(self.answer_values())}")
        note = clean_text(value.get("note") or "")
        try:
            check_length(note, "evidence note")
        except ValueError as exc:
            raise AnswerError(str(exc)) from None
        if not note and self.needs_evidence(value["status"]):
            raise AnswerError(
                f"write a line of evidence: '{FACTOR_STATUS_LABELS[value['status']]}' "
                "needs what shows the risk is there (what was seen, said or recorded)"
            )
        kept: dict[str, Any] = {"status": value["status"], "note": note}
        mitigates = value.get("mitigates")
        if mitigates is not None and self.protective and value["status"] == "present":
            kept["mitigates"] = _risk_ids(mitigates)
        return kept

    def needs_evidence(self, status: str) -> bool:
        """True for a risk factor that is present and not fully addressed."""
        return not self.protective and status in EVIDENCE_NEEDED

    def display(self, value: Any) -> str:
        shown = FACTOR_STATUS_LABELS[value["status"]]
        if "mitigates" in value:
            risks = [FACTORS_BY_ID[r].label for r in value["mitigates"] if r in FACTORS_BY_ID]
            shown += f"; reduces: {', '.join(risks)}" if risks else f"; reduces {A_STRENGTH}"
        return f"{shown} — {value['note']}" if value.get("note") else shown

    def fed(self, value: Any) -> tuple[str, Any] | None:
        if "mitigates" in value:
            status = {"status": value["status"], "mitigates": list(value["mitigates"])}
            return (f"factors.{self.factor}", status)
        return (f"factors.{self.factor}", value["status"])

    def cards(self) -> tuple[str, ...]:
        return (f"factor-{self.factor}", *super().cards())


#: The longest manager's name kept with a decision agreed with them.
AGREED_WITH_MAX = 80


class DecisionStep(_Question):
    """The practitioner's own level and reason (the table guides; people decide).

    The answer is `{level, reason, suggested}`, with `agreed_with` (the manager's
    name) when the decision was agreed with a manager. The step checks the
    answer's shape only. Whoever hands the answer in applies casework's rule for
    a decision that differs from the suggestion
    (`assistant.casework.decisions.make_decision`): the flow engine never imports
    casework.

    `blind = true`: the practitioner decides before looking at Reunify's reading
    (Stage 2 Task 1: classify on your own, then confer). The reading is neither
    shown nor used to check the reason; it is kept with the decision afterwards.
    """

    kind: Literal["decision"]
    blind: bool = False

    @property
    def feeds_the_table(self) -> bool:
        return True  # kept with the case's decisions, which the six-month rules read

    def check(self, value: Any, today: date | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise AnswerError("choose a level and give the reason")
        level = str(value.get("level") or "")
        if level not in LEVELS:
            raise AnswerError(f"{level!r} is not a level ({', '.join(LEVELS)})")
        reason = clean_text(str(value.get("reason") or ""))
        if not reason:
            raise AnswerError("give the reason for this decision")
        if len(reason) > NOTE_MAX:
            raise AnswerError(f"the reason is {len(reason)} characters; at most {NOTE_MAX}")
        suggested = value.get("suggested")
        kept: dict[str, Any] = {
            "level": level,
            "reason": reason,
            "suggested": suggested if suggested in LEVELS else None,
        }
        who = clean_text(str(value.get("agreed_with") or ""))
        if len(who) > AGREED_WITH_MAX:
            raise AnswerError(
                f"the manager's name is {len(who)} characters; at most {AGREED_WITH_MAX}"
            )
        if who:
            kept["agreed_with"] = who
        return kept

    def display(self, value: Any) -> str:
        shown = f"{value['level'].upper()} — {value['reason']}"
        if value.get("agreed_with"):
            shown += f" (agreed with {value['agreed_with']})"
        return shown


#: What a classification step can set beside Reunify's reading: the four rows and
#: the overall level.
COMPARED = (*ROW_NAMES, "overall")


class ClassificationStep(_Step):
    """The assistant shows Reunify's reading of the framework's table now, from
    everything recorded.

    With `compare` it shows the reading beside the practitioner's own levels, row
    by row, and names the rows that differ: `compare` maps each of the four rows
    (`risk_factors`, `protective_factors`, `capacity_to_change`, `wishes`) to an
    earlier `choice` question whose options are the four levels, and `overall`
    to an earlier `decision` question. Until the step is reached, the reading is
    kept out of sight (classify before you look, Stage 2 Task 1).
    """

    kind: Literal["classification"]
    compare: dict[str, str] | None = None

    @field_validator("compare")
    @classmethod
    def _rows(cls, compare: dict[str, str] | None) -> dict[str, str] | None:
        if compare is None:
            return None
        unknown = sorted(set(compare) - set(COMPARED))
        if unknown:
            raise ValueError(f"compare: {', '.join(unknown)} is not one of {', '.join(COMPARED)}")
        missing = [name for name in COMPARED if name not in compare]
        if missing:
            raise ValueError(f"compare: name a question for {', '.join(missing)}")
        return {name: compare[name] for name in COMPARED}

    def own_levels(self, answers: dict[str, Any]) -> dict[str, str | None]:
        """The practitioner's own level for each compared row, from the session's answers."""
        own: dict[str, str | None] = {}
        for name, step_id in (self.compare or {}).items():
            value = answers.get(step_id)
            level = value.get("level") if isinstance(value, dict) else value
            own[name] = level if level in LEVELS else None
        return own


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
