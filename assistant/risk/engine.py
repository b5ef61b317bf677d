"""Run the whole classification: validate, read the table rows, apply the
six-month rules, and build the output object of the classify contract (version 2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import table
from .model import ClassificationInput, Level, parse_input, parse_json
from .trajectory import Trajectory, trajectory


@dataclass(frozen=True)
class Result:
    """Everything the classifier worked out for one assessment."""

    data: ClassificationInput
    rows: table.Rows
    #: None when too little is recorded to suggest a level
    suggested: Level | None
    gaps: list[str]
    alerts: list[str]
    trajectory: Trajectory

    @property
    def provisional(self) -> bool:
        """True whenever something is not known (``gaps`` is not empty)."""
        return bool(self.gaps)

    def as_dict(self) -> dict[str, Any]:
        """Exactly the contract's output object (dates as ISO strings)."""
        return {
            "suggested": self.suggested,
            "provisional": self.provisional,
            "rows": self.rows.as_dict(),
            "gaps": list(self.gaps),
            "alerts": list(self.alerts),
            "trajectory": self.trajectory.as_dict(),
        }


def evaluate(data: ClassificationInput) -> Result:
    """Classify an already validated input."""
    rows = table.rows(data)
    suggested = table.suggested(data, rows)
    return Result(
        data=data,
        rows=rows,
        suggested=suggested,
        gaps=table.gaps(data, rows),
        alerts=table.alerts(data),
        trajectory=trajectory(
            suggested,
            data.assessed_on,
            data.history,
            data.child.returned_home_on,
        ),
    )


def classify(data: dict[str, Any]) -> dict[str, Any]:
    """Validate ``data`` (the contract's input object) and return the output object.

    Raises ClassificationInputError (one line naming the field) on invalid input.
    """
    return evaluate(parse_input(data)).as_dict()


def classify_json(text: str) -> dict[str, Any]:
    """Like :func:`classify`, from JSON text; bad JSON names line and column."""
    return evaluate(parse_json(text)).as_dict()
