"""A practitioner's own decision about the level (the table guides, people decide)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.casework.decisions import DecisionError, make_decision
from assistant.records.store import Store


def test_same_level_needs_a_reason() -> None:
    with pytest.raises(DecisionError, match="give the reason"):
        make_decision("high", "  \x00 ", "high")
    assert make_decision("high", "agree", "high")["reason"] == "agree"


def test_override_needs_a_sentence() -> None:
    """Stage 2 Task 1: one grave factor can justify a different level, but say why."""
    with pytest.raises(DecisionError, match="differs from Reunify's reading of the table"):
        make_decision("severe", "sexual abuse", "medium")
    decision = make_decision("severe", "Unprotected sexual abuse in the home", "medium")
    assert decision == {
        "level": "severe",
        "reason": "Unprotected sexual abuse in the home",
        "suggested": "medium",
    }


def test_unknown_level_is_refused() -> None:
    with pytest.raises(DecisionError, match="not a level"):
        make_decision("amber", "because", None)


def test_decisions_are_kept_in_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    store.create_case("C1")
    store.record_decision("C1", make_decision("high", "first view", None))
    store.record_decision("C1", make_decision("medium", "after the review meeting", "high"))
    assert [d["level"] for d in Store(store.root).decisions("C1")] == ["high", "medium"]
