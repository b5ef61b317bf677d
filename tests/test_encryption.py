"""Optional encryption at rest, end to end (issue 6)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from assistant.commands.main import main
from assistant.flows.runner import AnswerEvent
from assistant.records import crypto
from assistant.records.store import PassphraseNeeded, Store, StoreError

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cheap scrypt cost so the tests stay fast (the real default is much higher)."""
    monkeypatch.setattr(crypto, "DEFAULT_COST", (2**10, 8, 1))


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def every_byte(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(db.rglob("*")) if p.is_file())


def test_encrypting_seals_every_file_and_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: optional encryption at rest — nothing readable on disk afterwards."""
    db = tmp_path / "db"
    store = Store(db)
    store.create_case("C-1", name="Sam Example")
    session = store.start_session("C-1", "f", "F").id
    store.record("C-1", session, AnswerEvent("q", "the secret answer", False))
    store.backup()
    stdin(monkeypatch, f"{PASS}\n")
    assert main(["--db", str(db), "encrypt"]) == 0
    assert "is now encrypted" in capsys.readouterr().out
    raw = every_byte(db)
    for secret in (b"the secret answer", b"Sam Example", b'C-1"', PASS.encode()):
        assert secret not in raw
    opened = Store(db, passphrase=PASS)
    assert [a.event.value for a in opened.answers("C-1", session)] == ["the secret answer"]
    assert opened.case_name("C-1") == "Sam Example"


def test_wrong_or_missing_passphrase_is_refused_and_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 6: a wrong passphrase is a clear error and never a rewrite."""
    db = tmp_path / "db"
    Store(db).create_case("C-1")
    stdin(monkeypatch, f"{PASS}\n")
    assert main(["--db", str(db), "encrypt"]) == 0
    before = every_byte(db)
    with pytest.raises(StoreError, match="wrong passphrase: nothing was read or changed"):
        Store(db, passphrase="not the passphrase")
    with pytest.raises(PassphraseNeeded):
        Store(db)
    stdin(monkeypatch, "not the passphrase\n")
    assert main(["--db", str(db), "case", "new", "C-2"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "reunify: error: wrong passphrase: nothing was read or changed"
    assert "not the passphrase" not in err
    assert every_byte(db) == before
    stdin(monkeypatch, f"{PASS}\n")
    assert main(["--db", str(db), "case", "new", "C-2"]) == 0


def test_an_encrypted_file_swapped_for_another_is_refused(tmp_path: Path) -> None:
    """Each sealed file is bound to its name: one case's file cannot stand in for another's."""
    db = tmp_path / "db"
    store = Store(db)
    store.create_case("A-1")
    store.create_case("B-1")
    from assistant.records.keys import encrypt_database

    encrypt_database(db, PASS, (2**10, 8, 1))
    (db / "cases" / "B-1.json").write_bytes((db / "cases" / "A-1.json").read_bytes())
    store = Store(db, passphrase=PASS)
    with pytest.raises(StoreError, match=r"B-1\.json is damaged"):
        store.sessions("B-1")


def test_a_plain_file_in_an_encrypted_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "db"
    Store(db).create_case("A-1")
    from assistant.records.keys import encrypt_database

    encrypt_database(db, PASS, (2**10, 8, 1))
    (db / "cases" / "A-1.json").write_text(json.dumps({"sessions": {}}))
    with pytest.raises(StoreError, match="not encrypted, but this database is"):
        Store(db, passphrase=PASS).sessions("A-1")


def test_backup_and_restore_of_an_encrypted_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    Store(db).create_case("A-1")
    from assistant.records.keys import encrypt_database

    encrypt_database(db, PASS, (2**10, 8, 1))
    path = Store(db, passphrase=PASS).backup()
    assert b"A-1" not in path.read_bytes()
    (db / "index.json").write_bytes(b"garbage")
    stdin(monkeypatch, f"{PASS}\n")
    assert main(["--db", str(db), "restore", str(path)]) == 0
    assert [c.ref for c in Store(db, passphrase=PASS).cases()] == ["A-1"]


def test_a_plain_database_never_imports_the_cryptography_library() -> None:
    """Opening an unencrypted database stays quick: the sealed-file check needs no crypto."""
    import subprocess
    import sys

    code = (
        "import sys, tempfile, pathlib\n"
        "from assistant.records.store import Store\n"
        "Store(pathlib.Path(tempfile.mkdtemp()) / 'db').create_case('C-1')\n"
        "print('cryptography' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert crypto.MAGIC.startswith(
        __import__("assistant.records.storage").records.storage.SEALED_PREFIX
    )


@pytest.mark.parametrize("bad", ["garbled", "plain", "swapped"])
def test_a_bad_line_in_a_sealed_log_is_named_by_its_number(tmp_path: Path, bad: str) -> None:
    """A sealed log is unsealed line by line and parsed in one go; a line that cannot
    be unsealed, a plain line, or a line sealed for another case's log is still
    named by its number, and a whole log reads as before."""
    from assistant.records.answer_log import log_path
    from assistant.records.keys import encrypt_database

    db = tmp_path / "db"
    store = Store(db)
    for ref in ("A-1", "B-1"):
        store.create_case(ref)
        session = store.start_session(ref, "f", "F").id
        for n in range(3):
            store.record(ref, session, AnswerEvent("q", f"{ref} answer {n}"))
    encrypt_database(db, PASS, (2**10, 8, 1))
    store = Store(db, passphrase=PASS)
    assert [r["value"] for r in store.answer_rows("A-1")] == [f"A-1 answer {n}" for n in range(3)]
    path = log_path(store.case_path("A-1"))
    lines = path.read_bytes().splitlines()
    if bad == "garbled":
        lines[1] = lines[1][:-8] + b"AAAAAAA="
    elif bad == "plain":
        lines[1] = json.dumps({"session": "s", "step": "q", "value": 1}).encode()
    else:
        lines[1] = log_path(store.case_path("B-1")).read_bytes().splitlines()[1]
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(StoreError, match="line 2"):
        Store(db, passphrase=PASS).answer_rows("A-1")
