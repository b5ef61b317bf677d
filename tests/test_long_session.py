"""Hundreds of turns stay quick and reachable (issue 5: long sessions scroll smoothly).

The log keeps only its latest turns mounted; older ones fold away behind a
button at the top and come back with ctrl+home. What is folded is never lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.log import ConversationLog
from assistant.ui.turns import ReplyTurn
from tests.pilot import fill, start_flow

QUESTIONS = 10


@pytest.fixture(autouse=True)
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small window, so that a short flow shows what hundreds of turns would."""
    monkeypatch.setattr(ConversationLog, "WINDOW", 4)
    monkeypatch.setattr(ConversationLog, "BATCH", 2)


@pytest.fixture
def long_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ['id = "long"', 'title = "Long"', 'audience = "practitioner"', "stages = [1]"]
    lines.append('intro = "A long session."')
    for i in range(QUESTIONS):
        lines += ["[[steps]]", f'id = "q{i}"', 'kind = "text"', f'text = "Question {i}?"']
        lines.append(f'label = "Q{i}"')
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "long.toml").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("REUNIFY_FLOWS", str(tmp_path / "flows"))


async def test_old_turns_fold_away_and_come_back(tmp_path: Path, long_flow: None) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Long")
        for i in range(QUESTIONS - 1):
            await fill(pilot, f"answer {i}")
        log = chat.query_one(ConversationLog)
        mounted = len(log.query(ReplyTurn))
        assert log.turn_count == 1 + 2 * (QUESTIONS - 1) + 1  # intro, Q and A each, last Q
        assert log.folded > 0
        assert mounted + log.folded // 2 <= QUESTIONS
        assert len(log.children) <= ConversationLog.WINDOW + ConversationLog.BATCH + 1
        assert "earlier turn" in str(log.query_one("#earlier").label)
        # the answer being typed is untouched by scrolling about
        chat.query_one("#answer").load_text("half-typed")
        await pilot.press("ctrl+home")  # to the top of what is shown
        await pilot.press("ctrl+home")  # and once more: earlier turns come back
        await pilot.pause()
        assert len(log.query(ReplyTurn)) > mounted
        await pilot.press("pageup", "pagedown", "ctrl+end")
        assert chat.query_one("#answer").text == "half-typed"
        # a new answer folds the log back to its window
        await fill(pilot, "last")
        assert chat.session.complete
        assert len(log.children) <= ConversationLog.WINDOW + ConversationLog.BATCH + 1


async def test_resuming_a_long_session_builds_only_the_latest_turns(
    tmp_path: Path, long_flow: None
) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        await start_flow(pilot, "Long")
        for i in range(QUESTIONS - 5):
            await fill(pilot, f"answer {i}")
        await pilot.press("escape")
        await pilot.pause()
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        home = pilot.app.screen
        home.query_one("#sessions").focus()
        await pilot.press("enter")
        await pilot.pause()
        log = pilot.app.screen.query_one(ConversationLog)
        assert log.turn_count == 1 + 2 * (QUESTIONS - 5) + 1
        assert len(log.children) <= ConversationLog.WINDOW + 2
        assert log.folded == log.turn_count - (len(log.children) - 1)
        replies = [str(r.render()) for r in log.query(ReplyTurn)]
        assert f"answer {QUESTIONS - 6}" in replies[-1]
