"""A flow's steps made ready for replaying sessions, worked out once per flow.

Replaying a case's sessions (its classification, what is due) judges every
step's condition of every session; a factor flow has some 70 conditional
steps. `index_of` keeps, per loaded flow, each step with its condition made into
one function (`check_of`), and the steps by id and by factor.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from assistant.flows.conditions import Check, check_of
from assistant.flows.loader import Flow


@dataclass(frozen=True)
class FlowIndex:
    #: (step, its condition as one function or None, its id, whether it asks a question)
    plan: tuple[tuple[Any, Check | None, str, bool], ...]
    #: the first step of each id, and the question that asks about each factor
    by_id: dict[str, Any]
    by_factor: dict[str, Any]


#: flows by identity (a flow is frozen; a library loaded again makes new flows)
_INDEXES: dict[int, tuple[Flow, FlowIndex]] = {}
_LOCK = threading.Lock()
#: more flows than any library holds: a bound for test runs that load many
_KEEP = 256


def index_of(flow: Flow) -> FlowIndex:
    """The flow's index, made on first use."""
    kept = _INDEXES.get(id(flow))
    if kept is not None and kept[0] is flow:
        return kept[1]
    plan = tuple(
        (s, None if s.when is None else check_of(s.when), s.id, bool(s.is_question))
        for s in flow.steps
    )
    by_id: dict[str, Any] = {}
    by_factor: dict[str, Any] = {}
    for step in flow.steps:
        by_id.setdefault(step.id, step)
        factor = getattr(step, "factor", None)
        if factor is not None:
            by_factor.setdefault(factor, step)
    index = FlowIndex(plan, by_id, by_factor)
    with _LOCK:
        if len(_INDEXES) >= _KEEP:
            _INDEXES.clear()
        _INDEXES[id(flow)] = (flow, index)
    return index
