"""The built report: a list of blocks that `assistant.documents.formats` renders as
Markdown, HTML or plain text. Plain data; no report definitions and no case records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.risk.labels import LEVEL_LOOK, level_label

#: The levels, low to severe, and the table's four rows in its order.
LEVELS = ("low", "medium", "high", "severe")
ROW_NAMES = ("risk_factors", "protective_factors", "capacity_to_change", "wishes")
#: What a report shows where nothing is recorded yet.
GAP = "not yet recorded"


@dataclass(frozen=True)
class Block:
    """One piece of a built report. `kind`: title, meta, heading, subheading, note,
    field (label + value, both recorded), gap (what is not yet recorded), line."""

    kind: str
    text: str = ""
    value: str = ""


@dataclass
class Report:
    definition: Any  # the ReportDefinition it was built from
    ref: str
    made_on: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, kind: str, text: str = "", value: str = "") -> None:
        self.blocks.append(Block(kind, text, value))


def level_word(level: str | None) -> str:
    """'●●●○ HIGH', or the gap mark when there is no level."""
    return level_label(level) if level in LEVEL_LOOK else GAP
