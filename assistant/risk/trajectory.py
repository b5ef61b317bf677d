"""The six-month rules of the Risk Classification Table (classify contract v2).

Sources, NSPCC reunification framework:
- Stage 2 Task 1, Risk Classification Table, bottom rows, and "Timescales for
  return home": moving down a column needs change sustained for at least six
  months per step (severe -> high -> medium -> low); new or re-emerging risks
  move a case up at once; high for six months without risks being addressed
  -> severe; low held for six months -> the case can close.
- Stage 2 Task 1, footnote 40: six months is the minimum time to evidence that
  change is sustained (Wade et al 2011).
- Stage 4 Task 1: reclassify; high cases without enough change become severe;
  the assessment stays live until low has held for at least six months.
- Stage 5 Task 4: reclassify six months after the child returns home; keep the
  case open until low has held for at least six months.

- Stage 2 Task 1, "Timescales for return home", low risk: close or step the
  support down no sooner than six months after the child has returned home.
- Stage 2 Task 1, "Timescales", high risk: a case still at high after six
  months should be reclassified severe.

History holds agreed levels only (an agreed round, or a decision agreed with a
manager): a practitioner's own view is not history.

"Plus six months" is the same day six calendar months later, clamped to the
last day of a shorter month. A span that began on day D "has lasted
six months" on assessed_on exactly when ``add_months(D, 6) <= assessed_on``;
the same arithmetic gives ``step_down_on``, so the two always agree.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .model import LEVELS, HistoryEntry, Level

SIX_MONTHS = 6

Rule = Literal["no_history", "at_or_above", "held", "stepped_down", "not_enough"]


def add_months(day: date, months: int) -> date:
    """Same day ``months`` calendar months later, clamped to the month's last day.

    2026-08-31 + 6 -> 2027-02-28; 2027-08-31 + 6 -> 2028-02-29 (leap year).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def six_months_after(day: date) -> date:
    """``day`` plus six months (framework minimum for sustained change, Stage 2 Task 1)."""
    return add_months(day, SIX_MONTHS)


def has_lasted_six_months(start: date, assessed_on: date) -> bool:
    """True when something that began on ``start`` began at least six months
    before ``assessed_on``: the six-month mark falls on or before assessed_on."""
    return six_months_after(start) <= assessed_on


def below(a: Level, b: Level) -> bool:
    """True when level ``a`` is a lower column than level ``b``."""
    return LEVELS.index(a) < LEVELS.index(b)


def one_below(level: Level) -> Level:
    """The next lower column (never below low)."""
    return LEVELS[max(0, LEVELS.index(level) - 1)]


def latest_first(history: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    """History sorted newest first (input may come in any order; dates are unique)."""
    return sorted(history, key=lambda e: e.on, reverse=True)


def run_below_start(
    level: Level,
    suggested_now: Level,
    assessed_on: date,
    history: Sequence[HistoryEntry],
) -> date | None:
    """Start of "the run of assessments whose suggestion is below ``level``".

    Reading: the run is made of this assessment and then the history entries,
    walking from the latest backwards, for as long as each one's *suggested*
    level (not the agreed one) is below ``level``. The run stops at the first
    entry suggested at or above ``level``. Its start is the date of the earliest
    assessment in it: ``assessed_on`` itself when only this assessment is below.
    Returns None when this assessment's own suggestion is not below ``level``
    (there is no current run). ``history`` must be latest first.
    """
    if not below(suggested_now, level):
        return None
    start = assessed_on
    for entry in history:
        if not below(entry.suggested, level):
            break
        start = entry.on
    return start


def stretch_start(level: Level, assessed_on: date, history: Sequence[HistoryEntry]) -> date:
    """Start of "the case's stretch of being agreed at ``level``".

    Reading: walk the history from the latest entry backwards for as long as
    each entry's *agreed* level equals ``level``; the stretch began on the
    earliest such entry. An entry agreed at any other level (higher or lower)
    ends the stretch. If the latest entry is not agreed at ``level`` the case
    "only now" reaches it and the stretch begins on ``assessed_on``.
    ``history`` must be latest first.
    """
    start = assessed_on
    for entry in history:
        if entry.agreed != level:
            break
        start = entry.on
    return start


def stretch_entry(
    level: Level, assessed_on: date, history: Sequence[HistoryEntry]
) -> HistoryEntry | None:
    """The history entry that began the case's current stretch at ``level`` (None
    when the case only now reaches it). ``history`` must be latest first."""
    first: HistoryEntry | None = None
    for entry in history:
        if entry.agreed != level:
            break
        first = entry
    return first


def change_mark(level: Level, assessed_on: date, history: Sequence[HistoryEntry]) -> Level:
    """T: the level the table's reading must fall below to count as change.

    The lower of the agreed level L and B, the table's suggestion in the entry
    that began the stretch at L. Where people agreed a level above the table's
    reading, change means the reading falling below what it was then (else an
    override would decay by itself after six months); otherwise T is L.
    """
    entry = stretch_entry(level, assessed_on, history)
    if entry is None or not below(entry.suggested, level):
        return level
    return entry.suggested


@dataclass(frozen=True)
class Trajectory:
    held_at: Level | None
    step_down_on: date | None
    escalate_to: Level | None
    can_close: bool
    reclassify_by: date
    #: which held_at rule applied (for explanations)
    rule: Rule
    #: agreed level of the latest history entry (L), if any
    latest_agreed: Level | None
    #: for rule held/stepped_down: start of the run of suggestions below T
    run_start: date | None
    #: for rule held/stepped_down: start of the stretch agreed at L
    stretch_start: date | None
    #: for rule held/stepped_down: T, the level the reading must fall below
    change_below: Level | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "held_at": self.held_at,
            "step_down_on": self.step_down_on.isoformat() if self.step_down_on else None,
            "escalate_to": self.escalate_to,
            "can_close": self.can_close,
            "reclassify_by": self.reclassify_by.isoformat(),
        }


def trajectory(
    suggested: Level | None,
    assessed_on: date,
    history: Iterable[HistoryEntry],
    returned_home_on: date | None,
) -> Trajectory:
    """Apply the six-month rules to this assessment's suggestion and the history."""
    hist = latest_first(history)
    latest: Level | None = hist[0].agreed if hist else None
    if suggested is None:
        # Too little recorded to suggest a level: the case stays where people put it.
        return Trajectory(
            held_at=latest,
            step_down_on=None,
            escalate_to=None,
            can_close=False,
            reclassify_by=_reclassify_by(assessed_on, None, returned_home_on),
            rule="not_enough",
            latest_agreed=latest,
            run_start=None,
            stretch_start=None,
        )
    run: date | None = None
    stretch: date | None = None
    mark: Level | None = None
    rule: Rule
    if latest is None:
        # No earlier classification: the suggestion stands.
        held, rule = suggested, "no_history"
        step_down_on = None
    elif not below(suggested, latest):
        # Table bottom rows: new or re-emerging risks move the case up at once.
        held, rule = suggested, "at_or_above"
        step_down_on = None
    else:
        # Table bottom rows / Stage 4 Task 1: one column down per six months of
        # sustained change (the reading below T), and only one step at a time.
        mark = change_mark(latest, assessed_on, hist)
        run = run_below_start(mark, suggested, assessed_on, hist)
        stretch = stretch_start(latest, assessed_on, hist)
        if (
            run is not None
            and has_lasted_six_months(run, assessed_on)
            and has_lasted_six_months(stretch, assessed_on)
        ):
            held, rule = one_below(latest), "stepped_down"
            step_down_on = _next_step_down(held, suggested, assessed_on, hist)
        else:
            held, rule = latest, "held"
            step_down_on = None if run is None else six_months_after(max(run, stretch))

    escalate_to: Level | None = None
    # Stage 2 Task 1, "Timescales", high risk (and the table's high column): a case
    # agreed high for six months whose reading is still high -> consider severe.
    if (
        suggested == "high"
        and held == "high"
        and latest == "high"
        and has_lasted_six_months(stretch_start("high", assessed_on, hist), assessed_on)
    ):
        escalate_to = "severe"
    # Table, low column: low maintained for at least six months -> case can close;
    # Stage 2 "Timescales", low risk, and Stage 5 Task 4: no sooner than six months
    # after the child has returned home.
    can_close = (
        held == "low"
        and latest == "low"
        and has_lasted_six_months(stretch_start("low", assessed_on, hist), assessed_on)
        and returned_home_on is not None
        and has_lasted_six_months(returned_home_on, assessed_on)
    )
    return Trajectory(
        held_at=held,
        step_down_on=step_down_on,
        escalate_to=escalate_to,
        can_close=can_close,
        reclassify_by=_reclassify_by(assessed_on, step_down_on, returned_home_on),
        rule=rule,
        latest_agreed=latest,
        run_start=run,
        stretch_start=stretch,
        change_below=mark,
    )


def _next_step_down(
    held: Level, suggested: Level, assessed_on: date, hist: Sequence[HistoryEntry]
) -> date | None:
    """When held_at is above the suggestion: six months after the later of the
    start of the current run of suggestions below held_at and the start of the
    stretch at held_at (assessed_on if the case only now reached it)."""
    run = run_below_start(held, suggested, assessed_on, hist)
    if run is None:
        return None
    return six_months_after(max(run, stretch_start(held, assessed_on, hist)))


def _reclassify_by(
    assessed_on: date, step_down_on: date | None, returned_home_on: date | None
) -> date:
    """Earliest of assessed_on + 6 months (Stage 4 Task 1), step_down_on, and
    returned_home_on + 6 months (Stage 5 Task 4), counting only dates after
    assessed_on."""
    candidates = [six_months_after(assessed_on)]
    if step_down_on is not None:
        candidates.append(step_down_on)
    if returned_home_on is not None:
        candidates.append(six_months_after(returned_home_on))
    return min(d for d in candidates if d > assessed_on)
