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

from assistant.documents.blocks import LEVELS, ROW_NAMES, Report, date_in_words
from assistant.documents.items import ITEM_BUILDERS, CaseRecords

SPECIALS = (
    "classification",
    "ratings",
    "decision",
    "due",
    "sessions",
    "timeline",
    "signatures",
    "chart",
    "decided",
)
#: Items a report for a child (``plain = true``) may not hold: Reunify's reading of
#: the table, the raters' levels and the adults' reasons (NSPCC framework, Annex 6:
#: the child is told the decision, in the chart's words).
NOT_FOR_A_CHILD = ("classification", "ratings", "decision", "timeline")


class ReportError(ValueError):
    """A report definition that is wrong, or a report that cannot be built."""


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    flow: str | None = None
    step: str | None = None
    all: bool = False
    special: Literal[SPECIALS] | None = None  # type: ignore[valid-type]
    who: tuple[str, ...] = ()
    #: the answer's label in the report, in place of its question's (a child's words)
    label: str = ""
    #: someone's own words: set apart as a quote
    quote: bool = False

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
    #: printed on a new page, as the template shows it (signatures, a new annex)
    new_page: bool = False


class ChartStep(BaseModel):
    """One step (column) of the chart for a child, each row in a sentence a child can
    follow (NSPCC framework, Annex 6, the simplified table)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["low", "medium", "high", "severe"]
    name: Annotated[str, Field(min_length=1)]
    #: the step's few words in the picture of the chart (e.g. "safe to go home")
    short: Annotated[str, Field(min_length=1, max_length=40)]
    risk_factors: Annotated[str, Field(min_length=1)]
    protective_factors: Annotated[str, Field(min_length=1)]
    capacity_to_change: Annotated[str, Field(min_length=1)]
    wishes: Annotated[str, Field(min_length=1)]
    outcome: Annotated[str, Field(min_length=1)]


class ChildChart(BaseModel):
    """The chart in a child's words: the row names, the four steps from low to severe,
    and what the report says before a level has been agreed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: a name for each of the four rows and for "outcome" (the step's last line)
    rows: dict[str, Annotated[str, Field(min_length=1)]]
    steps: tuple[ChartStep, ...]
    undecided: Annotated[str, Field(min_length=1)]
    decided: Annotated[str, Field(min_length=1)] = "What we decided"
    decided_on: Annotated[str, Field(min_length=1)] = "When it was decided"
    #: the line before the decided step's sentences (they are the chart's, not the case's)
    step_says: Annotated[str, Field(min_length=1)] = "This is what that step of the chart says:"
    #: the picture of the chart: its name, and the words beside the step decided
    picture: Annotated[str, Field(min_length=1)] = "The four steps of the chart"
    here: Annotated[str, Field(min_length=1, max_length=20)] = "We are here"

    @model_validator(mode="after")
    def _complete(self) -> ChildChart:
        if set(self.rows) != {*ROW_NAMES, "outcome"}:
            raise ValueError(f"rows must name exactly {', '.join(ROW_NAMES)} and outcome")
        if tuple(step.level for step in self.steps) != LEVELS:
            raise ValueError(f"steps must be the four levels in order: {', '.join(LEVELS)}")
        return self

    def step(self, level: str) -> tuple[int, ChartStep] | None:
        """(1-based number, step) for `level`, or None for anything else."""
        for number, step in enumerate(self.steps, 1):
            if step.level == level:
                return number, step
        return None


class ReportDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")]
    title: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]
    plain: bool = False
    intro: str = ""
    chart: ChildChart | None = None
    #: printed in two columns (a one-page sheet such as the check-in)
    columns: Literal[1, 2] = 1
    #: a report for a child: what its pages say where nothing is recorded yet, and the
    #: note for the worker at its end (sources, gaps), never on the child's pages
    not_yet: str = "We do not know this yet."
    worker_heading: str = "For the worker"
    worker_note: str = ""
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _fits_its_reader(self) -> ReportDefinition:
        specials = {str(i.special) for section in self.sections for i in section.items if i.special}
        if specials & {"chart", "decided"} and self.chart is None:
            raise ValueError("the items chart and decided need a [chart] in the definition")
        wrong = sorted(specials & set(NOT_FOR_A_CHILD))
        if self.plain and wrong:
            raise ValueError(
                f"a report for a child (plain = true) cannot hold {', '.join(wrong)}: "
                "it shows the decided level with the chart (special = 'decided')"
            )
        return self


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
    store: Any,
    library: Any,
    ref: str,
    definition: ReportDefinition,
    today: date | None = None,
    with_name: bool = False,
) -> Report:
    """The report for case `ref`, from its stored answers, classifications and ratings.
    The child's name appears only `with_name` and where the case records one."""
    store.case(ref)
    today = today or date.today()
    made_on = today.isoformat()
    name = store.case_name(ref) if with_name else None
    report = Report(definition, ref, made_on, name=name)
    report.add("title", definition.title)
    if definition.plain:  # no case reference and no citation on a child's pages
        report.add("meta", f"Made on {date_in_words(made_on)}" + (f" for {name}" if name else ""))
        report.add("worker", f"Case {ref}, made on {made_on}; follows {definition.source}.")
    else:
        named = f" · {name}" if name else ""
        report.add("meta", f"Case {ref}{named} · made {made_on} · follows {definition.source}")
    if definition.intro:
        report.add("note", definition.intro.strip())
    records = CaseRecords(store, library, ref, today)
    for section in definition.sections:
        if section.new_page:
            report.add("page")
        report.add("heading", section.title, section.cite)
        if definition.plain:
            report.add("worker", f"{section.title}: {section.cite}")
        if section.note:
            report.add("note", section.note.strip())
        if not section.items:
            continue
        for item in section.items:
            kind = item.special or ("all" if item.all else "answer")
            ITEM_BUILDERS[kind](report, records, item)
    return report
