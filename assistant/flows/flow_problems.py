"""What can be wrong in a flow file, and where (`Problem`, `FlowError`, `Lines`), and
what a flow's steps must agree on among themselves (`cross_check`): unique ids,
conditions on earlier questions, feeds the table can take, factor tick lists
whose every factor is asked, and a classification step's `compare`.
`assistant.flows.loader` checks each step on its own, then calls these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.flows.content import one_line
from assistant.flows.feed_targets import feed_problems
from assistant.risk import LEVELS


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a flow file, with where it is."""

    file: str
    message: str
    line: int | None = None
    step: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f"step '{self.step}': {self.message}" if self.step else self.message
        return f"{where}: {one_line(what)}"


class FlowError(Exception):
    """A flow file with problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


class Lines:
    """Finds the line of a key in the raw TOML text (tomllib keeps no positions)."""

    STEPS = re.compile(r"^\s*\[\[\s*steps\s*\]\]")
    TABLE = re.compile(r"^\s*\[")

    def __init__(self, text: str) -> None:
        # TOML lines end at LF (or CRLF) only; str.splitlines() also splits at U+2028 and others
        self.lines = text.split("\n")
        self.step_starts = [i for i, ln in enumerate(self.lines) if self.STEPS.match(ln)]

    def _find(self, key: str, start: int, end: int) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, end):
            if pattern.match(self.lines[i]):
                return i + 1
        return None

    def top(self, key: str | None) -> int | None:
        end = self.step_starts[0] if self.step_starts else len(self.lines)
        return self._find(key, 0, end) if key else None

    def step(self, index: int, key: str | None) -> int | None:
        if index >= len(self.step_starts):
            return None
        start = self.step_starts[index]
        later = [i for i in self.step_starts if i > start]
        end = later[0] if later else len(self.lines)
        return (self._find(key, start, end) if key else None) or start + 1


def cross_check(steps: list[Any], raw: list[Any], lines: Lines, name: str) -> list[Problem]:
    """Problems between steps: duplicate ids, conditions on missing or later steps."""
    problems: list[Problem] = []
    raw_ids = [s.get("id") if isinstance(s, dict) else None for s in raw]
    for index, step_id in enumerate(raw_ids):
        if isinstance(step_id, str) and step_id in raw_ids[:index]:
            problems.append(Problem(name, "duplicate step id", lines.step(index, "id"), step_id))
    all_ids = {s.id for s in steps}
    for step in steps:
        feed = getattr(step, "feeds", None)
        if feed is not None:
            line = lines.step(raw_ids.index(step.id), "feeds")
            for why in feed_problems(step.kind, feed.to, feed.values, step.answer_values()):
                problems.append(Problem(name, why, line, step.id))
    problems += _compare_problems(steps, raw_ids, lines, name)
    problems += _tick_list_problems(steps, raw_ids, lines, name)
    for position, step in enumerate(steps):
        if step.when is None:
            continue
        earlier = steps[:position]
        questions = {s.id for s in earlier if s.is_question}
        for target in sorted(step.when.steps()):
            if target in questions:
                continue
            if target not in all_ids:
                why = f"condition names step '{target}', which does not exist"
            elif target not in {s.id for s in earlier}:
                why = f"condition names step '{target}', which does not come before it"
            else:
                why = f"condition names step '{target}', which is a message, not a question"
            where = raw_ids.index(step.id)
            problems.append(Problem(name, why, lines.step(where, "when"), step.id))
    return problems


def _tick_list_problems(
    steps: list[Any], raw_ids: list[Any], lines: Lines, name: str
) -> list[Problem]:
    """A `ticked` test names a factor tick list and one of its options; every factor
    of a tick list is asked, once ticked, by a later factor step (else a ticked
    factor would be dropped without a word)."""
    problems: list[Problem] = []
    lists = {s.id: s for s in steps if getattr(s, "unticked", None)}
    asked: set[tuple[str, str]] = set()
    for step in steps:
        for test in step.when.tests() if step.when is not None else []:
            if test.test != "ticked":
                continue
            tick_list = lists.get(test.step)
            why = None
            if tick_list is None:
                why = f"ticked: '{test.step}' is not a factor tick list (unticked = \"absent\")"
            elif test.value not in tick_list.answer_values():
                why = f"ticked: '{test.value}' is not an option of '{test.step}'"
            elif getattr(step, "factor", test.value) != test.value:
                why = f"ticked: '{test.value}' shows the question about '{step.factor}'"
            if why:
                where = lines.step(raw_ids.index(step.id), "when")
                problems.append(Problem(name, why, where, step.id))
            elif step.kind == "factor":
                asked.add((test.step, test.value))
    for list_id, tick_list in lists.items():
        position = raw_ids.index(list_id)
        for factor in tick_list.answer_values():
            if (list_id, factor) not in asked:
                why = (
                    f"'{factor}' can be ticked but no later factor question asks it "
                    f'(when = {{ step = "{list_id}", ticked = "{factor}" }})'
                )
                problems.append(Problem(name, why, lines.step(position, "options"), list_id))
    return problems


def _compare_problems(
    steps: list[Any], raw_ids: list[Any], lines: Lines, name: str
) -> list[Problem]:
    """A classification step's `compare` names earlier questions of the right kind:
    a choice of the four levels for a row, a decision for the overall level."""
    problems: list[Problem] = []
    for position, step in enumerate(steps):
        compare = getattr(step, "compare", None) or {}
        earlier = {s.id: s for s in steps[:position]}
        for row, target in compare.items():
            wanted = "decision" if row == "overall" else "choice"
            found = earlier.get(target)
            if found is None:
                why = f"compare: {row} names step '{target}', which does not come before it"
            elif found.kind != wanted:
                why = f"compare: {row} names step '{target}', which is not a {wanted} question"
            elif wanted == "choice" and sorted(found.answer_values()) != sorted(LEVELS):
                why = f"compare: {row} names step '{target}', whose options are not the four levels"
            else:
                continue
            where = raw_ids.index(step.id)
            problems.append(Problem(name, why, lines.step(where, "compare"), step.id))
    return problems
