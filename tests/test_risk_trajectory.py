"""The six-month rules (classify contract v2, "Trajectory").

Sources: NSPCC framework, Stage 2 Task 1, Risk Classification Table (bottom rows:
six months of sustained change per step down, rises at once, high for six
months -> severe, low for six months -> close) and "Timescales for return home"
(low risk: close no sooner than six months after the return; high risk: still
high after six months -> severe); Stage 4 Task 1 (reclassification); Stage 5
Task 4 (reclassify six months after return; case open until low has held six
months).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assistant.risk import classify, explain
from assistant.risk.model import HistoryEntry
from assistant.risk.trajectory import (
    add_months,
    has_lasted_six_months,
    latest_first,
    run_below_start,
    stretch_start,
)

D = date.fromisoformat

# Inputs whose suggestion is a chosen level (Stage 2 Task 1 rows).
LOW: dict[str, Any] = {
    "factors": {"healthy_child": "present", "neglect": "absent"},
    "capacity_to_change": "substantial",
    "wishes": {"parents": "want", "child": "want"},
}
REDUCES_NEGLECT = {"status": "present", "mitigates": ["neglect"]}
BY_LEVEL: dict[str, dict[str, Any]] = {
    "low": LOW,
    "medium": {**LOW, "factors": {"healthy_child": REDUCES_NEGLECT, "neglect": "being_addressed"}},
    "high": {**LOW, "factors": {"healthy_child": REDUCES_NEGLECT, "neglect": "not_addressed"}},
    "severe": {**LOW, "factors": {"healthy_child": "absent", "neglect": "not_addressed"}},
}


def hist(*rows: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"on": on, "suggested": s, "agreed": a} for on, s, a in rows]


def traj(
    assessed_on: str, suggested: str, history: list[dict[str, str]], **child: Any
) -> dict[str, Any]:
    data = {**BY_LEVEL[suggested], "assessed_on": assessed_on, "history": history}
    if child:
        data["child"] = child
    out = classify(data)
    assert out["suggested"] == suggested
    return out["trajectory"]


# --- "Plus six months": same day, clamped to month end (issue 3) ---------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-08-31", 6, "2027-02-28"),  # clamped to February
        ("2027-08-31", 6, "2028-02-29"),  # leap year
        ("2023-08-29", 6, "2024-02-29"),
        ("2023-08-30", 6, "2024-02-29"),
        ("2024-02-29", 6, "2024-08-29"),
        ("2026-03-31", 6, "2026-09-30"),
        ("2026-07-31", 6, "2027-01-31"),
        ("2026-12-15", 6, "2027-06-15"),
        ("2026-05-31", 1, "2026-06-30"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2026-01-01", 0, "2026-01-01"),
        ("2026-08-31", -6, "2026-02-28"),
    ],
)
def test_add_months_clamps_to_month_end(start: str, months: int, expected: str) -> None:
    """Issue 3 definition of 'plus six months' used by the Stage 2 Task 1 six-month rules."""
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    ("start", "assessed_on", "expected"),
    [
        ("2026-02-01", "2026-07-31", False),  # a day short
        ("2026-02-01", "2026-08-01", True),  # at the line
        ("2026-02-01", "2026-08-02", True),  # a day past
        ("2026-08-31", "2027-02-27", False),
        ("2026-08-31", "2027-02-28", True),  # clamped line
        ("2027-08-31", "2028-02-28", False),  # leap year: line is the 29th
        ("2027-08-31", "2028-02-29", True),
    ],
)
def test_six_month_line_stage2_task1(start: str, assessed_on: str, expected: bool) -> None:
    """Stage 2 Task 1 footnote 40: six months is the minimum to show sustained change."""
    assert has_lasted_six_months(D(start), D(assessed_on)) is expected


# --- helpers: the run below L and the stretch at L -----------------------------


def entries(rows: list[dict[str, str]]) -> list[HistoryEntry]:
    return latest_first(HistoryEntry.model_validate(r) for r in rows)


RUN_CASES = [
    # (history, level, suggested now, assessed_on, expected start)
    (hist(("2026-01-10", "high", "high"), ("2026-02-01", "medium", "high")), "high", "medium",
     "2026-08-01", "2026-02-01"),
    (hist(("2026-01-10", "low", "high"), ("2026-02-01", "medium", "high")), "high", "medium",
     "2026-08-01", "2026-01-10"),  # whole history below: run starts at the earliest
    (hist(("2026-01-10", "low", "high"), ("2026-02-01", "high", "high")), "high", "medium",
     "2026-08-01", "2026-08-01"),  # only this assessment below
    (hist(("2026-01-01", "low", "medium"), ("2026-03-01", "medium", "medium"),
          ("2026-04-01", "low", "medium")), "medium", "low", "2026-07-15", "2026-04-01"),
    (hist(("2026-01-10", "low", "high")), "high", "high", "2026-08-01", None),  # not below now
    ([], "high", "low", "2026-08-01", "2026-08-01"),
]  # fmt: skip


@pytest.mark.parametrize(("rows", "level", "now", "assessed_on", "expected"), RUN_CASES)
def test_run_of_suggestions_below_level(
    rows: list[dict[str, str]], level: str, now: str, assessed_on: str, expected: str | None
) -> None:
    """Issue 3 / Stage 2 Task 1 table: the run is this assessment, then history latest
    backwards, while the *suggestion* is below the level; it starts at its earliest."""
    start = run_below_start(level, now, D(assessed_on), entries(rows))  # type: ignore[arg-type]
    assert start == (D(expected) if expected else None)


STRETCH_CASES = [
    # (history, level, assessed_on, expected start)
    (hist(("2026-01-10", "high", "high"), ("2026-02-01", "medium", "high")), "high", "2026-08-01",
     "2026-01-10"),
    (hist(("2025-10-01", "low", "high"), ("2026-02-10", "low", "medium")), "medium", "2026-08-01",
     "2026-02-10"),  # an earlier, different agreed level ends the stretch
    (hist(("2026-01-10", "high", "high"), ("2026-03-01", "high", "medium"),
          ("2026-04-01", "high", "high")), "high", "2026-08-01", "2026-04-01"),
    (hist(("2026-01-10", "high", "high")), "medium", "2026-08-01", "2026-08-01"),  # only now
    ([], "low", "2026-08-01", "2026-08-01"),
]  # fmt: skip


@pytest.mark.parametrize(("rows", "level", "assessed_on", "expected"), STRETCH_CASES)
def test_stretch_agreed_at_level(
    rows: list[dict[str, str]], level: str, assessed_on: str, expected: str
) -> None:
    """Issue 3 / Stage 4 Task 1: the stretch is history latest backwards while the
    *agreed* level equals the level; assessed_on when the case only now reaches it."""
    assert stretch_start(level, D(assessed_on), entries(rows)) == D(expected)  # type: ignore[arg-type]


# --- held_at and step_down_on (Stage 2 Task 1 table; Stage 4 Task 1) ------------

HIST_A = hist(("2026-01-10", "high", "high"), ("2026-02-01", "medium", "high"),
              ("2026-05-01", "medium", "high"))  # fmt: skip
HIST_B = hist(("2025-10-01", "low", "high"), ("2026-02-10", "medium", "medium"),
              ("2026-03-01", "low", "medium"))  # fmt: skip
HIST_C = hist(("2026-08-01", "medium", "medium"), ("2026-08-31", "low", "medium"))
HIST_D = hist(("2025-12-01", "severe", "severe"), ("2026-01-01", "low", "severe"))
HIST_E = hist(("2026-01-01", "medium", "medium"), ("2026-03-01", "medium", "medium"),
              ("2026-04-01", "low", "medium"))  # fmt: skip
# T: agreed above the table's reading B at the start of the stretch -> change means
# the reading falling below B, not merely below the agreed level.
HIST_T = hist(("2026-01-10", "medium", "high"), ("2026-02-01", "low", "high"))
HIST_SEVERE_OVERRIDE = hist(("2026-01-01", "high", "severe"))
HIST_H = hist(("2025-01-01", "high", "high"))

HELD_CASES = [
    # id, assessed_on, suggested, history, held_at, step_down_on
    # A: agreed high since 01-10, suggestions below high since 02-01 -> line 08-01
    ("A-day-before", "2026-07-31", "medium", HIST_A, "high", "2026-08-01"),
    ("A-at-line", "2026-08-01", "medium", HIST_A, "medium", None),
    ("A-day-after", "2026-08-02", "medium", HIST_A, "medium", None),
    ("A-before-low", "2026-07-31", "low", HIST_A, "high", "2026-08-01"),
    ("A-at-line-low", "2026-08-01", "low", HIST_A, "medium", "2027-02-01"),
    ("A-reversed-order", "2026-07-31", "medium", HIST_A[::-1], "high", "2026-08-01"),
    # B: the run below medium (from 03-01) binds, not the stretch (from 02-10)
    ("B-day-before", "2026-08-31", "low", HIST_B, "medium", "2026-09-01"),
    ("B-at-line", "2026-09-01", "low", HIST_B, "low", None),
    ("B-day-after", "2026-09-02", "low", HIST_B, "low", None),
    # C: month-end clamping, 2026-08-31 + 6 months = 2027-02-28
    ("C-day-before", "2027-02-27", "low", HIST_C, "medium", "2027-02-28"),
    ("C-at-line", "2027-02-28", "low", HIST_C, "low", None),
    ("C-day-after", "2027-03-01", "low", HIST_C, "low", None),
    # D: one step only, severe -> high; next step six months on
    ("D-day-before", "2026-06-30", "low", HIST_D, "severe", "2026-07-01"),
    ("D-at-line", "2026-07-01", "low", HIST_D, "high", "2027-01-01"),
    # E: a suggestion at medium on 03-01 breaks the run; it restarts 04-01
    ("E-held", "2026-07-15", "low", HIST_E, "medium", "2026-10-01"),
    ("E-day-before", "2026-09-30", "low", HIST_E, "medium", "2026-10-01"),
    ("E-at-line", "2026-10-01", "low", HIST_E, "low", None),
    # H: only this assessment is below L: the run starts today
    ("H-new-run", "2026-08-01", "medium", HIST_H, "high", "2027-02-01"),
    # rises and equal levels apply at once (table: new or re-emerging risks)
    ("up-low-to-high", "2026-08-01", "high", hist(("2026-07-31", "low", "low")), "high", None),
    ("up-high-to-severe", "2026-08-01", "severe", HIST_H, "severe", None),
    ("same-level", "2026-08-01", "low", hist(("2026-07-31", "low", "low")), "low", None),
    # no history: the suggestion stands
    ("none-low", "2026-08-01", "low", [], "low", None),
    ("none-severe", "2026-08-01", "severe", [], "severe", None),
    # T: high agreed over a reading of medium; the reading falling to medium is no change
    ("T-reading-as-then", "2026-08-01", "medium", HIST_T[:1], "high", None),
    ("T-day-before", "2026-07-31", "low", HIST_T, "high", "2026-08-01"),
    ("T-at-line", "2026-08-01", "low", HIST_T, "medium", "2027-02-01"),
    ("T-medium-again", "2026-08-01", "medium", HIST_T, "high", None),
    # a severe agreed over a reading of high does not decay while the reading stays high
    ("severe-override-held", "2026-07-01", "high", HIST_SEVERE_OVERRIDE, "severe", None),
    ("severe-override-years", "2028-01-01", "high", HIST_SEVERE_OVERRIDE, "severe", None),
    ("severe-override-change", "2026-07-01", "medium", HIST_SEVERE_OVERRIDE, "severe",
     "2027-01-01"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("assessed_on", "suggested", "history", "held_at", "step_down_on"),
    [c[1:] for c in HELD_CASES],
    ids=[c[0] for c in HELD_CASES],
)
def test_held_at_and_step_down_on_stage2_task1_table(
    assessed_on: str,
    suggested: str,
    history: list[dict[str, str]],
    held_at: str,
    step_down_on: str | None,
) -> None:
    """Stage 2 Task 1 table bottom rows and Stage 4 Task 1: one column down only after
    both the run of readings below T (the lower of L and the reading when the stretch
    at L began) and the stretch at L began six months before; up at once."""
    t = traj(assessed_on, suggested, history)
    assert (t["held_at"], t["step_down_on"]) == (held_at, step_down_on)


# --- escalate_to (table, high column: six months high, risks not addressed) -----

HIST_ESC = hist(("2026-01-10", "high", "high"), ("2026-04-01", "high", "high"))
HIGH_BUT_RISK_MEDIUM = {
    **LOW,
    "factors": {"healthy_child": REDUCES_NEGLECT, "neglect": "being_addressed"},
    "capacity_to_change": "some",
}
ESCALATE_CASES = [
    ("day-before", "2026-07-09", BY_LEVEL["high"], HIST_ESC, None),
    ("at-line", "2026-07-10", BY_LEVEL["high"], HIST_ESC, "severe"),
    ("day-after", "2026-07-11", BY_LEVEL["high"], HIST_ESC, "severe"),
    # whatever the rows say: high from capacity alone, risks being addressed
    ("risk-row-medium", "2026-07-11", HIGH_BUT_RISK_MEDIUM, HIST_ESC, "severe"),
    ("risk-row-medium-day-before", "2026-07-09", HIGH_BUT_RISK_MEDIUM, HIST_ESC, None),
    # the reading has fallen to medium: held high for now, no prompt towards severe
    ("reading-medium", "2026-07-11", BY_LEVEL["medium"], HIST_ESC, None),
    ("L-medium", "2026-07-11", BY_LEVEL["high"], hist(("2026-01-10", "high", "medium")), None),
    ("L-severe", "2026-07-11", BY_LEVEL["high"], hist(("2026-01-10", "high", "severe")), None),
    ("stretch-broken", "2026-08-01", BY_LEVEL["high"],
     hist(("2026-01-10", "high", "high"), ("2026-03-01", "high", "medium"),
          ("2026-04-01", "high", "high")), None),
    ("stretch-broken-at-line", "2026-10-01", BY_LEVEL["high"],
     hist(("2026-01-10", "high", "high"), ("2026-03-01", "high", "medium"),
          ("2026-04-01", "high", "high")), "severe"),
    ("no-history", "2026-07-11", BY_LEVEL["high"], [], None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("assessed_on", "base", "history", "expected"),
    [c[1:] for c in ESCALATE_CASES],
    ids=[c[0] for c in ESCALATE_CASES],
)
def test_escalate_to_severe_stage2_task1_high_column(
    assessed_on: str, base: dict[str, Any], history: list[dict[str, str]], expected: str | None
) -> None:
    """Stage 2 Task 1 "Timescales", high risk (and the table's high column), Stage 4
    Task 1: agreed high for six months with the reading still high -> consider severe,
    whatever the rows say."""
    out = classify({**base, "assessed_on": assessed_on, "history": history})
    assert out["trajectory"]["escalate_to"] == expected
    if not history or history[-1]["agreed"] != "severe":
        assert out["trajectory"]["held_at"] != "severe"  # a prompt, not an automatic move


# --- can_close (table, low column; Stage 5 Task 4) -------------------------------

HIST_LOW = hist(("2026-01-31", "low", "low"))
HIST_LONG_LOW = hist(("2025-06-01", "low", "low"))
CLOSE_CASES = [
    # the low line: agreed low since 01-31 (home since 01-15)
    ("day-before", "2026-07-30", "low", HIST_LOW, "2026-01-15", False),
    ("at-line", "2026-07-31", "low", HIST_LOW, "2026-01-15", True),
    ("day-after", "2026-08-01", "low", HIST_LOW, "2026-01-15", True),
    # the home line: six months after the return (low since 2025)
    ("home-day-before", "2026-07-31", "low", HIST_LONG_LOW, "2026-02-01", False),
    ("home-at-line", "2026-08-01", "low", HIST_LONG_LOW, "2026-02-01", True),
    ("home-day-after", "2026-08-02", "low", HIST_LONG_LOW, "2026-02-01", True),
    ("not-home", "2026-08-01", "low", HIST_LOW, None, False),
    ("home-yesterday", "2026-08-01", "low", HIST_LONG_LOW, "2026-07-31", False),
    ("home-today", "2026-08-01", "low", HIST_LOW, "2026-08-01", False),
    ("home-tomorrow", "2026-08-01", "low", HIST_LOW, "2026-08-02", False),
    ("suggested-medium", "2026-08-01", "medium", HIST_LOW, "2026-02-01", False),
    ("just-stepped-down", "2026-08-01", "low", hist(("2025-01-01", "low", "medium")),
     "2026-02-01", False),
    ("no-history", "2026-08-01", "low", [], "2026-02-01", False),
    ("clamped-before", "2027-02-27", "low", hist(("2026-08-31", "low", "low")), "2026-08-31",
     False),
    ("clamped-at-line", "2027-02-28", "low", hist(("2026-08-31", "low", "low")), "2026-08-31",
     True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("assessed_on", "suggested", "history", "home", "expected"),
    [c[1:] for c in CLOSE_CASES],
    ids=[c[0] for c in CLOSE_CASES],
)
def test_can_close_stage2_task1_low_column_stage5_task4(
    assessed_on: str,
    suggested: str,
    history: list[dict[str, str]],
    home: str | None,
    expected: bool,
) -> None:
    """Stage 2 Task 1 table (low column), "Timescales" (low risk: no sooner than six
    months after the return) and Stage 5 Task 4: low held six months and the child home
    six months -> the case can close."""
    t = traj(assessed_on, suggested, history, returned_home_on=home)
    assert t["can_close"] is expected


# --- reclassify_by (Stage 4 Task 1; Stage 5 Task 4) -----------------------------

RECLASSIFY_CASES = [
    ("six-months-on", "2026-08-01", "low", [], None, "2027-02-01"),
    ("month-end", "2026-08-31", "low", [], None, "2027-02-28"),
    ("leap-year", "2027-08-31", "low", [], None, "2028-02-29"),
    ("six-months-after-return", "2026-08-01", "low", [], "2026-03-15", "2026-09-15"),
    ("return-line-today", "2026-08-01", "low", [], "2026-02-01", "2027-02-01"),
    ("return-line-tomorrow", "2026-08-01", "low", [], "2026-02-02", "2026-08-02"),
    ("return-line-passed", "2026-08-01", "low", [], "2026-01-15", "2027-02-01"),
    ("return-in-future", "2026-08-01", "low", [], "2026-09-01", "2027-02-01"),
    ("return-clamped", "2026-07-30", "low", [], "2026-01-31", "2026-07-31"),
    ("step-down-first", "2026-07-31", "medium", HIST_A, None, "2026-08-01"),
    ("step-down-vs-return", "2026-07-31", "medium", HIST_A, "2026-01-31", "2026-08-01"),
]


@pytest.mark.parametrize(
    ("assessed_on", "suggested", "history", "home", "expected"),
    [c[1:] for c in RECLASSIFY_CASES],
    ids=[c[0] for c in RECLASSIFY_CASES],
)
def test_reclassify_by_stage4_task1_stage5_task4(
    assessed_on: str, suggested: str, history: list[dict[str, str]], home: str | None, expected: str
) -> None:
    """Stage 4 Task 1 / Stage 5 Task 4: earliest of six months on, step_down_on and six
    months after return, counting only dates after assessed_on."""
    child = {"returned_home_on": home} if home else {}
    assert traj(assessed_on, suggested, history, **child)["reclassify_by"] == expected


@pytest.mark.parametrize(
    ("assessed_on", "suggested", "history", "rule"),
    [
        ("2026-08-01", "low", [], "no_history"),
        ("2026-08-01", "high", HIST_H, "at_or_above"),
        ("2026-07-31", "medium", HIST_A, "held"),
        ("2026-08-01", "medium", HIST_A, "stepped_down"),
        ("2026-08-01", "none", HIST_A, "not_enough"),
    ],
)
def test_explain_trajectory_rule_stage2_task1(
    assessed_on: str, suggested: str, history: list[dict[str, str]], rule: str
) -> None:
    """Exactly one "why" for the six-month rule that applied, citing Stage 2 Task 1."""
    base = BY_LEVEL.get(suggested, {})
    data = {**base, "assessed_on": assessed_on, "history": history}
    entries = [e for e in explain(data) if e.kind == "trajectory"]
    assert [e.key for e in entries] == [rule]
    assert "Stage 2 Task 1" in entries[0].citation and "Stage 5 Task 4" in entries[0].citation
    if rule == "held":
        assert "2026-08-01" in entries[0].text


def test_not_enough_recorded_keeps_the_last_agreed_level() -> None:
    """Contract v2: with no suggestion, held_at is the latest agreed level (or null),
    nothing steps down or escalates, the case cannot close; reclassify_by as before."""
    out = classify({"assessed_on": "2026-08-01", "history": HIST_A})
    assert out["suggested"] is None
    assert out["trajectory"] == {
        "held_at": "high",
        "step_down_on": None,
        "escalate_to": None,
        "can_close": False,
        "reclassify_by": "2027-02-01",
    }
    home = classify({"assessed_on": "2026-08-01", "child": {"returned_home_on": "2026-03-15"}})[
        "trajectory"
    ]
    assert home["held_at"] is None and home["reclassify_by"] == "2026-09-15"
