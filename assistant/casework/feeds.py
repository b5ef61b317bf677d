"""How answers feed the risk classification.

A question in a flow may carry `feeds`: the classification input it fills in
(`to`, a path such as `capacity_to_change` or `factors.substance_misuse`) and,
optionally, how its answers translate (`values`, answer → input value; an
answer not in the table feeds nothing). This module knows the input paths and
the values each accepts, checks a flow's feeds, and builds the classifier's
input from everything a case has recorded.

Combining. First, for each question and each person a session is about (a
flow's `about` step, e.g. which parent), only the newest answer counts: a
later assessment replaces an earlier one (issue 4). Then the answers left for
one input are combined (issue 3: factors are combined across parents):
- a risk factor takes its worst status (not_addressed > being_addressed >
  unknown > addressed > absent: an unknown never hides a known concern, and
  never reads as "absent");
- a protective factor is present if any answer says present, else unknown if
  any says unknown, else absent;
- the parents' wishes take the most cautious answer (opposed > ambivalent >
  unknown > want), so one parent's doubt is never hidden by the other's wish;
- capacity to change takes the most cautious answer (unknown > none > some >
  substantial), so it is substantial only if every answer says so;
- any other input takes the newest answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.risk import PROTECTIVE_FACTORS, PROTECTIVE_STATUSES, RISK_FACTORS, RISK_STATUSES
from assistant.risk.model import CAPACITY_VALUES, CHILD_WISHES, LEGAL_STATUSES, PARENT_WISHES

RISK_ORDER = ("absent", "addressed", "unknown", "being_addressed", "not_addressed")
PROTECTIVE_ORDER = ("absent", "unknown", "present")
CAUTIOUS_ORDERS = {
    "wishes.parents": ("want", "unknown", "ambivalent", "opposed"),
    "wishes.child": ("want", "not_applicable", "unknown", "ambivalent", "opposed"),
    "capacity_to_change": ("substantial", "some", "none", "unknown"),
}

#: Input paths other than factors, and what each accepts ("int", "bool", "date" or values).
PATHS: dict[str, Any] = {
    "child.age_months": "int",
    "child.legal_status": LEGAL_STATUSES,
    "child.returned_home_on": "date",
    "capacity_to_change": CAPACITY_VALUES,
    "wishes.parents": PARENT_WISHES,
    "wishes.child": CHILD_WISHES,
    "facts.previous_failed_returns": "int",
    "facts.chronic_neglect_or_emotional_abuse": "bool",
    "facts.involved_since_pregnancy": "bool",
    "facts.substantial_change_within_6_months_of_birth": "bool",
    "facts.goals_not_met_reviews": "int",
}
for _factor in RISK_FACTORS:
    PATHS[f"factors.{_factor.id}"] = RISK_STATUSES
for _factor in PROTECTIVE_FACTORS:
    PATHS[f"factors.{_factor.id}"] = PROTECTIVE_STATUSES

#: Which step kinds can feed which sort of input.
KIND_FITS = {
    "choice": ("values", "int", "bool"),
    "yes_no_unknown": ("values", "bool"),
    "scale": ("int",),
    "date": ("date",),
}


def accepts(path: str, value: Any) -> bool:
    """True when `value` is a valid classifier value for `path`."""
    wanted = PATHS[path]
    if wanted == "int":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if wanted == "bool":
        return isinstance(value, bool)
    if wanted == "date":
        return isinstance(value, str)
    return value in wanted


def feed_problems(
    kind: str, to: str, values: dict[str, Any] | None, answers: list[Any]
) -> list[str]:
    """What is wrong with a step's `feeds`, given its kind and possible answers."""
    if to not in PATHS:
        return [f"feeds.to: '{to}' is not a classification input (see the README, 'Feeds')"]
    wanted = PATHS[to]
    sort = wanted if isinstance(wanted, str) else "values"
    if sort not in KIND_FITS.get(kind, ()):
        return [f"feeds.to: a {kind} question cannot feed '{to}'"]
    problems = []
    if values is not None:
        for answer in values:
            if answers and answer not in answers:
                problems.append(f"feeds.values: '{answer}' is not an answer to this question")
        problems += [
            f"feeds.values: {v!r} is not a valid value for '{to}'"
            for v in values.values()
            if not accepts(to, v)
        ]
    elif answers:
        problems += [
            f"feeds: answer '{a}' is not a valid value for '{to}'; add a 'values' table"
            for a in answers
            if not accepts(to, a)
        ]
    return problems


@dataclass(frozen=True)
class FedAnswer:
    """One answer that feeds the classification, and where it came from."""

    path: str
    value: Any
    at: str
    flow_title: str
    step_label: str
    #: the question it answers (flow id, step id) and who the session was about
    question: tuple[str, str] = ("", "")
    subject: str = ""
    #: the answer's place in the case's record, to order answers given in the same second
    seq: int = 0

    @property
    def order(self) -> tuple[str, int]:
        return (self.at, self.seq)


@dataclass(frozen=True)
class CaseInput:
    """The classifier's input for a case, with the answers behind each path."""

    data: dict[str, Any]
    sources: dict[str, list[FedAnswer]]

    @property
    def empty(self) -> bool:
        return not self.sources


def _combine(path: str, fed: list[FedAnswer]) -> Any:
    if path.startswith("factors."):
        order = RISK_ORDER if PATHS[path] == RISK_STATUSES else PROTECTIVE_ORDER
        return max((f.value for f in fed), key=order.index)
    if path in CAUTIOUS_ORDERS:
        return max((f.value for f in fed), key=CAUTIOUS_ORDERS[path].index)
    return max(fed, key=lambda f: f.order).value


def newest_per_question(fed: Iterable[FedAnswer]) -> list[FedAnswer]:
    """Keep the newest answer to each question about each person."""
    newest: dict[tuple[str, str, str, str], FedAnswer] = {}
    for answer in fed:
        key = (answer.path, *answer.question, answer.subject.casefold())
        if key not in newest or answer.order >= newest[key].order:
            newest[key] = answer
    return list(newest.values())


def build_input(fed: Iterable[FedAnswer], assessed_on: date) -> CaseInput:
    """The classifier's input from a case's fed answers (history comes later, issue 8)."""
    by_path: dict[str, list[FedAnswer]] = {}
    for answer in newest_per_question(fed):
        by_path.setdefault(answer.path, []).append(answer)
    data: dict[str, Any] = {"assessed_on": assessed_on.isoformat()}
    for path, answers in sorted(by_path.items()):
        head, _, tail = path.partition(".")
        value = _combine(path, answers)
        if tail:
            data.setdefault(head, {})[tail] = value
        else:
            data[head] = value
    return CaseInput(data, by_path)
