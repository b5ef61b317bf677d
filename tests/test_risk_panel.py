"""The side panel: Reunify's reading of the framework's table beside the conversation."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from assistant.casework.demo import DEMO_REF, write_demo
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.risk_panel import RiskPanel, WhyScreen
from tests.conftest import FIXTURES
from tests.pilot import start_flow

WIDE = (120, 40)


@pytest.fixture(autouse=True)
def feeding_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "feeding"))


def panel(chat: ChatScreen) -> str:
    return str(chat.query_one("#risk-text", Static).render())


async def test_panel_updates_as_answers_arrive_and_why_cites_sources(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=WIDE) as pilot:
        chat = await start_flow(pilot, "Quick inputs (test)")
        assert "Nothing recorded for this case feeds the table yet" in panel(chat)
        for key in ("1", "1", "2", "1", "2", "1", "1", "2"):
            await pilot.press(key)
            await pilot.pause()
        text = panel(chat)
        assert "Reunify's reading of the framework's table" in text
        assert "●●●● SEVERE" in text  # word and symbol, not colour alone
        assert "provisional" in text
        assert "Parents' capacity for actual change\n  ●●●○ HIGH" in text
        assert "Risk factors\n  ●●○○ MEDIUM" in text
        # family support is present, but nobody said which open risk it reduces
        assert "Protective factors\n  ●●●● SEVERE" in text
        assert "• Which risk each protective factor reduces" in text
        assert "• Previous failed return" in text
        assert "guides judgement; people decide." in text
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(pilot.app.screen, WhyScreen)
        why = str(pilot.app.screen.query_one(Static).render())
        assert "Stage 2 Task 1, Risk Classification Table" in why
        assert "Alcohol or drug misuse: being addressed — Quick inputs (test) › Substance" in why
        assert "[Reunify's reading] The highest of the four rows decides" in why
        assert "being_addressed" not in why and "section_20" not in why  # no internal ids
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)


async def test_panel_folds_into_one_line_at_80_columns(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Quick inputs (test)")
        await pilot.press("2")  # care order: one answer, nothing on the factor rows
        await pilot.pause()
        assert not chat.query_one(RiskPanel).display
        line = str(chat.query_one("#progress").render())
        assert "not enough recorded to suggest a level yet" in line
        assert "SEVERE" not in line


async def test_practitioner_flow_shows_panel_before_anything_feeds_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=WIDE) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        assert chat.query(RiskPanel)  # practitioner flow: panel shown even before inputs
        assert "Nothing recorded" in panel(chat)


async def test_practitioner_records_own_decision_with_reason(tmp_path: Path) -> None:
    """The table guides and people decide (Stage 2 Task 1): an override needs a reason."""
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=WIDE) as pilot:
        chat = await start_flow(pilot, "Quick inputs (test)")
        for key in ("1", "1", "2", "1", "2", "1", "1", "2"):  # Reunify reads severe
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("2", *"ok", "enter")  # medium, reason too short for an override
        await pilot.pause()
        error = str(pilot.app.screen.query_one("#decision-error").render())
        assert "differs from Reunify's reading of the table (severe)" in error
        reason = pilot.app.screen.query_one("#answer #note", TextArea)
        reason.load_text("ok - father engaging well with treatment")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)
        assert "Your latest decision\n●●○○ MEDIUM" in panel(chat)
    decision = store.decisions(DEMO_REF)[-1]
    assert decision["level"] == "medium"
    assert decision["suggested"] == "severe"
    assert decision["reason"] == "ok - father engaging well with treatment"
    assert decision["who"] == "tester"
