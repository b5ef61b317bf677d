"""A save is whole on disk before it is reported, and the log shows tampering.

Every test here failed on the log as it was: a short write was acknowledged, a
whole last line without its newline was cut and its number reused, and changed,
removed, repeated or moved lines (or a log swapped between cases) were read as if
nothing had happened."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from assistant.flows.runner import AnswerEvent
from assistant.records import answer_log
from assistant.records.answer_log import append, chain_problem, log_path, read_log
from assistant.records.storage import DamagedFileError
from assistant.records.store import Store, StoreError


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    return store


def session_of(store: Store) -> str:
    return store.start_session("C-1", "flow", "Flow").id


def log_of(store: Store, ref: str = "C-1") -> Path:
    return log_path(store.case_path(ref))


def test_short_writes_are_written_in_full(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that takes a few bytes at a time: the save loops until the line is whole."""
    session = session_of(store)
    real_write = os.write

    def dribble(fd: int, data: Any) -> int:
        return real_write(fd, bytes(data[:7]))

    monkeypatch.setattr(answer_log.os, "write", dribble)
    saved = store.record("C-1", session, AnswerEvent("q", "a long answer " * 20))
    monkeypatch.undo()
    assert saved.seq == 1
    assert [r["value"] for r in read_log(log_of(store))] == ["a long answer " * 20]
    assert store.record("C-1", session, AnswerEvent("q", "next")).seq == 2


def test_a_write_that_stops_short_is_not_saved_and_leaves_the_log(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = session_of(store)
    store.record("C-1", session, AnswerEvent("q", "kept"))
    before = log_of(store).read_bytes()
    calls = {"n": 0}
    real_write = os.write

    def full_after_some(fd: int, data: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[:10]))
        return 0  # the disk took nothing more

    monkeypatch.setattr(answer_log.os, "write", full_after_some)
    with pytest.raises(StoreError, match="not saved"):
        store.record("C-1", session, AnswerEvent("q", "lost"))
    monkeypatch.undo()
    assert log_of(store).read_bytes() == before
    assert store.record("C-1", session, AnswerEvent("q", "again")).seq == 2


def test_a_whole_last_line_without_its_newline_is_kept(store: Store) -> None:
    session = session_of(store)
    store.record("C-1", session, AnswerEvent("q", "first"))
    store.record("C-1", session, AnswerEvent("q", "second"))
    path = log_of(store)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # the newline was lost
    assert [r["value"] for r in read_log(path)] == ["first", "second"]
    assert [a.event.value for a in Store(store.root).answers("C-1", session)] == [
        "first",
        "second",
    ]
    assert store.record("C-1", session, AnswerEvent("q", "third")).seq == 3
    rows = read_log(path)
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert chain_problem(rows, "C-1") is None


def test_a_cut_last_line_is_still_dropped(store: Store) -> None:
    session = session_of(store)
    store.record("C-1", session, AnswerEvent("q", "first"))
    path = log_of(store)
    with path.open("ab") as handle:
        handle.write(b'{"seq":2,"session":"x","st')
    assert [r["value"] for r in read_log(path)] == ["first"]
    assert store.record("C-1", session, AnswerEvent("q", "second")).seq == 2


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (lambda ls: [ls[0], ls[2], ls[3]], "line 2 is answer 3 where 2 was expected"),
        (lambda ls: [ls[0], ls[1], ls[1], ls[2], ls[3]], "line 3 is answer 2 where 3"),
        (lambda ls: [ls[1], ls[0], ls[2], ls[3]], "line 1 is answer 2 where 1"),
        (
            lambda ls: [ls[0], ls[1].replace(b'"two"', b'"TWO"'), ls[2], ls[3]],
            "line 3 does not follow the line before it",
        ),
    ],
    ids=["removed", "repeated", "moved", "changed"],
)
def test_a_broken_chain_is_found_at_its_first_bad_line(
    store: Store, tamper: Any, says: str
) -> None:
    session = session_of(store)
    for value in ("one", "two", "three", "four"):
        store.record("C-1", session, AnswerEvent("q", value))
    path = log_of(store)
    assert chain_problem(read_log(path), "C-1") is None
    path.write_bytes(b"".join(tamper(_lines(path))))
    problem = chain_problem(read_log(path), "C-1")
    assert problem is not None and problem.startswith(says)


def test_a_log_moved_to_another_case_breaks_at_line_one(store: Store) -> None:
    store.create_case("C-2")
    session = session_of(store)
    store.record("C-1", session, AnswerEvent("q", "about C-1"))
    shutil.copy(log_of(store, "C-1"), log_of(store, "C-2"))
    problem = chain_problem(read_log(log_of(store, "C-2")), "C-2")
    assert problem is not None and problem.startswith("line 1 does not follow")


@pytest.mark.skipif(os.geteuid() != 0 if hasattr(os, "geteuid") else True, reason="needs root")
def test_a_really_full_disk_loses_nothing_reported_saved(tmp_path: Path) -> None:
    """On a real 64 KiB filesystem: every answer reported saved is in the log, in order,
    and the first refused save says so; nothing after it is half-written."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        store = Store(mount / "db")
        store.create_case("C-1")
        session = session_of(store)
        saved: list[str] = []
        with pytest.raises(StoreError, match="not saved"):
            for i in range(10_000):
                value = f"answer {i} " + "x" * 200
                store.record("C-1", session, AnswerEvent("q", value))
                saved.append(value)
        rows = read_log(log_of(store))
        assert [r["value"] for r in rows] == saved
        assert chain_problem(rows, "C-1") is None
        assert log_of(store).read_bytes().endswith(b"\n")
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize(
    "bad",
    [
        b'{"session":"s"},{"session":"t"}',  # two answers on one line
        b'{"session":"s","step":"q"}',  # an answer of another shape
        b"{not json",
    ],
)
def test_a_log_read_in_one_go_still_names_its_bad_line(tmp_path: Path, bad: bytes) -> None:
    """A plain log is parsed in one go for speed; a line that does not read as one
    whole answer is still found, by its number, as when read line by line."""
    path = tmp_path / "C-1.answers.jsonl"
    row = {"session": "s", "step": "q", "value": 1, "skipped": False, "at": "t", "who": "w"}
    for n in range(1, 4):
        append(path, {**row, "value": n})
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"\n".join([lines[0], bad, lines[2]]) + b"\n")
    with pytest.raises(DamagedFileError, match="line 2 "):
        read_log(path)


def test_an_answer_s_shape_is_checked_field_by_field_as_fields_says() -> None:
    """`_shaped` is written out for speed; it holds exactly when every field of
    FIELDS is there and of its type, whichever one is missing or wrong."""
    row = {"seq": 1, "session": "s", "step": "q", "skipped": False, "at": "t", "who": "w"}
    assert answer_log._shaped(row)
    assert answer_log._shaped({**row, "value": [1], "prev": "x"})
    assert not answer_log._shaped([row])
    for field, kind in answer_log.FIELDS.items():
        missing = {k: v for k, v in row.items() if k != field}
        assert not answer_log._shaped(missing), field
        wrong = "1" if kind is not str else 1
        assert not answer_log._shaped({**row, field: wrong}), field


def test_a_value_the_quick_reader_refuses_is_read_as_the_json_module_reads_it(
    tmp_path: Path,
) -> None:
    """A log is parsed in one go by pydantic-core's reader; a value it refuses but
    the json module reads (a lone surrogate) is read line by line, as before."""
    path = tmp_path / "C-1.answers.jsonl"
    row = {"session": "s", "step": "q", "value": 1, "skipped": False, "at": "t", "who": "w"}
    append(path, row)
    append(path, {**row, "value": "ok"})
    odd = b'{"session":"s","step":"q","value":"\\ud800","skipped":false,"at":"t","who":"w","seq":3}'
    path.write_bytes(path.read_bytes() + odd + b"\n")
    assert [r["value"] for r in read_log(path)] == [1, "ok", "\ud800"]
    assert [r["seq"] for r in read_log(path)] == [1, 2, 3]
