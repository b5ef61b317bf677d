"""A whole case in half an hour (issue 17): the demo case, recorded through the real
flows, takes at most 60 answers for its profile, the factors (the child once, then
two adults), capacity to change, wishes and the classification, and still gets its
full classification.

Before the factor tick lists the same case took 101 answers (and 10 questions
skipped): 60 of them in the factor flow, one question per factor per person.
"""

from __future__ import annotations

from pathlib import Path

from assistant.casework.classification import classify_case
from assistant.casework.demo import DEMO_REF, write_demo
from assistant.flows.loader import default_library
from assistant.records.store import Store

LIBRARY = default_library()
#: The flows of a whole case, as the issue counts it (the plan comes later).
WHOLE_CASE = (
    "case-profile",
    "future-harm-factors",
    "capacity-to-change",
    "wishes-and-feelings",
    "risk-classification",
)
AIM = 60


def counted(store: Store) -> dict[str, tuple[int, int]]:
    """(answers, questions skipped) per flow of the whole case, as recorded."""
    counts: dict[str, tuple[int, int]] = {}
    for record in store.sessions(DEMO_REF):
        if record.flow_id not in WHOLE_CASE:
            continue
        events = store.events(DEMO_REF, record.id)
        answers, skipped = counts.get(record.flow_id, (0, 0))
        counts[record.flow_id] = (
            answers + sum(not e.skipped for e in events),
            skipped + sum(e.skipped for e in events),
        )
    return counts


def test_the_demo_case_is_a_whole_case_in_at_most_60_answers(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)  # replayed answer by answer through the runner
    counts = counted(store)
    assert set(counts) == set(WHOLE_CASE)
    answers = sum(a for a, _ in counts.values())
    assert answers <= AIM, counts
    assert counts["future-harm-factors"][0] == 22  # three sessions, down from 60
    sessions = [s.flow_id for s in store.sessions(DEMO_REF)]
    assert sessions.count("future-harm-factors") == 3  # the child, the mother, her partner
    case = classify_case(store, LIBRARY, DEMO_REF)
    assert case.result is not None and case.result.suggested == "high"
    factors = case.inputs.data["factors"]
    assert len(factors) == 10 + 22  # the abuse domain, and the parent and family domains
    assert factors["substance_misuse"] == "being_addressed"
    assert factors["personality_disorder"] == "absent"  # left unticked for both adults
