"""What is due from supervision: the newest case supervision (either supervision
flow) that agreed dated actions or a next date. Its actions, each with its date,
the next supervision and, from the planning supervision, the date agreed for the
next classification are due; a later supervision takes their place (it reviews
them). A third source beside the engine and the policy rules
(`assistant.casework.due_rules`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.casework.due_rules import DueItem, day_of
from assistant.casework.replay import CaseReplay

#: The supervision flows, and the questions of theirs that set dates: each agreed
#: action with its date, the next supervision, and (planning) the next classification.
SUPERVISION_FLOWS = ("supervision-assessment", "supervision-planning")
SUPERVISION_ACTIONS = (("action_1", "action_1_by"), ("action_2", "action_2_by"),
                       ("action_3", "action_3_by"))  # fmt: skip
NEXT_SUPERVISION = "next_supervision"
NEXT_CLASSIFICATION = "reclass_due"
#: The longest action shown in a due item (the whole of it is in the supervision record).
ACTION_SHOWN = 90


def _short(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= ACTION_SHOWN else line[: ACTION_SHOWN - 1].rstrip() + "…"


def supervision_items(store: Any, library: Any, ref: str, today: date) -> list[DueItem]:
    """What the newest supervision that set a date agreed: its actions with their
    dates, the next supervision and the next classification. An earlier supervision's
    dates give way to it (each supervision reviews the actions of the one before)."""
    return [
        DueItem(ref, what, on, source, date.fromisoformat(on) < today)
        for what, on, source in supervision_dates(store, library, ref)
    ]


def supervision_dates(store: Any, library: Any, ref: str) -> list[tuple[str, str, str]]:
    """The dates of `supervision_items` as (what, YYYY-MM-DD, source), whatever the day."""
    case = CaseReplay.of(store, ref)
    newest: tuple[str, Any, dict[str, Any]] | None = None
    for record in case.sessions(ref):
        flow = library.flows.get(record.flow_id)
        if flow is None or flow.id not in SUPERVISION_FLOWS:
            continue
        current = case.current(record.id, flow)
        answers = {step: row.get("value") for step, row in current.items()}
        dated = [by for _, by in SUPERVISION_ACTIONS] + [NEXT_SUPERVISION, NEXT_CLASSIFICATION]
        if any(step in answers for step in dated) and (
            newest is None or record.started_at > newest[0]
        ):
            newest = (record.started_at, flow, answers)
    if newest is None:
        return []
    started, flow, answers = newest
    source = f"Case supervision, {started[:10]} ({flow.title})"
    found: list[tuple[str, Any]] = [
        (f"Agreed in supervision: {_short(answers[what])}", answers[by])
        for what, by in SUPERVISION_ACTIONS
        if what in answers and by in answers
    ]
    if NEXT_CLASSIFICATION in answers:
        again = "Classify the risk again (agreed in supervision)"
        found.append((again, answers[NEXT_CLASSIFICATION]))
    if NEXT_SUPERVISION in answers:
        found.append(("Next supervision on this case", answers[NEXT_SUPERVISION]))
    dates = []
    for what, on in found:
        day = day_of(on)
        if day is not None:
            dates.append((what, day.isoformat(), source))
    return dates
