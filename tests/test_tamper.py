"""Tamper evidence and what reaches the terminal: `reunify check`, swapped case files,
a broken chain named in the audit, and stored names that cannot drive the terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.commands.main import main
from assistant.flows.runner import AnswerEvent
from assistant.records.answer_log import log_path
from assistant.records.store import Store, StoreError


def filled(root: Path, who: str = "worker") -> Store:
    store = Store(root, user=who)
    for ref in ("A-1", "B-2"):
        store.create_case(ref)
        session = store.start_session(ref, "flow", "Flow")
        for i in range(3):
            store.record(ref, session.id, AnswerEvent("q", f"{ref} answer {i}"))
    store.backup()
    return store


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--db", str(root), "check"])
    return code, capsys.readouterr().out


def test_check_passes_a_whole_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filled(tmp_path / "db")
    code, out = check(tmp_path / "db", capsys)
    assert code == 0 and "Checked 2 case(s) and 1 backup(s)" in out


def test_check_names_a_removed_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = filled(tmp_path / "db")
    log = log_path(store.case_path("A-1"))
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(lines[0] + lines[2])
    code, out = check(tmp_path / "db", capsys)
    assert code == 1
    assert "A-1.answers.jsonl: line 2 is answer 3 where 2 was expected" in out


def test_swapped_case_files_are_refused_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = filled(tmp_path / "db")
    a, b = store.case_path("A-1"), store.case_path("B-2")
    shutil.copy(a, tmp_path / "a")
    shutil.copy(b, a)
    shutil.copy(tmp_path / "a", b)
    with pytest.raises(StoreError, match="holds case 'B-2', not 'A-1'"):
        Store(tmp_path / "db").sessions("A-1")
    code, out = check(tmp_path / "db", capsys)
    assert code == 1 and "swapped" in out


def test_a_swapped_log_breaks_at_line_one_in_check_and_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = filled(tmp_path / "db")
    shutil.copy(log_path(store.case_path("A-1")), log_path(store.case_path("B-2")))
    code, out = check(tmp_path / "db", capsys)
    assert code == 1 and "B-2.answers.jsonl: line 1 does not follow" in out
    assert main(["--db", str(tmp_path / "db"), "case", "audit", "B-2"]) == 0
    err = capsys.readouterr().err
    assert "warning: case B-2: line 1 does not follow" in err


def test_check_reports_a_backup_that_cannot_be_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled(tmp_path / "db")
    (backup,) = (tmp_path / "db" / "backups").glob("*.json")
    backup.write_text('{"format": "reunify-backup"}')
    code, out = check(tmp_path / "db", capsys)
    assert code == 1 and "has no index of cases" in out


def test_escape_sequences_in_a_user_name_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REUNIFY_USER", "evil\x1b]0;owned\x07\x1b[2J")
    root = tmp_path / "db"
    assert main(["--db", str(root), "case", "new", "A-1"]) == 0
    store = Store(root)
    session = store.start_session("A-1", "flow", "Flow")
    store.record("A-1", session.id, AnswerEvent("q", "x"))
    capsys.readouterr()
    assert main(["--db", str(root), "cases"]) == 0
    assert main(["--db", str(root), "case", "audit", "A-1"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "evil␛]0;owned␇␛[2J" in out


async def test_the_audit_screen_names_a_broken_chain(tmp_path: Path) -> None:
    from assistant.ui.app import create_app
    from assistant.ui.audit import AuditScreen
    from assistant.ui.audit_list import BlockList

    store = filled(tmp_path / "db", who="a\x1b[31mb")
    log = log_path(store.case_path("A-1"))
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(lines[0] + lines[2])
    async with create_app(Store(tmp_path / "db"), select="A-1").run_test(size=(100, 40)) as pilot:
        await pilot.press("enter", "a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AuditScreen)
        shown = pilot.app.screen.query_one(BlockList).shown()
        assert "WARNING: the answer log was changed outside Reunify: line 2 is answer 3" in shown
        assert "\x1b" not in shown and "a␛[31mb" in shown
