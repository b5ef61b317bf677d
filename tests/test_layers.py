"""The house rule: only assistant/ui imports Textual; the rest works without a terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"


def test_no_textual_import_outside_ui() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts
        and any(
            line.lstrip().startswith(("import textual", "from textual"))
            for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []


def test_headless_commands_do_not_load_textual() -> None:
    code = (
        "import sys; from assistant.commands.main import main; "
        "main(['flows', 'list', '--json']); "
        "assert 'textual' not in sys.modules, 'textual was imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
