"""The built report: a list of blocks that `assistant.documents.formats` renders as
Markdown, HTML or plain text. Plain data; no report definitions and no case records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.risk.labels import LEVEL_LOOK, level_label

#: The levels, low to severe, and the table's four rows in its order.
LEVELS = ("low", "medium", "high", "severe")
ROW_NAMES = ("risk_factors", "protective_factors", "capacity_to_change", "wishes")
#: What a report shows where nothing is recorded yet.
GAP = "not yet recorded"


@dataclass(frozen=True)
class Block:
    """One piece of a built report. `kind`:

    - title, meta (the line under the title), heading (`value`: its source),
      subheading, note, line;
    - field (label + value, both recorded), gap (what is not yet recorded; in a
      report for a child, `value` is what the child's page says instead);
    - signature (who signs, and the line to sign on: the lines are kept together);
    - quote (someone's own words, set apart: `text` names whose, `value` the words);
    - level (a row of the table: `value` in words, `data` = (level or None,));
    - page (the next section starts a new page when printed);
    - steps (the chart for a child as a picture; `value`: the agreed level or "");
    - timeline (`data`: the timeline's points, drawn as a chart in HTML; the
      entries follow as fields, which are its text);
    - worker (a line of the note for the worker at the end of a report for a child:
      sources and what is not yet recorded; never on the child's pages)."""

    kind: str
    text: str = ""
    value: str = ""
    data: tuple[Any, ...] = ()


@dataclass
class Report:
    definition: Any  # the ReportDefinition it was built from
    ref: str
    made_on: str
    blocks: list[Block] = field(default_factory=list)
    #: the child's name, only where the case records one and it was asked for
    name: str | None = None

    def add(self, kind: str, text: str = "", value: str = "", data: tuple[Any, ...] = ()) -> None:
        self.blocks.append(Block(kind, text, value, data))

    @property
    def plain(self) -> bool:
        """A report for a child (its definition says `plain = true`)."""
        return bool(getattr(self.definition, "plain", False))


def level_word(level: str | None) -> str:
    """'●●●○ HIGH', or the gap mark when there is no level."""
    return level_label(level) if level in LEVEL_LOOK else GAP


def date_in_words(iso: str) -> str:
    """'2026-12-01' as '1 December 2026' (what a reader says aloud); anything that is
    not a date is returned as it is."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class ChartStep:
    """A step of the chart for a child as the picture draws it (a `steps` block)."""

    number: int
    level: str
    name: str
    short: str
    #: (the row's name for a child, the step's sentence), the outcome last
    rows: tuple[tuple[str, str], ...]
    here: bool = False


@dataclass(frozen=True)
class Mark:
    """One classification on the timeline (a `timeline` block): the level recorded,
    whether it was agreed or one person's view, and Reunify's reading then (None:
    not enough was recorded to read a level)."""

    on: str
    level: str
    agreed: bool
    reading: str | None
