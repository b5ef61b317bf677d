"""Every shipped flow can be completed (issue 4).

Every flow is answered to its end through the runner, with each question's words,
input and reply built as the app builds them (quick). In the app itself, a set of
flows that between them hold every kind of question, a child's flow in child
mode, the check-in and the classify-first compare is answered to its end
(supervision flows are practitioner screens with the panel, as the others);
typing into each kind of input is tested key by key elsewhere (test_app,
test_factor_flow, test_risk_panel, test_correcting_answers).
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from assistant.casework.decisions import make_decision
from assistant.casework.demo import DEMO_REF
from assistant.flows.loader import default_library
from assistant.flows.runner import FlowSession
from assistant.records.store import Store
from assistant.text import printable
from assistant.ui.answer_input import input_for
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.inputs import Submitted
from assistant.ui.markdown import LinkedMarkdown
from tests.pilot import start_flow

FLOWS = sorted(default_library().flows.values(), key=lambda f: f.id)


def valid_answer(chat: ChatScreen | None, step) -> object:
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
        assert chat is not None
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


#: Answered in the app: between them every kind of question and every audience.
IN_THE_APP = [
    ["child-solution-team", "pre-review-check-in", "assessment-top-tips"],
    ["risk-classification", "future-harm-factors"],
]
GROUPS = [[f for f in FLOWS if f.id in ids] for ids in IN_THE_APP]


def test_the_flows_answered_in_the_app_hold_every_kind_and_audience() -> None:
    chosen = [f for group in GROUPS for f in group]
    assert {s.kind for f in chosen for s in f.steps} == {s.kind for f in FLOWS for s in f.steps}
    assert {f.audience for f in chosen} >= {f.audience for f in FLOWS} - {"supervision"}
    assert any(f.compare_step for f in chosen)


def runner_answer(step) -> object:
    """A valid answer to `step`, as the chat screen would hand it to the runner."""
    if step.kind == "decision":
        note = "Seen on two visits; reduces the main risk."
        return make_decision("low", note, None, None)
    return valid_answer(None, step)


@pytest.mark.parametrize("flow", FLOWS, ids=[f.id for f in FLOWS])
def test_every_flow_can_be_answered_to_its_end(flow) -> None:
    """Each question's words render, its input is built, each reply and the summary
    render, and the flow ends complete."""
    console = Console(width=78, file=io.StringIO(), color_system=None)
    session = FlowSession(flow, [])
    console.print(LinkedMarkdown(flow.intro))
    for _ in range(len(flow.steps) + 1):
        step = session.current
        if step is None:
            break
        for message in session.messages_before(step.id):
            console.print(LinkedMarkdown(message.text))
        console.print(LinkedMarkdown(step.text))
        input_for(step, "high", [("drinking", "Drinking")])
        value = runner_answer(step)
        session.apply(session.prepare_answer(value))
        console.print(Text(printable(step.display(value))))
    assert session.complete, flow.id
    console.print(Text(str(session.finish())))


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
