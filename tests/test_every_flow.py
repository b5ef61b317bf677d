"""Every shipped flow can be completed from the keyboard in the app (issue 4)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from assistant.casework.demo import DEMO_REF
from assistant.flows.loader import default_library
from assistant.flows.runner import FlowSession
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.inputs import Submitted
from tests.pilot import start_flow

FLOWS = sorted(default_library().flows.values(), key=lambda f: f.id)


def valid_answer(chat: ChatScreen, step) -> object:
    """A valid answer to `step`, as its input widget would send it."""
    if step.kind in ("choice", "yes_no_unknown", "multi"):
        first = step.answer_values()[0]
        return [first] if step.kind == "multi" else first
    if step.kind == "scale":
        return 5
    if step.kind == "text":
        return "Noted in the session."
    if step.kind == "date":
        if not step.allow_future:
            return "2020-01-15"
        return "2099-01-15" if not step.allow_past else "2026-01-15"
    note = "Seen on two visits; reduces the main risk."
    if step.kind == "factor":
        return {"status": step.answer_values()[0], "note": note}
    if step.kind == "decision":
        return {"level": "low", "reason": note, "suggested": chat._suggested()}
    raise AssertionError(f"no way to answer {step.kind}")


async def answer_current(pilot, chat: ChatScreen) -> None:
    """Send a valid answer from the current input widget, through the screen's own
    handler (storing, rendering, moving on). Typing into each kind of input is tested
    key by key elsewhere (test_app, test_issue4, test_risk_panel); here the point is
    that every question of every flow can be answered and the flow completed."""
    widget = chat.query_one("#slot").children[0]
    before = len(chat.session.history)
    widget.post_message(Submitted(widget, valid_answer(chat, chat.session.current)))
    # Wait for the screen to take the answer (or show why not), then for it to settle;
    # quicker than Pilot's pause(), which idles at least 20 ms each time.
    for _ in range(500):
        if len(chat.session.history) != before or chat.query_one("#error").display:
            break
        await asyncio.sleep(0.002)
    await pilot.pause(0)


#: Flows run in groups, one app each: fewer start-ups, and groups spread over workers.
GROUPS = [FLOWS[i::4] for i in range(4)]


@pytest.mark.parametrize("flows", GROUPS, ids=["+".join(f.id for f in group) for group in GROUPS])
async def test_flows_can_be_completed(tmp_path: Path, flows: list) -> None:
    store = Store(tmp_path / "db")
    store.create_case(DEMO_REF)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        for flow in flows:
            chat = await start_flow(pilot, flow.title)
            for _ in range(len(flow.steps) + 1):
                if chat.session.complete:
                    break
                before = len(chat.session.history)
                await answer_current(pilot, chat)
                assert len(chat.session.history) == before + 1, (
                    f"{flow.id}: step '{chat.session.current.id}' did not take the answer: "
                    f"{chat.query_one('#error').render()}"
                )
            assert chat.session.complete, flow.id
            await pilot.press(*(("ctrl+x", "ctrl+x") if chat.child_mode else ("escape",)))
            await pilot.pause()
    finished = {s.flow_id: s for s in store.sessions(DEMO_REF)}
    assert set(finished) == {f.id for f in flows}
    for flow in flows:
        record = finished[flow.id]
        assert record.finished
        assert FlowSession(flow, store.events(DEMO_REF, record.id)).complete
