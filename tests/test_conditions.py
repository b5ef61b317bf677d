"""Structured `when` conditions: parsing and evaluation (never eval)."""

from __future__ import annotations

import itertools
import random

import pytest

from assistant.flows.conditions import ConditionError, check_of, parse_condition
from assistant.flows.loader import default_library


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
    assert check_of(parse_condition(raw))(answers) is expected


#: answers of every kind a condition may meet, right or wrong for it
ODD_ANSWERS = [None, True, False, 0, 3, 5, 5.5, "3", "", "yes", [], ["x"], {"a": 1}]


#: one test of each kind, on step "a"
EACH_TEST = [
    ("equals", "yes"), ("equals", 3), ("in", ["yes", 3]), ("includes", "x"),
    ("answered", True), ("answered", False), ("at_least", 3), ("at_most", 3),
    ("ticked", "x"),
]  # fmt: skip


@pytest.mark.parametrize("raw", [{"step": "a", test: value} for test, value in EACH_TEST])
def test_a_condition_made_into_one_function_holds_when_it_holds(raw: dict) -> None:
    """`check_of` (used to replay sessions quickly) agrees with `holds` on every
    kind of answer, and on no answer at all."""
    condition = parse_condition(raw)
    check = check_of(condition)
    for answers in [{}, *({"a": odd} for odd in ODD_ANSWERS)]:
        assert check(answers) is condition.holds(answers), answers


def test_every_shipped_condition_made_into_one_function_agrees_with_holds() -> None:
    """Every `when` of every shipped flow, on random answers drawn from the values
    its tests name and some that fit none of them."""
    rng = random.Random(19)
    for flow in default_library().flows.values():
        for step in flow.steps:
            if step.when is None:
                continue
            check = check_of(step.when)
            tests = step.when.tests()
            values = [*ODD_ANSWERS, *(t.value for t in tests)]
            values += list(itertools.chain.from_iterable(
                t.value for t in tests if isinstance(t.value, list)
            ))  # fmt: skip
            for _ in range(60):
                answers = {t.step: rng.choice(values) for t in tests if rng.random() < 0.8}
                assert check(answers) is step.when.holds(answers), (flow.id, step.id, answers)


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
