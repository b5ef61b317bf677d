"""Nothing leaks after `reunify encrypt`: every file of the folder that holds case
data is sealed or removed (after asking), a damaged log cannot leave the database
stuck half-converted, sealed lines hide an answer's exact length, and a new
passphrase has at least eight characters."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import pytest

from assistant.commands.main import main
from assistant.flows.runner import AnswerEvent
from assistant.records import crypto
from assistant.records.answer_log import log_path
from assistant.records.store import Store

PASS = "correct horse battery staple"
MARKER = "UNIQUE-MARKER-7f3a9c"


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "DEFAULT_COST", (2**10, 8, 1))


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_no_plain_text_is_left_anywhere_in_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "db"
    store = Store(root)
    for ref in ("A-1", "B-2", "C-3"):
        store.create_case(ref)
        session = store.start_session(ref, "f", "F")
        store.record(ref, session.id, AnswerEvent("q", f"{MARKER} in {ref}"))
    store.backup()
    cases = root / "cases"
    shutil.copy(cases / "A-1.json", cases / "A-1.json.damaged-20260101-000000")
    shutil.copy(log_path(cases / "A-1.json"), cases / "A-1.answers.jsonl.damaged-20260101-000000")
    (cases / ".A-1.json.abc123.tmp").write_text(f"half a write {MARKER}")
    (cases / "B-2.json").write_text(f"{{ damaged {MARKER}")  # a damaged case file
    with log_path(cases / "C-3.json").open("a") as handle:  # a damaged log
        handle.write(f"not json {MARKER}\n")
    stdin(monkeypatch, f"{PASS}\n")
    assert main(["--db", str(root), "encrypt"]) == 1  # no terminal to ask, no --yes
    assert "nothing was encrypted (add --yes" in capsys.readouterr().err
    assert not (root / "key.json").exists()
    stdin(monkeypatch, f"{PASS}\n")
    assert main(["--db", str(root), "encrypt", "--yes"]) == 0
    for path in root.rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path
    assert json.loads((root / "key.json").read_text())["state"] == "sealed"
    opened = Store(root, passphrase=PASS)
    session = opened.sessions("A-1")[0]
    assert [a.event.value for a in opened.answers("A-1", session.id)] == [f"{MARKER} in A-1"]


@pytest.mark.parametrize("passphrase", ["short", "1234567", " " * 12, "\t" * 9])
def test_a_weak_passphrase_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    passphrase: str,
) -> None:
    root = tmp_path / "db"
    Store(root).create_case("A-1")
    stdin(monkeypatch, f"{passphrase}\n")
    assert main(["--db", str(root), "encrypt"]) == 1
    assert "at least 8 characters, not only spaces" in capsys.readouterr().err
    assert not (root / "key.json").exists()


def test_sealed_answers_do_not_show_their_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "db"
    store = Store(root)
    store.create_case("A-1")
    stdin(monkeypatch, f"{PASS}\n")
    assert main(["--db", str(root), "encrypt"]) == 0
    store = Store(root, passphrase=PASS)
    session = store.start_session("A-1", "f", "F")
    store.record("A-1", session.id, AnswerEvent("q", "no"))
    store.record("A-1", session.id, AnswerEvent("q", "a somewhat longer answer, still short"))
    lines = log_path(store.case_path("A-1")).read_bytes().splitlines()
    assert len(lines) == 2 and len(lines[0]) == len(lines[1])
    assert all(len(base64.b64decode(line)) > 256 for line in lines)
