"""What one case costs does not grow with the caseload or with the case's age
(issue 19): the store keeps what it read while the file is unchanged, makes a case
by appending to the index's journal, saves by reading only the end of the log, and
opens without walking every case's files. Behaviour, not timings: each test counts
what is read, parsed, written or looked at."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from assistant.flows.runner import AnswerEvent
from assistant.records import answer_log, crypto, index, storage
from assistant.records import store as store_module
from assistant.records.answer_log import LogCache, log_path, read_log, write_log
from assistant.records.check import check_database
from assistant.records.index import journal_path, read_index
from assistant.records.keys import encrypt_database
from assistant.records.store import Store, StoreError

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "DEFAULT_COST", (2**10, 8, 1))


def made(root: Path, refs: list[str], **kwargs: Any) -> Store:
    store = Store(root, **kwargs)
    for ref in refs:
        store.create_case(ref)
    return store


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Every call of `module.name`, by its first argument."""
    calls: list[Any] = []
    real = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


# -- the index is read once while it is unchanged -------------------------------------
def test_the_index_is_parsed_once_for_many_lookups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = made(tmp_path / "db", [f"C-{n}" for n in range(30)])
    store.cases()  # the last case made is read from the journal
    reads = count_calls(monkeypatch, index, "read_keyed")
    journal_reads = count_calls(monkeypatch, answer_log, "decode_row")
    for n in range(30):
        assert store.case(f"C-{n}").ref == f"C-{n}"
        store.cases()
        store.sessions(f"C-{n}")
    assert not reads and not journal_reads


def test_a_case_made_or_archived_by_another_store_is_seen(tmp_path: Path) -> None:
    """Two stores on one folder (two windows, or the server's people): what one
    changes, the other sees at its next call, without reopening."""
    root = tmp_path / "db"
    one = made(root, ["A-1", "B-2"])
    two = Store(root)
    assert [c.ref for c in one.cases()] == ["A-1", "B-2"]
    two.create_case("C-3")  # the journal grows
    assert [c.ref for c in one.cases()] == ["A-1", "B-2", "C-3"]
    assert one.case("C-3").created_by == "tester"
    two.archive_case("A-1")  # index.json written whole, the journal folded in
    assert [c.ref for c in one.cases()] == ["B-2", "C-3"]
    with pytest.raises(StoreError, match="already exists"):
        one.create_case("c-3")  # the clash is checked against what two made
    one.create_case("D-4")
    assert [c.ref for c in two.cases(archived=True)] == ["A-1", "B-2", "C-3", "D-4"]


def test_a_case_file_changed_by_another_store_is_read_again(tmp_path: Path) -> None:
    root = tmp_path / "db"
    one = made(root, ["A-1"])
    session = one.start_session("A-1", "f", "F").id
    assert one.drafts("A-1", session) == {}
    two = Store(root)
    two.save_draft("A-1", session, "q", "typed in the other window")
    assert one.drafts("A-1", session) == {"q": "typed in the other window"}
    two.finish_session("A-1", session)
    assert one.session("A-1", session).finished


def test_a_case_file_is_parsed_once_while_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = made(tmp_path / "db", ["A-1", "B-2"])
    session = store.start_session("A-1", "f", "F").id
    parses = count_calls(monkeypatch, storage, "parse_document")
    for _ in range(20):
        store.sessions("A-1")
        store.drafts("A-1", session)
        store.decisions("A-1")
    assert len(parses) <= 1
    store.record_decision("A-1", {"level": "LOW"})  # written: kept as written
    assert [d["level"] for d in store.decisions("A-1")] == ["LOW"]
    assert len(parses) <= 2  # the write read its file afresh, once


def test_a_damaged_index_is_refused_after_being_kept(tmp_path: Path) -> None:
    store = made(tmp_path / "db", ["A-1", "B-2"])
    store.cases()
    store.index_path.write_text('{"cases": {"1": {"ref": "A-1"')
    with pytest.raises(StoreError, match="damaged"):
        store.case("A-1")
    with pytest.raises(StoreError, match="damaged"):
        store.create_case("C-3")


# -- making a case ------------------------------------------------------------------
def test_making_a_case_appends_one_line_and_leaves_the_index_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = made(tmp_path / "db", [f"C-{n}" for n in range(40)])
    before = store.index_path.read_bytes()
    journal = journal_path(store.root)
    size = journal.stat().st_size
    writes = count_calls(monkeypatch, storage, "write_atomic")
    writes += count_calls(monkeypatch, index, "write_atomic")
    parses = count_calls(monkeypatch, storage, "parse_document")
    store.create_case("NEW-1")
    assert store.index_path.read_bytes() == before  # no other case's row written again
    assert journal.stat().st_size - size < 1000  # one short line
    assert [Path(p).name for p in writes] == ["NEW-1.json"]  # the new case's own file
    assert not parses  # nor any other case's row read again
    assert store.case("NEW-1").created_by == "tester"
    assert [c.ref for c in Store(store.root).cases()][-1] == "NEW-1"


def test_the_journal_is_folded_into_the_index_now_and_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "COMPACT_AFTER", 3)
    store = made(tmp_path / "db", [f"C-{n}" for n in range(1, 5)])  # the index, then 3 lines
    assert len(read_log(journal_path(store.root))) == 3
    store.create_case("C-5")  # the fourth: index.json written whole, the journal gone
    assert not journal_path(store.root).exists()
    rows = json.loads(store.index_path.read_text())["cases"].values()
    assert [r["ref"] for r in rows] == ["C-1", "C-2", "C-3", "C-4", "C-5"]
    assert [c.ref for c in Store(store.root).cases()] == ["C-1", "C-2", "C-3", "C-4", "C-5"]


def test_a_journal_left_behind_by_a_crash_is_not_counted_twice(tmp_path: Path) -> None:
    """Folding writes index.json, then removes the journal: a crash between the two
    leaves lines index.json already holds."""
    store = made(tmp_path / "db", ["A-1", "B-2", "C-3"])
    journal = journal_path(store.root)
    left = journal.read_bytes()
    store.archive_case("B-2")  # folds the journal in
    journal.write_bytes(left)  # as if the crash came before it was removed
    opened = Store(store.root)
    assert [c.ref for c in opened.cases(archived=True)] == ["A-1", "B-2", "C-3"]
    assert opened.case("B-2").archived_at is not None
    opened.purge_case("B-2", confirm="B-2")
    journal.write_bytes(left)
    assert [c.ref for c in Store(store.root).cases(archived=True)] == ["A-1", "C-3"]


def test_a_case_made_while_another_was_cut_short_is_kept(tmp_path: Path) -> None:
    """A journal line cut short (a crash mid-append) is ignored, then cut off."""
    store = made(tmp_path / "db", ["A-1", "B-2"])
    journal = journal_path(store.root)
    with journal.open("ab") as handle:
        handle.write(b'{"seq":2,"session":"","step":"case-cre')
    assert [c.ref for c in Store(store.root).cases()] == ["A-1", "B-2"]
    store.create_case("C-3")
    assert [line["seq"] for line in read_log(journal)] == [1, 2]
    assert answer_log.chain_problem(read_log(journal), index.JOURNAL_REF) is None
    assert [c.ref for c in Store(store.root).cases()] == ["A-1", "B-2", "C-3"]


def test_a_missing_index_is_rebuilt_with_what_the_journal_knew(tmp_path: Path) -> None:
    store = made(tmp_path / "db", ["A-1"], user="first")
    Store(store.root, user="someone").create_case("B-2")
    store.index_path.unlink()
    opened = Store(store.root)
    assert any("rebuilt from 2 case file(s)" in w for w in opened.warnings)
    assert opened.case("B-2").created_by == "someone"
    assert not journal_path(store.root).exists()


def test_a_damaged_journal_names_a_whole_restore(tmp_path: Path) -> None:
    store = made(tmp_path / "db", ["A-1", "B-2", "C-3"])
    store.backup()
    journal = journal_path(store.root)
    store.create_case("D-4")
    journal.write_bytes(b"not json\n" + journal.read_bytes())
    with pytest.raises(StoreError, match=r"line 1 cannot be read.*reunify restore \S+\)") as exc:
        Store(store.root)
    assert "--case" not in str(exc.value)


def test_check_reads_the_journal_and_names_a_broken_chain(tmp_path: Path) -> None:
    store = made(tmp_path / "db", ["A-1", "B-2", "C-3"])
    report = check_database(store.root)
    assert report.cases == 3 and report.problems == []
    journal = journal_path(store.root)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(lines[1])
    assert any(
        "line 1 is answer 2 where 1 was expected" in p for p in check_database(store.root).problems
    )


def test_the_index_other_modules_read_holds_the_journals_cases(tmp_path: Path) -> None:
    store = made(tmp_path / "db", ["A-1", "B-2"])
    document = read_index(store.root)
    assert document is not None
    assert [r["ref"] for r in document["cases"].values()] == ["A-1", "B-2"]


def test_a_backup_lists_every_case_in_its_index(tmp_path: Path) -> None:
    from assistant.records.backups import load_backup

    store = made(tmp_path / "db", ["A-1", "B-2", "C-3"])
    _, documents = load_backup(store.backup())
    assert [r["ref"] for r in documents["index.json"]["cases"].values()] == ["A-1", "B-2", "C-3"]


def test_an_encrypted_journal_is_sealed_and_read(tmp_path: Path) -> None:
    root = tmp_path / "db"
    made(root, ["A-1", "B-2"], user="Alex Worker")
    encrypt_database(root, PASS)
    store = Store(root, passphrase=PASS, user="Alex Worker")
    store.create_case("C-3")
    raw = journal_path(root).read_bytes()
    assert b"Alex Worker" not in raw and b'"C-3"' not in raw and b'"B-2"' not in raw
    assert [c.ref for c in Store(root, passphrase=PASS).cases()] == ["A-1", "B-2", "C-3"]


# -- saving -------------------------------------------------------------------------
def long_case(root: Path, answers: int) -> tuple[Store, str]:
    store = made(root, ["A-1"])
    session = store.start_session("A-1", "f", "F").id
    row = {"session": session, "step": "q", "skipped": False, "at": "t", "who": "w"}
    rows = [{**row, "seq": n, "value": f"answer {n}"} for n in range(1, answers + 1)]
    write_log(log_path(store.case_path("A-1")), answer_log.chained(rows, "A-1"))
    return store, session


def test_a_save_reads_only_the_end_of_a_long_log_and_no_case_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, session = long_case(tmp_path / "db", 3000)
    store.sessions("A-1")
    read: list[int] = []
    real = answer_log._read_at
    monkeypatch.setattr(
        answer_log, "_read_at", lambda fd, at, size: read.append(size) or real(fd, at, size)
    )
    parses = count_calls(monkeypatch, storage, "parse_document")
    stored = store.record("A-1", session, AnswerEvent("q", "one more"))
    assert stored.seq == 3001
    assert sum(read) <= answer_log.TAIL < log_path(store.case_path("A-1")).stat().st_size // 10
    assert not parses  # the session was checked on the case file as kept
    rows = read_log(log_path(store.case_path("A-1")))
    assert answer_log.chain_problem(rows, "A-1") is None and rows[-1]["value"] == "one more"


def test_a_long_log_whose_end_lost_its_newline_or_was_cut_is_saved_to(tmp_path: Path) -> None:
    store, session = long_case(tmp_path / "db", 500)
    log = log_path(store.case_path("A-1"))
    log.write_bytes(log.read_bytes()[:-1])  # the last line lost its newline only
    assert store.record("A-1", session, AnswerEvent("q", "after")).seq == 501
    with log.open("ab") as handle:
        handle.write(b'{"seq":502,"sess')  # an append cut short
    assert store.record("A-1", session, AnswerEvent("q", "again")).seq == 502
    rows = read_log(log)
    assert len(rows) == 502 and answer_log.chain_problem(rows, "A-1") is None


def test_a_damaged_last_line_of_a_long_log_is_named_by_its_number(tmp_path: Path) -> None:
    store, session = long_case(tmp_path / "db", 400)
    log = log_path(store.case_path("A-1"))
    log.write_bytes(log.read_bytes() + b"{not json}\n")
    with pytest.raises(StoreError, match="line 401 cannot be read"):
        store.record("A-1", session, AnswerEvent("q", "more"))


def test_a_save_drops_the_draft_without_changing_what_was_read(tmp_path: Path) -> None:
    store = made(tmp_path / "db", ["A-1"])
    session = store.start_session("A-1", "f", "F").id
    store.save_draft("A-1", session, "q", "half typed")
    kept = store._read(store.case_path("A-1"))  # the document the store keeps (shared)
    before = json.dumps(kept)
    store.record("A-1", session, AnswerEvent("q", "sent"))
    assert json.dumps(kept) == before  # the write changed a copy read afresh
    assert store.drafts("A-1", session) == {}
    assert Store(store.root).drafts("A-1", session) == {}


# -- logs kept in memory ------------------------------------------------------------
def test_only_the_logs_used_last_are_kept(tmp_path: Path) -> None:
    refs = [f"C-{n}" for n in range(20)]
    store = made(tmp_path / "db", refs)
    for ref in refs:
        session = store.start_session(ref, "f", "F").id
        store.record(ref, session, AnswerEvent("q", ref))
        store.answers_by_session(ref)
    assert len(store._logs) <= store._logs.keep < len(refs)
    assert [a.event.value for a in store.answers(ref, session)] == [ref]


def test_the_log_cache_reads_only_new_lines_and_tells_a_new_file_by_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "C-1.answers.jsonl"
    row = {"session": "s", "step": "q", "value": 1, "skipped": False, "at": "t", "who": "w"}
    for n in range(1, 4):
        answer_log.append(path, {**row, "value": n})
    cache = LogCache(keep=2)
    assert [r["value"] for r in cache.read(path)] == [1, 2, 3]
    answer_log.append(path, {**row, "value": 4})
    decoded: list[int] = []
    real = answer_log.decode_rows

    def counted(path: Path, lines: list[bytes], first: int, codec: Any) -> Any:
        decoded.extend(range(first, first + len(lines)))
        return real(path, lines, first, codec)

    monkeypatch.setattr(answer_log, "decode_rows", counted)
    assert [r["value"] for r in cache.read(path)] == [1, 2, 3, 4]
    assert decoded == [4]  # the new line only
    # the same file (same inode) written anew, longer: not taken for the old one grown
    new = [{**row, "seq": n, "value": f"new {n}"} for n in range(1, 13)]
    data = b"".join(answer_log.encode_row(r, storage.PLAIN, path.name) for r in new)
    assert len(data) > path.stat().st_size
    with path.open("r+b") as handle:
        handle.write(data)
    assert [r["value"] for r in cache.read(path)] == [f"new {n}" for n in range(1, 13)]
    for name in ("B.answers.jsonl", "C.answers.jsonl"):
        answer_log.append(tmp_path / name, row)
        cache.read(tmp_path / name)
    assert len(cache) == 2


# -- permissions --------------------------------------------------------------------
@pytest.mark.skipif(os.name == "nt", reason="file modes do not apply on Windows")
def test_opening_does_not_look_at_each_cases_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "db"
    made(root, [f"C-{n}" for n in range(10)])
    looked: list[Path] = []
    real = Path.lstat
    monkeypatch.setattr(Path, "lstat", lambda self: looked.append(self) or real(self))
    globbed = count_calls(monkeypatch, Path, "glob")
    Store(root)
    cases = root / "cases"
    assert cases in looked and journal_path(root) in looked
    assert not [p for p in looked if p.parent == cases and p != journal_path(root)]
    assert not [g for g in globbed if g == cases]


@pytest.mark.skipif(os.name == "nt", reason="file modes do not apply on Windows")
def test_a_loose_case_file_is_made_private_when_the_case_is_first_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "db"
    made(root, ["A-1", "B-2"])
    loose = root / "cases" / "A-1.json"
    loose.chmod(0o644)
    log = root / "cases" / "A-1.answers.jsonl"
    log.write_bytes(b"")
    log.chmod(0o640)
    store = Store(root)
    assert not [w for w in store.warnings if "A-1" in w]
    looked = count_calls(monkeypatch, store_module, "tighten_case")
    store.sessions("A-1")
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert [w for w in store.warnings if "A-1.json could be read by other users" in w]
    assert [w for w in store.warnings if "A-1.answers.jsonl could be read" in w]
    store.sessions("A-1")
    store.case_name("A-1")
    assert len(looked) <= 1  # once per case and store


@pytest.mark.skipif(os.name == "nt", reason="file modes do not apply on Windows")
def test_a_loose_cases_folder_has_every_file_looked_at_on_opening(tmp_path: Path) -> None:
    root = tmp_path / "db"
    made(root, ["A-1", "B-2"])
    (root / "cases").chmod(0o755)
    (root / "cases" / "B-2.json").chmod(0o644)
    warnings = Store(root).warnings
    assert [w for w in warnings if "cases could be read by other users (mode 0755)" in w]
    assert [w for w in warnings if "B-2.json could be read by other users (mode 0644)" in w]
    assert stat.S_IMODE((root / "cases" / "B-2.json").stat().st_mode) == 0o600


@pytest.mark.skipif(os.name == "nt", reason="file modes do not apply on Windows")
def test_check_looks_at_every_file(tmp_path: Path) -> None:
    root = tmp_path / "db"
    made(root, ["A-1", "B-2"])
    (root / "cases" / "B-2.answers.jsonl").write_bytes(b"")
    (root / "cases" / "B-2.answers.jsonl").chmod(0o644)
    Store(root)
    report = check_database(root)
    assert [w for w in report.tightened if "B-2.answers.jsonl could be read" in w]
    assert stat.S_IMODE((root / "cases" / "B-2.answers.jsonl").stat().st_mode) == 0o600


@pytest.mark.skipif(os.name == "nt", reason="file modes do not apply on Windows")
def test_reunify_check_says_what_it_made_private(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.commands.main import main

    root = tmp_path / "db"
    made(root, ["A-1", "B-2"])
    (root / "cases" / "B-2.json").chmod(0o644)
    assert main(["--db", str(root), "check"]) == 0
    err = capsys.readouterr().err
    assert "B-2.json could be read by other users" in err and "warning" in err


def test_a_database_of_the_version_before_the_journal_opens_and_grows(tmp_path: Path) -> None:
    """No schema change: a database written before the index had a journal (every
    case in index.json) is read as it is; new cases go to the journal."""
    root = tmp_path / "db"
    (root / "cases").mkdir(parents=True)
    rows = {
        str(n): {
            "ref": ref,
            "created_at": "2026-01-01T10:00:00+00:00",
            "created_by": "before",
            "demo": False,
            "archived_at": None,
        }
        for n, ref in enumerate(["A-1", "B-2"], 1)
    }
    index_document = {"meta": {"1": {"schema_version": 3}}, "cases": rows}
    (root / "index.json").write_text(json.dumps(index_document))
    for ref in ("A-1", "B-2"):
        meta = {"meta": {"1": {"schema_version": 3, "ref": ref}}}
        (root / "cases" / f"{ref}.json").write_text(json.dumps(meta))
    store = Store(root)
    assert [c.ref for c in store.cases()] == ["A-1", "B-2"]
    store.create_case("C-3")
    assert json.loads((root / "index.json").read_text()) == index_document
    store.archive_case("A-1")
    written = json.loads((root / "index.json").read_text())
    assert [r["ref"] for r in written["cases"].values()] == ["A-1", "B-2", "C-3"]
    assert written["meta"]["1"]["schema_version"] == 3


def test_one_store_shared_by_a_worker_thread_stays_whole(tmp_path: Path) -> None:
    """The app's workers (what is due) read through the app's store while the
    person makes cases and saves: what the store keeps is guarded."""
    import threading

    store = made(tmp_path / "db", ["A-1"])
    session = store.start_session("A-1", "f", "F").id
    failed: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                for case in store.cases():
                    store.sessions(case.ref)
                    store.answers_by_session(case.ref)
        except BaseException as exc:  # reported below
            failed.append(exc)

    worker = threading.Thread(target=read)
    worker.start()
    try:
        for n in range(30):
            store.create_case(f"B-{n}")
            store.record("A-1", session, AnswerEvent("q", n))
    finally:
        done.set()
        worker.join()
    assert not failed
    assert len(store.cases()) == 31 and len(store.answers("A-1", session)) == 30


def test_a_save_knows_the_sessions_without_scanning_them_and_sees_new_ones(
    tmp_path: Path,
) -> None:
    """A case open for years has a thousand sessions: a save checks its session by a
    set worked out once per version of the case's file, and a session started since
    (here by another process's store) is found, an unknown one refused."""
    root = tmp_path / "db"
    one = Store(root)
    one.create_case("C-1")
    first = one.start_session("C-1", "f", "F")
    one.record("C-1", first.id, AnswerEvent("q", 1))
    other = Store(root)
    later = other.start_session("C-1", "f", "F")  # the case's file changes under `one`
    one.record("C-1", later.id, AnswerEvent("q", 2))
    with pytest.raises(StoreError, match="has no session"):
        one.record("C-1", "not-a-session", AnswerEvent("q", 3))
    assert [a.event.value for a in Store(root).answers("C-1", later.id)] == [2]
