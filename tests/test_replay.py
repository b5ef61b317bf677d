"""A case's sessions replayed from the log's rows (`assistant.casework.replay`)
count the same answers as the flow runner replaying the same events: each visible
question's newest answer, skips left out, in the flow's order."""

from __future__ import annotations

from pathlib import Path

from assistant.casework.replay import CaseReplay, current_rows
from assistant.flows.loader import Flow, default_library
from assistant.flows.runner import FlowSession
from tests.due_caseload import build_caseload, build_demo

LIBRARY = default_library()


def test_a_session_replayed_from_its_rows_counts_what_the_runner_counts(tmp_path: Path) -> None:
    compared = 0
    for store in (build_caseload(tmp_path / "caseload", cases=8), build_demo(tmp_path / "demo")):
        for record in store.cases():
            case = CaseReplay(store, record.ref)
            by_session = store.answers_by_session(record.ref)
            for session in case.sessions(record.ref):
                flow = LIBRARY.flows[session.flow_id]
                events = [a.event for a in by_session.get(session.id, [])]
                expected = FlowSession(flow, events).answers()
                current = case.current(session.id, flow)
                assert list(current) == list(expected), session.flow_id
                assert {s: row.get("value") for s, row in current.items()} == expected
                latest = {a.event.step: a for a in by_session.get(session.id, [])}
                assert all(row["seq"] == latest[s].seq for s, row in current.items())
                compared += 1
    assert compared > 50


def test_a_question_hidden_by_a_later_answer_or_skipped_does_not_count(visit_flow: Flow) -> None:
    """The visit flow asks when the genogram will be done only if it is not done yet."""
    rows: list[dict[str, object]] = []

    def say(step: str, value: object, skipped: bool = False) -> None:
        rows.append(
            {"step": step, "value": value, "skipped": skipped, "at": "t", "seq": len(rows) + 1}
        )

    say("visit_kind", "first")
    say("topics", ["partner"])
    say("genogram", "no")
    say("genogram_when", "2026-12-01")
    assert current_rows(visit_flow, rows)["genogram_when"]["value"] == "2026-12-01"
    say(
        "genogram", "yes"
    )  # changed: the date's question is hidden, its answer kept but not counted
    current = current_rows(visit_flow, rows)
    assert "genogram_when" not in current
    assert current["genogram"]["seq"] == 5
    assert list(current) == ["visit_kind", "topics", "genogram"]
    say("topics", None, skipped=True)
    assert "topics" not in current_rows(visit_flow, rows)
