"""Shared fixtures: every test runs on its own database folder, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.flows import Flow, load_flow
from assistant.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default database at a temporary folder and fix the user name."""
    monkeypatch.setenv("REUNIFY_DB", str(tmp_path / "default-db"))
    monkeypatch.setenv("REUNIFY_USER", "tester")
    monkeypatch.setenv("REUNIFY_SETTINGS", str(tmp_path / "settings.json"))


@pytest.fixture
def visit_flow() -> Flow:
    return load_flow(FIXTURES / "visit-plan.toml")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "db")
