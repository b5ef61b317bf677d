"""A case's current classification, worked out from everything it has recorded.

Glue between the store (what was answered), the flows (which answers feed
which input) and the pure engine in `assistant.risk`. No Textual here: the
side panel only shows what `classify_case` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.casework.fed_state import current_sources, session_fed
from assistant.casework.feeds import CaseInput, FedAnswer, build_input, input_from
from assistant.casework.replay import CaseReplay
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
    """Every current answer of the case that feeds the classification, worked out
    from the whole case (see `session_fed`), and the flows of sessions that could
    not be read."""
    fed: list[FedAnswer] = []
    unread: list[str] = []
    case = CaseReplay.of(store, ref)
    for record in case.sessions(ref):
        flow = library.flows.get(record.flow_id)
        if flow is None:
            if record.id in case.rows:
                unread.append(record.flow_id)
            continue
        fed.extend(session_fed(flow, case.current(record.id, flow)))
    return fed, sorted(set(unread))


def classify_case(
    store: Store,
    library: FlowLibrary,
    ref: str,
    today: date | None = None,
    *,
    afresh: bool = False,
) -> CaseClassification:
    """The table's suggestion for `ref` as of `today`, from all its sessions.

    The answers behind it are kept for the case and brought up to date from the
    answers added since the last time (`assistant.casework.fed_state`); `afresh`
    works them out from the whole case instead (the same result, slower)."""
    today = today or date.today()
    if afresh:
        fed, unread = fed_answers(store, library, ref)
        inputs = build_input(fed, today)
    else:
        by_path, unread = current_sources(store, library, ref)
        inputs = input_from(by_path, today)
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


#: The case profile's question that names the adults to assess, by role.
ROLES_TO_ASSESS = ("case-profile", "roles_to_assess")


def not_yet_assessed(store: Store, library: FlowLibrary, ref: str, flow_id: str) -> list[str]:
    """The adults the case profile names for assessment (its newest answer) about whom
    `flow_id`, a flow asked about one person at a time, has recorded nothing that
    feeds the table yet, in the profile's words (e.g. "Mother's partner")."""
    profile, flow = library.flows.get(ROLES_TO_ASSESS[0]), library.flows.get(flow_id)
    if profile is None or flow is None or flow.about is None:
        return []
    if not any(s.kind == "factor" or getattr(s, "feeds", None) for s in flow.questions):
        return []  # a flow that records nothing for the table (e.g. goals) flags nobody
    by_session = store.answers_by_session(ref)
    named: tuple[int, list[str]] = (-1, [])
    recorded: set[str] = set()
    for record in store.sessions(ref):
        stored = by_session.get(record.id, [])
        if record.flow_id == profile.id:
            for answer in stored:
                event = answer.event
                if event.step == ROLES_TO_ASSESS[1] and answer.seq > named[0]:
                    named = (answer.seq, [] if event.skipped else list(event.value))
        elif record.flow_id == flow.id:
            answers = FlowSession(flow, [a.event for a in stored]).answers()
            if any(flow.step(s).fed_all(v) for s, v in answers.items() if s != flow.about):
                recorded.add(str(answers.get(flow.about)))
    roles = profile.step(ROLES_TO_ASSESS[1])
    return [roles.label_of(role) for role in named[1] if role not in recorded]
