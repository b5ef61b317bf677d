"""Every shipped flow can be completed from the keyboard in the app (issue 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.demo import DEMO_REF
from assistant.flows import default_library
from assistant.runner import FlowSession
from assistant.store import Store
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from tests.pilot import fill, start_flow

FLOWS = sorted(default_library().flows.values(), key=lambda f: f.id)


async def answer_current(pilot, chat: ChatScreen) -> None:
    """Give the current question a valid answer the way a practitioner would."""
    step = chat.session.current
    if step.kind in ("choice", "yes_no_unknown"):
        await pilot.press("1")
    elif step.kind == "multi":
        await pilot.press("1", "enter")
    elif step.kind == "scale":
        await pilot.press("enter")
    elif step.kind == "text":
        await fill(pilot, "Noted in the session.")
    elif step.kind == "date":
        day = "2020-01-15" if not step.allow_future else "2099-01-15"
        await fill(
            pilot,
            day if not (step.allow_future and step.allow_past) else "2026-01-15",
        )
    elif step.kind in ("factor", "decision"):
        await pilot.press("1")
        await fill(pilot, "Seen on two visits; reduces the main risk.")
    else:
        raise AssertionError(f"no way to answer {step.kind}")


#: Flows are run in four groups, one app each (app start-up is the slow part).
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
