"""A decision question: the flow engine checks its shape; casework's rule (a level that
differs from Reunify's reading of the table needs a sentence, NSPCC framework Stage 2 Task 1)
is applied by the chat that hands the answer in, so the flow engine never imports
casework."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from assistant.flows.runner import AnswerEvent
from assistant.flows.steps import AnswerError, DecisionStep
from assistant.records.store import Store
from assistant.ui.app import create_app
from tests.conftest import FIXTURES
from tests.pilot import start_flow

STEP = DecisionStep(id="d", kind="decision", text="Your level?", label="Decision")


def test_the_step_checks_level_and_reason_only() -> None:
    kept = STEP.check({"level": "low", "reason": " ok\x00 ", "suggested": "high"})
    assert kept == {"level": "low", "reason": "ok", "suggested": "high"}
    assert STEP.check({"level": "low", "reason": "ok", "suggested": "amber"})["suggested"] is None
    with pytest.raises(AnswerError, match="not a level"):
        STEP.check({"level": "amber", "reason": "because"})
    with pytest.raises(AnswerError, match="give the reason"):
        STEP.check({"level": "low", "reason": "  "})
    with pytest.raises(AnswerError, match="at most"):
        STEP.check({"level": "low", "reason": "x" * 5001})
    with pytest.raises(AnswerError, match="choose a level"):
        STEP.check("low")


async def test_the_chat_asks_for_a_sentence_when_the_level_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flows = tmp_path / "flows"  # a flow that feeds the table, and one that decides
    flows.mkdir()
    for path in (FIXTURES / "feeding" / "quick-inputs.toml", FIXTURES / "deciding" / "decide.toml"):
        (flows / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("REUNIFY_FLOWS", str(flows))
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    session = store.start_session("C-1", "quick-inputs", "Quick inputs (test)")
    for step, value in (("drugs_mother", "not_addressed"), ("family_support", "no")):
        store.record("C-1", session.id, AnswerEvent(step, value))
    async with create_app(store, select="C-1").run_test(size=(120, 40)) as pilot:
        chat = await start_flow(pilot, "Decide (test)")
        await pilot.press("1", *"ok", "enter")  # LOW; the table reads higher
        await pilot.pause()
        error = str(chat.query_one("#error", Static).render())
        assert "differs from Reunify's reading of the table" in error
        assert store.decisions("C-1") == []
        chat.query_one("#answer #note", TextArea).load_text("ok - we judge the risk as low now")
        await pilot.press("enter")
        await pilot.pause()
    assert [d["level"] for d in store.decisions("C-1")] == ["low"]
