"""Reunify never touches a file it did not create: a mistyped --db, a stranger's file
in the database folder, an export target that is not a regular file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from assistant.commands.main import main
from assistant.records.store import Store, StoreError

pytestmark = pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")


def test_an_ordinary_folder_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "scripts"
    folder.mkdir()
    script = folder / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o755)
    (folder / "notes").mkdir(mode=0o755)
    before = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
    assert main(["--db", str(folder), "cases"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a Reunify database" in err
    assert {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]} == before
    assert sorted(p.name for p in folder.iterdir()) == ["notes", "run.sh"]
    with pytest.raises(StoreError, match="not a Reunify database"):
        Store(folder)


def test_an_empty_folder_becomes_a_database(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    Store(folder).create_case("C-1")
    assert (folder / "index.json").exists()


def test_only_reunify_files_are_made_private(tmp_path: Path) -> None:
    root = tmp_path / "db"
    store = Store(root)
    store.create_case("C-1")
    stranger = root / "cases" / "readme.txt"
    stranger.write_text("someone else's")
    stranger.chmod(0o644)
    mine = root / "cases" / "C-1.json"
    mine.chmod(0o644)
    opened = Store(root)  # a case's files are looked at when the case is first used
    opened.sessions("C-1")
    warnings = opened.warnings
    assert stat.S_IMODE(stranger.stat().st_mode) == 0o644
    assert stat.S_IMODE(mine.stat().st_mode) == 0o600
    assert [w for w in warnings if "C-1.json" in w] and not [w for w in warnings if "readme" in w]


def test_a_fifo_in_the_folder_is_never_touched(tmp_path: Path) -> None:
    root = tmp_path / "db"
    Store(root).create_case("C-1")
    fifo = root / "cases" / "X.json"
    os.mkfifo(fifo, 0o644)
    Store(root)  # would hang or fail if it opened the pipe
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and stat.S_IMODE(fifo.lstat().st_mode) == 0o644


@pytest.mark.parametrize("target", ["/dev/null", "fifo", "folder", "link"])
def test_exports_never_replace_what_is_not_a_regular_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    root = tmp_path / "db"
    Store(root).create_case("C-1")
    if target == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    elif target == "folder":
        path = tmp_path / "a-folder"
        path.mkdir()
    elif target == "link":
        (tmp_path / "real.md").write_text("mine")
        path = tmp_path / "link.md"
        path.symlink_to(tmp_path / "real.md")
    else:
        path = Path(target)
    before = path.lstat()
    argv = ["--db", str(root), "export", "C-1", "--report", "check-in", "-o", str(path)]
    assert main([*argv, "--force"]) == 2
    assert "is not a regular file" in capsys.readouterr().err
    after = path.lstat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
