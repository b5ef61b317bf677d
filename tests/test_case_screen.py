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
        assert sessions.option_count == 9
        classification = str(screen.query_one("#case-classification", Static).render())
        assert "Reunify's reading of the framework's table" in classification
        assert "●●●○ HIGH" in classification
        decisions = str(screen.query_one("#case-decisions", Static).render())
        assert "the partner is not yet assessed" in decisions
        assert "your view, not yet agreed" in decisions  # the flow's own level
        assert "agreed by Worker and team manager" in decisions  # the round's
        # the sessions list names whom each factors session is about
        prompts = [str(sessions.get_option_at_index(i).prompt) for i in range(9)]
        about = [p.split(" · ")[0] for p in prompts if p.startswith("Factors associated")]
        assert about == [  # newest first
            "Factors associated with future harm — about Mother's partner",
            "Factors associated with future harm — about Mother",
            "Factors associated with future harm — about The child (once for the case)",
        ]
        mother = "Factors associated with future harm — about Mother ·"
        sessions.highlighted = next(i for i, p in enumerate(prompts) if p.startswith(mother))
        await pilot.pause()
        recorded = str(screen.query_one("#recorded", Static).render())
        assert "About: Mother" in recorded
        assert "Capacity for change: Not known" in recorded
        assert "Willingness to engage with services: Present; reduces: Alcohol or drug" in recorded
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
