"""Correcting an answer (issue 17): the earlier answer is in the input to edit,
drafts come back whole with the cursor at the end, Esc asks before leaving
unsent words, and a present risk needs a line of evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from assistant.records.store import Store
from assistant.ui import drafts as drafts_module
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.drafts import UnsentDialog
from assistant.ui.noted_inputs import FactorInput
from tests.conftest import FIXTURES
from tests.pilot import fill, start_flow

EVIDENCE = "Drinks daily; seen drunk at two contacts."


async def change(pilot: Pilot, label: str) -> None:
    """ctrl+e, then the earlier answer whose label starts the line."""
    await pilot.press("ctrl+e")
    await pilot.pause()
    answers = pilot.app.screen.query_one("#answers", OptionList)
    answers.highlighted = next(
        i
        for i in range(answers.option_count)
        if str(answers.get_option_at_index(i).prompt).startswith(label)
    )
    await pilot.press("enter")
    await pilot.pause()


def at_end(box) -> bool:
    return box.cursor_location == box.document.end


async def test_every_kind_of_earlier_answer_is_back_in_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "only-visit-plan"))
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        await pilot.press("2", "1", "3", "enter", "2")  # follow-up; two topics; no genogram
        await pilot.pause()
        await fill(pilot, "2026-03-01")
        await pilot.press("7", "enter")
        await pilot.pause()
        await fill(pilot, "Bring the genogram")
        assert chat.session.complete
        await pilot.press("ctrl+b")  # the previous answer: the notes
        await pilot.pause()
        box = chat.query_one("#answer")
        assert box.text == "Bring the genogram" and at_end(box)
        assert "Edit the earlier answer; Esc keeps it." in str(chat.query_one("#how").render())
        await pilot.press(*" and the chronology", "enter")  # typing adds at the end
        await pilot.pause()
        assert chat.session.answers()["notes"] == "Bring the genogram and the chronology"
        for label, shown in (
            ("Kind of visit", lambda w: w.highlighted == 1),
            ("Topics", lambda w: w.ticked == {"partner", "alcohol"}),
            ("Genogram due", lambda w: w.value == "2026-03-01" and w.cursor_position == 10),
            ("Confidence", lambda w: w.value == 7),
        ):
            await change(pilot, label)
            assert shown(chat.query_one("#answer")), label
            await pilot.press("escape")  # nothing changed: no question asked
            await pilot.pause()
            assert pilot.app.screen is chat and not chat.session.revisiting


@pytest.fixture
def factor_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "mitigating"))
    monkeypatch.setattr(drafts_module, "DRAFT_SECONDS", 0.05)


@pytest.mark.usefixtures("factor_pairs")
async def test_a_present_risk_needs_evidence_and_answers_come_back_whole(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Factor pairs (test)")
        await fill(pilot, "Mother")
        await pilot.press("ctrl+b", *" and partner", "escape")  # a change, not sent
        await pilot.pause()
        assert isinstance(pilot.app.screen, UnsentDialog)
        await pilot.press("y")  # keep the earlier answer; the change is kept as a draft
        await pilot.pause()
        assert chat.session.current.id == "drugs" and chat.session.answers()["who"] == "Mother"
        assert store.drafts("C-1", chat.record.id) == {"who": "Mother and partner"}
        await pilot.press("5")  # present, not being addressed
        await pilot.pause()
        prompt = str(chat.query_one("#note-prompt", Static).render())
        assert "Evidence (needed)" in prompt
        await pilot.press("enter")  # no evidence: refused, with why
        await pilot.pause()
        error = str(chat.query_one("#error").render())
        assert "write a line of evidence" in error and "Present, not being addressed" in error
        assert chat.session.current.id == "drugs"
        await fill(pilot, EVIDENCE)
        await pilot.press("1", "enter")  # no violence between the adults
        await pilot.pause()
        await pilot.press("3")  # the family is present (protective)...
        await pilot.pause()
        await pilot.press("1", "enter")  # ...and reduces the drug misuse
        await pilot.pause()
        await fill(pilot, "Nan has him most weekends.")
        await change(pilot, "Substance misuse")
        factor = chat.query_one("#answer", FactorInput)
        assert factor.chosen == "not_addressed"
        assert "Chosen: Present, not being addressed" in str(
            chat.query_one("#note-prompt", Static).render()
        )
        note = chat.query_one("#note")
        assert pilot.app.focused is note and note.text == EVIDENCE and at_end(note)
        await pilot.press("escape")
        await pilot.pause()
        await change(pilot, "Supportive extended family")
        factor = chat.query_one("#answer", FactorInput)
        assert factor.chosen == "present" and factor.mitigates == ["substance_misuse"]
        assert chat.query_one("#note").text == "Nan has him most weekends."
        await pilot.press("enter")  # sent again unchanged: the same answer
        await pilot.pause()
        await change(pilot, "Adult")  # the change not sent is back, over the earlier answer
        assert chat.query_one("#answer").text == "Mother and partner"
    answers = chat.session.answers()
    assert answers["drugs"] == {"status": "not_addressed", "note": EVIDENCE}
    assert answers["family"]["mitigates"] == ["substance_misuse"]


@pytest.mark.usefixtures("factor_pairs")
async def test_esc_asks_before_leaving_unsent_words_and_keeps_them_either_way(
    tmp_path: Path,
) -> None:
    """A factor's draft keeps the chosen status, and comes back with the cursor at the end."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Factor pairs (test)")
        await fill(pilot, "Mother")
        await pilot.press("4", *"Attends AA")  # present, being addressed; evidence begun
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        asked = pilot.app.screen
        assert isinstance(asked, UnsentDialog)
        assert "kept as a draft" in str(asked.query_one(Static).render())
        await pilot.press("n")  # stay: the words are still there
        await pilot.pause()
        assert pilot.app.screen is chat and chat.query_one("#note").text == "Attends AA"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # leave: kept as a draft
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ChatScreen)
        record = chat.record
    draft = json.loads(store.drafts("C-1", record.id)["drugs"])
    assert draft == {"status": "being_addressed", "note": "Attends AA"}
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        pilot.app.screen.query_one("#sessions").focus()
        await pilot.press("enter")
        await pilot.pause()
        chat = pilot.app.screen
        factor = chat.query_one("#answer", FactorInput)
        note = chat.query_one("#note")
        assert factor.chosen == "being_addressed"
        assert note.text == "Attends AA" and at_end(note) and pilot.app.focused is note
        await pilot.press(*" weekly", "enter")
        await pilot.pause()
        assert chat.session.answers()["drugs"] == {
            "status": "being_addressed",
            "note": "Attends AA weekly",
        }
    assert store.drafts("C-1", record.id) == {}
