"""The house's layers: one folder per layer, checked by import-linter's contracts
(in pyproject.toml, run here and in .ci/run), and the commands that need no terminal
never load Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
LAYERS = ("commands", "ui", "documents", "casework", "flows", "records", "risk")


def test_the_import_contracts_hold() -> None:
    """Layers top to bottom, Textual only in ui/, no import circles (import-linter)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command as run; sys.exit(run())",
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=PACKAGE.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_the_top_level_holds_at_most_five_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 5, top
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert folders == sorted(LAYERS)


def test_each_layer_says_what_it_holds_and_may_import() -> None:
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text())) or ""
        assert "import" in doc, f"{layer}/__init__.py: say what it may import"


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
