"""Reunify runs where social workers are: mostly Windows laptops. No POSIX-only call
without a portable path beside it; locks through a maintained library (filelock)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.records.model import CaseRefError, check_ref

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
POSIX_ONLY = {"fcntl", "termios", "pwd", "grp", "resource"}


def test_no_module_imports_a_posix_only_module() -> None:
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            found += [f"{path.relative_to(PACKAGE)}: {n}" for n in names if n in POSIX_ONLY]
    assert found == []


def test_no_posix_only_os_calls() -> None:
    """os.pread, os.fchmod and friends do not exist on Windows."""
    calls = ("os.pread", "os.pwrite", "os.fchmod", "os.getuid", "os.geteuid", "os.fork")
    found = [
        f"{path.relative_to(PACKAGE)}: {call}"
        for path in PACKAGE.rglob("*.py")
        for call in calls
        if call + "(" in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_the_store_works_with_fcntl_unimportable(tmp_path: Path) -> None:
    """As on Windows: fcntl cannot be imported; the store still opens, saves, locks,
    backs up, and a second window is still read-only."""
    code = f"""
import sys, warnings
sys.modules['fcntl'] = None
warnings.simplefilter('ignore')
from pathlib import Path
from assistant.records.store import Store
from assistant.records.events import AnswerEvent
root = Path({str(tmp_path / "db")!r})
store = Store(root)
store.create_case('C-1')
session = store.start_session('C-1', 'f', 'F')
store.record('C-1', session.id, AnswerEvent('x', 1))
assert store.claim_for_app() is True
second = Store(root)
assert second.claim_for_app() is False and second.read_only
assert len(Store(root).answers('C-1', session.id)) == 1
store.backup()
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("ref", ["CON", "nul", "Com1", "LPT9", "aux"])
def test_references_windows_keeps_for_devices_are_refused(ref: str) -> None:
    with pytest.raises(CaseRefError, match="Windows keeps for a device"):
        check_ref(ref)


@pytest.mark.parametrize("ref", ["C-1\n", "C-1\r\n", " C-1", "C:1", "C/1", "C\\1", "", "x" * 33])
def test_a_reference_must_match_whole(ref: str) -> None:
    """A trailing newline is not part of a valid reference (full matches, not re.match)."""
    with pytest.raises(CaseRefError):
        check_ref(ref)


def test_file_names_are_portable(tmp_path: Path) -> None:
    """No ':' or other characters Windows refuses in any name Reunify writes."""
    from assistant.records.store import Store

    store = Store(tmp_path / "db")
    store.create_case("C-1")
    store.backup("manual")
    names = [p.name for p in (tmp_path / "db").rglob("*")]
    assert names and not [n for n in names if set(n) & set('<>:"|?*\\')]


def test_no_platform_only_strftime_codes() -> None:
    """'%-d' works on Linux and macOS only; Windows' strftime rejects it."""
    found = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(code in path.read_text(encoding="utf-8") for code in ("%-d", "%-m", "%-H", "%-I"))
    ]
    assert found == []
