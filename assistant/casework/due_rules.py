"""What is due for a case, and when: from the engine and from local policy.

Two sources, each item naming its own:
- the engine's trajectory for the case now (reclassify by; may step down on).
  A case whose plan is permanence away from home gets "review the permanence
  plan" instead: it is no longer working towards a return (Stage 2, Task 4);
- the rules of a policy profile (`content/policies/<name>.toml`), counted from
  dates the case has recorded. A rule may take the place of another
  (`replaces`), as Salford's one-week first visit on a care order replaces its
  two-week one. The `framework` profile holds the framework's own rules; a
  local profile (camden, salford, leeds) adds its rules to them.

The dates rules count from (their `trigger`):
- `return_home`: the day the child actually went home, planned or not (the
  case profile or supervision records it); before that, the planned return
  date stands in, and the item says so;
- `unplanned_return`: that day, when the case profile records the return as
  unplanned;
- `ending_care`: the same day, but only where the child stops being looked
  after by going home (section 20 ending, or a care order discharged); not on a
  care order, under which a child placed at home stays looked after (Annex 10,
  guidance 5.4);
- `planned_return`: the planned date itself; `review`: the plan's first review;
- `classification`: the start of the latest agreed level's current stretch.

Kinds (see `assistant.casework.policies`): a `due` item past its date is
OVERDUE; a `not_before` item (a minimum period) and an `until` item never are,
and both drop out once their date has passed.

Where the record cannot say whether a rule applies (the child's age, the date
they came into care, or whether care ends are not known), the item is shown
with what to check, rather than dropped: missing a statutory approval costs
more than one line too many.

A third source, the newest case supervision that agreed dates, is in
`assistant.casework.due_supervision`.

Each is worked out from a case's records for any day (`case_facts`,
`supervision_dates`, the engine's input) and the day's items derived from that
(`case_items`, `engine_items`); see `assistant.casework.due_cache` for how a
caseload's are kept between runs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from assistant.casework.decisions import agreed_decisions, latest_agreed
from assistant.casework.replay import CaseReplay
from assistant.risk.trajectory import add_months

#: where an actual return home is recorded: (flow id, step id); the newest answer wins
ACTUAL_RETURN = [("case-profile", "returned_home_on"), ("supervision-planning", "returned_on")]
PLANNED_RETURN = ("reunification-plan", "planned_return")
FIRST_REVIEW = ("reunification-plan", "first_review")
RETURNED_HOME = ("case-profile", "returned_home")
RETURN_PLANNED = ("case-profile", "return_planned")
ENTERED_CARE = ("case-profile", "entered_care_on")
ENTERED_CARE_MISSING = ("case-profile", "entered_care_on_missing")
CARE_ENDS = ("reunification-plan", "looked_after_after_return")
PERMANENCE_PLAN = ("case-profile", "permanence_plan")
LEGAL_STATUS = ("case-profile", "legal_status")
AGE_BAND = ("case-profile", "age_band")
#: the flows whose answers `case_facts` reads (the others' sessions are not read)
FACT_FLOWS = frozenset(
    flow
    for flow, _ in (*ACTUAL_RETURN, PLANNED_RETURN, FIRST_REVIEW, RETURNED_HOME, RETURN_PLANNED,
                    ENTERED_CARE, ENTERED_CARE_MISSING, CARE_ENDS, PERMANENCE_PLAN,
                    LEGAL_STATUS, AGE_BAND)
)  # fmt: skip
#: the legal statuses under which a child who goes home stops being looked after
#: (True), stays looked after (False: placed with parents under a care order,
#: Annex 10 guidance 5.4), or is not looked after at all (False)
CARE_ENDS_BY_STATUS = {
    "section_20": True,
    "care_order": False,
    "interim_care_order": False,
    "placed_with_parents": False,
    "child_in_need": False,
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
KIND_WORDS = {"not_before": "Not before this date. ", "until": "Until this date. "}
ENGINE_SOURCE = (
    "NSPCC framework, Stage 2, timescales and six-month rules (Risk Classification Table)"
)
PERMANENCE_SOURCE = (
    "NSPCC framework, Stage 2, Task 1 (severe risk: plans for a permanent placement) and "
    "Task 4 (when the child will not return home); introduction (the care plan's plan for "
    "permanence, considered at each review)"
)


@dataclass(frozen=True)
class DueItem:
    case: str
    what: str
    due_on: str
    source: str
    overdue: bool
    #: "due" (a deadline), "not_before" (a minimum period) or "until" (holds up to the date)
    kind: str = "due"

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
    #: when the latest agreed level's current stretch began
    agreed_on: date | None = None
    #: whether going home ends the child's being looked after (None: not known)
    care_ends: bool | None = None
    #: True while the return date is the planned one standing in for the real one
    planned_stand_in: bool = False
    #: the plan is permanence away from home (no return is being worked towards)
    permanence_away: bool = False


def working_days(start: date, end: date) -> int:
    """Weekdays from `start` up to (not including) `end` (bank holidays are not known)."""
    days, day = 0, start
    while day < end:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return days


def _due_date(rule: Any, start: date, today: date) -> date:
    if rule.every_days:
        due = start
        while due < today:
            due += timedelta(days=rule.every_days)
        return due
    if rule.due_within_months:
        return add_months(start, rule.due_within_months)
    return start + timedelta(days=rule.due_within_days)


def rule_items(rule: Any, facts: CaseFacts, today: date) -> list[DueItem]:
    """The dates one policy rule gives a case (none when it does not apply)."""
    checks: list[str] = []
    if rule.legal_status and facts.legal_status not in rule.legal_status:
        return []
    if rule.min_age_years is not None or rule.max_age_years is not None:
        if facts.age is None:
            checks.append("the child's age is not recorded: check whether this applies")
        else:
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
    if rule.trigger == "ending_care":
        if facts.care_ends is False:
            return []
        if facts.care_ends is None:
            checks.append(
                "applies only if the child stops being looked after on going home; "
                "the record does not say whether they will"
            )
    if rule.min_working_days_looked_after:
        if facts.entered_care_on is None:
            checks.append(
                "the date the child came into care is not recorded: check whether they have "
                f"been looked after for {rule.min_working_days_looked_after} working days"
            )
        elif working_days(facts.entered_care_on, start) < rule.min_working_days_looked_after:
            return []
    due = _due_date(rule, start, today)
    if rule.kind != "due" and due < today:
        return []  # a minimum period that has passed, or an arrangement that has ended
    what = KIND_WORDS.get(rule.kind, "") + rule.summary
    if facts.planned_stand_in and rule.trigger in ("return_home", "ending_care"):
        what += " (Counted from the planned return date until the child goes home.)"
    for check in checks:
        what += f" ({check[0].upper()}{check[1:]}.)"
    overdue = rule.kind == "due" and due < today
    return [DueItem(facts.ref, what, due.isoformat(), rule.cite, overdue, rule.kind)]


def engine_items(
    ref: str, trajectory: dict[str, Any] | None, today: date, permanence_away: bool = False
) -> list[DueItem]:
    """The engine's own dates for the case (never a level where there is none)."""
    if not trajectory or not trajectory.get("reclassify_by"):
        return []
    by = date.fromisoformat(trajectory["reclassify_by"])
    if permanence_away:
        what = "Review the permanence plan (the plan is permanence away from home)"
        return [DueItem(ref, what, by.isoformat(), PERMANENCE_SOURCE, by < today)]
    held = trajectory.get("held_at")
    if held is None:
        return []  # nothing suggested and nothing agreed: there is nothing to reclassify yet
    items = [DueItem(ref, "Reclassify the risk", by.isoformat(), ENGINE_SOURCE, by < today)]
    if trajectory.get("step_down_on"):
        on = date.fromisoformat(trajectory["step_down_on"])
        what = f"The level held at {LEVEL_WORDS.get(held, held)} may step down"
        items.append(DueItem(ref, what, on.isoformat(), ENGINE_SOURCE, False))
    return items


Answer = tuple[int, Any, str]  # (place in the record, value, when recorded)


def current_answers(
    store: Any, library: Any, ref: str, flows: Collection[str] | None = None
) -> dict[tuple[str, str], Answer]:
    """The newest current answer to each (flow, question) across the case's sessions
    (of `flows` only, if given).

    A session's current answers are those of its visible questions (an answer to
    a question hidden by a later change does not count); skipped questions have none.
    """
    newest: dict[tuple[str, str], Answer] = {}
    case = CaseReplay.of(store, ref)
    for record in case.sessions(ref):
        if flows is not None and record.flow_id not in flows:
            continue
        flow = library.flows.get(record.flow_id)
        if flow is None or record.id not in case.rows:
            continue
        for step, row in case.current(record.id, flow).items():
            key, seq = (flow.id, step), row["seq"]
            if key not in newest or seq > newest[key][0]:
                newest[key] = (seq, row.get("value"), row["at"])
    return newest


def day_of(text: Any) -> date | None:
    """The day `text` names (YYYY-MM-DD), or None when it names none."""
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def _agreed_since(decisions: list[dict[str, Any]]) -> tuple[str | None, date | None]:
    """The latest agreed level and when its current stretch began."""
    latest = latest_agreed(decisions)
    if latest is None:
        return None, None
    ordered = sorted(enumerate(agreed_decisions(decisions)), key=lambda iv: (iv[1]["at"], iv[0]))
    since = latest["at"]
    for _, decision in reversed(ordered):
        if decision["level"] != latest["level"]:
            break
        since = decision["at"]
    return latest["level"], date.fromisoformat(since[:10])


def case_facts(store: Any, library: Any, ref: str) -> CaseFacts:
    """The dates and facts the rules count from, newest answer first."""
    answers = current_answers(store, library, ref, FACT_FLOWS)

    def value(key: tuple[str, str]) -> Any:
        return answers[key][1] if key in answers else None

    # An actual return counts unless a newer case profile says the child is not home.
    home = answers.get(RETURNED_HOME)
    kept = [
        key
        for key in ACTUAL_RETURN
        if key in answers and not (home and home[1] != "yes" and home[0] > answers[key][0])
    ]
    returned = day_of(max((answers[k] for k in kept), key=lambda a: a[0])[1]) if kept else None
    legal_status = value(LEGAL_STATUS)
    decisions = store.decisions(ref)
    agreed_level, agreed_on = _agreed_since(decisions)
    permanence_away = _permanence_away(answers.get(PERMANENCE_PLAN), latest_agreed(decisions))

    dates: dict[str, date] = {}
    planned = day_of(value(PLANNED_RETURN))
    if planned is not None:
        dates["planned_return"] = planned
    review = day_of(value(FIRST_REVIEW))
    if review is not None:
        dates["review"] = review
    stand_in = False
    if returned is not None:
        dates["return_home"] = returned
        profile_date = day_of(value(ACTUAL_RETURN[0])) if ACTUAL_RETURN[0] in kept else None
        if value(RETURN_PLANNED) == "unplanned" and profile_date is not None:
            dates["unplanned_return"] = profile_date  # the case profile says how it happened
    elif planned is not None and not permanence_away:
        dates["return_home"], stand_in = planned, True  # the plan stands in until the return
    care_ends = _care_ends(value(CARE_ENDS), legal_status)
    if "return_home" in dates and care_ends is not False:
        dates["ending_care"] = dates["return_home"]

    entered = day_of(value(ENTERED_CARE))
    missing = answers.get(ENTERED_CARE_MISSING)
    if missing and missing[1] == "not_known" and missing[0] > answers.get(ENTERED_CARE, (0,))[0]:
        entered = None  # said to be not known after the date was given
    return CaseFacts(
        ref,
        dates,
        legal_status=legal_status,
        age=AGE_BANDS.get(str(value(AGE_BAND))),
        entered_care_on=entered,
        agreed_level=agreed_level,
        agreed_on=agreed_on,
        care_ends=care_ends,
        planned_stand_in=stand_in,
        permanence_away=permanence_away,
    )


def _care_ends(said: Any, legal_status: Any) -> bool | None:
    """Whether going home ends the child's being looked after: as the reunification
    plan says, else by the legal status (None when neither tells)."""
    if said == "stops":
        return True
    if said == "stays":
        return False
    by_status = CARE_ENDS_BY_STATUS.get(legal_status)
    if said == "not_known" and by_status is False and legal_status != "child_in_need":
        return None  # a care order that may yet be discharged
    return by_status


def _permanence_away(plan: Answer | None, agreed: dict[str, Any] | None) -> bool:
    """Whether the case's plan is permanence away from home: the newer of the case
    profile's plan for permanence and an agreed SEVERE level (at severe the child
    stays in care and a permanent placement is planned: Stage 2, Task 1). Another
    agreed level says nothing about the plan."""
    said = [(plan[2], plan[1] == "away_from_home")] if plan and plan[1] != "not_agreed" else []
    if agreed is not None and agreed["level"] == "severe":
        said.append((agreed["at"], True))
    return bool(said) and max(said)[1]


def profile_rules(policies: dict[str, Any], profile: str) -> list[Any]:
    """The framework's rules, plus a local profile's own."""
    if profile not in policies:
        raise KeyError(f"no policy profile {profile!r} (there are: {', '.join(sorted(policies))})")
    chosen = [policies["framework"]] if "framework" in policies else []
    if profile != "framework":
        chosen.append(policies[profile])
    return [rule for policy in chosen for rule in policy.rules]


def case_items(rules: list[Any], facts: CaseFacts, today: date) -> list[DueItem]:
    """The policy items of one case, a rule that `replaces` another winning."""
    applied = {rule.id: rule_items(rule, facts, today) for rule in rules}
    for rule in rules:
        if rule.replaces and applied[rule.id]:
            applied[rule.replaces] = []  # e.g. a care order's shorter timescale
    return [item for found in applied.values() for item in found]
