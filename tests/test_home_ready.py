"""The first screen comes before the slow work (issue 19): the case list is painted
before what is due is worked out, the automatic backup runs after the first paint
in a thread and the home screen says so, and coming back from a case works out
what is due again only when something was recorded."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from assistant.records import backups
from assistant.records import store as store_module
from assistant.records.backups import BackupError
from assistant.records.events import AnswerEvent
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.backing_up import BACKING_UP
from assistant.ui.case import CaseScreen
from assistant.ui.home import HomeScreen
from assistant.ui.home_due import WORKING
from tests.pilot import wait_until

SIZE = (80, 24)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db")
    for ref in ("A-1", "B-2"):
        store.create_case(ref)
        store.start_session(ref, "case-profile", "Case profile")
    return store


class DueRuns:
    """The runs that work out what is due, counted; each waits for `gate`."""

    def __init__(self) -> None:
        self.count = 0
        self.gate = threading.Event()
        self.gate.set()


@pytest.fixture
def due_runs(monkeypatch: pytest.MonkeyPatch) -> DueRuns:
    from assistant.ui import due

    real, runs = due.compute_due, DueRuns()

    def counted(*args: Any, **kwargs: Any) -> list[Any]:
        runs.count += 1
        runs.gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(due, "compute_due", counted)
    return runs


def home(pilot: Any) -> HomeScreen:
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    return screen


def due_text(pilot: Any) -> str:
    return str(pilot.app.screen.query_one("#due").render())


def toasts(pilot: Any) -> str:
    return " ".join(str(t.render()) for t in pilot.app.screen.query("Toast"))


async def test_the_case_list_is_painted_before_what_is_due(store: Store, due_runs: DueRuns) -> None:
    due_runs.gate.clear()  # what is due takes as long as it takes
    async with create_app(store).run_test(size=SIZE) as pilot:
        await pilot.pause()
        cases = pilot.app.screen.query_one("#cases", OptionList)
        assert [cases.get_option_at_index(i).id for i in range(cases.option_count)] == [
            "A-1",
            "B-2",
        ]
        assert due_text(pilot) == WORKING
        await pilot.press("down")  # the cursor moves while it is worked out
        await pilot.pause()
        assert home(pilot).ref == "B-2"
        due_runs.gate.set()
        await wait_until(pilot, lambda: due_text(pilot) != WORKING, seconds=15)
        assert due_runs.count == 1


async def test_coming_back_from_a_case_works_it_out_again_only_after_a_change(
    store: Store, due_runs: DueRuns
) -> None:
    async with create_app(store).run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: due_text(pilot) != WORKING, seconds=15)
        assert due_runs.count == 1
        for _ in range(3):  # three trips into a case and back: no new run
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(pilot.app.screen, CaseScreen)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.pause()
        await wait_until(pilot, lambda: False, seconds=0.3)
        assert due_runs.count == 1
        await pilot.press("enter")
        await pilot.pause()
        session = store.sessions("A-1")[0].id
        store.record("A-1", session, AnswerEvent("legal_status", "care_order"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: due_runs.count == 2, seconds=15)
        assert due_runs.count == 2


async def test_the_automatic_backup_runs_after_the_first_paint_and_says_so(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = backups.automatic_backup
    go_on = threading.Event()
    seen: dict[str, Any] = {}

    def slow(*args: Any, **kwargs: Any) -> Path | None:
        seen["thread"] = threading.current_thread() is not threading.main_thread()
        seen["lock per case"] = kwargs.get("lock") is not None
        go_on.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module, "automatic_backup", slow)
    assert backups.backups(store.root) == []
    app = create_app(store, backup=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: "thread" in seen, seconds=15)
        assert pilot.app.screen.query_one("#cases", OptionList).option_count == 2
        assert due_text(pilot) != WORKING  # what is due was shown first
        assert home(pilot).sub_title == BACKING_UP  # said while it runs
        await pilot.press("down")  # and the screen answers meanwhile
        await pilot.pause()
        assert home(pilot).ref == "B-2"
        go_on.set()
        await wait_until(pilot, lambda: "Backed up" in toasts(pilot), seconds=15)
        assert "Backed up the database (000001-" in toasts(pilot)
        assert home(pilot).sub_title == "guided reunification practice"
    assert seen == {"thread": True, "lock per case": True}
    (made,) = backups.backups(store.root)
    assert backups.reason_of(made) == "auto"


async def test_a_failed_automatic_backup_is_said_and_the_app_carries_on(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: Any, **kwargs: Any) -> Path | None:
        raise BackupError("the backup could not be written: No space left on device")

    monkeypatch.setattr(store_module, "automatic_backup", failing)
    app = create_app(store, backup=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: "could not be made" in toasts(pilot), seconds=15)
        assert "No space left on device" in toasts(pilot)
        assert home(pilot).sub_title == "guided reunification practice"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CaseScreen)


async def test_no_automatic_backup_when_none_is_due_or_in_a_second_window(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(store_module, "automatic_backup", lambda *a, **k: calls.append(a))
    store.backup()  # made just now: none is due
    async with create_app(store, backup=True).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert home(pilot).sub_title == "guided reunification practice"
    second = Store(store.root)
    second.read_only = True
    for path in backups.backups(store.root):
        path.unlink()
    async with create_app(second, backup=True).run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert calls == []


async def test_the_due_dialog_draws_only_what_is_in_sight(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1,000 cases there are thousands of items: `d` drew every one of them before
    it showed (seconds); now only the items in sight are drawn, and End reaches the
    last one."""
    from assistant.casework.due_rules import DueItem
    from assistant.ui import due as due_module
    from assistant.ui.due import DueBlocks, DueScreen

    items = [
        DueItem(f"C-{n:05d}", f"Item {n} of the caseload", "2027-01-01", "Source words", n < 3)
        for n in range(8000)
    ]
    drawn: list[int] = []
    real_text = DueBlocks.text

    def text(blocks: DueBlocks, index: int) -> Any:
        drawn.append(index)
        return real_text(blocks, index)

    monkeypatch.setattr(due_module.DueBlocks, "text", text)
    app = create_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DueScreen(items))
        await pilot.pause()
        shown = app.screen.query_one("#due-all").shown()
        assert "What is due, soonest first" in shown
        assert "OVERDUE 2027-01-01  C-00000" in shown and "Source words" in shown
        assert len(set(drawn)) < 40
        await pilot.press("end")
        await pilot.pause()
        shown = app.screen.query_one("#due-all").shown()
        assert "C-07999" in shown and "Esc closes." in shown
        assert len(set(drawn)) < 80


async def test_the_due_dialog_says_when_nothing_is_due(store: Store) -> None:
    from assistant.ui.due import DueScreen

    app = create_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DueScreen([]))
        await pilot.pause()
        shown = app.screen.query_one("#due-all").shown()
        assert shown.split("\n")[:4] == [
            "What is due, soonest first",
            "",
            "Nothing is due.",
            "Esc closes.",
        ]
