"""Structured `when` conditions: parsing and evaluation (never eval)."""

from __future__ import annotations

import pytest

from assistant.flows.conditions import ConditionError, parse_condition


@pytest.mark.parametrize(
    ("raw", "answers", "expected"),
    [
        ({"step": "a", "equals": "yes"}, {"a": "yes"}, True),
        ({"step": "a", "equals": "yes"}, {"a": "no"}, False),
        ({"step": "a", "equals": "yes"}, {}, False),
        ({"step": "a", "in": ["no", "unknown"]}, {"a": "unknown"}, True),
        ({"step": "a", "includes": "x"}, {"a": ["x", "y"]}, True),
        ({"step": "a", "includes": "x"}, {"a": ["y"]}, False),
        ({"step": "a", "answered": True}, {"a": "anything"}, True),
        ({"step": "a", "answered": False}, {}, True),
        ({"step": "a", "at_least": 5}, {"a": 5}, True),
        ({"step": "a", "at_least": 5}, {"a": 4}, False),
        ({"step": "a", "at_most": 3}, {"a": 3}, True),
        ({"step": "a", "at_most": 3}, {"a": "3"}, False),
        ({"all": [{"step": "a", "equals": 1}, {"step": "b", "equals": 2}]}, {"a": 1, "b": 2}, True),
        ({"all": [{"step": "a", "equals": 1}, {"step": "b", "equals": 2}]}, {"a": 1}, False),
        ({"any": [{"step": "a", "equals": 1}, {"step": "b", "equals": 2}]}, {"b": 2}, True),
        ({"not": {"step": "a", "equals": 1}}, {"a": 2}, True),
    ],
)
def test_condition_holds(raw: dict, answers: dict, expected: bool) -> None:
    assert parse_condition(raw).holds(answers) is expected


def test_condition_lists_the_steps_it_reads() -> None:
    raw = {"any": [{"step": "a", "equals": 1}, {"not": {"step": "b", "answered": True}}]}
    assert parse_condition(raw).steps() == {"a", "b"}


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("yes", "must be a table"),
        ({"equals": "x"}, "needs 'step'"),
        ({"step": "a"}, "exactly one of"),
        ({"step": "a", "equals": 1, "in": [1]}, "exactly one of"),
        ({"step": "a", "equal": 1}, "unknown key 'equal'"),
        ({"step": "a", "in": []}, "non-empty list"),
        ({"step": "a", "answered": "yes"}, "true or false"),
        ({"step": "a", "at_least": "5"}, "needs a number"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"step": "a", "equals": 1}], "step": "b"}, "must stand alone"),
    ],
)
def test_bad_condition_says_what_is_wrong(raw: object, says: str) -> None:
    with pytest.raises(ConditionError, match=says):
        parse_condition(raw)
