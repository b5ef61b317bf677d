"""The store: cases, sessions and answer events survive a round trip, privately."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from assistant.flows.loader import Flow
from assistant.flows.runner import AnswerEvent, FlowSession
from assistant.records.store import CaseRefError, Store, StoreError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_case_round_trip(store: Store) -> None:
    store.create_case("LA-2026-0042")
    store.create_case("b_7")
    assert [c.ref for c in Store(store.root).cases()] == ["b_7", "LA-2026-0042"]
    assert store.case("b_7").created_by == "tester"


@pytest.mark.parametrize(
    "ref", ["", "has space", "Jane Smith", "x" * 33, "semi;colon", "../escape", "ünï"]
)
def test_bad_reference_is_refused(store: Store, ref: str) -> None:
    with pytest.raises(CaseRefError, match="not valid"):
        store.create_case(ref)
    assert store.cases() == []


def test_duplicate_reference_even_in_other_case(store: Store) -> None:
    store.create_case("ABC-1")
    with pytest.raises(StoreError, match="already exists"):
        store.create_case("abc-1")


def test_answers_are_events_and_a_change_never_overwrites(store: Store, visit_flow: Flow) -> None:
    store.create_case("C1")
    record = store.start_session("C1", visit_flow.id, visit_flow.title)
    store.record("C1", record.id, AnswerEvent("visit_kind", "first"))
    store.record("C1", record.id, AnswerEvent("visit_kind", "follow_up"))
    store.record("C1", record.id, AnswerEvent("notes", None, skipped=True))
    reopened = Store(store.root)
    answers = reopened.answers("C1", record.id)
    assert [a.event.value for a in answers] == ["first", "follow_up", None]
    assert answers[0].who == "tester"
    session = FlowSession(visit_flow, reopened.events("C1", record.id))
    assert session.answers()["visit_kind"] == "follow_up"
    assert reopened.session("C1", record.id).answers == 3


def test_sessions_newest_first_and_finishing(store: Store, visit_flow: Flow) -> None:
    stamps = iter(
        ["2026-01-01T10:00:00+00:00", "2026-01-02T10:00:00+00:00", "2026-01-03T10:00:00+00:00"]
    )
    timed = Store(store.root, clock=lambda: next(stamps))
    timed.create_case("C1")
    first = timed.start_session("C1", visit_flow.id, visit_flow.title)
    second = timed.start_session("C1", visit_flow.id, visit_flow.title)
    assert [s.id for s in timed.sessions("C1")] == [second.id, first.id]
    assert not first.finished
    store.finish_session("C1", first.id)
    assert store.session("C1", first.id).finished


def test_saving_an_answer_touches_only_that_case(store: Store) -> None:
    store.create_case("C1")
    store.create_case("C2")
    record = store.start_session("C1", "visit-plan", "Visit plan")
    before = (
        (store.root / "cases" / "C2.json").stat().st_mtime_ns,
        store.index_path.stat().st_mtime_ns,
    )
    store.record("C1", record.id, AnswerEvent("visit_kind", "first"))
    after = (
        (store.root / "cases" / "C2.json").stat().st_mtime_ns,
        store.index_path.stat().st_mtime_ns,
    )
    assert before == after


def test_files_are_private(store: Store) -> None:
    store.create_case("C1")
    assert mode(store.root) == 0o700
    assert mode(store.index_path) == 0o600
    assert mode(store.case_path("C1")) == 0o600
    assert not list(store.root.rglob("*.tmp"))


def test_damaged_file_is_refused_and_left_untouched(store: Store) -> None:
    store.create_case("C1")
    store.index_path.write_text('{"cases": {"1": {"ref": "C1"')
    before = store.index_path.read_bytes()
    with pytest.raises(StoreError, match=r"damaged.*not JSON.*not changed"):
        store.create_case("C2")
    with pytest.raises(StoreError, match="damaged"):
        store.cases()
    assert store.index_path.read_bytes() == before


def test_json_of_another_shape_is_refused(store: Store) -> None:
    store.index_path.write_text(json.dumps([1, 2, 3]))
    with pytest.raises(StoreError, match="another shape"):
        store.cases()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "db"
    Store(root).create_case("C1")
    data = json.loads((root / "index.json").read_text())
    data["meta"]["1"]["schema_version"] = 99
    (root / "index.json").write_text(json.dumps(data))
    with pytest.raises(StoreError, match="newer Reunify"):
        Store(root)


def test_database_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file.json"
    target.write_text("{}")
    with pytest.raises(StoreError, match="is a file"):
        Store(target)


def test_unknown_case_and_session(store: Store) -> None:
    with pytest.raises(StoreError, match="no case 'NOPE'"):
        store.start_session("NOPE", "visit-plan", "Visit plan")
    store.create_case("C1")
    with pytest.raises(StoreError, match="no session 'abc'"):
        store.record("C1", "abc", AnswerEvent("x", 1))


def test_same_second_sessions_and_answers_keep_their_order(store: Store) -> None:
    """A regression: time stamps have one-second resolution; order must not depend on it."""
    fixed = Store(store.root, clock=lambda: "2026-11-23T10:00:00+00:00")
    fixed.create_case("C1")
    ids = [fixed.start_session("C1", "f", f"Flow {i}").id for i in range(5)]
    assert [s.id for s in fixed.sessions("C1")] == list(reversed(ids))
    stored = [fixed.record("C1", ids[0], AnswerEvent("q", i)) for i in range(3)]
    assert [a.seq for a in stored] == sorted(a.seq for a in stored)
    assert [a.event.value for a in fixed.answers("C1", ids[0])] == [0, 1, 2]
