"""The app as a practitioner uses it, driven by Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.flows.runner import FlowSession
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.help import HelpScreen
from assistant.ui.home import HomeScreen
from assistant.ui.turns import ReplyTurn, SummaryTurn
from tests.conftest import FIXTURES
from tests.pilot import fill, start_flow

SIZE = (80, 24)


@pytest.fixture
def fixture_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offer only the test flow (every question kind, a condition, an optional step)."""
    folder = FIXTURES / "only-visit-plan"
    monkeypatch.setenv("REUNIFY_FLOWS", str(folder))


async def test_answer_whole_flow_and_find_answers_in_database(
    tmp_path: Path, fixture_flows: None
) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    app = create_app(store, select=DEMO_REF)
    async with app.run_test(size=SIZE) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        await pilot.press("2")  # choice: follow-up visit
        await pilot.pause()
        await pilot.press("space", "down", "space", "enter")  # multi: partner, household
        await pilot.pause()
        await pilot.press("2")  # yes/no/unknown: no → the date question appears
        await pilot.pause()
        await pilot.press(*"2026-13-01", "enter")  # nonsense date is refused
        await pilot.pause()
        assert "not a real date" in str(chat.query_one("#error").render())
        chat.query_one("#answer").value = ""
        await fill(pilot, "2026-12-01")
        await pilot.press("right", "right", "enter")  # scale: 5 → 7
        await pilot.pause()
        await pilot.press(*"[b]dog[/]", "ctrl+n", *"cat", "enter")
        await pilot.pause()
        assert chat.session.complete
        assert chat.query(SummaryTurn)
        replies = [str(r.render()) for r in chat.query(ReplyTurn)]
        assert any("[b]dog[/]" in r for r in replies)  # shown as typed, not markup
    record = store.sessions(DEMO_REF)[0]
    assert record.finished
    session = FlowSession(chat.flow, Store(store.root).events(DEMO_REF, record.id))
    assert session.answers() == {
        "visit_kind": "follow_up",
        "topics": ["partner", "household"],
        "genogram": "no",
        "genogram_when": "2026-12-01",
        "confidence": 7,
        "notes": "[b]dog[/]\ncat",
    }


async def test_leave_midway_and_resume(tmp_path: Path, fixture_flows: None) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=SIZE) as pilot:
        await start_flow(pilot, "Visit plan (test)")
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
        sessions = pilot.app.screen.query_one("#sessions", OptionList)
        assert "1 answer · unfinished — resume" in str(sessions.get_option_at_index(0).prompt)
    async with create_app(store, select=DEMO_REF).run_test(size=SIZE) as pilot:
        sessions = pilot.app.screen.query_one("#sessions", OptionList)
        sessions.focus()
        sessions.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        chat = pilot.app.screen
        assert isinstance(chat, ChatScreen)
        assert chat.session.current.id == "topics"
        assert "First visit" in str(chat.query(ReplyTurn).first().render())


async def test_back_changes_an_answer_as_a_new_event(tmp_path: Path, fixture_flows: None) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=SIZE) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert chat.session.current.id == "visit_kind"
        await pilot.press("2")
        await pilot.pause()
        assert chat.session.current.id == "topics"
    values = [e.value for e in store.events(DEMO_REF, store.sessions(DEMO_REF)[0].id)]
    assert values == ["first", "follow_up"]


async def test_required_question_cannot_be_skipped(tmp_path: Path, fixture_flows: None) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=SIZE) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "cannot be skipped" in str(chat.query_one("#error").render())


async def test_new_case_from_home_and_bad_reference(tmp_path: Path, fixture_flows: None) -> None:
    store = Store(tmp_path / "db")
    async with create_app(store).run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Jane Smith", "enter")
        await pilot.pause()
        assert "not valid" in str(pilot.app.screen.query_one("#case-error").render())
        await pilot.press("n")  # the box let go of the keys; n goes back to correct it
        pilot.app.screen.query_one("#new-case").value = ""
        await pilot.press(*"LA-77", "enter")
        await pilot.pause()
    assert [c.ref for c in store.cases()] == ["LA-77"]


async def test_help_lists_bindings_and_ctrl_q_quits(tmp_path: Path, fixture_flows: None) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=SIZE) as pilot:
        await start_flow(pilot, "Visit plan (test)")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        text = str(pilot.app.screen.query_one("Static").render())
        for words in ("Change previous", "Skip", "Quit", "Help", "Leave"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)
        quits: list[bool] = []
        pilot.app.exit = lambda *args, **kwargs: quits.append(True)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert quits == [True]


async def test_top_tips_flow_end_to_end(tmp_path: Path) -> None:
    """The real Annex 18 flow: answer every question, then find each answer stored."""
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=SIZE) as pilot:
        chat = await start_flow(pilot, "Top tips for assessment")
        await pilot.press("1")  # first assessment visit
        await pilot.pause()
        await fill(pilot, "2026-12-03")
        await pilot.press("1", "4", "enter")  # partner, household
        await pilot.pause()
        await fill(pilot, "Events before care")
        await pilot.press("ctrl+o")  # optional: nothing to check
        await pilot.pause()
        await pilot.press("2")  # no genogram → plan asked
        await pilot.pause()
        await fill(pilot, "Next week with the parent")
        await pilot.press("3", "enter")  # interaction
        await pilot.pause()
        await pilot.press("1")  # ecomap
        await pilot.pause()
        await pilot.press("3")  # not known
        await pilot.pause()
        await fill(pilot, "What would you do differently?")
        await pilot.press("4", "enter")  # readiness 4 → support asked
        await pilot.pause()
        await fill(pilot, "Talk to my manager")
        assert chat.session.complete
        assert "finished" in str(chat.query_one("#progress").render())
    record = store.sessions(DEMO_REF)[0]
    answers = FlowSession(chat.flow, store.events(DEMO_REF, record.id)).answers()
    assert answers == {
        "visit_kind": "first_assessment",
        "visit_date": "2026-12-03",
        "basic_questions": ["partner", "household"],
        "topics": "Events before care",
        "genogram": "no",
        "genogram_plan": "Next week with the parent",
        "observe": ["interaction"],
        "tool": "ecomap",
        "understands_why": "unknown",
        "reflection_question": "What would you do differently?",
        "confidence": 4,
        "support_needed": "Talk to my manager",
    }
    assert record.finished


async def test_palette_offers_every_action_of_the_screen(
    tmp_path: Path, fixture_flows: None
) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=SIZE) as pilot:
        home = {c.title for c in pilot.app.get_system_commands(pilot.app.screen)}
        assert {"New case", "Cases", "Sessions", "Flows", "Help"} <= home
        chat = await start_flow(pilot, "Visit plan (test)")
        titles = {c.title for c in pilot.app.get_system_commands(chat)}
        assert {"Change previous", "Skip", "Why?", "Decide", "Leave", "Help"} <= titles


async def test_flows_load_after_the_first_screen(tmp_path: Path, fixture_flows: None) -> None:
    """issue 7: the first screen does not wait for the flows; they arrive just after."""
    import asyncio

    store = Store(tmp_path / "db")
    store.create_case("C-1")
    app = create_app(store, select="C-1", lazy=True)
    async with app.run_test(size=SIZE) as pilot:
        flows = app.screen.query_one("#flows")
        for _ in range(200):
            if app.library is not None:
                break
            await asyncio.sleep(0.01)
        await pilot.pause()
        assert app.library is not None
        titles = [str(flows.get_option_at_index(i).prompt) for i in range(flows.option_count)]
        assert "  Visit plan (test)" in titles
        assert "Loading the flows…" not in titles
