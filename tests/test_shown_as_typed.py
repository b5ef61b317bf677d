"""Words are shown as typed: markup and escape sequences never drive the display (issue 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.flows.runner import AnswerEvent
from assistant.records.store import Store
from assistant.text import printable
from assistant.ui.app import create_app
from assistant.ui.turns import ReplyTurn, SummaryTurn
from tests.conftest import FIXTURES
from tests.pilot import fill, start_flow

HOSTILE = "[bold red]x[/] [link=https://example.org]click[/link] \x1b[31mred\x1b[0m\x07"


def test_printable_makes_control_characters_visible() -> None:
    assert printable("a\x1b[31mb\nc\td\x07") == "a␛[31mb\nc\td␇"
    assert printable("plain [b]text[/b]") == "plain [b]text[/b]"


async def test_stored_words_with_markup_and_escapes_show_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even text that reached the database without cleaning (an old or edited file)."""
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "only-visit-plan"))
    store = Store(tmp_path / "db")
    write_demo(store)
    session = store.start_session(DEMO_REF, "visit-plan", "Visit plan (test)")
    for event in [
        AnswerEvent("visit_kind", "first"),
        AnswerEvent("topics", []),
        AnswerEvent("genogram", "yes"),
        AnswerEvent("confidence", 5),
        AnswerEvent("notes", HOSTILE),
    ]:
        store.record(DEMO_REF, session.id, event)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        sessions = pilot.app.screen.query_one("#sessions")
        sessions.focus()
        await pilot.press("enter")
        await pilot.pause()
        reply = str(pilot.app.screen.query(ReplyTurn).last().render())
        summary = str(pilot.app.screen.query_one(SummaryTurn).render())
    for shown in (reply, summary):
        assert "[bold red]x[/] [link=https://example.org]click[/link]" in shown
        assert "␛[31mred␛[0m␇" in shown
        assert "\x1b" not in shown


async def test_typed_markup_is_kept_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "only-visit-plan"))
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        await pilot.press("1")
        await pilot.press("enter")
        await pilot.press("1")
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.focused.load_text("[link=x]y[/link] \x1b[2J")
        await pilot.press("enter")
        await pilot.pause()
        assert chat.session.answers()["notes"] == "[link=x]y[/link] [2J"


async def test_the_fold_at_80_columns_says_whose_the_latest_decision_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: the one-line panel shows the latest decision too, as one person's view
    or agreed (with whom, shown as typed)."""
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "only-visit-plan"))
    store = Store(tmp_path / "db")
    write_demo(store)
    store.record_decision(DEMO_REF, {"level": "medium", "reason": "r", "suggested": "high"})
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        line = str(chat.query_one("#progress").render())
        assert "\nLatest decision ●●○○ MEDIUM: your view, not yet agreed" in line
        await pilot.press("f4", "3")  # high, agreed with a manager
        await pilot.pause()
        pilot.app.screen.query_one("#agreed-with").focus()
        pilot.app.post_message(events.Paste("Sam\x1b[2J Haddad-Whitfield, team manager, north"))
        await pilot.pause()
        pilot.app.screen.query_one("#note").focus()
        await pilot.pause()
        await fill(pilot, "Agreed in supervision")
        assert pilot.app.screen is chat
        line = str(chat.query_one("#progress").render())
        # two lines at most at 80 columns: the reading, then the decision (cut, not wrapped)
        assert chat.query_one("#progress").size.height == 2
    assert "\nLatest decision ●●●○ HIGH: agreed with Sam␛[2J Haddad-Whitfield" in line
    assert "\x1b" not in line
