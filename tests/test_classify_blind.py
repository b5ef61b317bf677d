"""Classify before you look (issue 15; NSPCC framework, Stage 2 Task 1: each person
classifies on their own, then they confer).

- The classifying flow asks the practitioner's own level for each row and overall
  first, with Reunify's reading out of sight (no panel, no F3, no suggestion in
  the decision); only then does it show the reading beside theirs, name the rows
  that differ, and ask whether to change anything (a change keeps both).
- The "grave concern" question feeds `facts.grave_concern` (Stage 1 (a)).
- A decision can be recorded as agreed with a manager (F4 and the flow's
  decision): only then is it the case's level.
- Classification rounds show no reading before a rater has rated.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from assistant.casework.classification import classify_case
from assistant.casework.demo import DEMO_REF, write_demo
from assistant.casework.rounds import conferring_text, make_rating, open_round, rate, rounds
from assistant.commands.main import main
from assistant.flows.loader import check_text, default_library
from assistant.flows.runner import FlowSession
from assistant.records.store import Store
from assistant.ui.app import create_app
from assistant.ui.chat import ChatScreen
from assistant.ui.decision import DecisionScreen
from assistant.ui.inputs import Submitted
from assistant.ui.turns import ClassificationTurn
from tests.pilot import start_flow

LIBRARY = default_library()
FLOW = LIBRARY.flows["risk-classification"]
LEVEL_WORDS = ("LOW", "MEDIUM", "HIGH", "SEVERE")


async def send(pilot: Pilot, chat: ChatScreen, value: Any) -> None:
    """Send `value` from the current input, as it would send it, and wait for it."""
    widget = chat.query_one("#slot").children[0]
    before = len(chat.session.history)
    widget.post_message(Submitted(widget, value))
    for _ in range(500):
        if len(chat.session.history) != before or chat.query_one("#error").display:
            break
        await asyncio.sleep(0.002)
    await pilot.pause(0)


def progress(chat: ChatScreen) -> str:
    return str(chat.query_one("#progress", Static).render())


async def test_own_levels_first_then_reunifys_reading_beside_them(tmp_path: Path) -> None:
    """The demo case reads HIGH (risk row medium, protective low, capacity and wishes
    high). Until the own levels are in, nothing of that shows; then it shows beside
    them with the rows that differ, and a change keeps the first answer too."""
    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    before = len(store.decisions(DEMO_REF))
    async with create_app(store, select=DEMO_REF).run_test(size=(120, 30)) as pilot:
        chat = await start_flow(pilot, FLOW.title)
        assert not chat.query_one("#risk").display  # wide enough, but kept out of sight
        assert "Reunify's reading shows once your own levels are in" in progress(chat)
        await pilot.press("f3")
        await pilot.pause()
        assert pilot.app.screen is chat  # F3 says why not, and opens nothing
        answers = {
            "evidence_recent": "yes",
            "grave_factor": "no",
            "child_view": "Wants to go home.",
            "my_risk_factors": "high",
            "my_protective_factors": "low",
            "my_capacity": "high",
            "my_wishes": "high",
        }
        while chat.session.current.id in answers:
            await send(pilot, chat, answers[chat.session.current.id])
            assert not chat.query_one("#risk").display
            assert not chat.query(ClassificationTurn)
        assert chat.session.current.id == "my_level"
        assert chat.query_one("#answer").extra == {"suggested": None}  # not even in the input
        await pilot.press("f4")  # the F4 dialog says nothing of the reading either
        await pilot.pause()
        assert isinstance(pilot.app.screen, DecisionScreen)
        shown = str(pilot.app.screen.query_one(Static).render())
        assert "shows once your own" in shown
        assert not any(word in shown.upper() for word in LEVEL_WORDS)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("3")  # HIGH
        chat.query_one("#answer #note", TextArea).load_text("ok")  # short: no override check
        await pilot.press("enter")
        await pilot.pause()

        comparison = str(chat.query_one(ClassificationTurn).render())
        assert comparison.startswith("Your classification beside Reunify's reading")
        assert "Risk factors\n  you: ●●●○ HIGH · Reunify's reading: ●●○○ MEDIUM · DIFFERS" in (
            comparison
        )
        assert "Protective factors\n  you: ●○○○ LOW · Reunify's reading: ●○○○ LOW\n" in comparison
        assert "Overall level\n  you: ●●●○ HIGH · Reunify's reading: ●●●○ HIGH\n" in comparison
        assert "Where you differ: Risk factors." in comparison
        assert chat.query_one("#risk").display  # and now the panel too

        await send(pilot, chat, ["risk_factors", "overall"])  # change: both kept
        await send(pilot, chat, "medium")
        await pilot.press("2")  # MEDIUM, a level below the reading: a sentence is needed
        chat.query_one("#answer #note", TextArea).load_text("ok")
        await pilot.press("enter")
        await pilot.pause()
        assert "differs from Reunify's reading of the table (high)" in str(
            chat.query_one("#error").render()
        )
        chat.query_one("#answer #note", TextArea).load_text("Tests negative for four months.")
        chat.query_one("#answer #agreed-with", Input).value = "Team manager CD"
        await pilot.press("enter")
        await pilot.pause()
        assert chat.session.current.id == "change_why"
    decisions = store.decisions(DEMO_REF)[before:]
    assert [(d["level"], d.get("agreed_with")) for d in decisions] == [
        ("high", None),  # the first, blind: kept, with the reading it did not see
        ("medium", "Team manager CD"),  # the change, agreed with the manager
    ]
    assert decisions[0]["suggested"] == "high"
    (session,) = [s for s in store.sessions(DEMO_REF) if not s.finished]
    kept = FlowSession(FLOW, store.events(DEMO_REF, session.id)).answers()
    assert kept["my_risk_factors"] == "high" and kept["changed_risk_factors"] == "medium"
    assert kept["my_level"]["level"] == "high" and kept["changed_level"]["level"] == "medium"


def record(store: Store, answers: dict[str, Any]) -> None:
    session = store.start_session("C-1", FLOW.id, FLOW.title)
    flow_session = FlowSession(FLOW)
    while (step := flow_session.current) is not None and step.id in answers:
        store.record("C-1", session.id, flow_session.answer(answers[step.id]))


@pytest.mark.parametrize(("answer", "fed"), [("yes", True), ("no", False), ("unknown", None)])
def test_the_grave_concern_question_feeds_the_fact(tmp_path: Path, answer: str, fed: Any) -> None:
    """Stage 1 (a): one factor, or a cluster, can make the overall risk severe. "Not
    known" is null (a gap), never false."""
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    record(store, {"evidence_recent": "yes", "grave_factor": answer})
    case = classify_case(store, LIBRARY, "C-1")
    assert case.inputs.data["facts"] == {"grave_concern": fed}
    assert case.result is not None
    assert (case.result.suggested == "severe") is (answer == "yes")
    assert ("facts.grave_concern" in case.result.gaps) is (answer == "unknown")


COMPARE_LINE = (
    'compare = { risk_factors = "row", protective_factors = "note", '
    'capacity_to_change = "later", wishes = "row", overall = "row" }'
)
COMPARE = """
id = "c"
title = "C"
audience = "practitioner"
stages = [2]
intro = "I"

[[steps]]
id = "row"
kind = "choice"
text = "Row?"
label = "Row"
options = [{ value = "low", label = "L" }, { value = "high", label = "H" }]

[[steps]]
id = "note"
kind = "text"
text = "Why?"
label = "Why"

[[steps]]
id = "see"
kind = "classification"
text = "Beside."
{compare}

[[steps]]
id = "later"
kind = "choice"
text = "Later?"
label = "Later"
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]
""".replace("{compare}", COMPARE_LINE)


def test_flows_check_says_what_a_compare_step_names_wrongly() -> None:
    flow, problems = check_text(COMPARE, "c.toml", "c")
    assert flow is None
    said = {str(p).split(": ", 1)[1] for p in problems}
    assert said == {
        "step 'see': compare: risk_factors names step 'row', whose options are not the four levels",
        "step 'see': compare: protective_factors names step 'note', which is not a choice question",
        "step 'see': compare: capacity_to_change names step 'later', which does not come before it",
        "step 'see': compare: wishes names step 'row', whose options are not the four levels",
        "step 'see': compare: overall names step 'row', which is not a decision question",
    }
    missing = COMPARE.replace(', overall = "row"', "")
    _, problems = check_text(missing, "c.toml", "c")
    assert any("compare: name a question for overall" in str(p) for p in problems)
    assert LIBRARY.flows["risk-classification"].compare_step == "beside_reading"


async def test_f4_records_a_decision_agreed_with_a_manager(tmp_path: Path) -> None:
    """Only an agreed decision is the case's level; the name makes it so."""
    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    before = len(store.decisions(DEMO_REF))
    async with create_app(store, select=DEMO_REF).run_test(size=(80, 24)) as pilot:
        await start_flow(pilot, LIBRARY.flows["capacity-to-change"].title)
        for agreed_with in ("", "Sam Patel"):
            await pilot.press("f4")
            await pilot.pause()
            dialog = pilot.app.screen
            assert isinstance(dialog, DecisionScreen)
            assert "Reunify's reading of the framework's table: ●●●○ HIGH" in str(
                dialog.query_one(Static).render()
            )
            await pilot.press("3")
            dialog.query_one("#note", TextArea).load_text("Partner not yet assessed.")
            await pilot.press("tab")  # to "agreed with"
            assert pilot.app.focused is dialog.query_one("#agreed-with", Input)
            dialog.query_one("#agreed-with", Input).value = agreed_with
            await pilot.press("enter")
            await pilot.pause()
            assert not isinstance(pilot.app.screen, DecisionScreen)
    own, agreed = store.decisions(DEMO_REF)[before:]
    assert "agreed_with" not in own and own["level"] == "high"
    assert agreed["agreed_with"] == "Sam Patel" and agreed["suggested"] == "high"


def test_a_round_shows_no_reading_before_the_rater_has_rated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Blind rating covers Reunify's reading too: `round show` and the conferring view
    say nothing of it until the one looking has rated."""
    db = tmp_path / "db"
    store = Store(db)
    store.create_case("C-1")
    suggested = {
        "level": "severe",
        "rows": {
            "risk_factors": "high",
            "protective_factors": "severe",
            "capacity_to_change": "high",
            "wishes": None,
        },
    }
    opened = open_round(store, "C-1", suggested)
    rows = dict.fromkeys(suggested["rows"], "high")
    rate(store, "C-1", opened.id, make_rating("worker", "AB", rows, "high", "On my own."))
    (current,) = rounds(store, "C-1")
    hidden = conferring_text(current, "team_manager")
    assert "Submit your own first" in hidden
    assert not any(word in hidden.upper() for word in LEVEL_WORDS)
    assert main(["--db", str(db), "case", "round", "show", "C-1", "--as", "team_manager"]) == 0
    out = capsys.readouterr().out
    assert not any(word in out.upper() for word in LEVEL_WORDS)
    seen = conferring_text(current, "worker")
    assert "Reunify's reading of the framework's table when the round opened" in seen
    assert "Overall level" in seen and "SEVERE" in seen
    assert "Wishes about return" in seen  # a row with no reading shows as "-"


async def test_the_case_screen_keeps_the_reading_out_of_sight_while_a_round_is_open(
    tmp_path: Path,
) -> None:
    """The round is opened from the case screen: while it is open, that screen (and
    its F3) does not show Reunify's reading, so no rater sees it before rating."""
    from assistant.casework.rounds import suggestion_now
    from assistant.ui.case import CaseScreen

    store = Store(tmp_path / "db")
    write_demo(store, LIBRARY)
    open_round(store, DEMO_REF, suggestion_now(store, LIBRARY, DEMO_REF))
    async with create_app(store, select=DEMO_REF).run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, CaseScreen)
        shown = str(screen.query_one("#case-classification", Static).render())
        assert "A classification round is open" in shown
        assert not any(word in shown.upper() for word in LEVEL_WORDS)
        decisions = str(screen.query_one("#case-decisions", Static).render())
        assert "Reunify's reading" not in decisions
        await pilot.press("f3")
        await pilot.pause()
        assert pilot.app.screen is screen
