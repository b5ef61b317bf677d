"""Child mode: plain words, no risk language or panel, and a deliberate way out (issue 5)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.flows.loader import default_library
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.risk_panel import RiskPanel
from assistant.ui.turns import AssistantTurn
from tests.pilot import fill, start_flow

TITLE = default_library().flows["child-three-houses"].title


async def test_child_mode_encourages_hides_risk_and_needs_a_chord_to_leave(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, TITLE)
        assert chat.has_class("-child")
        assert not chat.query(RiskPanel)
        assert DEMO_REF not in str(chat.sub_title)
        await fill(pilot, "When mum shouts")
        said = [t.source for t in chat.query(AssistantTurn)]
        assert any("Thank you for telling me." in s for s in said)
        everything = " ".join(said) + str(chat.query_one("#keys", Static).render())
        for word in ("risk", "severe", "classification", "factor"):
            assert word not in everything.casefold()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)
        await pilot.press("f5")  # no library from a child's conversation
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ChatScreen)
    answers = store.events(DEMO_REF, store.sessions(DEMO_REF)[0].id)
    assert answers[0].value == "When mum shouts"
