"""Backups written and read one case at a time (issue 19): the same files come back
byte for byte from the new format and from the old one, memory does not grow with
the caseload, a backup cut short leaves nothing that looks like one (and no plain
text in an encrypted database), writers are not held up, and `cache/` stays out."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import threading
import tracemalloc
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from assistant.records import backup_format, backups
from assistant.records import restore as restore_module
from assistant.records.answer_log import SUFFIX, log_path, write_log
from assistant.records.backups import BackupError, load_backup, make_backup, read_all
from assistant.records.events import AnswerEvent
from assistant.records.keys import encrypt_database
from assistant.records.locks import write_lock
from assistant.records.storage import PLAIN, Codec, dumps, write_atomic
from assistant.records.store import Store

PASS = "correct horse battery"
SECRET = "the-secret-answer"
COST = (2**10, 8, 1)


def make_db(root: Path, cases: int = 4) -> Store:
    """Cases built through the store: sessions, answers (one changed, odd characters),
    a finished session and a draft left in a case file."""
    store = Store(root)
    for n in range(cases):
        ref = f"C-{n}"
        store.create_case(ref, name=f"Child {n}" if n % 2 else None)
        session = store.start_session(ref, "f", "Flow")
        store.record(ref, session.id, AnswerEvent("q1", f"{SECRET} {n}\nline two \u2028 é"))
        store.record(ref, session.id, AnswerEvent("q2", {"status": "absent", "note": "x"}))
        store.record(ref, session.id, AnswerEvent("q1", "changed", False))
        if n % 2:
            store.finish_session(ref, session.id)
    return store


def files_of(root: Path) -> dict[str, bytes]:
    """The database's files as bytes (not the copies of damaged files kept aside)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in backups.database_files(root)}


def old_style_backup(root: Path, codec: Codec = PLAIN, name: str = "000001") -> Path:
    """A backup as Reunify wrote them before issue 19: one document, sealed whole."""
    bundle = {
        "format": "reunify-backup",
        "version": 1,
        "created_at": "2026-11-01T09:00:00+00:00",
        "reason": "manual",
        "schema_version": 3,
        "files": read_all(root, codec),
    }
    folder = root / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{name}-20261101-090000-manual.json"
    write_atomic(path, codec.encode(dumps(bundle), "backup"))
    return path


def change_everything(store: Store) -> None:
    """Answers recorded after the backup, a new case, and a damaged one."""
    session = store.sessions("C-0")[0].id
    store.record("C-0", session, AnswerEvent("q3", "after the backup"))
    store.create_case("NEW-1")
    (store.root / "cases" / "C-1.json").write_text("{ damaged")


def restore(root: Path, path: Path, codec: Codec = PLAIN) -> None:
    with write_lock(root):
        restore_module.carry_out(root, restore_module.plan(root, path, codec), codec)


@pytest.mark.parametrize("old", [False, True], ids=["new format", "old format"])
def test_backup_then_restore_gives_the_same_bytes(tmp_path: Path, old: bool) -> None:
    root = tmp_path / "db"
    store = make_db(root)
    path = old_style_backup(root) if old else store.backup()
    before = files_of(root)  # (the store may fold the index's journal in before a backup)
    change_everything(store)
    restore(root, path)
    assert files_of(root) == before
    assert [c.ref for c in Store(root).cases()] == ["C-0", "C-1", "C-2", "C-3"]


def test_the_new_format_holds_what_the_old_one_did(tmp_path: Path) -> None:
    root = tmp_path / "db"
    store = make_db(root)
    new_info, new = load_backup(store.backup())
    old_info, old = load_backup(old_style_backup(root))
    assert new == old == read_all(root)
    assert new_info.cases == old_info.cases == len(backups.database_files(root)) - 1
    first = store.backup().read_bytes().splitlines()
    assert json.loads(first[0])["version"] == 2 and json.loads(first[-1])["end"] is True
    files = len(backups.database_files(root))
    assert len(first) == 1 + files + 1  # the header, one line per file, the last line
    if os.name != "nt":
        assert stat.S_IMODE(store.backup().stat().st_mode) == 0o600


@pytest.mark.parametrize("old", [False, True], ids=["new format", "old format"])
def test_an_encrypted_backup_round_trip_and_no_plain_text(tmp_path: Path, old: bool) -> None:
    root = tmp_path / "db"
    make_db(root)
    codec = encrypt_database(root, PASS, COST)
    store = Store(root, passphrase=PASS)
    path = old_style_backup(root, codec) if old else store.backup()
    before = read_all(root, codec)
    raw = path.read_bytes()
    for secret in (SECRET.encode(), b"C-0", b"Child 1", b"index.json"):
        assert secret not in raw
    change_everything(store)
    restore(root, path, codec)
    assert read_all(root, codec) == before


def test_a_plain_backup_sealed_whole_by_encryption_still_restores(tmp_path: Path) -> None:
    """`reunify encrypt` seals each backup it finds as it is: a new-format one too."""
    root = tmp_path / "db"
    store = make_db(root)
    path = store.backup()
    before = read_all(root)
    codec = encrypt_database(root, PASS, COST)
    assert SECRET.encode() not in path.read_bytes()
    change_everything(Store(root, passphrase=PASS))
    restore(root, path, codec)
    assert read_all(root, codec) == before


def test_the_other_codec_is_refused_clearly(tmp_path: Path) -> None:
    plain, sealed = tmp_path / "plain", tmp_path / "sealed"
    make_db(plain)
    make_db(sealed)
    codec = encrypt_database(sealed, PASS, COST)
    with pytest.raises(BackupError, match="it is encrypted, but this database has no key"):
        load_backup(Store(sealed, passphrase=PASS).backup(), PLAIN)
    with pytest.raises(BackupError, match="not encrypted, but this database is"):
        load_backup(Store(plain).backup(), codec)


def test_a_backup_missing_a_line_or_cut_short_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "db"
    store = make_db(root)
    path = store.backup()
    lines = path.read_bytes().splitlines(keepends=True)
    other = store.backup().read_bytes().splitlines(keepends=True)
    cases = [
        (lines[:-1], "cut short"),
        (lines[:3] + lines[4:], "do not match its last line"),
        (lines[:3] + other[3:], "do not match its last line"),
        (lines[:-1] + lines[3:4] + lines[-1:], "holds cases/C-1.answers.jsonl twice"),
        (lines + lines[3:4], "follows its last line"),
        ([*lines[:-1], b'{"name":"../x.json","document":{}}\n', *lines[-1:]], "unexpected"),
        # the same file in other spacing: a backup is checked as written, byte for byte
        ([*lines[:3], lines[3].replace(b'":', b'": '), *lines[4:]], "do not match"),
    ]
    assert json.loads(cases[-1][0][3]) == json.loads(lines[3])
    for damaged, why in cases:
        path.write_bytes(b"".join(damaged))
        with pytest.raises(BackupError, match=why):
            load_backup(path)


def test_sealed_lines_cannot_be_moved_between_backups(tmp_path: Path) -> None:
    root = tmp_path / "db"
    make_db(root)
    codec = encrypt_database(root, PASS, COST)
    store = Store(root, passphrase=PASS)
    one = store.backup().read_bytes().splitlines(keepends=True)
    path = store.backup()
    two = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(two[:2] + one[2:3] + two[3:]))
    with pytest.raises(BackupError, match="line 3 cannot be read"):
        load_backup(path, codec)


def test_the_backup_index_lists_every_case_by_itself(tmp_path: Path) -> None:
    """Cases the index keeps in its journal (made since it was written whole) are in
    the backup's index; the journal itself is not carried."""
    root = tmp_path / "db"
    make_db(root, cases=5)
    _, documents = load_backup(make_backup(root, PLAIN, "manual"))
    refs = sorted(row["ref"] for row in documents["index.json"]["cases"].values())
    assert refs == ["C-0", "C-1", "C-2", "C-3", "C-4"]
    assert sorted(documents) == sorted(
        ["index.json"] + [f"cases/C-{n}{end}" for n in range(5) for end in (".json", SUFFIX)]
    )


def test_cache_is_never_backed_up_nor_restored(tmp_path: Path) -> None:
    root = tmp_path / "db"
    store = make_db(root)
    (root / "cache").mkdir()
    (root / "cache" / "due.json").write_text('{"made": "before"}')
    path = store.backup()
    _, documents = load_backup(path)
    assert not [n for n in documents if "cache" in n]
    assert b"cache" not in path.read_bytes()
    (root / "cache" / "due.json").write_text('{"made": "after"}')
    restore(root, path)
    assert (root / "cache" / "due.json").read_text() == '{"made": "after"}'


# -- memory --------------------------------------------------------------------
def caseload(root: Path, cases: int, answers: int = 120) -> None:
    """Cases written straight to their files (quick), each with a log of answers."""
    store = Store(root)
    for n in range(cases):
        store.create_case(f"K-{n:03d}")
        rows = [
            {
                "session": "s1",
                "step": f"q{i % 40}",
                "value": {"status": "being_addressed", "note": f"Evidence line {i} " * 3},
                "skipped": False,
                "at": "2026-01-01T10:00:00+00:00",
                "who": "bench",
                "seq": i + 1,
            }
            for i in range(answers)
        ]
        write_log(log_path(store.case_path(f"K-{n:03d}")), rows)


def peak_while_backing_up(root: Path) -> int:
    tracemalloc.start()
    try:
        make_backup(root, PLAIN, "manual")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def size_of(root: Path) -> int:
    return sum(p.stat().st_size for p in backups.database_files(root))


def test_memory_does_not_grow_with_the_caseload(tmp_path: Path) -> None:
    """Eight times the cases, about the same peak: one case is held at a time. What
    grows is a few names per case (the whole database in memory, as before, grew
    by several times its size on disk)."""
    small, large = tmp_path / "small", tmp_path / "large"
    caseload(small, 10)
    caseload(large, 80)
    growth = peak_while_backing_up(large) - peak_while_backing_up(small)
    more_data = size_of(large) - size_of(small)
    assert growth < more_data / 5, (growth, more_data)


def test_each_case_is_written_before_the_next_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "db"
    caseload(root, 5, answers=10)
    events: list[str] = []
    read, add = backups._read_case, backup_format.Writer.add

    def reading(*args: Any) -> Any:
        events.append("read")
        return read(*args)

    def adding(writer: backup_format.Writer, name: str, document: Any) -> None:
        events.append("log" if name.endswith(".jsonl") else "file")
        add(writer, name, document)

    monkeypatch.setattr(backups, "_read_case", reading)
    monkeypatch.setattr(backup_format.Writer, "add", adding)
    make_backup(root, PLAIN, "manual")
    assert events[:15] == ["read", "log", "file"] * 5  # each case read, then written
    assert events[-1] == "file"  # then the index (after the files read with it)


# -- cut short -----------------------------------------------------------------
def leftovers(root: Path) -> list[Path]:
    return sorted(p for p in (root / "backups").iterdir() if p.name != ".lock")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a forked child")
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_backup_killed_part_way_leaves_no_backup_and_no_plain_text(
    tmp_path: Path, encrypted: bool
) -> None:
    root = tmp_path / "db"
    make_db(root, cases=6)
    codec: Codec = encrypt_database(root, PASS, COST) if encrypted else PLAIN
    pid = os.fork()
    if pid == 0:  # the child writes three cases, then is killed
        count = 0
        real = backups._read_case

        def dying(*args: Any) -> Any:
            nonlocal count
            count += 1
            if count == 4:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args)

        backups._read_case = dying  # type: ignore[assignment]
        make_backup(root, codec, "manual")
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    assert backups.backups(root) == []  # nothing that looks like a backup
    (left,) = leftovers(root)
    assert left.name.startswith(".backup-") and left.name.endswith(".tmp")
    if encrypted:
        raw = left.read_bytes()
        assert raw and SECRET.encode() not in raw and b"C-0" not in raw
    made = make_backup(root, codec, "manual")  # the next backup clears what was left
    assert leftovers(root) == [made]
    assert load_backup(made, codec)[0].cases == 12  # six cases, each a file and a log


def test_a_full_disk_part_way_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "db"
    store = make_db(root)
    add, count = backup_format.Writer.add, 0

    def full(writer: backup_format.Writer, name: str, document: Any) -> None:
        nonlocal count
        count += 1
        if count == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        add(writer, name, document)

    monkeypatch.setattr(backup_format.Writer, "add", full)
    with pytest.raises(Exception, match="No space left on device"):
        store.backup()
    assert leftovers(root) == []


# -- with people writing -------------------------------------------------------
def test_writers_are_not_held_up_by_a_long_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write lock is taken for each case read, not for the whole backup."""
    root = tmp_path / "db"
    store = make_db(root)
    halfway, go_on = threading.Event(), threading.Event()
    add = backup_format.Writer.add

    def slow(writer: backup_format.Writer, name: str, document: Any) -> None:
        add(writer, name, document)
        if name == "cases/C-1.json":
            halfway.set()
            go_on.wait(10)

    monkeypatch.setattr(backup_format.Writer, "add", slow)
    made: list[Path] = []
    thread = threading.Thread(
        target=lambda: made.append(
            make_backup(root, PLAIN, "manual", lock=partial(write_lock, root))
        )
    )
    thread.start()
    assert halfway.wait(10)
    session = store.sessions("C-3")[0].id
    saved = threading.Thread(target=store.record, args=("C-3", session, AnswerEvent("q9", "now")))
    saved.start()
    saved.join(5)
    writer_waited = saved.is_alive()
    go_on.set()
    thread.join(10)
    assert not writer_waited, "an answer waited for the whole backup"
    assert made and load_backup(made[0])[0].cases == 8


def test_a_restore_names_a_case_the_index_does_not_list_yet(tmp_path: Path) -> None:
    """A case whose file is there but which the index does not list (yet) is lost by
    a restore of a backup without it, and the restore says so."""
    root = tmp_path / "db"
    store = make_db(root)
    path = store.backup()
    store.create_case("LATE-1")
    document = json.loads((root / "index.json").read_text())
    document["cases"] = {k: r for k, r in document["cases"].items() if r["ref"] != "LATE-1"}
    (root / "index.json").write_text(json.dumps(document))
    for journal in (root / "cases").glob(".*"):
        journal.unlink()  # (the index's journal of cases made, where there is one)
    chosen = restore_module.plan(root, path)
    assert "cases/LATE-1.json" in chosen.remove
    assert [str(loss) for loss in chosen.losses if loss.ref == "LATE-1"] == [
        "case LATE-1: not in the backup; the case and its 0 answer(s)"
    ]


def test_a_case_purged_during_a_backup_is_not_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "db"
    store = make_db(root)
    store.archive_case("C-0")
    add, purged = backup_format.Writer.add, []

    def purging(writer: backup_format.Writer, name: str, document: Any) -> None:
        add(writer, name, document)
        if name == "cases/C-2.json" and not purged:  # C-0 is already in the file
            store.purge_case("C-0", "C-0")
            purged.append(True)

    monkeypatch.setattr(backup_format.Writer, "add", purging)
    path = make_backup(root, PLAIN, "manual", lock=partial(write_lock, root))
    _, documents = load_backup(path)
    assert purged and not [n for n in documents if "C-0" in n]
    assert "C-0" not in json.dumps(documents["index.json"])


def test_an_automatic_backup_leaves_it_to_one_already_being_made(tmp_path: Path) -> None:
    from filelock import FileLock

    root = tmp_path / "db"
    make_db(root)
    assert backups.automatic_backup_due(root)
    (root / "backups").mkdir()
    with FileLock(root / "backups" / ".lock", thread_local=False):
        assert backups.automatic_backup(root, PLAIN, lock=partial(write_lock, root)) is None
    assert backups.automatic_backup(root, PLAIN, lock=partial(write_lock, root)) is not None
    assert not backups.automatic_backup_due(root)


def test_a_backup_can_be_stopped_and_keeps_nothing(tmp_path: Path) -> None:
    root = tmp_path / "db"
    make_db(root)
    with pytest.raises(backups.BackupStopped):
        make_backup(root, PLAIN, "auto", cancelled=lambda: True)
    assert leftovers(root) == []


def test_purging_from_a_new_format_backup(tmp_path: Path) -> None:
    root = tmp_path / "db"
    store = make_db(root)
    codec = encrypt_database(root, PASS, COST)
    store = Store(root, passphrase=PASS)
    path = store.backup()
    old = old_style_backup(root, codec, "000009")
    store.archive_case("C-2")
    store.purge_case("C-2", "C-2")
    assert sorted(store.purge_from_backups("C-2")) == sorted([path, old])
    for each in (path, old):
        _, documents = load_backup(each, codec)
        assert "cases/C-2.json" not in documents and "C-2" not in json.dumps(documents)
        assert "cases/C-1.json" in documents
    assert store.backups_holding("C-2") == []
