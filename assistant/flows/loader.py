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

from assistant.flows.content import TomlError, read_toml
from assistant.flows.flow_problems import FlowError, Lines, Problem, cross_check
from assistant.flows.links import linked_cards
from assistant.flows.steps import KINDS, Step, recorded_refs

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
    #: the document built from this flow's answers (`content/reports/<id>.toml`),
    #: offered when the flow ends
    report: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")] | None = None


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

    def factor_step(self, factor: str) -> Any | None:
        """The question that asks about `factor` (a factor step), if the flow has one."""
        return next((s for s in self.steps if getattr(s, "factor", None) == factor), None)

    @property
    def compare_step(self) -> str | None:
        """The classification step that sets the practitioner's own levels beside
        Reunify's reading, if any: until it is shown, the reading stays out of sight."""
        return next((s.id for s in self.steps if getattr(s, "compare", None)), None)


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
    lines = Lines(text)
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
    problems += cross_check(steps, raw_steps, lines, name)
    if header and header.about and header.about not in {s.id for s in steps if s.is_question}:
        problems.append(
            Problem(
                name, f"about: '{header.about}' is not a question in this flow", lines.top("about")
            )
        )
    if problems or header is None:
        return None, problems
    return Flow(**header.model_dump(), steps=tuple(steps)), []


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


def load_paths(
    paths: Iterable[Path],
    known_cards: Iterable[str] | None = None,
    known_reports: Iterable[str] | None = None,
) -> FlowLibrary:
    """Load the flow files at `paths`; a broken file is reported, never fatal.

    Besides each file's own problems: a flow id used by two files, (when
    `known_cards` is given) citations of content cards that do not exist, a
    `report` that is not a document (`known_reports`, else those in the content
    folder), and placeholders naming a question of another flow that does not
    exist (looked for among the flows loaded, then beside the flow's file, then
    among the shipped flows).
    """
    from assistant.paths import content_dir

    library = FlowLibrary()
    cards = None if known_cards is None else set(known_cards)
    reports = set(report_ids(content_dir()) if known_reports is None else known_reports)
    where: dict[str, Path] = {}
    loaded: list[tuple[Flow, Path, list[Problem]]] = []
    for path in paths:
        flow, problems = check_file(path)
        if flow is not None:
            if cards is not None:
                problems = missing_citations(flow, cards, str(path))
            if flow.report and flow.report not in reports:
                why = f"report: '{flow.report}' is not a document (content/reports/)"
                problems.append(Problem(str(path), why))
            if flow.id in where:
                message = f"flow id {flow.id!r} is also used by {where[flow.id]}"
                problems.append(Problem(str(path), message))
            where.setdefault(flow.id, path)
            loaded.append((flow, path, problems))
        else:
            library.problems += problems
    flows = {flow.id: flow for flow, _, _ in loaded}
    for flow, path, problems in loaded:
        problems += recorded_problems(flow, flows, path)
        if not problems:
            library.flows[flow.id] = flow
        library.problems += problems
    return library


def recorded_problems(flow: Flow, flows: dict[str, Flow], path: Path) -> list[Problem]:
    """Placeholders `{recorded:<flow>.<step>}` that name no question: the flow is
    looked for among those loaded, then beside the file, then among the shipped flows."""
    from assistant.paths import flows_dir

    problems = []
    for step in flow.steps:
        if not getattr(step, "fills_placeholders", False):
            continue
        for flow_id, step_id in recorded_refs(step.text):
            other = flows.get(flow_id)
            for folder in (path.parent, flows_dir()):
                if other is None:
                    other, _ = check_file(folder / f"{flow_id}.toml")
            if other is None:
                why = f"{{recorded:{flow_id}.{step_id}}}: there is no flow '{flow_id}'"
            elif step_id not in {q.id for q in other.questions}:
                why = f"{{recorded:{flow_id}.{step_id}}}: '{flow_id}' has no question '{step_id}'"
            else:
                continue
            problems.append(Problem(str(path), why, step=step.id))
    return problems


def load_library(
    folder: Path,
    known_cards: Iterable[str] | None = None,
    known_reports: Iterable[str] | None = None,
) -> FlowLibrary:
    """Load every flow in `folder`; a broken file is reported, never fatal."""
    return load_paths(flow_files(folder), known_cards, known_reports)


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


def report_ids(content: Path) -> list[str]:
    """The documents a flow may offer at its end (`content/reports/<id>.toml`)."""
    return sorted(p.stem for p in (content / "reports").glob("*.toml"))


def default_library() -> FlowLibrary:
    """The shipped (or `REUNIFY_FLOWS`) flows, checked against the content cards and
    the documents."""
    from assistant.flows.content import card_ids
    from assistant.paths import content_dir, flows_dir

    return load_library(flows_dir(), card_ids(content_dir()), report_ids(content_dir()))
