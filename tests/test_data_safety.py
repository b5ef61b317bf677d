"""Nothing lost, nothing leaked (issue 6): crashes, full disks, two writers,
damaged files, backups, migrations, permissions, archiving and the audit."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assistant.commands.main import main
from assistant.flows.runner import AnswerEvent
from assistant.records import backups
from assistant.records.backups import automatic_backup, load_backup, make_backup
from assistant.records.migrations import MIGRATIONS, SCHEMA_VERSION
from assistant.records.storage import PLAIN
from assistant.records.store import Store, StoreError

ROOT = Path(__file__).resolve().parent.parent


def _record_forever(root: Path, ref: str, session: str, label: str, fd: int) -> None:
    """In a forked child: store answers one after another, reporting each once saved."""
    store = Store(root)
    i = 0
    while True:
        store.record(ref, session, AnswerEvent(f"q{i % 7}", f"{label}-{i}", False))
        os.write(fd, f"{label}-{i}\n".encode())
        i += 1


def test_answers_reported_saved_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    """issue 6: crash safety — 50 kills at random moments; every answer whose save was
    reported done is there afterwards, and the database always opens."""
    root = tmp_path / "db"
    store = Store(root)
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F").id
    rng = random.Random(6)
    reported: set[str] = set()
    for kill in range(50):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child is killed
            os.close(read_end)
            try:
                _record_forever(root, "C-1", session, f"k{kill}", write_end)
            finally:
                os._exit(0)
        os.close(write_end)
        time.sleep(rng.uniform(0.005, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_end) as lines:
            reported |= set(lines.read().split())
        kept = {a.event.value for a in Store(root).answers("C-1", session)}
        assert reported <= kept, f"lost after kill {kill}: {sorted(reported - kept)[:3]}"
    assert len(reported) >= 50  # the children did save answers between the kills


def test_a_full_disk_leaves_the_file_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 6: full disk — a clear message, the previous file intact, no stray temp file."""
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F").id
    store.record("C-1", session, AnswerEvent("q", "first", False))
    log = store.case_path("C-1").with_name("C-1.answers.jsonl")
    before = store.case_path("C-1").read_bytes(), log.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StoreError, match="not saved: No space left on device"):
        store.record("C-1", session, AnswerEvent("q", "second", False))
    monkeypatch.undo()
    assert (store.case_path("C-1").read_bytes(), log.read_bytes()) == before
    assert not list(store.case_path("C-1").parent.glob("*.tmp"))
    store.record("C-1", session, AnswerEvent("q", "second", False))  # the retry works
    assert [a.event.value for a in store.answers("C-1", session)] == ["first", "second"]


def test_two_processes_creating_cases_at_once_lose_none(tmp_path: Path) -> None:
    """issue 6: two processes — `reunify case new` from two processes at the same time."""
    db = tmp_path / "db"
    Store(db)
    script = (
        "import sys\nfrom assistant.commands.main import main\n"
        "for i in range(12):\n"
        "    assert main(['--db', sys.argv[1], 'case', 'new', f'{sys.argv[2]}-{i}']) == 0\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(db), name], cwd=ROOT)
        for name in ("A", "B")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    refs = {c.ref for c in Store(db).cases()}
    assert refs == {f"{n}-{i}" for n in "AB" for i in range(12)}


def test_a_second_window_is_read_only(tmp_path: Path) -> None:
    """issue 6: a second window on the same database opens read-only, never writing."""
    first, second = Store(tmp_path / "db"), Store(tmp_path / "db")
    assert first.claim_for_app()
    assert not second.claim_for_app()
    assert second.read_only
    with pytest.raises(StoreError, match="read-only: another Reunify window"):
        second.create_case("C-1")
    first.create_case("C-1")  # the first window writes as usual
    assert [c.ref for c in second.cases()] == ["C-1"]  # and the second can look


DAMAGES = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "not JSON": lambda raw: b"\x00\x01 not json",
    "another shape": lambda raw: b'{"cases": [1, 2, 3]}',
    "rows of another shape": lambda raw: b'{"cases": {"1": {"who": "x"}}}',
    "empty": lambda raw: b"",
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_index_is_refused_untouched_and_points_to_a_backup(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: damaged database — every command refuses, bytes untouched, one line that
    names the newest good backup."""
    db = tmp_path / "db"
    store = Store(db)
    store.create_case("C-1")
    good = store.backup()
    index = db / "index.json"
    index.write_bytes(DAMAGES[damage](index.read_bytes()))
    damaged = index.read_bytes()
    for argv in (["cases"], ["case", "new", "C-2"], ["case", "audit", "C-1"], ["backup"]):
        assert main(["--db", str(db), *argv]) == 1, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1, err
        assert "damaged" in err and str(good) in err and "reunify restore" in err
        assert index.read_bytes() == damaged


def test_a_newer_schema_is_refused_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: a newer schema version — refused, untouched."""
    db = tmp_path / "db"
    Store(db).create_case("C-1")
    index = db / "index.json"
    data = json.loads(index.read_bytes())
    data["meta"]["1"]["schema_version"] = SCHEMA_VERSION + 1
    index.write_text(json.dumps(data))
    raw = index.read_bytes()
    for argv in (["cases"], ["case", "new", "C-2"]):
        assert main(["--db", str(db), *argv]) == 1
        assert "newer Reunify" in capsys.readouterr().err
    assert index.read_bytes() == raw


def test_backup_and_restore_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: `reunify backup` / `reunify restore FILE` bring back a damaged database;
    the damaged file is kept aside, not deleted."""
    db = tmp_path / "db"
    store = Store(db)
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F").id
    store.record("C-1", session, AnswerEvent("q", "kept", False))
    assert main(["--db", str(db), "backup"]) == 0
    path = Path(capsys.readouterr().out.split("Backed up to ")[1].strip())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    store.case_path("C-1").write_text("{ broken")
    assert main(["--db", str(db), "restore", str(path)]) == 0
    assert [a.event.value for a in Store(db).answers("C-1", session)] == ["kept"]
    assert list((db / "cases").glob("C-1.json.damaged-*"))
    capsys.readouterr()
    bad = tmp_path / "not-a-backup.json"
    bad.write_text("{}")
    assert main(["--db", str(db), "restore", str(bad)]) == 1
    assert "not a Reunify backup; nothing was changed" in capsys.readouterr().err


def test_automatic_backups_once_a_day_and_only_a_few_kept(store: Store) -> None:
    """issue 6: rotating automatic backups, by age."""
    store.create_case("C-1")
    day = datetime(2026, 11, 1, 9, 0).astimezone()
    made = []
    for n in range(8):
        when = day + timedelta(days=n)
        path = automatic_backup(store.root, PLAIN, when)
        assert path is not None
        os.utime(path, (when.timestamp(), when.timestamp()))
        made.append(path)
        assert automatic_backup(store.root, PLAIN, when + timedelta(hours=1)) is None
    kept = backups.backups(store.root)
    assert kept == sorted(made[-backups.KEEP_AUTOMATIC :], reverse=True)


def _write_v1(db: Path) -> None:
    """A database as schema version 1 wrote it."""
    (db / "cases").mkdir(parents=True, mode=0o700)
    db.chmod(0o700)
    index = {
        "meta": {"1": {"schema_version": 1}},
        "cases": {
            "1": {
                "ref": "OLD-1",
                "created_at": "2025-01-02T10:00:00+00:00",
                "created_by": "worker",
                "demo": False,
            }
        },
    }
    case = {
        "meta": {"1": {"schema_version": 1, "ref": "OLD-1"}},
        "sessions": {
            "1": {
                "id": "s1",
                "flow_id": "f",
                "flow_title": "F",
                "started_at": "2025-01-02T10:00:00+00:00",
                "started_by": "worker",
                "finished_at": None,
            }
        },
        "answers": {
            "1": {
                "session": "s1",
                "step": "q",
                "value": "old answer",
                "skipped": False,
                "at": "2025-01-02T10:01:00+00:00",
                "who": "worker",
            }
        },
    }
    for path, document in ((db / "index.json", index), (db / "cases" / "OLD-1.json", case)):
        path.write_text(json.dumps(document))
        path.chmod(0o600)


def _write_v2(db: Path) -> None:
    """A database as schema version 2 wrote it (answers still inside the case file)."""
    _write_v1(db)
    for path in (db / "index.json", db / "cases" / "OLD-1.json"):
        document = json.loads(path.read_text())
        document["meta"]["1"]["schema_version"] = 2
        for row in document.get("cases", {}).values():
            row["archived_at"] = None
        path.write_text(json.dumps(document))


@pytest.mark.parametrize("version", sorted(MIGRATIONS))
def test_migration_from_every_earlier_schema(tmp_path: Path, version: int) -> None:
    """issue 6: a schema version in the file, and migrations from every earlier version."""
    db = tmp_path / "db"
    writers = {1: _write_v1, 2: _write_v2}
    writers[version](db)
    store = Store(db)
    assert store.cases()[0].archived_at is None
    assert [a.event.value for a in store.answers("OLD-1", "s1")] == ["old answer"]
    assert "answers" not in json.loads((db / "cases" / "OLD-1.json").read_text())
    assert "old answer" in (db / "cases" / "OLD-1.answers.jsonl").read_text()
    for path in (db / "index.json", db / "cases" / "OLD-1.json"):
        meta = json.loads(path.read_text())["meta"]
        assert all(row["schema_version"] == SCHEMA_VERSION for row in meta.values())
    (before,) = backups.backups(db)
    info, documents = load_backup(before)
    assert info.reason == f"before-schema-{SCHEMA_VERSION}"
    assert documents["index.json"]["meta"]["1"]["schema_version"] == version


def test_loose_permissions_are_reported_and_tightened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: the app warns when it finds looser permissions."""
    db = tmp_path / "db"
    store = Store(db)
    store.create_case("C-1")
    db.chmod(0o755)
    store.case_path("C-1").chmod(0o644)
    assert main(["--db", str(db), "cases"]) == 0
    err = capsys.readouterr().err
    assert "could be read by other users (mode 0755)" in err
    assert "C-1.json could be read by other users (mode 0644)" in err
    assert stat.S_IMODE(db.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.case_path("C-1").stat().st_mode) == 0o600


def test_deleting_archives_and_purging_needs_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: deleting a case archives it; purging needs a confirmation naming it."""
    db = tmp_path / "db"
    Store(db).create_case("C-1")
    run = lambda *argv: main(["--db", str(db), *argv])  # noqa: E731
    assert run("case", "purge", "C-1", "--confirm", "C-1") == 1
    assert "not archived: archive it first" in capsys.readouterr().err
    assert run("case", "archive", "C-1") == 0
    assert Store(db).cases() == []
    assert [c.ref for c in Store(db).cases(archived=True)] == ["C-1"]
    assert run("case", "purge", "C-1", "--confirm", "c-1") == 1
    assert "confirm with its reference exactly" in capsys.readouterr().err
    assert (db / "cases" / "C-1.json").exists()
    assert run("case", "purge", "C-1", "--confirm", "C-1") == 0
    assert Store(db).cases(archived=True) == []
    assert not (db / "cases" / "C-1.json").exists()


def test_audit_shows_every_event_and_what_a_change_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: the audit of a case — every answer event, who and when, changes with
    their earlier values; control characters neutralised."""
    db = tmp_path / "db"
    store = Store(db, user="ann")
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "Visit plan").id
    store.record("C-1", session, AnswerEvent("q", "first \x1b[31mred", False))
    store.record("C-1", session, AnswerEvent("other", None, True))
    store.record("C-1", session, AnswerEvent("q", "second", False))
    rows = store.audit("C-1")
    assert [(r.step, r.changed, r.replaced) for r in rows] == [
        ("q", False, None),
        ("other", False, None),
        ("q", True, "first \x1b[31mred"),
    ]
    assert main(["--db", str(db), "case", "audit", "C-1"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "␛[31mred" in out
    assert "ann · Visit plan · q: second  [changed; was: first ␛[31mred]" in out
    assert "other: (skipped)" in out
    assert main(["--db", str(db), "case", "audit", "C-1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[2]["replaced"] == "first \x1b[31mred"


def test_a_name_is_optional_and_kept_only_in_the_case_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: case references by default; a name is optional and the app says where."""
    db = tmp_path / "db"
    assert main(["--db", str(db), "case", "new", "C-1", "--name", "Sam Example"]) == 0
    out = capsys.readouterr().out
    assert f"kept only in {db / 'cases' / 'C-1.json'} (NOT encrypted: see" in out
    assert "Sam Example" not in (db / "index.json").read_text()
    assert Store(db).case_name("C-1") == "Sam Example"
    assert main(["--db", str(db), "cases", "--json"]) == 0
    assert "Sam Example" not in capsys.readouterr().out


def test_drafts_are_kept_until_the_answer_is_sent(store: Store) -> None:
    """issue 6: a draft is never lost — typed text is kept before it is sent."""
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F").id
    store.save_draft("C-1", session, "q", "half a thought")
    assert Store(store.root).drafts("C-1", session) == {"q": "half a thought"}
    store.record("C-1", session, AnswerEvent("q", "the whole thought", False))
    assert store.drafts("C-1", session) == {}


def test_a_backup_of_a_damaged_database_is_refused(store: Store) -> None:
    store.create_case("C-1")
    store.case_path("C-1").write_text("nonsense")
    with pytest.raises(StoreError, match="damaged"):
        store.backup()
    assert make_backup  # the module function is what the store uses


def test_answers_have_length_limits_with_a_message() -> None:
    """issue 6: answers have length limits, with a message saying the length and limit."""
    from assistant.casework.decisions import DecisionError, make_decision
    from assistant.flows.steps import AnswerError, FactorStep
    from assistant.text import NOTE_MAX

    factor = FactorStep(id="f", kind="factor", text="?", label="F", factor="severe_physical_abuse")
    long = "word " * (NOTE_MAX // 5 + 1)
    with pytest.raises(AnswerError, match=f"at most {NOTE_MAX}"):
        factor.check({"status": "absent", "note": long})
    with pytest.raises(DecisionError, match=f"at most {NOTE_MAX}"):
        make_decision("low", long, None)


def test_an_append_cut_short_is_ignored_and_then_cut_off(store: Store) -> None:
    """A crash in the middle of an append leaves a partial last line: it was never
    reported saved, reading skips it, and the next save removes it first."""
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F").id
    store.record("C-1", session, AnswerEvent("q", "kept", False))
    log = store.case_path("C-1").with_name("C-1.answers.jsonl")
    with log.open("ab") as handle:
        handle.write(b'{"seq": 2, "session": "')
    assert [a.event.value for a in store.answers("C-1", session)] == ["kept"]
    stored = store.record("C-1", session, AnswerEvent("q", "next", False))
    assert stored.seq == 2
    assert [a.event.value for a in store.answers("C-1", session)] == ["kept", "next"]
    assert log.read_bytes().count(b"\n") == 2


def test_a_damaged_line_in_the_answer_log_is_named(store: Store) -> None:
    store.create_case("C-1")
    session = store.start_session("C-1", "f", "F").id
    store.record("C-1", session, AnswerEvent("q", "kept", False))
    log = store.case_path("C-1").with_name("C-1.answers.jsonl")
    log.write_bytes(log.read_bytes() + b"{not json}\n")
    with pytest.raises(StoreError, match="line 2 cannot be read"):
        store.answers("C-1", session)
    with pytest.raises(StoreError, match="line 2 cannot be read"):
        store.record("C-1", session, AnswerEvent("q", "more", False))


def test_the_log_cache_reads_new_lines_and_notices_a_replaced_log(tmp_path: Path) -> None:
    """Reading a case's answers after each save decodes only the new lines; a log
    replaced whole (a restore) is read again from the start."""
    from assistant.records.answer_log import LogCache, append, write_log

    path = tmp_path / "C-1.answers.jsonl"
    row = {"session": "s", "step": "q", "value": 1, "skipped": False, "at": "t", "who": "w"}
    cache = LogCache()
    assert cache.read(path) == []
    append(path, row)
    assert [r["seq"] for r in cache.read(path)] == [1]
    append(path, {**row, "value": 2})  # as another process would
    assert [r["value"] for r in cache.read(path)] == [1, 2]
    write_log(path, [{**row, "seq": 1, "value": "restored"}])
    assert [r["value"] for r in cache.read(path)] == ["restored"]
