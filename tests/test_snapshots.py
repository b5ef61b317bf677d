"""Snapshots of every screen and dialog at 80×24, and the main screens at 120×40
(pytest-textual-snapshot).

A fixed clock, user, date and round id keep them deterministic. Most use the test
flows in tests/fixtures/feeding, so that a change to the shipped flows does not
change them; the factor flow, child mode and the library show the real ones.
After a deliberate change to a screen, look at the new pictures and update them
with `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from assistant.casework.decisions import make_decision
from assistant.casework.demo import DEMO_REF, write_demo
from assistant.casework.rounds import make_rating, open_round, rate
from assistant.records.events import AnswerEvent
from assistant.records.store import Store
from assistant.ui.app import create_app

STAMP = "2026-11-23T10:00:00+00:00"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
SMALL = (80, 24)
FIXTURES = Path(__file__).parent / "fixtures"


def demo_app(tmp_path: Path, recorded: bool = False):
    store = Store(tmp_path / "db", clock=lambda: STAMP, user="tester")
    write_demo(store)
    if recorded:
        record_case(store)
    return create_app(store, select=DEMO_REF)


def record_case(store: Store) -> None:
    """A session of the quick test flow and three decisions: one person's view, one
    agreed with a manager, one agreed in a round, each with a trajectory."""
    session = store.start_session(DEMO_REF, "quick-inputs", "Quick inputs (test)")
    for step, value in [
        ("legal", "care_order"),
        ("drugs_mother", "not_addressed"),
        ("drugs_father", "unknown"),
        ("family_support", "yes"),
        ("capacity", "some"),
        ("parents_want", "yes"),
    ]:
        store.record(DEMO_REF, session.id, AnswerEvent(step, value))
    store.record(DEMO_REF, session.id, AnswerEvent("legal", "section_20"))  # a change
    held = {"held_at": "high", "reclassify_by": "2027-05-23"}
    reason = (
        "Drinking is being addressed but the change has lasted four months, not six; "
        "the mother's new partner has not been assessed."
    )
    store.record_decision(DEMO_REF, {**make_decision("high", reason, "high"), "trajectory": held})
    store.record_decision(
        DEMO_REF,
        {
            **make_decision("high", "Agreed in supervision: " + reason, "high", "Sam Manager"),
            "trajectory": held,
        },
    )
    store.record_decision(
        DEMO_REF,
        {
            **make_decision("medium", "Six months of negative tests; partner assessed.", None),
            "agreed_by": "AB and CD",
            "round": "0000000001",
            "trajectory": {"held_at": "medium", "reclassify_by": "2027-05-23"},
        },
    )


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    """What is due, worked out on a fixed day."""

    class Today(date):
        @classmethod
        def today(cls) -> Today:
            return cls(2026, 11, 23)

    monkeypatch.setattr("assistant.ui.due.date", Today)


@pytest.fixture
def app(tmp_path: Path):
    """The demo case with the shipped flows."""
    return demo_app(tmp_path)


@pytest.fixture
def quick_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The demo case with a small test flow that feeds the table."""
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "feeding"))
    return demo_app(tmp_path)


@pytest.fixture
def case_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The demo case with a session of the test flow and three decisions."""
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "feeding"))
    return demo_app(tmp_path, recorded=True)


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
def test_case_screen(case_app, snap_compare, size) -> None:
    """Every key of the case screen shows in its footer at 80 columns (e included)."""
    assert snap_compare(case_app, run_before=open_case, terminal_size=size)


@SIZES
def test_library_screen(app, snap_compare, size) -> None:
    assert snap_compare(app, run_before=open_library, terminal_size=size)


@SIZES
def test_child_mode(app, snap_compare, size) -> None:
    assert snap_compare(app, run_before=child_flow, terminal_size=size)


# -- every other screen and dialog at 80×24 --------------------------------------


def test_demo_home_says_nothing_is_kept(tmp_path: Path, snap_compare) -> None:
    from assistant.commands.cases import demo_store

    store = demo_store(tmp_path / "db")
    write_demo(store)
    app = create_app(store, select=DEMO_REF)
    assert snap_compare(app, run_before=settle, terminal_size=SMALL)


def test_factor_flow(app, snap_compare) -> None:
    """The factors flow for a parent, at the tick list of a domain's factors: the
    list is in sight above the keys (it scrolls inside itself when long)."""
    from tests.pilot import start_flow

    async def run_before(pilot) -> None:
        await settle(pilot)
        await start_flow(pilot, "Factors associated with future harm")
        for key in ("2", "1", "enter"):  # about the mother; the parent domain
            await pilot.press(key)
            await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SMALL)


def test_decision_dialog(quick_app, snap_compare) -> None:
    """F4: a level chosen, the reason and the manager's name below it, all in sight."""

    async def run_before(pilot) -> None:
        await answer_two(pilot)
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()

    assert snap_compare(quick_app, run_before=run_before, terminal_size=SMALL)


def test_help_dialog(app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SMALL)


def test_due_dialog(case_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(case_app, run_before=run_before, terminal_size=SMALL)


def test_audit_dialog(case_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await open_case(pilot)
        await pilot.press("a")
        await pilot.pause()

    assert snap_compare(case_app, run_before=run_before, terminal_size=SMALL)


def test_timeline_dialog(case_app, snap_compare) -> None:
    """Each reason wraps once, to the dialog's width, under its entry."""

    async def run_before(pilot) -> None:
        await open_case(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(case_app, run_before=run_before, terminal_size=SMALL)


def test_export_dialog(case_app, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document chosen: its preview, the file name and Save, all in sight."""
    import datetime as real

    from textual.widgets import Select

    from assistant.documents import reports

    class FixedDay(real.date):
        @classmethod
        def today(cls) -> FixedDay:
            return cls(2026, 12, 1)

    monkeypatch.setattr(reports, "date", FixedDay)  # the preview says when it was made

    async def run_before(pilot) -> None:
        await open_case(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one("#report", Select).value = "assessment"
        await pilot.pause()
        await pilot.press("tab", "tab", "tab")  # to the file name
        await pilot.pause()

    assert snap_compare(case_app, run_before=run_before, terminal_size=SMALL)


def test_round_dialog(case_app, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three raters side by side, each row on one line with DIFFERS where views differ."""
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=1))  # the round's id

    async def run_before(pilot) -> None:
        store = pilot.app.store
        rows = {
            "risk_factors": "high",
            "protective_factors": "medium",
            "capacity_to_change": "high",
            "wishes": "medium",
        }
        opened = open_round(store, DEMO_REF, {"level": "high", "rows": rows})
        for role, name, changed, overall in [
            ("worker", "AB", {}, "high"),
            ("team_manager", "CD", {"risk_factors": "medium"}, "medium"),
            ("independent_reviewer", "EF", {"wishes": "low"}, "severe"),
        ]:
            rating = make_rating(role, name, {**rows, **changed}, overall, "On my own.")
            rate(store, DEMO_REF, opened.id, rating)
        await open_case(pilot)
        await pilot.press("r")
        await pilot.pause()
        pilot.app.screen.query_one("#show-all").press()
        await pilot.pause()

    assert snap_compare(case_app, run_before=run_before, terminal_size=SMALL)
