"""Flow files: load, validate and report every problem with its place.

A flow is a TOML file in `flows/` (see the README, "Writing a flow"). Loading
never stops at the first problem: `check_file` returns all of them, each
saying `file:line` (or `file: step id`) and what is wrong.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from assistant.flows.content import TomlError, one_line, read_toml
from assistant.flows.feed_targets import feed_problems
from assistant.flows.links import linked_cards
from assistant.flows.steps import KINDS, Step
from assistant.risk import LEVELS

FLOW_ID = r"^[a-z][a-z0-9-]{0,63}$"
AUDIENCES = ("practitioner", "supervision", "child", "learning", "check-in")
Audience = Literal["practitioner", "supervision", "child", "learning", "check-in"]
STEP_ADAPTER: TypeAdapter[Any] = TypeAdapter(Step)


class FlowHeader(BaseModel):
    """Everything in a flow file except its steps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=FLOW_ID)]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    audience: Audience
    stages: Annotated[tuple[Annotated[int, Field(ge=1, le=5)], ...], Field(min_length=1)]
    intro: Annotated[str, Field(min_length=1)]
    cite: tuple[str, ...] = ()
    #: a question whose answer says whom the session is about (e.g. which parent)
    about: str | None = None


class Flow(FlowHeader):
    steps: Annotated[tuple[Step, ...], Field(min_length=1)]

    @property
    def questions(self) -> list[Any]:
        return [s for s in self.steps if s.is_question]

    def step(self, step_id: str) -> Any:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    @property
    def compare_step(self) -> str | None:
        """The classification step that sets the practitioner's own levels beside
        Reunify's reading, if any: until it is shown, the reading stays out of sight."""
        return next((s.id for s in self.steps if getattr(s, "compare", None)), None)


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


@dataclass
class FlowLibrary:
    """The flows that loaded, and the problems of those that did not."""

    flows: dict[str, Flow] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def by_audience(self) -> dict[str, list[Flow]]:
        groups: dict[str, list[Flow]] = {a: [] for a in AUDIENCES}
        for flow in sorted(self.flows.values(), key=lambda f: f.title):
            groups[flow.audience].append(flow)
        return {a: fs for a, fs in groups.items() if fs}


class _Lines:
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


def _unknown_kind(kind: Any) -> str:
    return f"kind {reprlib.repr(kind)} is not one of {', '.join(KINDS)}"


def _describe(error: Any) -> tuple[str | None, str]:
    """The key an error is about, and a one-line message for it."""
    loc = [str(p) for p in error["loc"]]
    kind = error["type"]
    if kind == "union_tag_invalid":
        return "kind", _unknown_kind(error["input"].get("kind"))
    if kind == "union_tag_not_found":
        return "kind", f"missing 'kind' (one of {', '.join(KINDS)})"
    if loc and loc[0] in KINDS:
        loc = loc[1:]
    key = loc[0] if loc else None
    path = ".".join(loc)
    if kind == "extra_forbidden":
        return key, f"unknown key '{path}'"
    if kind == "missing":
        return key, f"missing required key '{path}'"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return key, f"{path}: {message}" if path else message


def _ids(steps: list[Any]) -> dict[str, int]:
    return {s.id: i for i, s in enumerate(steps)}


def check_text(text: str, name: str, stem: str | None = None) -> tuple[Flow | None, list[Problem]]:
    """Validate a flow's TOML text; return the flow (if sound) and every problem."""
    try:
        raw = read_toml(text)
    except TomlError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return None, [Problem(name, f"not valid TOML: {exc}", int(match[1]) if match else None)]
    lines = _Lines(text)
    problems: list[Problem] = []
    raw_steps = raw.pop("steps", None)
    header: FlowHeader | None = None
    try:
        header = FlowHeader.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            key, message = _describe(error)
            problems.append(Problem(name, message, lines.top(key)))
    if header and stem and header.id != stem:
        problems.append(
            Problem(name, f"id {header.id!r} must match the file name {stem!r}", lines.top("id"))
        )
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append(Problem(name, "no steps: add at least one [[steps]] table"))
        return None, problems
    steps: list[Any] = []
    for index, raw_step in enumerate(raw_steps):
        step_id = raw_step.get("id") if isinstance(raw_step, dict) else None
        label = step_id if isinstance(step_id, str) else f"#{index + 1}"
        kind = raw_step.get("kind") if isinstance(raw_step, dict) else None
        if not isinstance(kind, str | None):
            # said here: pydantic would repr() it, which fails (and prints) when deeply nested
            problems.append(Problem(name, _unknown_kind(kind), lines.step(index, "kind"), label))
            continue
        try:
            steps.append(STEP_ADAPTER.validate_python(raw_step))
        except ValidationError as exc:
            for error in exc.errors():
                key, message = _describe(error)
                problems.append(Problem(name, message, lines.step(index, key), label))
    problems += _cross_check(steps, raw_steps, lines, name)
    if header and header.about and header.about not in {s.id for s in steps if s.is_question}:
        problems.append(
            Problem(
                name, f"about: '{header.about}' is not a question in this flow", lines.top("about")
            )
        )
    if problems or header is None:
        return None, problems
    return Flow(**header.model_dump(), steps=tuple(steps)), []


def _cross_check(steps: list[Any], raw: list[Any], lines: _Lines, name: str) -> list[Problem]:
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


def _compare_problems(
    steps: list[Any], raw_ids: list[Any], lines: _Lines, name: str
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


def check_file(path: Path) -> tuple[Flow | None, list[Problem]]:
    """Validate one flow file."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(name, "no such file")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, f"cannot be read: {exc}")]
    return check_text(text, name, path.stem)


def load_flow(path: Path) -> Flow:
    """Load one flow file or raise `FlowError` listing every problem."""
    flow, problems = check_file(path)
    if flow is None:
        raise FlowError(problems)
    return flow


def flow_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml"))


def load_paths(paths: Iterable[Path], known_cards: Iterable[str] | None = None) -> FlowLibrary:
    """Load the flow files at `paths`; a broken file is reported, never fatal.

    Besides each file's own problems: a flow id used by two files, and (when
    `known_cards` is given) citations of content cards that do not exist.
    """
    library = FlowLibrary()
    cards = None if known_cards is None else set(known_cards)
    where: dict[str, Path] = {}
    for path in paths:
        flow, problems = check_file(path)
        if flow is not None:
            if cards is not None:
                problems = missing_citations(flow, cards, str(path))
            if flow.id in where:
                message = f"flow id {flow.id!r} is also used by {where[flow.id]}"
                problems.append(Problem(str(path), message))
            where.setdefault(flow.id, path)
        if flow is not None and not problems:
            library.flows[flow.id] = flow
        library.problems += problems
    return library


def load_library(folder: Path, known_cards: Iterable[str] | None = None) -> FlowLibrary:
    """Load every flow in `folder`; a broken file is reported, never fatal."""
    return load_paths(flow_files(folder), known_cards)


def missing_citations(flow: Flow, cards: set[str], name: str) -> list[Problem]:
    """Citations of content cards that do not exist."""
    problems = [
        Problem(name, f"cites or links content card '{c}', which does not exist")
        for c in dict.fromkeys((*flow.cite, *linked_cards(flow.intro)))
        if c not in cards
    ]
    for step in flow.steps:
        cited = step.cards()
        problems += [
            Problem(name, f"cites or links content card '{c}', which does not exist", step=step.id)
            for c in cited
            if c not in cards
        ]
    return problems


def default_library() -> FlowLibrary:
    """The shipped (or `REUNIFY_FLOWS`) flows, checked against the content cards."""
    from assistant.flows.content import card_ids
    from assistant.paths import content_dir, flows_dir

    return load_library(flows_dir(), card_ids(content_dir()))
