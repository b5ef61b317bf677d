"""Structured `when` conditions over earlier answers (never `eval`).

A condition in a flow file is a small table:

    { step = "id", equals = "value" }      { step = "id", in = ["a", "b"] }
    { step = "id", includes = "a" }        { step = "id", answered = true }
    { step = "id", at_least = 5 }          { step = "id", at_most = 3 }
    { step = "id", ticked = "a" }
    { all = [c, ...] }   { any = [c, ...] }   { not = c }

`ticked` is for a factor tick list (a `multi` step with `unticked = "absent"`):
it holds when "a" was ticked, and also when the list has no answer, so that a
session recorded before the list was added to its flow still shows the
questions it answered then. Pair it with the condition that shows the list
itself (e.g. its domain chosen), or it holds while the list is hidden too.

`answers` passed to `holds` holds only answered (not skipped) steps that are
currently visible, keyed by step id.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TESTS = ("equals", "in", "includes", "answered", "at_least", "at_most", "ticked")
GROUPS = ("all", "any", "not")
#: how deep `all` / `any` / `not` may nest (deeper is a mistake, and would overflow the stack)
MAX_DEPTH = 20


class ConditionError(ValueError):
    """A condition table that does not follow the format above."""


@dataclass(frozen=True)
class StepTest:
    step: str
    test: str
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.test == "answered":
            return (self.step in answers) is bool(self.value)
        if self.test == "ticked":  # a list never answered asks as before the list existed
            given = answers.get(self.step)
            return self.step not in answers or (isinstance(given, list) and self.value in given)
        if self.step not in answers:
            return False
        given = answers[self.step]
        if self.test == "equals":
            return given == self.value
        if self.test == "in":
            return given in self.value
        if self.test == "includes":
            return isinstance(given, list) and self.value in given
        if not isinstance(given, int | float) or isinstance(given, bool):
            return False
        if self.test == "at_least":
            return given >= self.value
        return given <= self.value  # at_most

    def steps(self) -> set[str]:
        return {self.step}

    def tests(self) -> list[StepTest]:
        return [self]


@dataclass(frozen=True)
class Group:
    op: str
    items: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.op == "all":
            return all(c.holds(answers) for c in self.items)
        if self.op == "any":
            return any(c.holds(answers) for c in self.items)
        return not self.items[0].holds(answers)

    def steps(self) -> set[str]:
        return set().union(*(c.steps() for c in self.items))

    def tests(self) -> list[StepTest]:
        """Every test on a step inside this group, however deep."""
        return [test for c in self.items for test in c.tests()]


Condition = StepTest | Group
#: A condition made into one function of the answers (see `check_of`).
Check = Callable[[Mapping[str, Any]], bool]


def check_of(condition: Condition) -> Check:
    """`condition.holds` as one plain function, made once per flow: replaying a case's
    sessions judges every condition of every session, and the method's tests of
    `test` and `op` by name cost more than the answers they look at. Holds exactly
    when `holds` does (tests/test_conditions.py compares them)."""
    if isinstance(condition, Group):
        checks = tuple(check_of(c) for c in condition.items)
        if condition.op == "not":
            inner = checks[0]
            return lambda answers: not inner(answers)
        if condition.op == "any":
            return lambda answers: any(check(answers) for check in checks)

        def every(answers: Mapping[str, Any]) -> bool:
            for check in checks:  # noqa: SIM110 - a generator costs twice as much here
                if not check(answers):
                    return False
            return True

        return every
    return _test_check(condition.step, condition.test, condition.value)


def _test_check(step: str, test: str, value: Any) -> Check:
    if test == "answered":
        wanted = bool(value)
        return lambda answers: (step in answers) is wanted
    if test == "ticked":
        return lambda answers: (
            step not in answers or (isinstance(given := answers[step], list) and value in given)
        )
    if test == "equals":
        return lambda answers: step in answers and answers[step] == value
    if test == "in":
        return lambda answers: step in answers and answers[step] in value
    if test == "includes":
        return lambda answers: isinstance(given := answers.get(step), list) and value in given
    at_least = test == "at_least"

    def compared(answers: Mapping[str, Any]) -> bool:
        given = answers.get(step)  # no answer is not a number
        if not isinstance(given, int | float) or isinstance(given, bool):
            return False
        return given >= value if at_least else given <= value

    return compared


def parse_condition(raw: Any, depth: int = 1) -> Condition:
    """Turn a condition table from a flow file into a `Condition`."""
    if isinstance(raw, StepTest | Group):
        return raw
    if depth > MAX_DEPTH:
        raise ConditionError(f"conditions are nested more than {MAX_DEPTH} deep")
    if not isinstance(raw, dict):
        raise ConditionError(f"a condition must be a table, not {reprlib.repr(raw)}")
    groups = [k for k in GROUPS if k in raw]
    if groups:
        if len(raw) != 1:
            raise ConditionError(
                f"'{groups[0]}' must stand alone in its table, found {sorted(raw)}"
            )
        op = groups[0]
        body = raw[op]
        if op == "not":
            return Group("not", (parse_condition(body, depth + 1),))
        if not isinstance(body, list) or not body:
            raise ConditionError(f"'{op}' needs a non-empty list of conditions")
        return Group(op, tuple(parse_condition(item, depth + 1) for item in body))
    if "step" not in raw:
        raise ConditionError(
            "a condition needs 'step' and one of " + ", ".join(TESTS) + ", or all / any / not"
        )
    step = raw["step"]
    if not isinstance(step, str) or not step:
        raise ConditionError(f"'step' must be a step id, not {reprlib.repr(step)}")
    unknown = sorted(set(raw) - {"step", *TESTS})
    if unknown:
        raise ConditionError(f"unknown key {unknown[0]!r} in condition on '{step}'")
    tests = [t for t in TESTS if t in raw]
    if len(tests) != 1:
        raise ConditionError(
            f"condition on '{step}' needs exactly one of {', '.join(TESTS)}, found {len(tests)}"
        )
    test = tests[0]
    value = raw[test]
    _check_value(step, test, value)
    return StepTest(step, test, value)


def _check_value(step: str, test: str, value: Any) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if test == "in" and not (isinstance(value, list) and value):
        raise ConditionError(f"'in' on '{step}' needs a non-empty list")
    if test == "answered" and not isinstance(value, bool):
        raise ConditionError(f"'answered' on '{step}' must be true or false")
    if test in ("at_least", "at_most") and not number:
        raise ConditionError(f"'{test}' on '{step}' needs a number")
    if test == "ticked" and not isinstance(value, str):
        raise ConditionError(f"'ticked' on '{step}' needs an option value (a factor id)")
    if test in ("equals", "includes") and not (isinstance(value, str) or number):
        raise ConditionError(f"'{test}' on '{step}' needs a text or a number")
