"""What is due for each case, and when: from the engine and from local policy.

Two sources, each item naming its own:
- the engine's trajectory for the case now (reclassify by; may step down on);
- the rules of a policy profile (`content/policies/<name>.toml`), counted from
  dates the case has recorded: the return home (before it happens, the planned
  return), a planned return, the first review, the latest agreed classification.
  A rule may take the place of another (`replaces`), as Salford's one-week
  first visit on a care order replaces its two-week one. The `framework` profile holds the
  framework's own rules; a local profile (camden, salford, leeds) adds its
  rules to them.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

#: where each trigger's date is recorded: (flow id, step id), newest answer wins
TRIGGER_ANSWERS: dict[str, list[tuple[str, str]]] = {
    "return_home": [("case-profile", "returned_home_on"), ("supervision-planning", "returned_on")],
    "planned_return": [("reunification-plan", "planned_return")],
    "review": [("reunification-plan", "first_review")],
    # care ends when a looked-after child goes home
    "ending_care": [("reunification-plan", "planned_return")],
}
AGE_BANDS = {
    "under_1": (0, 0),
    "one_to_two": (1, 1),
    "two_to_four": (2, 4),
    "five_to_ten": (5, 10),
    "eleven_to_fifteen": (11, 15),
    "sixteen_to_seventeen": (16, 17),
}
LEVEL_WORDS = {"low": "LOW", "medium": "MEDIUM", "high": "HIGH", "severe": "SEVERE"}


@dataclass(frozen=True)
class DueItem:
    case: str
    what: str
    due_on: str
    source: str
    overdue: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case, from its recorded answers."""

    ref: str
    dates: dict[str, date]
    legal_status: str | None = None
    age: tuple[int, int] | None = None
    entered_care_on: date | None = None
    agreed_level: str | None = None
    agreed_on: date | None = None


def working_days(start: date, end: date) -> int:
    """Weekdays from `start` up to (not including) `end`."""
    days, day = 0, start
    while day < end:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return days


def rule_items(rule: Any, facts: CaseFacts, today: date) -> list[DueItem]:
    """The dates one policy rule gives a case (none when it does not apply)."""
    if rule.legal_status and facts.legal_status not in rule.legal_status:
        return []
    if rule.min_age_years is not None or rule.max_age_years is not None:
        if facts.age is None:
            return []
        low, high = facts.age
        if rule.min_age_years is not None and low < rule.min_age_years:
            return []
        if rule.max_age_years is not None and high > rule.max_age_years:
            return []
    if rule.agreed_level and facts.agreed_level not in rule.agreed_level:
        return []
    start = facts.agreed_on if rule.trigger == "classification" else facts.dates.get(rule.trigger)
    if start is None:
        return []
    if rule.min_working_days_looked_after:
        if facts.entered_care_on is None:
            return []
        if working_days(facts.entered_care_on, start) < rule.min_working_days_looked_after:
            return []
    if rule.every_days:
        due = start
        while due < today:
            due += timedelta(days=rule.every_days)
    else:
        due = start + timedelta(days=rule.due_within_days)
    return [DueItem(facts.ref, rule.summary, due.isoformat(), rule.cite, due < today)]


def engine_items(ref: str, trajectory: dict[str, Any] | None, today: date) -> list[DueItem]:
    """The engine's own dates for the case."""
    if not trajectory:
        return []
    source = "NSPCC framework, Stage 2, timescales and six-month rules (Risk Classification Table)"
    items = []
    by = date.fromisoformat(trajectory["reclassify_by"])
    items.append(DueItem(ref, "Reclassify the risk", by.isoformat(), source, by < today))
    if trajectory.get("step_down_on"):
        on = date.fromisoformat(trajectory["step_down_on"])
        held = LEVEL_WORDS.get(trajectory["held_at"], trajectory["held_at"])
        what = f"The level held at {held} may step down"
        items.append(DueItem(ref, what, on.isoformat(), source, False))
    return items


def case_facts(store: Any, ref: str) -> CaseFacts:
    """The dates and facts the rules count from, newest answer first."""
    newest: dict[tuple[str, str], tuple[int, Any]] = {}
    flow_of = {s.id: s.flow_id for s in store.sessions(ref)}
    for session, answers in store.answers_by_session(ref).items():
        for answer in answers:
            if answer.event.skipped:
                continue
            key = (flow_of.get(session, ""), answer.event.step)
            if key not in newest or answer.seq > newest[key][0]:
                newest[key] = (answer.seq, answer.event.value)

    def value(flow: str, step: str) -> Any:
        return newest.get((flow, step), (0, None))[1]

    dates: dict[str, date] = {}
    for trigger, places in TRIGGER_ANSWERS.items():
        found = [newest[p] for p in places if p in newest]
        if found:
            with contextlib.suppress(ValueError):
                dates[trigger] = date.fromisoformat(str(max(found, key=lambda f: f[0])[1]))
    if "return_home" not in dates and "planned_return" in dates:
        dates["return_home"] = dates["planned_return"]  # counted from the planned return
    entered = value("case-profile", "entered_care_on")
    decisions = store.decisions(ref)
    latest = decisions[-1] if decisions else None
    return CaseFacts(
        ref,
        dates,
        value("case-profile", "legal_status"),
        AGE_BANDS.get(str(value("case-profile", "age_band"))),
        date.fromisoformat(entered) if isinstance(entered, str) else None,
        latest["level"] if latest else None,
        date.fromisoformat(latest["at"][:10]) if latest else None,
    )


def profile_rules(policies: dict[str, Any], profile: str) -> list[Any]:
    """The framework's rules, plus a local profile's own."""
    if profile not in policies:
        raise KeyError(f"no policy profile {profile!r} (there are: {', '.join(sorted(policies))})")
    chosen = [policies["framework"]] if "framework" in policies else []
    if profile != "framework":
        chosen.append(policies[profile])
    return [rule for policy in chosen for rule in policy.rules]


def due_items(
    store: Any, library: Any, policies: dict[str, Any], profile: str, today: date
) -> list[DueItem]:
    """Every due item of every (unarchived) case, soonest first."""
    from assistant.casework.classification import classify_case

    rules = profile_rules(policies, profile)
    items: list[DueItem] = []
    for case in store.cases():
        facts = case_facts(store, case.ref)
        applied = {rule.id: rule_items(rule, facts, today) for rule in rules}
        for rule in rules:
            if rule.replaces and applied[rule.id]:
                applied[rule.replaces] = []  # e.g. a care order's shorter timescale
        for found in applied.values():
            items += found
        now = classify_case(store, library, case.ref, today)
        if now.result is not None and not now.inputs.empty:
            items += engine_items(case.ref, now.result.trajectory.as_dict(), today)
    return sorted(items, key=lambda i: (i.due_on, i.case, i.what))
