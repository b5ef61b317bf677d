"""Too little recorded: Reunify never shows a level (classify contract v2). A case
with one answer (the child's age) must not read SEVERE in the panel, in F3 or in
`reunify case classify`; each says what to record next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Static

from assistant.commands.main import main
from assistant.flows.runner import AnswerEvent
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.risk_panel import WhyScreen
from tests.pilot import start_flow


def only_the_age(root: Path) -> Store:
    store = Store(root)
    store.create_case("AGE-1")
    session = store.start_session("AGE-1", "case-profile", "Case profile")
    store.record("AGE-1", session.id, AnswerEvent("age_band", "five_to_ten"))
    return store


def test_case_classify_says_not_enough_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only_the_age(tmp_path / "db")
    assert main(["--db", str(tmp_path / "db"), "case", "classify", "AGE-1"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["suggested"] is None and result["provisional"] is True
    assert result["trajectory"]["held_at"] is None
    assert "Not enough recorded to suggest a level yet." in err
    assert "record next: the risk factors" in err


async def test_panel_and_why_say_not_enough_recorded(tmp_path: Path) -> None:
    store = only_the_age(tmp_path / "db")
    async with create_app(store, select="AGE-1").run_test(size=(120, 40)) as pilot:
        chat = await start_flow(pilot, "Capacity to change: evidence for one parent or carer")
        assert isinstance(chat, ChatScreen)
        text = str(chat.query_one("#risk-text", Static).render())
        assert "Not enough recorded to suggest a level yet." in text
        assert "Record next:\n• the risk factors" in text
        for level in ("LOW", "MEDIUM", "HIGH", "SEVERE"):
            assert f"● {level}" not in text.split("Rows")[0]
        assert "Risk factors\n  not known yet" in text
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(pilot.app.screen, WhyScreen)
        why = str(pilot.app.screen.query_one(Static).render())
        assert "Suggested: Not enough recorded to suggest a level yet." in why
        assert "Child's age: 8 years" in why  # words, never 'age months: 96'
        assert "age_months" not in why
