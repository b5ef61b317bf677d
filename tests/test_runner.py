"""The runner: a flow session as a pure state machine."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.flows.loader import Flow
from assistant.flows.runner import AnswerEvent, FlowSession, RunnerError
from assistant.flows.steps import AnswerError

TODAY = date(2026, 11, 23)


def answer_all(session: FlowSession, genogram: str = "yes") -> None:
    session.answer("first")
    session.answer(["partner"])
    session.answer(genogram)
    if genogram != "yes":
        session.answer("2026-12-01", TODAY)
    session.answer(6)
    session.answer("Bring the genogram template.")


def test_starts_at_first_question(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    assert session.current.id == "visit_kind"
    assert session.progress() == (0, 5)
    assert [t.step.id for t in session.transcript()] == ["welcome", "visit_kind"]


def test_answers_move_on_in_order(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    session.answer("first")
    assert session.current.id == "topics"
    session.answer(["household", "partner"])
    assert session.answers()["topics"] == ["partner", "household"]


def test_invalid_answer_changes_nothing(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    with pytest.raises(AnswerError):
        session.answer("third")
    assert session.current.id == "visit_kind"
    assert session.history == []


def test_condition_shows_step_only_when_it_holds(visit_flow: Flow) -> None:
    yes = FlowSession(visit_flow)
    answer_all(yes, "yes")
    assert yes.complete
    assert "genogram_when" not in yes.answers()
    no = FlowSession(visit_flow)
    answer_all(no, "no")
    assert no.answers()["genogram_when"] == "2026-12-01"
    assert no.progress() == (6, 6)


def test_optional_question_can_be_skipped_required_cannot(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    with pytest.raises(RunnerError, match="cannot be skipped"):
        session.skip()
    session.answer("first")
    session.answer([])
    session.answer("yes")
    session.answer(3)
    event = session.skip()
    assert event == AnswerEvent("notes", None, skipped=True)
    assert session.complete
    assert ("Notes", "skipped") in session.summary()


def test_back_reopens_previous_question_and_change_is_a_new_event(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    session.answer("first")
    session.answer(["partner"])
    assert session.back().id == "topics"
    assert session.revisiting
    session.answer(["alcohol"])
    assert session.current.id == "genogram"
    assert session.answers()["topics"] == ["alcohol"]
    assert [e.value for e in session.history if e.step == "topics"] == [["partner"], ["alcohol"]]


def test_back_twice_and_cancel(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    session.answer("first")
    session.answer(["partner"])
    session.back()
    assert session.back().id == "visit_kind"
    with pytest.raises(RunnerError, match="first question"):
        session.back()
    session.cancel_change()
    assert session.current.id == "genogram"


def test_change_an_answer_that_hides_a_later_step(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    answer_all(session, "no")
    session.change("genogram")
    session.answer("yes")
    assert session.complete
    assert "genogram_when" not in session.answers()
    labels = [label for label, _ in session.summary()]
    assert "Genogram due" not in labels


def test_change_unknown_step_is_refused(visit_flow: Flow) -> None:
    with pytest.raises(RunnerError, match="no question 'nope'"):
        FlowSession(visit_flow).change("nope")


def test_resume_from_events_reaches_the_same_state(visit_flow: Flow) -> None:
    first = FlowSession(visit_flow)
    first.answer("follow_up")
    first.answer(["partner"])
    first.back()
    first.answer(["household"])
    resumed = FlowSession(visit_flow, first.history)
    assert resumed.current.id == "genogram"
    assert resumed.answers() == first.answers()


def test_finish_needs_every_question_settled(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    session.answer("first")
    with pytest.raises(RunnerError, match="still open"):
        session.finish()
    session.answer(["partner"])
    session.answer("yes")
    session.answer(10)
    session.answer("Notes\nover two lines")
    summary = session.finish()
    assert summary[0] == ("Kind of visit", "First visit")
    assert ("Confidence", "10 out of 10") in summary
    assert session.messages_before(None)[-1].id == "bye"


def test_prepare_does_not_change_state_until_applied(visit_flow: Flow) -> None:
    session = FlowSession(visit_flow)
    event = session.prepare_answer("first")
    assert session.current.id == "visit_kind"
    session.apply(event)
    assert session.current.id == "topics"
