"""An answer event: the unit the store keeps and the runner replays (no heavy imports)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AnswerEvent:
    """One answer given (or one optional question skipped) in a session."""

    step: str
    value: Any = None
    skipped: bool = False
