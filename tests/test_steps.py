"""Each question kind checks its answer and says clearly what is wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assistant.flows.loader import STEP_ADAPTER
from assistant.flows.steps import AnswerError
from assistant.text import clean_text

TODAY = date(2026, 11, 23)
OPTIONS = [{"value": "a", "label": "Apple"}, {"value": "b", "label": "Banana"}]


def step(kind: str, **extra: Any) -> Any:
    raw = {"id": "q", "kind": kind, "text": "Question?", "label": "Q", **extra}
    return STEP_ADAPTER.validate_python(raw)


@pytest.mark.parametrize(
    ("kind", "extra", "given", "stored", "shown"),
    [
        ("choice", {"options": OPTIONS}, "b", "b", "Banana"),
        ("multi", {"options": OPTIONS}, ["b", "a"], ["a", "b"], "Apple; Banana"),
        ("multi", {"options": OPTIONS}, [], [], "None of these"),
        ("scale", {}, 7, 7, "7 out of 10"),
        ("scale", {}, "0", 0, "0 out of 10"),
        ("yes_no_unknown", {}, "unknown", "unknown", "Not known"),
        ("text", {}, "  two\nlines\x00 ", "two\nlines", "two\nlines"),
        ("date", {}, "2026-03-01", "2026-03-01", "1 March 2026"),
    ],
)
def test_answer_is_stored_and_shown(
    kind: str, extra: dict, given: Any, stored: Any, shown: str
) -> None:
    question = step(kind, **extra)
    assert question.check(given, TODAY) == stored
    assert question.display(stored) == shown


@pytest.mark.parametrize(
    ("kind", "extra", "given", "says"),
    [
        ("choice", {"options": OPTIONS}, "c", "not one of the options"),
        ("multi", {"options": OPTIONS}, "a", "choose the options"),
        ("multi", {"options": OPTIONS}, ["a", "z"], "not one of the options"),
        ("scale", {}, 11, "outside the scale"),
        ("scale", {}, -1, "outside the scale"),
        ("scale", {}, 2.5, "whole number"),
        ("scale", {}, True, "whole number"),
        ("yes_no_unknown", {}, "maybe", "yes, no or unknown"),
        ("text", {}, "   ", "empty"),
        ("text", {"max_length": 5}, "too long!", "at most 5"),
        ("date", {}, "1/3/2026", "YYYY-MM-DD"),
        ("date", {}, "2026-02-30", "not a real date"),
        ("date", {}, "20260301", "YYYY-MM-DD"),
        ("date", {"allow_future": False}, "2026-11-24", "in the future"),
        ("date", {"allow_past": False}, "2026-11-22", "in the past"),
    ],
)
def test_bad_answer_says_what_is_wrong(kind: str, extra: dict, given: Any, says: str) -> None:
    with pytest.raises(AnswerError, match=says):
        step(kind, **extra).check(given, TODAY)


def test_optional_empty_text_suggests_skipping() -> None:
    with pytest.raises(AnswerError, match="skip"):
        step("text", optional=True).check("", TODAY)


def test_clean_text_keeps_newlines_and_tabs_drops_control_characters() -> None:
    assert clean_text("a\tb\nc\x00\x1b[31m") == "a\tb\nc[31m"


# -- factors, decisions and the side-by-side step (issue 15) ------------------------
def test_a_present_protective_factor_keeps_only_risks_by_id() -> None:
    """Stage 2 Task 1, strengths vs protective factors: the link is a choice of the
    case's risks (ids), never free text; an empty list is "none of these"."""
    protective = step("factor", factor="social_support")
    kept = protective.check(
        {"status": "present", "note": " x ", "mitigates": ["social_isolation", "social_isolation"]}
    )
    assert kept == {"status": "present", "note": "x", "mitigates": ["social_isolation"]}
    assert protective.display(kept) == "Present; reduces: Social isolation — x"
    for wrong in (["social_support"], ["no_such_factor"], "social_isolation", [3]):
        with pytest.raises(AnswerError, match="choose the recorded risks"):
            protective.check({"status": "present", "note": "", "mitigates": wrong})
    absent = protective.check({"status": "absent", "note": "", "mitigates": ["social_isolation"]})
    assert absent == {"status": "absent", "note": ""}  # only a present factor reduces anything
    assert protective.fed(absent) == ("factors.social_support", "absent")
    risk = step("factor", factor="social_isolation")
    assert risk.check({"status": "not_addressed", "note": "Alone", "mitigates": []}) == {
        "status": "not_addressed",
        "note": "Alone",
    }


@pytest.mark.parametrize(
    ("factor", "status", "needed"),
    [
        ("substance_misuse", "not_addressed", True),
        ("substance_misuse", "being_addressed", True),
        ("substance_misuse", "addressed", False),
        ("substance_misuse", "absent", False),
        ("substance_misuse", "unknown", False),
        ("social_support", "present", False),
    ],
)
def test_a_present_risk_not_fully_addressed_needs_a_line_of_evidence(
    factor: str, status: str, needed: bool
) -> None:
    """Issue 17: evidence is required for a risk factor that is present and not (or
    not yet fully) addressed; a blank or control-character-only note is no evidence."""
    question = step("factor", factor=factor)
    assert question.needs_evidence(status) is needed
    for note in ("", "  \x00 "):
        if needed:
            with pytest.raises(AnswerError, match="write a line of evidence") as refused:
                question.check({"status": status, "note": note})
            assert "needs what shows the risk is there" in str(refused.value)
        else:
            assert question.check({"status": status, "note": note})["note"] == ""
    assert question.check({"status": status, "note": " Seen at home. "})["note"] == "Seen at home."


def test_a_decision_keeps_who_it_was_agreed_with() -> None:
    decision = step("decision")
    kept = decision.check({"level": "high", "reason": "r", "agreed_with": " Sam\x00 Patel "})
    assert kept == {"level": "high", "reason": "r", "suggested": None, "agreed_with": "Sam Patel"}
    assert decision.display(kept) == "HIGH — r (agreed with Sam Patel)"
    assert "agreed_with" not in decision.check({"level": "low", "reason": "r", "agreed_with": ""})
    with pytest.raises(AnswerError, match="at most 80"):
        decision.check({"level": "low", "reason": "r", "agreed_with": "x" * 81})
    assert step("decision", blind=True).blind


def test_a_classification_step_reads_the_own_levels_it_compares() -> None:
    compare = {
        "risk_factors": "a",
        "protective_factors": "b",
        "capacity_to_change": "c",
        "wishes": "d",
        "overall": "e",
    }
    shown = STEP_ADAPTER.validate_python(
        {"id": "c", "kind": "classification", "text": "Beside.", "compare": compare}
    )
    answers = {"a": "high", "b": "low", "d": "amber", "e": {"level": "severe", "reason": "r"}}
    assert shown.own_levels(answers) == {
        "risk_factors": "high",
        "protective_factors": "low",
        "capacity_to_change": None,
        "wishes": None,
        "overall": "severe",
    }
    with pytest.raises(ValueError, match="not one of"):
        STEP_ADAPTER.validate_python(
            {"id": "c", "kind": "classification", "text": "T", "compare": {**compare, "x": "a"}}
        )
