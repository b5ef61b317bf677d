"""Starting a flow from the command palette by its name (issue 17)."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList
from textual.pilot import Pilot

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from tests.pilot import wait_until


async def palette(pilot: Pilot, query: str) -> list[str]:
    """Open the palette, type `query`, and give the names it lists (first lines)."""
    await pilot.press("ctrl+p")
    pilot.app.screen.query_one("CommandInput").value = query
    found = pilot.app.screen.query_one(CommandList)
    await wait_until(pilot, lambda: found.option_count > 0, 1.0)
    return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]


async def test_a_flow_starts_from_the_palette_for_the_chosen_case(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    store.create_case("C-2")
    async with create_app(store, select="C-2").run_test(size=(80, 24)) as pilot:
        listed = await palette(pilot, "check-in")
        first, help_line = listed[0].split("\n")
        assert first == "Start: Check-in before a review"
        assert help_line == "Before a review · a new session for C-2"
        await pilot.press("enter")
        await pilot.pause()
        chat = pilot.app.screen
        assert isinstance(chat, ChatScreen)
        assert chat.flow.id == "pre-review-check-in" and chat.record.ref == "C-2"
        await pilot.press("escape")  # back home; the case screen offers its own case's flows
        await pilot.pause()
        cases = pilot.app.screen.query_one("#cases")
        cases.focus()
        cases.highlighted = next(
            i for i in range(cases.option_count) if cases.get_option_at_index(i).id == DEMO_REF
        )
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen.ref == DEMO_REF  # the case screen
        listed = await palette(pilot, "Start: factors")
        assert listed[0].startswith("Start: Factors associated with future harm\n")
        assert listed[0].endswith(f"a new session for {DEMO_REF}")
        assert not any("Practice:" in name for name in listed)  # not the learning space
    assert [s.flow_id for s in store.sessions("C-2")] == ["pre-review-check-in"]
