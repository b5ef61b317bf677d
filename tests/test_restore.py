"""Restore puts back what was asked and nothing else, says first what it would cost,
and is all or nothing even when killed; backups are numbered, checked and rotated."""

from __future__ import annotations

import os
import shutil
import signal
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assistant.commands.main import main
from assistant.flows.runner import AnswerEvent
from assistant.records import restore as restore_module
from assistant.records.backups import automatic_backup, backups, make_backup
from assistant.records.storage import PLAIN
from assistant.records.store import Store, StoreError


def answers(store: Store, ref: str) -> list[object]:
    return [a.event.value for s in store.sessions(ref) for a in store.answers(ref, s.id)]


def record(store: Store, ref: str, *values: str) -> None:
    session = store.sessions(ref)[0].id if store.sessions(ref) else None
    if session is None:
        session = store.start_session(ref, "flow", "Flow").id
    for value in values:
        store.record(ref, session, AnswerEvent("q", value))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    root = tmp_path / "db"
    store = Store(root)
    for ref in ("A-1", "B-2"):
        store.create_case(ref)
        record(store, ref, f"{ref} old")
    return root


def run(*argv: str) -> int:
    return main(list(argv))


def test_one_case_restored_leaves_the_others_alone(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = Store(db).backup()
    store = Store(db)
    record(store, "A-1", "A-1 new")
    record(store, "B-2", "B-2 new")
    store.case_path("A-1").write_text("{ broken")
    capsys.readouterr()
    with pytest.raises(StoreError) as info:
        Store(db).sessions("A-1")
    assert f"reunify restore {backup} --case A-1" in str(info.value)
    assert run("--db", str(db), "restore", str(backup), "--case", "A-1", "--yes") == 0
    after = Store(db)
    assert answers(after, "A-1") == ["A-1 old"]
    assert answers(after, "B-2") == ["B-2 old", "B-2 new"]  # untouched


def test_a_whole_restore_says_what_would_be_lost_and_asks(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = Store(db).backup()
    store = Store(db)
    record(store, "A-1", "newer 1", "newer 2")
    store.create_case("C-3")
    record(store, "C-3", "a new case")
    capsys.readouterr()
    assert run("--db", str(db), "restore", str(backup)) == 1  # no terminal, no --yes
    out, err = capsys.readouterr()
    assert "case A-1: 2 answer(s) recorded since the backup" in out
    assert "case C-3: not in the backup; the case and its 1 answer(s)" in out
    assert "B-2" not in out
    assert "nothing was changed (add --yes" in err
    assert answers(Store(db), "A-1") == ["A-1 old", "newer 1", "newer 2"]
    assert run("--db", str(db), "restore", str(backup), "--yes") == 0
    after = Store(db)
    assert answers(after, "A-1") == ["A-1 old"]
    assert [c.ref for c in after.cases()] == ["A-1", "B-2"]
    assert "kept in" in capsys.readouterr().out  # the state before is a backup


def test_restoring_a_case_the_backup_lacks_is_refused(db: Path) -> None:
    backup = Store(db).backup()
    assert run("--db", str(db), "restore", str(backup), "--case", "Z-9") == 1


def _state(root: Path) -> dict[str, list[object]]:
    store = Store(root)
    return {c.ref: answers(store, c.ref) for c in store.cases()}


def _die_at(step: int) -> None:
    """In a forked child: SIGKILL at the `step`-th durable step of a restore."""
    count = 0

    def at_step() -> None:
        nonlocal count
        count += 1
        if count == step:
            os.kill(os.getpid(), signal.SIGKILL)

    restore_module._step = at_step


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a forked child")
def test_restore_killed_at_every_step_leaves_old_or_new(tmp_path: Path) -> None:
    """SIGKILL at each durable step of a restore (30+ moments): opening the database
    afterwards shows exactly the old state or exactly the new one, never a mix."""
    root, template = tmp_path / "db", tmp_path / "template"
    store = Store(root)
    for n in range(8):
        store.create_case(f"C-{n}")
        record(store, f"C-{n}", f"old {n}")
    backup = store.backup()
    for n in range(8):
        record(store, f"C-{n}", f"newer {n}")
    store.create_case("X-1")
    record(store, "X-1", "only now")
    shutil.copytree(root, template)
    old = _state(root)
    restore_module.carry_out(root, restore_module.plan(root, backup))
    new = _state(root)
    assert new != old and "X-1" not in new
    moments, seen = 0, set()
    for step in range(1, 200):
        shutil.rmtree(root)
        shutil.copytree(template, root)
        pid = os.fork()
        if pid == 0:
            _die_at(step)
            restore_module.carry_out(root, restore_module.plan(root, backup))
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        state = _state(root)
        assert state in (old, new), f"a mix after a kill at step {step}"
        if not os.WIFSIGNALED(status):
            break
        moments += 1
        seen.add("old" if state == old else "new")
    assert moments >= 30, moments
    assert seen == {"old", "new"}


def test_a_deleted_index_is_rebuilt_from_the_case_files(db: Path) -> None:
    (db / "index.json").unlink()
    store = Store(db)
    assert [c.ref for c in store.cases()] == ["A-1", "B-2"]
    assert any("rebuilt from 2 case file(s)" in w for w in store.warnings)
    assert answers(store, "B-2") == ["B-2 old"]
    path = store.backup()
    assert run("--db", str(db), "restore", str(path), "--yes") == 0


def test_a_backup_that_cannot_be_read_back_is_an_error(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.records import backup_format

    real = backup_format.Writer.finish

    def torn(writer: backup_format.Writer) -> None:  # the file is written, then half lost
        real(writer)
        data = writer.path.read_bytes()
        writer.path.write_bytes(data[: len(data) // 2])

    monkeypatch.setattr(backup_format.Writer, "finish", torn)
    with pytest.raises(StoreError, match="backup failed: the backup could not be read back"):
        Store(db).backup()
    assert backups(db) == []


def test_a_wrong_clock_once_does_not_stop_automatic_backups(db: Path) -> None:
    today = datetime(2026, 11, 1, 9, 0).astimezone()
    make_backup(db, PLAIN, "auto", today + timedelta(days=400))  # the clock was wrong
    made = automatic_backup(db, PLAIN, today)
    assert made is not None and backups(db)[0] == made  # newest by number, not by date
    assert automatic_backup(db, PLAIN, today + timedelta(hours=1)) is None


def test_rotation_keeps_the_newest_and_never_the_one_just_made(db: Path) -> None:
    store = Store(db)
    made = [store.backup("manual", keep=3) for _ in range(6)]
    assert [p for p in backups(db)] == made[::-1][:3]
    assert run("--db", str(db), "backup", "--keep", "0") == 2


def test_purge_names_the_backups_that_still_hold_the_case_and_can_clear_them(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(db)
    first, second = store.backup(), store.backup()
    store.archive_case("A-1")
    capsys.readouterr()
    assert run("--db", str(db), "case", "purge", "A-1", "--confirm", "A-1") == 0
    out = capsys.readouterr().out
    assert str(first) in out and str(second) in out and "--backups" in out
    assert run("--db", str(db), "case", "purge", "A-1", "--confirm", "A-1", "--backups") == 0
    assert "removed from 2 backup(s)" in capsys.readouterr().out
    assert Store(db).backups_holding("A-1") == []
    assert run("--db", str(db), "restore", str(first), "--yes") == 0
    assert [c.ref for c in Store(db).cases()] == ["B-2"]
