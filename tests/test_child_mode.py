"""Child mode: plain words, no risk language or panel, and a deliberate way out
(issue 5); no route to an adult card, and the worker's guidance given to the
worker before handing over, never on the child's screen (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.flows.loader import default_library
from assistant.paths import content_dir
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.cards import CardScreen
from assistant.ui.chat import ChatScreen
from assistant.ui.child import CHILD_DONE, NO_CHILD_CARD, Handover
from assistant.ui.help import HelpScreen
from assistant.ui.picker import AnswerPicker
from assistant.ui.risk_panel import RiskPanel
from assistant.ui.turns import AssistantTurn
from tests.pilot import choose_flow, fill, wait_until
from tests.test_every_flow import answer_current

LIBRARY = default_library()
TITLE = LIBRARY.flows["child-three-houses"].title
TEAM = LIBRARY.flows["child-solution-team"].title
#: What is for the worker alone, never on the child's screen.
WORKER_WORDS = ("Type it the way they said it", "ctrl+o skips it", "For the worker", "ctrl+x")


async def open_child_flow(pilot: Pilot, title: str) -> Handover:
    """From the home screen, start a child's flow: the worker's handover comes first."""
    await choose_flow(pilot, title)
    assert isinstance(pilot.app.screen, Handover)
    return pilot.app.screen


async def hand_over(pilot: Pilot, title: str) -> ChatScreen:
    await open_child_flow(pilot, title)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ChatScreen)
    return pilot.app.screen


def on_screen(chat: ChatScreen) -> str:
    """Every word the child's screen shows."""
    said = [t.source for t in chat.query(AssistantTurn)]
    lines = [str(chat.query_one(f"#{i}", Static).render()) for i in ("how", "keys", "progress")]
    return " ".join([*said, *lines])


async def test_child_mode_encourages_hides_risk_and_needs_a_chord_to_leave(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await hand_over(pilot, TITLE)
        assert chat.has_class("-child")
        assert not chat.query(RiskPanel)
        assert DEMO_REF not in str(chat.sub_title)
        await fill(pilot, "When mum shouts")
        said = [t.source for t in chat.query(AssistantTurn)]
        assert any("Thank you for telling me." in s for s in said)
        everything = on_screen(chat)
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


async def test_the_worker_is_told_before_handing_over_and_the_child_sees_none_of_it(
    tmp_path: Path,
) -> None:
    """The hints, the keys and the "For the worker" paragraphs are on the worker's
    handover screen; the child's screen has none of them, and its last line does
    not promise an Esc that does nothing."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        handover = await open_child_flow(pilot, TITLE)
        told = str(handover.query_one(Static).render())
        assert "Type it the way they said it." in told and "House of Worries" in told
        assert "ctrl+o skips" in told and "ctrl+x twice leaves" in told
        assert "NSPCC framework, Annex 12" in told  # the intro's note for the worker
        await pilot.press("escape")  # not handed over: back to the cases
        await pilot.pause()
        assert not isinstance(pilot.app.screen, (ChatScreen, Handover))
        chat = await hand_over(pilot, TEAM)
        for _ in range(30):
            shown = on_screen(chat)
            for words in WORKER_WORDS:
                assert words not in shown, (chat.session.current, words)
            if chat.session.complete:
                break
            await answer_current(pilot, chat)
        assert str(chat.query_one("#answer", Static).render()) == CHILD_DONE
        assert "Esc" not in on_screen(chat)


async def palette(pilot: Pilot, query: str = "") -> list[str]:
    """Open the command palette, type `query`, and give the commands it lists."""
    await pilot.press("ctrl+p")
    found = pilot.app.screen.query_one(CommandList)
    if query:
        pilot.app.screen.query_one("CommandInput").value = query
    await wait_until(pilot, lambda: found.option_count > 0, 1.0)
    names = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
    return [name.split("\n")[0] for name in names]


async def test_the_palette_in_child_mode_offers_help_and_leave_only(tmp_path: Path) -> None:
    """No Library, no flows, no adult card: from the conversation or a dialog over it;
    and each command it offers does what it says."""
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await hand_over(pilot, TITLE)
        assert await palette(pilot) == ["Help", "Leave (worker)"]
        await pilot.press("escape")
        assert "Library" not in await palette(pilot, "lib")
        await pilot.press("escape", "f1")  # help over the conversation, in a child's words
        await pilot.pause()
        helped = str(pilot.app.screen.query_one(Static).render())
        assert "Type your answer, then press Enter." in helped
        assert "Library" not in helped and "level" not in helped and "evidence" not in helped
        assert await palette(pilot) == ["Help"]
        await pilot.press("escape", "f5")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)  # still no library from here
        await pilot.press("escape", "escape")
        await pilot.pause()
        await palette(pilot, "Help")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        for _twice in range(2):
            assert pilot.app.screen is chat  # once is not enough to leave
            await palette(pilot, "Leave")
            await pilot.press("enter")
            await pilot.pause()
        assert not isinstance(pilot.app.screen, ChatScreen)


async def test_every_key_in_child_mode_stays_in_the_childs_conversation(tmp_path: Path) -> None:
    """Every key bound in a child's conversation, pressed: none opens the library, an
    adult card, the reading of the table, a decision or another screen of the case."""
    store = Store(tmp_path / "db")
    write_demo(store)
    allowed = (ChatScreen, HelpScreen, CommandPalette, CardScreen, AnswerPicker)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await hand_over(pilot, TEAM)
        by_action = {b.binding.action: key for key, b in chat.active_bindings.items()}
        keys = [key for key in by_action.values() if key not in ("ctrl+q", "ctrl+x")]
        keys += ["f3", "f4", "f5", "ctrl+l", "ctrl+x"]  # ctrl+q quits: not a way in
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0)
            top = pilot.app.screen
            assert isinstance(top, allowed), (key, top)
            if isinstance(top, CardScreen):
                assert top.card_ids == (), key
            while pilot.app.screen is not chat:
                await pilot.press("escape")
                await pilot.pause()
        await pilot.press("ctrl+x")  # the second within three seconds: the worker leaves
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ChatScreen)


@pytest.fixture
def a_card_for_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The content, with one card the solution team cites marked as written for children."""
    content = tmp_path / "content"
    shutil.copytree(content_dir(), content)
    card = content / "trusted-adult.md"
    card.write_text(
        card.read_text(encoding="utf-8").replace('tags = ["child",', 'tags = ["for-children",'),
        encoding="utf-8",
    )
    monkeypatch.setenv("REUNIFY_CONTENT", str(content))


async def test_f2_opens_only_cards_written_for_children(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await hand_over(pilot, TEAM)
        assert not chat.query_one("#meaning").display  # no card for a child: no button
        await pilot.press("f2")
        await pilot.pause()
        assert pilot.app.screen is chat
        assert NO_CHILD_CARD in [n.message for n in pilot.app._notifications][-1]


@pytest.mark.usefixtures("a_card_for_children")
async def test_f2_in_child_mode_opens_a_card_written_for_children(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await hand_over(pilot, TEAM)
        assert chat.query_one("#meaning").display
        await pilot.press("f2")
        await pilot.pause()
        cards = pilot.app.screen
        assert isinstance(cards, CardScreen)
        assert cards.card_ids == ("trusted-adult",)  # not the practitioners' child-tools
        await cards.show_cards(("risk-table",))  # a link to an adult card goes nowhere
        assert cards.query_one("#cards").card_ids == ("trusted-adult",)
