"""A practitioner's own decision about a case's level, with the reason for it.

The table guides and people decide (NSPCC framework, Stage 2 Task 1: the
table supports professional judgement; a single grave factor can make a case
severe on its own). Any level may be chosen; the reason is always asked for,
and must be at least a short sentence where it differs from the suggestion.
"""

from __future__ import annotations

from assistant.risk import LEVELS
from assistant.text import NOTE_MAX, clean_text

MIN_OVERRIDE_WORDS = 3


class DecisionError(ValueError):
    """A decision that cannot be recorded as given; the message says why."""


def make_decision(level: str, reason: str, suggested: str | None) -> dict[str, str | None]:
    """The decision to keep: level, reason and the table's suggestion at the time."""
    if level not in LEVELS:
        raise DecisionError(f"{level!r} is not a level ({', '.join(LEVELS)})")
    reason = clean_text(reason)
    if len(reason) > NOTE_MAX:
        raise DecisionError(f"the reason is {len(reason)} characters; at most {NOTE_MAX}")
    if not reason:
        raise DecisionError("give the reason for this decision")
    if suggested is not None and level != suggested and len(reason.split()) < MIN_OVERRIDE_WORDS:
        raise DecisionError(
            f"this differs from the table's suggestion ({suggested}); say why in a sentence"
        )
    return {"level": level, "reason": reason, "suggested": suggested}
