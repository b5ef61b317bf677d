"""Snapshots of the main screens at 80×24 and 120×40 (pytest-textual-snapshot).

A fixed clock and user keep them deterministic. After a deliberate change to a
screen, look at the new pictures and update them with
`pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.casework.demo import write_demo
from assistant.records.store import Store
from assistant.ui.app import create_app

STAMP = "2026-11-23T10:00:00+00:00"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def demo_app(tmp_path: Path):
    store = Store(tmp_path / "db", clock=lambda: STAMP, user="tester")
    write_demo(store)
    return create_app(store, select="DEMO-001")


@pytest.fixture
def app(tmp_path: Path):
    """The demo case with the shipped flows."""
    return demo_app(tmp_path)


@pytest.fixture
def quick_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The demo case with a small test flow that feeds the table."""
    monkeypatch.setenv("REUNIFY_FLOWS", str(Path(__file__).parent / "fixtures" / "feeding"))
    return demo_app(tmp_path)


async def settle(pilot) -> None:
    """Wait for the home screen's "due soon" list, worked out in a thread."""
    from tests.pilot import wait_until

    def shown() -> bool:
        due = pilot.app.screen.query("#due")
        return bool(due) and not str(due.first().render()).startswith("Working out")

    await wait_until(pilot, shown)


async def answer_two(pilot) -> None:
    """Start the quick-inputs flow and answer two questions (care order, not addressed)."""
    await settle(pilot)
    pilot.app.screen.query_one("#flows").focus()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("2")
    await pilot.pause()
    await pilot.press("3")
    await pilot.pause()


async def open_case(pilot) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()


async def open_library(pilot) -> None:
    await settle(pilot)
    await pilot.press("f5")
    await pilot.pause()
    pilot.app.screen.query_one("#query").value = "babies"
    await pilot.pause()
    await pilot.press("down")  # to the results: no blinking cursor in the picture
    await pilot.pause()


async def child_flow(pilot) -> None:
    from tests.pilot import fill, start_flow

    await settle(pilot)
    await start_flow(pilot, "Three Houses")
    await fill(pilot, "My cat and my bike [b]!")


@SIZES
def test_home_screen(app, snap_compare, size) -> None:
    assert snap_compare(app, run_before=settle, terminal_size=size)


@SIZES
def test_chat_screen_with_panel(quick_app, snap_compare, size) -> None:
    """At 80 columns the panel folds into the progress line; at 120 it is beside the chat."""
    assert snap_compare(quick_app, run_before=answer_two, terminal_size=size)


@SIZES
def test_case_screen(app, snap_compare, size) -> None:
    assert snap_compare(app, run_before=open_case, terminal_size=size)


@SIZES
def test_library_screen(app, snap_compare, size) -> None:
    assert snap_compare(app, run_before=open_library, terminal_size=size)


@SIZES
def test_child_mode(app, snap_compare, size) -> None:
    assert snap_compare(app, run_before=child_flow, terminal_size=size)
