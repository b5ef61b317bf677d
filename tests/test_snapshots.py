"""Snapshots of the main screens at 80×24 (pytest-textual-snapshot).

A fixed clock and user keep them deterministic. Update after a deliberate
change with `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.demo import write_demo
from assistant.store import Store
from assistant.ui.app import create_app

STAMP = "2026-11-23T10:00:00+00:00"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REUNIFY_FLOWS", str(Path(__file__).parent / "fixtures" / "feeding"))
    store = Store(tmp_path / "db", clock=lambda: STAMP, user="tester")
    write_demo(store)
    return create_app(store, select="DEMO-001")


async def answer_two(pilot) -> None:
    """Start the quick-inputs flow and answer two questions (care order, not addressed)."""
    pilot.app.screen.query_one("#flows").focus()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("2")
    await pilot.pause()
    await pilot.press("3")
    await pilot.pause()


def test_home_screen(app, snap_compare) -> None:
    assert snap_compare(app, terminal_size=(80, 24))


def test_chat_screen_with_panel_folded(app, snap_compare) -> None:
    assert snap_compare(app, run_before=answer_two, terminal_size=(80, 24))


def test_chat_screen_wide_with_panel(app, snap_compare) -> None:
    assert snap_compare(app, run_before=answer_two, terminal_size=(120, 32))
