"""A practitioner's decision about a case's level, with the reason for it.

The table guides and people decide (NSPCC framework, Stage 2 Task 1: the
table supports professional judgement; Stage 1 (a): one grave factor, or a
cluster, can make a case severe on its own). Any level may be chosen; the
reason is always asked for, and must be at least a short sentence where it
differs from the suggestion.

Only an agreed decision is the case's level: one agreed in a classification
round, or one the practitioner records as agreed with their manager (naming
them). A practitioner's own view is kept and shown as theirs, but it is not the
agreed level and not the six-month rules' history (Stage 2 Task 1: classify
independently, then agree).
"""

from __future__ import annotations

from typing import Any

from assistant.risk import LEVELS
from assistant.text import NOTE_MAX, clean_text

MIN_OVERRIDE_WORDS = 3
#: The longest name kept for who agreed a decision.
NAME_MAX = 80


class DecisionError(ValueError):
    """A decision that cannot be recorded as given; the message says why."""


def make_decision(
    level: str, reason: str, suggested: str | None, agreed_with: str | None = None
) -> dict[str, str | None]:
    """The decision to keep: level, reason, the table's suggestion at the time and,
    when it was agreed with a manager, who with."""
    if level not in LEVELS:
        raise DecisionError(f"{level!r} is not a level ({', '.join(LEVELS)})")
    reason = clean_text(reason)
    if len(reason) > NOTE_MAX:
        raise DecisionError(f"the reason is {len(reason)} characters; at most {NOTE_MAX}")
    if not reason:
        raise DecisionError("give the reason for this decision")
    if suggested is not None and level != suggested and len(reason.split()) < MIN_OVERRIDE_WORDS:
        raise DecisionError(
            f"this differs from Reunify's reading of the table ({suggested}); say why in a sentence"
        )
    decision: dict[str, str | None] = {"level": level, "reason": reason, "suggested": suggested}
    who = clean_text(agreed_with or "")
    if len(who) > NAME_MAX:
        raise DecisionError(f"the manager's name is {len(who)} characters; at most {NAME_MAX}")
    if who:
        decision["agreed_with"] = who
    return decision


def is_agreed(decision: dict[str, Any]) -> bool:
    """True for the case's agreed level: a round's agreement, or a decision recorded
    as agreed with a manager. False for a practitioner's own view."""
    return bool(decision.get("round") or decision.get("agreed_with"))


def agreed_decisions(decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The agreed decisions, in the order they were recorded."""
    return [d for d in decisions if is_agreed(d)]


def latest_agreed(decisions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest agreed decision (by when it was recorded), or None."""
    agreed = sorted(enumerate(agreed_decisions(decisions)), key=lambda iv: (iv[1]["at"], iv[0]))
    return agreed[-1][1] if agreed else None


def who_decided(decision: dict[str, Any]) -> str:
    """'agreed in round …', 'agreed with …' or 'your view, not yet agreed'."""
    if decision.get("round"):
        return f"agreed by {decision.get('agreed_by') or decision.get('who', '?')} in a round"
    if decision.get("agreed_with"):
        return f"agreed with {decision['agreed_with']}"
    return "your view, not yet agreed"
