"""The library of content cards, and changing any earlier answer (issue 5, in part)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.flows.content import load_cards
from assistant.flows.search import search
from assistant.paths import content_dir
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.cards import CardScreen
from assistant.ui.chat import ChatScreen
from assistant.ui.library import LibraryScreen
from assistant.ui.picker import AnswerPicker
from tests.conftest import FIXTURES
from tests.pilot import start_flow

CARDS, _ = load_cards(content_dir())


def test_search_matches_every_word_titles_first() -> None:
    found = search(CARDS, "substance misuse")
    assert found[0].id == "factor-substance_misuse"
    assert all("substance" in f"{c.title} {c.source} {c.body}".casefold() for c in found)
    assert "research-messages" in {c.id for c in found}


def test_empty_search_lists_every_card_by_title() -> None:
    found = search(CARDS, "  ")
    assert len(found) == len(CARDS)
    assert [c.title.casefold() for c in found] == sorted(c.title.casefold() for c in CARDS)


def test_search_with_no_match() -> None:
    assert search(CARDS, "zzzz-no-such-word") == []


async def test_library_opens_from_anywhere_and_opens_a_card(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        library = pilot.app.screen
        assert isinstance(library, LibraryScreen)
        library.query_one("#query").value = "later-life letter"
        await pilot.pause()
        results = library.query_one("#results", OptionList)
        assert results.get_option_at_index(0).id == "later-life-letters"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CardScreen)
        assert pilot.app.screen.card_ids == ("later-life-letters",)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, LibraryScreen | CardScreen)


@pytest.fixture
def fixture_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "only-visit-plan"))


async def test_change_any_earlier_answer(tmp_path: Path, fixture_flows: None) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        await pilot.press("1")  # first visit
        await pilot.press("1", "enter")  # partner
        await pilot.press("1")  # genogram yes
        await pilot.pause()
        assert chat.session.current.id == "confidence"
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AnswerPicker)
        await pilot.press("enter")  # the first answer: kind of visit
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)
        assert chat.session.current.id == "visit_kind"
        await pilot.press("2")
        await pilot.pause()
        assert chat.session.current.id == "confidence"
    events = store.events(DEMO_REF, store.sessions(DEMO_REF)[0].id)
    assert [e.value for e in events if e.step == "visit_kind"] == ["first", "follow_up"]
