"""Documents for the child's file, built from what was recorded.

A report is defined as data in `content/reports/<name>.toml`: sections in the
order of the framework's template, each listing the recorded answers (or
other case records) it shows. Building a report never invents a word: every
value comes from the store, connecting text comes from the definition (our
own words), and anything not yet recorded appears as a marked gap.

The built report is a list of blocks (`assistant.documents.blocks`), rendered
as Markdown, HTML or plain text by `assistant.documents.formats`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.documents.blocks import Report
from assistant.documents.items import ITEM_BUILDERS, CaseRecords

SPECIALS = ("classification", "ratings", "decision", "due", "sessions", "timeline", "signatures")


class ReportError(ValueError):
    """A report definition that is wrong, or a report that cannot be built."""


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    flow: str | None = None
    step: str | None = None
    all: bool = False
    special: Literal[SPECIALS] | None = None  # type: ignore[valid-type]
    who: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_kind(self) -> Item:
        if self.special is None and (self.flow is None or (self.step is None) == (not self.all)):
            raise ValueError("an item is {flow, step}, {flow, all = true} or {special}")
        return self


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, Field(min_length=1)]
    cite: Annotated[str, Field(min_length=1)]
    note: str = ""
    items: tuple[Item, ...] = ()


class ReportDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")]
    title: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]
    plain: bool = False
    intro: str = ""
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]


def load_definition(path: Path) -> ReportDefinition:
    from assistant.flows.content import load_model

    definition = load_model(path, ReportDefinition, ReportError)
    if definition.id != path.stem:
        raise ReportError(f"{path}: id {definition.id!r} must match the file name")
    return definition


def load_definitions(content: Path) -> dict[str, ReportDefinition]:
    return {p.stem: load_definition(p) for p in sorted((content / "reports").glob("*.toml"))}


def missing_steps(definition: ReportDefinition, library: Any) -> list[str]:
    """Items naming a flow or question that does not exist (checked by the tests)."""
    problems = []
    for section in definition.sections:
        for item in section.items:
            if item.flow is None:
                continue
            flow = library.flows.get(item.flow)
            if flow is None:
                problems.append(f"{definition.id}: {section.title}: no flow {item.flow!r}")
            elif item.step and item.step not in {s.id for s in flow.questions}:
                problems.append(f"{definition.id}: {section.title}: no question {item.step!r}")
    return problems


def build_report(
    store: Any, library: Any, ref: str, definition: ReportDefinition, today: date | None = None
) -> Report:
    """The report for case `ref`, from its stored answers, classifications and ratings."""
    store.case(ref)
    today = today or date.today()
    report = Report(definition, ref, today.isoformat())
    report.add("title", definition.title)
    report.add("meta", f"Case {ref} · made {today.isoformat()} · follows {definition.source}")
    if definition.intro:
        report.add("note", definition.intro.strip())
    records = CaseRecords(store, library, ref, today)
    for section in definition.sections:
        report.add("heading", section.title, section.cite)
        if section.note:
            report.add("note", section.note.strip())
        if not section.items:
            continue
        for item in section.items:
            kind = item.special or ("all" if item.all else "answer")
            ITEM_BUILDERS[kind](report, records, item)
    return report
