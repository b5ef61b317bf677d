"""Pasted text is kept exactly as pasted, in order (issue 17).

A paste holding an escape character was saved scrambled: Textual's parser sent
the characters after the ESC as key presses before the rest of the paste
arrived. The app's parser takes each bracketed paste whole first; the input
keeps it with control characters shown as symbols.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.paste import PASTE_END, PASTE_START, PasteKeepingParser
from assistant.ui.turns import ReplyTurn
from tests.conftest import FIXTURES
from tests.pilot import start_flow
from tests.test_every_flow import answer_current

#: What was pasted in the report of issue 17 (an ESC before "Worker").
PASTED = (
    "Mum said she would try a male co-worker. \x1bWorker feels Dad is engaging now.\r\n"
    "Offer evening visits."
)
#: What the answer keeps: one kind of line end, the ESC shown as ␛, nothing moved.
KEPT = (
    "Mum said she would try a male co-worker. ␛Worker feels Dad is engaging now.\n"
    "Offer evening visits."
)
#: A key, the paste as a terminal sends it, then another key.
RAW = f"a{PASTE_START}{PASTED}{PASTE_END}b"


def described(messages: list) -> list[str]:
    return [f"paste:{m.text}" if isinstance(m, events.Paste) else f"key:{m.key}" for m in messages]


def test_textuals_own_parser_scrambles_a_paste_holding_an_escape() -> None:
    """Why the app has its own: the words after the ESC arrive first, as keys."""
    got = described(list(XTermParser().feed(RAW)))
    assert got.count("key:space") > 0  # a space in the paste became a key press
    assert f"paste:{PASTED}" not in got


@pytest.mark.parametrize("cut", [None, 1, 3, 5, 42, 43, 44, len(RAW) - 5, len(RAW) - 2])
def test_a_paste_arrives_whole_and_in_order_however_the_input_is_cut(cut: int | None) -> None:
    """One Paste with exactly the pasted text between the keys around it, even when a
    read ends inside a marker or just after the ESC."""
    parser = PasteKeepingParser(XTermParser())
    chunks = [RAW] if cut is None else [RAW[:cut], RAW[cut:]]
    messages = [m for chunk in chunks for m in parser.feed(chunk)]
    time.sleep(0.06)  # longer than a held marker waits
    messages += list(parser.tick())
    assert described(messages) == ["key:a", f"paste:{PASTED}", "key:b"]


def test_the_escape_key_on_its_own_is_never_kept_waiting() -> None:
    parser = PasteKeepingParser(XTermParser())
    assert list(parser.feed("\x1b")) == []  # Textual's own wait for a sequence
    time.sleep(0.15)
    assert described(list(parser.tick())) == ["key:escape"]


async def test_a_pasted_answer_is_stored_and_shown_exactly_as_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bytes a terminal sends, through the app's parser, into a text answer: the
    input, the stored answer and the reply all hold the pasted words in order."""
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "only-visit-plan"))
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        while chat.session.current.id != "notes":
            await answer_current(pilot, chat)
        box = chat.query_one("#answer")
        box.load_text("Seen at home. ")
        box.move_cursor(box.document.end)
        for message in PasteKeepingParser(XTermParser()).feed(f"{PASTE_START}{PASTED}{PASTE_END}"):
            pilot.app.post_message(message)  # as the driver hands them in
        await pilot.pause()
        assert box.text == f"Seen at home. {KEPT}"
        assert "\x1b" not in box.text  # the terminal is never sent the ESC
        await pilot.press("enter")
        await pilot.pause()
        reply = str(chat.query(ReplyTurn).last().render())
    assert chat.session.answers()["notes"] == f"Seen at home. {KEPT}"
    assert f"Seen at home. {KEPT}" in reply


async def test_a_paste_into_a_one_line_box_keeps_its_first_line_with_symbols(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REUNIFY_FLOWS", str(FIXTURES / "only-visit-plan"))
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    async with create_app(store, select="C-1").run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, "Visit plan (test)")
        await pilot.press("1", "enter")  # first visit; no topics
        await pilot.press("2")  # no genogram: its date is asked
        await pilot.pause()
        pilot.app.post_message(events.Paste("2026\x1b03-01\nmore"))
        await pilot.pause()
        assert chat.session.current.id == "genogram_when"
        assert chat.query_one("#answer").value == "2026␛03-01"
