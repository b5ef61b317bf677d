"""How answers feed the risk classification.

A question in a flow may carry `feeds`: the classification input it fills in
(`to`, a path such as `capacity_to_change` or `factors.substance_misuse`) and,
optionally, how its answers translate (`values`, answer → input value; an
answer not in the table feeds nothing). The paths and what each accepts live in
`assistant.flows.feed_targets`; this module builds the classifier's input from
everything a case has recorded.

Combining. First, for each question and each person a session is about (a
flow's `about` step, e.g. which parent), only the newest answer counts: a
later assessment replaces an earlier one (issue 4). Then the answers left for
one input are combined (issue 3: factors are combined across parents):
- a risk factor takes its worst status (not_addressed > being_addressed >
  unknown > addressed > absent: an unknown never hides a known concern, and
  never reads as "absent");
- a protective factor is present if any answer says present, else unknown if
  any says unknown, else absent; when present, it reduces every risk that any
  answer named in `mitigates` (an answer that named none adds nothing);
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

from assistant.flows.feed_targets import NOT_KNOWN, PATHS
from assistant.risk import RISK_STATUSES

#: Inputs that cannot be null: "not known" leaves them out (they stay unknown).
NOT_KNOWN_LEFT_OUT = ("child.age_months", "child.legal_status")
RISK_ORDER = ("absent", "addressed", "unknown", "being_addressed", "not_addressed")
PROTECTIVE_ORDER = ("absent", "unknown", "present")
CAUTIOUS_ORDERS = {
    "wishes.parents": ("want", "unknown", "ambivalent", "opposed"),
    "wishes.child": ("want", "not_applicable", "unknown", "ambivalent", "opposed"),
    "capacity_to_change": ("substantial", "some", "none", "unknown"),
}


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


def _status(value: Any) -> Any:
    return value["status"] if isinstance(value, dict) else value


def _combine(path: str, fed: list[FedAnswer]) -> Any:
    if path.startswith("factors.") and PATHS[path] == RISK_STATUSES:
        return max((f.value for f in fed), key=RISK_ORDER.index)
    if path.startswith("factors."):
        status = max((_status(f.value) for f in fed), key=PROTECTIVE_ORDER.index)
        named = [f.value["mitigates"] for f in fed if isinstance(f.value, dict)]
        if status != "present" or not named:
            return status
        # present for someone: it reduces every risk any answer named
        return {"status": status, "mitigates": sorted({r for risks in named for r in risks})}
    if path in CAUTIOUS_ORDERS:
        return max((f.value for f in fed), key=CAUTIOUS_ORDERS[path].index)
    return max(fed, key=lambda f: f.order).value


QuestionKey = tuple[str, str, str, str]


def question_key(answer: FedAnswer) -> QuestionKey:
    """What makes two answers answers to the same question about the same person."""
    return (answer.path, *answer.question, answer.subject.casefold())


def newest_per_question(fed: Iterable[FedAnswer]) -> list[FedAnswer]:
    """Keep the newest answer to each question about each person (of two given at
    the same moment, the later in `fed`), in the order each question first came."""
    newest: dict[QuestionKey, FedAnswer] = {}
    for answer in fed:
        key = question_key(answer)
        if key not in newest or answer.order >= newest[key].order:
            newest[key] = answer
    return list(newest.values())


def build_input(fed: Iterable[FedAnswer], assessed_on: date) -> CaseInput:
    """The classifier's input from a case's fed answers (history comes later, issue 8)."""
    by_path: dict[str, list[FedAnswer]] = {}
    for answer in newest_per_question(fed):
        by_path.setdefault(answer.path, []).append(answer)
    return input_from(by_path, assessed_on)


def input_from(by_path: dict[str, list[FedAnswer]], assessed_on: date) -> CaseInput:
    """The classifier's input from the newest answers to each question, by path."""
    data: dict[str, Any] = {"assessed_on": assessed_on.isoformat()}
    for path, answers in sorted(by_path.items()):
        head, _, tail = path.partition(".")
        value = _combine(path, answers)
        if value == NOT_KNOWN:  # "not known": a null fact or date; a child's age left out
            if path in NOT_KNOWN_LEFT_OUT:
                continue
            value = None
        if tail:
            data.setdefault(head, {})[tail] = value
        else:
            data[head] = value
    return CaseInput(data, by_path)
