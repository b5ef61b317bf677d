"""What the app does so that nothing typed is lost (issue 6, in the app)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.records.store import Store, StoreError
from assistant.ui import drafts as drafts_module
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from tests.conftest import FIXTURES
from tests.pilot import fill, start_flow
from tests.test_every_flow import answer_current


@pytest.fixture(autouse=True)
def visit_plan_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "only-visit-plan"))
    monkeypatch.setattr(drafts_module, "DRAFT_SECONDS", 0.05)


async def answer_up_to_notes(pilot) -> ChatScreen:
    """Answer the visit plan up to its free-text notes."""
    chat = await start_flow(pilot, "Visit plan (test)")
    while chat.session.current.id != "notes":
        await answer_current(pilot, chat)
    return chat


async def test_what_is_typed_comes_back_after_leaving(tmp_path: Path) -> None:
    """issue 6: a draft is never lost — leave mid-answer, come back, the words are there."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await answer_up_to_notes(pilot)
        chat.query_one("#answer").load_text("The parent talked about\nthe new flat")
        await pilot.pause(0.2)  # longer than the draft pause
        record = chat.record
    assert store.drafts("C-1", record.id) == {"notes": "The parent talked about\nthe new flat"}
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        pilot.app.screen.query_one("#sessions").focus()
        await pilot.press("enter")
        await pilot.pause()
        chat = pilot.app.screen
        box = chat.query_one("#answer")
        assert box.text == "The parent talked about\nthe new flat"
        assert box.cursor_location == box.document.end  # typing goes on after the words
        assert "What you typed before is back" in str(chat.query_one("#how").render())
        await pilot.press("enter")
        await pilot.pause()
        assert chat.session.complete
    assert store.drafts("C-1", record.id) == {}


async def test_an_answer_that_cannot_be_saved_is_kept_and_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 6: full disk in the app — a clear message, the answer kept and retried."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    real_record = Store.record
    failures = {"left": 0}

    def full_once(self, *args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise StoreError("not saved: No space left on device; nothing was changed")
        return real_record(self, *args, **kwargs)

    monkeypatch.setattr(Store, "record", full_once)
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await answer_up_to_notes(pilot)
        failures["left"] = 1  # the disk fills up now
        await fill(pilot, "Words that must not be lost")
        error = str(chat.query_one("#error").render())
        assert "No space left on device" in error and "tried again" in error
        assert chat.query_one("#answer").text == "Words that must not be lost"
        assert not chat.session.complete
        await chat._retry()  # what the retry timer runs
        await pilot.pause()
        assert chat.session.complete
    answers = store.answers("C-1", store.sessions("C-1")[0].id)
    assert answers[-1].event.value == "Words that must not be lost"


async def test_a_second_window_says_it_is_read_only_and_keeps_data_safe(tmp_path: Path) -> None:
    """issue 6: a second window opens read-only with a clear notice."""
    first = Store(tmp_path / "db")
    first.create_case("C-1")
    assert first.claim_for_app()
    second = Store(tmp_path / "db")
    second.claim_for_app()
    async with create_app(second, select="C-1").run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "READ-ONLY" in pilot.app.screen.sub_title
        assert any("read-only" in n.message for n in pilot.app._notifications)
        home = pilot.app.screen
        home.query_one("#new-case").value = "C-2"
        home.query_one("#new-case").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "read-only" in str(home.query_one("#case-error").render())
        home.query_one("#flows").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ChatScreen)
    assert [c.ref for c in first.cases()] == ["C-1"]


async def test_case_screen_audit_and_archive(tmp_path: Path) -> None:
    """issue 6: the audit view of a case, and deleting (archiving) it from the app."""
    from assistant.flows.runner import AnswerEvent
    from assistant.ui.audit import AuditScreen
    from assistant.ui.audit_list import BlockList

    store = Store(tmp_path / "db")
    store.create_case("C-1")
    store.create_case("C-2")
    session = store.start_session("C-1", "visit-plan", "Visit plan (test)").id
    store.record("C-1", session, AnswerEvent("notes", "first [b]words[/]", False))
    store.record("C-1", session, AnswerEvent("notes", "second", False))
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # the case screen
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        audit = pilot.app.screen
        assert isinstance(audit, AuditScreen)
        shown = audit.query_one(BlockList).shown()
        assert "Notes: second" in shown and "CHANGED — it was: first [b]words[/]" in shown
        await pilot.press("escape", "ctrl+d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        cases = pilot.app.screen.query_one("#cases")
        assert [str(cases.get_option_at_index(i).id) for i in range(cases.option_count)] == ["C-2"]
    assert [c.ref for c in store.cases(archived=True) if c.archived_at] == ["C-1"]
