"""Answers feed the classification end to end: flows → store → case classify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from assistant.casework.demo import DEMO_REF, replay, write_demo
from assistant.commands.main import main
from assistant.flows.loader import default_library
from assistant.flows.runner import FlowSession
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.cards import CardScreen
from assistant.ui.chat import ChatScreen
from assistant.ui.turns import ClassificationTurn
from tests.pilot import fill, start_flow

LIBRARY = default_library()


def record(store: Store, ref: str, flow_id: str, answers: dict[str, Any]) -> None:
    flow = LIBRARY.flows[flow_id]
    session = store.start_session(ref, flow.id, flow.title)
    for event in replay(FlowSession(flow), answers):
        store.record(ref, session.id, event)


def factors(parent: str, domains: list[str], statuses: dict[str, Any]) -> dict[str, Any]:
    """Answers for the factors flow: each domain's tick list ticks the factors given
    in `statuses`, and every other factor of `domains` is left unticked (not present)."""
    flow = LIBRARY.flows["future-harm-factors"]
    answers: dict[str, Any] = {"parent": parent, "domains": domains}
    session = FlowSession(flow, [])
    session.answer(parent)
    session.answer(domains)
    while (step := session.current) is not None and step.kind in ("multi", "factor"):
        if step.kind == "multi":
            value: Any = [f for f in step.answer_values() if f in statuses]
        else:
            value = statuses[step.factor]
        answers[step.id] = value
        session.answer(value)
    return answers


PROFILE = {
    "age_band": "one_to_two",
    "legal_status": "care_order",
    "entered_care_on": "2026-01-05",
    "returned_home": "no",
    "previous_failed_returns": "none",
    "chronic_neglect_or_emotional_abuse": "no",
    "involved_since_pregnancy": "yes",
    "substantial_change_within_6_months_of_birth": "no",
    "roles_to_assess": ["mother", "father"],
}


def capacity(parent: str, judgement: str) -> dict[str, Any]:
    return {
        "parent": parent,
        "what_must_change": "Stop using drugs.",
        "kq_problems_addressed": "no",
        "kq_ready_for_remaining": "unknown",
        "kq_child_timescale": "no",
        "kq_relationship_repairable": "yes",
        "compliance_concern": "no",
        "judgement": judgement,
        "judgement_reason": "Based on six months of tests and visits.",
    }


WISHES = {
    "how_gathered": ["observed"],
    "child_wishes": "too_young",
    "parents_present": ["mother", "father"],
    "mother_wishes": "want",
    "father_wishes": "want",
}


@pytest.fixture
def assessed(tmp_path: Path) -> Path:
    """A case assessed through the four feeding flows, both parents."""
    db = tmp_path / "db"
    store = Store(db)
    store.create_case("LA-1")
    record(store, "LA-1", "case-profile", PROFILE)
    drugs = {"status": "not_addressed", "note": "Positive tests in March."}
    support = {  # named as reducing the open risk (Stage 2: strengths vs protective factors)
        "status": "present",
        "note": "Grandmother cares for him while mum attends treatment.",
        "mitigates": ["substance_misuse"],
    }
    record(
        store,
        "LA-1",
        "future-harm-factors",
        factors(
            "mother",
            ["parent", "family"],
            {"substance_misuse": drugs, "supportive_extended_family": support},
        ),
    )
    record(store, "LA-1", "future-harm-factors", factors("father", ["parent"], {}))
    record(store, "LA-1", "capacity-to-change", capacity("mother", "some"))
    record(store, "LA-1", "capacity-to-change", capacity("father", "substantial"))
    record(store, "LA-1", "wishes-and-feelings", WISHES)
    return db


def classify(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> tuple[int, str]:
    code = main(["--db", str(db), "case", "classify", "LA-1", *extra])
    return code, capsys.readouterr().out


def test_four_flows_give_the_expected_level(
    assessed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Risk Classification Table (Stage 2 Task 1): a risk factor not being addressed and
    capacity only 'some' for one parent put the case at high; infant, pregnancy and
    substance misuse alerts come from Stage 1 (b)."""
    code, out = classify(capsys, assessed, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["suggested"] == "high"
    assert result["rows"] == {
        "risk_factors": "high",
        "protective_factors": "low",
        "capacity_to_change": "high",
        "wishes": "low",
    }
    assert result["alerts"] == [
        "infant_timescales",
        "no_change_since_pregnancy",
        "substance_misuse",
    ]
    assert result["input"]["capacity_to_change"] == "some"  # the more cautious parent
    assert result["input"]["wishes"] == {"child": "not_applicable", "parents": "want"}
    assert result["input"]["child"] == {"age_months": 18, "legal_status": "care_order"}
    assert result["input"]["factors"]["substance_misuse"] == "not_addressed"
    same = {k: v for k, v in result.items() if k != "input"}
    assert main(["classify", "--input", _write(assessed.parent / "in.json", result["input"])]) == 0
    assert json.loads(capsys.readouterr().out) == same


def test_newer_assessment_of_the_same_parent_replaces_the_older(
    assessed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(assessed)
    done = {"status": "addressed", "note": "Clean tests for six months."}
    record(
        store,
        "LA-1",
        "future-harm-factors",
        factors("mother", ["parent"], {"substance_misuse": done}),
    )
    record(store, "LA-1", "capacity-to-change", capacity("mother", "substantial"))
    _, out = classify(capsys, assessed, "--json")
    result = json.loads(out)
    assert result["rows"]["risk_factors"] == "low"
    assert result["rows"]["capacity_to_change"] == "low"
    assert result["suggested"] == "low"


def test_case_classify_without_json_flag_prints_the_classify_output(
    assessed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The contract of issue 4: the same JSON as `reunify classify`; --json adds "input"."""
    code, out = classify(capsys, assessed)
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"suggested", "provisional", "rows", "gaps", "alerts", "trajectory"}
    assert result["suggested"] == "high"


def test_case_classify_unknown_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "db"), "case", "classify", "NOPE"]) == 1
    assert "no case 'NOPE'" in capsys.readouterr().err


def test_demo_case_has_a_full_classification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    assert main(["--db", str(db), "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "case", "classify", DEMO_REF, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["suggested"] == "high"
    assert set(result["input"]) >= {"child", "factors", "capacity_to_change", "wishes", "facts"}
    assert Store(db).decisions(DEMO_REF)[0]["level"] == "high"


def _write(path: Path, data: dict) -> str:
    path.write_text(json.dumps(data))
    return str(path)


async def test_f2_opens_the_factor_card_and_keeps_the_answer(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, LIBRARY.flows["future-harm-factors"].title)
        await pilot.press("1")  # the child
        await pilot.press("1", "enter")  # abuse domain
        await pilot.pause()
        await pilot.press("f2")  # at the tick list: every definition of the domain
        await pilot.pause()
        assert isinstance(pilot.app.screen, CardScreen)
        assert pilot.app.screen.card_ids[0] == "factors-abuse"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("1", "enter")  # tick severe physical abuse
        await pilot.pause()
        assert chat.session.current.factor == "severe_physical_abuse"
        await pilot.press("2")  # status chosen, the note is next
        pilot.app.focused.load_text("half-written note")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CardScreen)
        assert pilot.app.screen.card_ids[0] == "factor-severe_physical_abuse"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChatScreen)
        assert pilot.app.focused.text == "half-written note"


async def test_check_in_shows_the_table_and_child_flows_hide_risk_keys(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        chat = await start_flow(pilot, LIBRARY.flows["pre-review-check-in"].title)
        while chat.session.current is not None and chat.session.current.id != "level_right":
            step = chat.session.current
            if step.kind == "text":
                await fill(pilot, "Nothing new.") if not step.optional else await pilot.press(
                    "ctrl+o"
                )
            else:
                await pilot.press("1")
            await pilot.pause()
        shown = str(chat.query_one(ClassificationTurn).render())
        assert "Reunify's reading of the framework's table" in shown
        assert "●●●○ HIGH" in shown
        await pilot.press("escape")
        await pilot.pause()
        child = await start_flow(pilot, LIBRARY.flows["child-three-houses"].title)
        titles = {c.title for c in pilot.app.get_system_commands(child)}
        assert "Why?" not in titles and "Decide" not in titles
        assert "F3" not in str(child.query_one("#keys", Static).render())


async def test_f2_on_a_wide_screen_opens_the_card_beside_the_chat(tmp_path: Path) -> None:
    """Issue 5: "What does this mean?" beside the chat, by key or button; nothing is lost."""
    store = Store(tmp_path / "db")
    write_demo(store)
    async with create_app(store, select=DEMO_REF).run_test(size=(130, 36)) as pilot:
        chat = await start_flow(pilot, LIBRARY.flows["future-harm-factors"].title)
        await pilot.press("1")
        await pilot.press("1", "enter")
        await pilot.pause()
        await pilot.press("1", "enter")  # tick the first factor of the abuse domain
        await pilot.pause()
        await pilot.press("2")
        pilot.app.focused.load_text("half-written note")
        await pilot.press("f2")
        await pilot.pause()
        pane = chat.query_one("#card-pane")
        assert pane.display and isinstance(pilot.app.screen, ChatScreen)
        assert pane.card_ids[0] == "factor-severe_physical_abuse"
        assert not chat.query_one("#risk").display  # the card takes the panel's place
        assert pilot.app.focused.text == "half-written note"
        await pilot.press("f2")
        await pilot.pause()
        assert not pane.display and chat.query_one("#risk").display
        await pilot.click("#meaning")
        await pilot.pause()
        assert pane.display
