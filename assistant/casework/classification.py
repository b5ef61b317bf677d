"""A case's current classification, worked out from everything it has recorded.

Glue between the store (what was answered), the flows (which answers feed
which input) and the pure engine in `assistant.risk`. No Textual here: the
side panel only shows what `classify_case` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.casework.feeds import CaseInput, FedAnswer, build_input
from assistant.casework.timeline import history
from assistant.flows.loader import FlowLibrary
from assistant.flows.runner import FlowSession
from assistant.records.store import Store
from assistant.risk.engine import Result, evaluate
from assistant.risk.explain import Explanation, explanations
from assistant.risk.model import ClassificationInputError, parse_input


@dataclass(frozen=True)
class CaseClassification:
    """The table's suggestion for a case, with its reasons and the answers behind it."""

    inputs: CaseInput
    result: Result | None
    reasons: list[Explanation]
    #: sessions whose flow could not be loaded; their answers are kept but not used
    unread_flows: list[str]
    #: why no suggestion could be made from the recorded answers, if so
    problem: str | None = None


def fed_answers(store: Store, library: FlowLibrary, ref: str) -> tuple[list[FedAnswer], list[str]]:
    """Every current answer of the case that feeds the classification."""
    fed: list[FedAnswer] = []
    unread: list[str] = []
    by_session = store.answers_by_session(ref)
    for record in store.sessions(ref):
        flow = library.flows.get(record.flow_id)
        stored = by_session.get(record.id, [])
        if flow is None:
            if stored:
                unread.append(record.flow_id)
            continue
        latest = {a.event.step: a for a in stored}
        answers = FlowSession(flow, [a.event for a in stored]).answers()
        subject = str(answers.get(flow.about, "")) if flow.about else ""
        for step_id, value in answers.items():
            step = flow.step(step_id)
            path_value = step.fed(value)
            if path_value is not None:
                path, fed_value = path_value
                fed.append(
                    FedAnswer(
                        path, fed_value, latest[step_id].at, flow.title, step.label,
                        (flow.id, step_id), subject, latest[step_id].seq,
                    )
                )  # fmt: skip
    return fed, sorted(set(unread))


def classify_case(
    store: Store, library: FlowLibrary, ref: str, today: date | None = None
) -> CaseClassification:
    """The table's suggestion for `ref` as of `today`, from all its sessions."""
    fed, unread = fed_answers(store, library, ref)
    today = today or date.today()
    inputs = build_input(fed, today)
    past = history(store.decisions(ref), today)
    if past:
        inputs.data["history"] = past  # earlier agreed levels: the six-month rules
    try:
        result = evaluate(parse_input(inputs.data))
    except ClassificationInputError as exc:
        return CaseClassification(inputs, None, [], unread, f"recorded answers do not fit: {exc}")
    return CaseClassification(inputs, result, explanations(result), unread)


#: What to record next for each gap that blocks a suggestion, in the order asked.
_NEXT = {
    "risk_factors": "the risk factors (flow: Factors associated with future harm)",
    "protective_factors": "the protective factors (flow: Factors associated with future harm)",
    "protective_factors.mitigates": "which open risk each present protective factor reduces",
    "capacity_to_change": "the parents' capacity to change (flow: Capacity to change)",
    "wishes.parents": "the parents' wishes about the return",
    "wishes.child": "the child's wishes about the return",
}


def to_record_next(result: Result) -> list[str]:
    """What to record next, from the gaps, most needed first (the rows a suggestion
    needs, then the rest)."""
    return [words for key, words in _NEXT.items() if key in result.gaps]
