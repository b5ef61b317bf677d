"""The case screen: sessions, what each recorded, classification and decisions (issue 5)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.flows.loader import default_library
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.case import CaseScreen
from assistant.ui.chat import ChatScreen
from assistant.ui.home import HomeScreen
from assistant.ui.risk_panel import WhyScreen


async def test_case_screen_shows_the_case_and_resumes(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    library = default_library()
    write_demo(store, library)
    unfinished = store.start_session(DEMO_REF, "wishes-and-feelings", "Wishes and feelings")
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # the highlighted case
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, CaseScreen)
        sessions = screen.query_one("#case-sessions", OptionList)
        first = str(sessions.get_option_at_index(0).prompt)
        assert "UNFINISHED — resume" in first  # unfinished sessions come first
        assert sessions.option_count == 8
        classification = str(screen.query_one("#case-classification", Static).render())
        assert "Suggested by the framework's table" in classification
        assert "●●●○ HIGH" in classification
        decisions = str(screen.query_one("#case-decisions", Static).render())
        assert "the partner is not yet assessed" in decisions
        sessions.highlighted = 6  # newest first: the factors session about the mother
        await pilot.pause()
        recorded = str(screen.query_one("#recorded", Static).render())
        assert "Parent or carer: Mother" in recorded
        assert "Capacity for change: Not known" in recorded
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(pilot.app.screen, WhyScreen)
        await pilot.press("escape")
        sessions.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        chat = pilot.app.screen
        assert isinstance(chat, ChatScreen)
        assert chat.record.id == unfinished.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CaseScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
