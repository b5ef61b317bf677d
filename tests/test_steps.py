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
