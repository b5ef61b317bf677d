"""Due dates the sources support (issue 15), each tested through recorded answers.

Every case here is stored and answered through the real flows (case profile,
reunification plan, case history); what is due is then worked out by
`due_items`, as `reunify due` and the home screen do. Dates are taken on, and on
either side of, each line. Answers must pass the flows' own date checks, so
dates are counted from the real today; the day what is due is computed for is
then moved along.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from assistant.casework.classification import classify_case
from assistant.casework.decisions import make_decision
from assistant.casework.due import DueItem, case_facts, due_items
from assistant.casework.policies import load_policies
from assistant.flows.loader import default_library
from assistant.flows.runner import FlowSession
from assistant.paths import content_dir
from assistant.records.store import Store
from assistant.risk.trajectory import add_months

LIBRARY = default_library()
POLICIES = load_policies(content_dir())
REAL_TODAY = date.today()
#: the child went home 40 days ago (a date question refuses the future)
HOME = REAL_TODAY - timedelta(days=40)
#: a return planned in 10 days (the plan's date question refuses the past)
PLANNED = REAL_TODAY + timedelta(days=10)
LONG_AGO = "2024-01-08"


def day(offset: int) -> str:
    return (REAL_TODAY + timedelta(days=offset)).isoformat()


def default_answer(step: Any) -> Any:
    """A plain answer for a question the test does not care about."""
    if step.kind == "text":
        return "Recorded for the test."
    if step.kind == "yes_no_unknown":
        return "yes"
    if step.kind in ("choice", "multi"):
        first = step.options[0].value
        return [first] if step.kind == "multi" else first
    if step.kind == "date":
        return day(0)
    if step.kind == "scale":
        return 5
    raise AssertionError(f"no default answer for {step.kind} ({step.id})")


class Case:
    """A stored case whose answers go through the real flows."""

    def __init__(self, root: Path, ref: str = "C-1") -> None:
        self.ticks = count()
        self.store = Store(root, clock=self._clock)
        self.ref = ref
        self.store.create_case(ref)

    def _clock(self) -> str:
        # strictly increasing times from 60 days ago, so "newest" is never a tie
        n = next(self.ticks)
        start = (REAL_TODAY - timedelta(days=60)).isoformat()
        return f"{start}T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}+00:00"

    def record(self, flow_id: str, answers: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
        """Answer `flow_id`: the given answers, skips for `skip` (optional questions),
        other optional questions skipped and the rest given a plain answer."""
        flow = LIBRARY.flows[flow_id]
        session = FlowSession(flow)
        stored = self.store.start_session(self.ref, flow.id, flow.title)
        while (step := session.current) is not None:
            if step.id in answers:
                event = session.prepare_answer(answers[step.id])
            elif step.optional or step.id in skip:
                event = session.prepare_skip()
            else:
                event = session.prepare_answer(default_answer(step))
            self.store.record(self.ref, stored.id, event)
            session.apply(event)
        self.store.finish_session(self.ref, stored.id)

    def profile(self, **answers: Any) -> None:
        base = {
            "age_band": "five_to_ten",
            "legal_status": "section_20",
            "entered_care_on": LONG_AGO,
            "returned_home": "no",
            "previous_failed_returns": "none",
            "chronic_neglect_or_emotional_abuse": "no",
            "involved_since_pregnancy": "no",
        }
        self.record("case-profile", {**base, **answers})

    def home(self, on: date = HOME, how: str = "planned", **answers: Any) -> None:
        """The case profile records that the child went home on `on`."""
        self.profile(returned_home="yes", returned_home_on=on.isoformat(), return_planned=how,
                     **answers)  # fmt: skip

    def plan(self, **answers: Any) -> None:
        self.record("reunification-plan", {"first_review": day(30), **answers})

    def due(self, on: date, profile: str = "framework") -> list[DueItem]:
        return due_items(self.store, LIBRARY, POLICIES, profile, on)

    def found(self, on: date, source: str, profile: str = "framework") -> list[DueItem]:
        return [i for i in self.due(on, profile) if source in i.source]


@pytest.fixture
def case(tmp_path: Path) -> Case:
    return Case(tmp_path / "db")


def either_side(line: date) -> list[tuple[date, bool]]:
    """The day before a deadline, the day itself and the day after, with whether a
    deadline is OVERDUE on each (only on the day after)."""
    return [(line + timedelta(days=d), d > 0) for d in (-1, 0, 1)]


def one(items: list[DueItem]) -> DueItem:
    assert len(items) == 1, items
    return items[0]


# -- Salford: the first visit --------------------------------------------------------

SALFORD_VISIT = "Salford policy 3.1.7, section 3"


def test_salford_section_3_first_visit_counts_from_the_actual_return(case: Case) -> None:
    """Salford policy §3: first visit within two weeks of the child going home, counted
    from the day they actually went (not the planned date), OVERDUE only after it."""
    case.plan(planned_return=PLANNED.isoformat())
    case.home()
    line = HOME + timedelta(days=14)
    for on, overdue in either_side(line):
        item = one(case.found(on, SALFORD_VISIT, "salford"))
        assert item.due_on == line.isoformat() and item.overdue is overdue
        assert "2 weeks" in item.what and "planned return date" not in item.what


def test_salford_section_3_planned_date_stands_in_only_before_the_return(case: Case) -> None:
    """Salford policy §3: before the child goes home the planned date stands in (and the
    item says so); once the return is recorded, the actual date takes over."""
    case.profile()
    case.plan(planned_return=PLANNED.isoformat())
    item = one(case.found(REAL_TODAY, SALFORD_VISIT, "salford"))
    assert item.due_on == (PLANNED + timedelta(days=14)).isoformat()
    assert "Counted from the planned return date" in item.what
    went = REAL_TODAY - timedelta(days=3)
    case.home(on=went)
    item = one(case.found(REAL_TODAY, SALFORD_VISIT, "salford"))
    assert item.due_on == (went + timedelta(days=14)).isoformat()
    assert "planned" not in item.what


def test_salford_section_3_unplanned_return_counts_too(case: Case) -> None:
    """Salford policy §3 (and §6): a child who went home unplanned gets the first visit
    too, counted from that day; no planned date is needed."""
    case.home(how="unplanned")
    item = one(case.found(HOME, SALFORD_VISIT, "salford"))
    assert item.due_on == (HOME + timedelta(days=14)).isoformat()


@pytest.mark.parametrize(
    ("status", "days"),
    [
        ("care_order", 7),
        ("interim_care_order", 7),
        ("placed_with_parents", 7),
        ("section_20", 14),
        ("child_in_need", 14),
    ],
)
def test_salford_section_3_one_week_on_a_care_order(case: Case, status: str, days: int) -> None:
    """Salford policy §3: within one week on a care order (which replaces the two-week
    visit); Reunify reads an interim order and a placement with parents as a care order."""
    case.home(legal_status=status)
    line = HOME + timedelta(days=days)
    before = one(case.found(line - timedelta(days=1), SALFORD_VISIT, "salford"))
    assert before.due_on == line.isoformat() and not before.overdue
    assert one(case.found(line, SALFORD_VISIT, "salford")).overdue is False
    assert one(case.found(line + timedelta(days=1), SALFORD_VISIT, "salford")).overdue


# -- Salford: the review after an unplanned return -----------------------------------

SALFORD_UNPLANNED = "Salford policy 3.1.7, section 6"


def test_salford_section_6_review_within_20_days_of_an_unplanned_return(case: Case) -> None:
    """Salford policy §6: an IRO-chaired review within 20 days of an unplanned return,
    which the case profile now records (the return was unplanned)."""
    case.home(how="unplanned")
    line = HOME + timedelta(days=20)
    for on, overdue in either_side(line):
        item = one(case.found(on, SALFORD_UNPLANNED, "salford"))
        assert item.due_on == line.isoformat() and item.overdue is overdue


@pytest.mark.parametrize("how", ["planned", "not_known"])
def test_salford_section_6_no_unplanned_review_for_other_returns(case: Case, how: str) -> None:
    """Salford policy §6: the 20-day review is for unplanned returns only."""
    case.home(how=how)
    assert case.found(HOME, SALFORD_UNPLANNED, "salford") == []


def test_salford_section_6_a_newer_profile_saying_not_home_drops_the_return(case: Case) -> None:
    """A return that broke down: a newer case profile saying the child is not home means
    no rule counts from the old return any more."""
    case.home(how="unplanned")
    case.profile(returned_home="no")
    assert case.found(HOME, "Salford", "salford") == []
    assert "return_home" not in case_facts(case.store, LIBRARY, case.ref).dates


# -- Ending care: the nominated officer ----------------------------------------------

OFFICER = "regulation 39(4)"


def test_annex_10_nominated_officer_when_section_20_ends_on_the_actual_return(
    case: Case,
) -> None:
    """NSPCC framework, Annex 10 (reg. 39(4), guidance 5.12): a section 20 child looked
    after 20 working days or more stops being looked after on going home; approval is
    due by the actual return day, and OVERDUE only after it."""
    case.plan(planned_return=PLANNED.isoformat())
    case.home(legal_status="section_20")
    for on, overdue in either_side(HOME):
        item = one(case.found(on, OFFICER))
        assert item.due_on == HOME.isoformat() and item.overdue is overdue


@pytest.mark.parametrize("status", ["care_order", "interim_care_order", "placed_with_parents"])
def test_annex_10_no_nominated_officer_where_a_care_order_keeps_the_child_looked_after(
    case: Case, status: str
) -> None:
    """Annex 10, guidance 5.4: a child placed at home under a care order stays looked
    after, so ending care needs no approval, unless the plan says the order is
    discharged."""
    case.home(legal_status=status)
    assert case.found(HOME, OFFICER) == []
    case.plan(looked_after_after_return="stops")
    assert one(case.found(HOME, OFFICER)).due_on == HOME.isoformat()


def test_annex_10_nominated_officer_either_side_of_20_working_days(case: Case) -> None:
    """Annex 10, reg. 39(4): the approval is needed from 20 working days looked after."""
    went = REAL_TODAY - timedelta(days=REAL_TODAY.weekday())  # a Monday
    case.home(on=went, entered_care_on=(went - timedelta(days=28)).isoformat())  # 20 days
    assert one(case.found(went, OFFICER)).due_on == went.isoformat()
    case.home(on=went, entered_care_on=(went - timedelta(days=27)).isoformat())  # 19 days
    assert case.found(went, OFFICER) == []


def test_annex_10_nominated_officer_with_unknowns_says_what_to_check(case: Case) -> None:
    """Annex 10: where the record cannot say whether the approval applies (legal status
    not sure, date into care not known), it is shown with what to check, never as sure."""
    case.record("case-profile", {
        "age_band": "five_to_ten", "legal_status": "not_sure", "entered_care_on_missing":
        "not_known", "returned_home": "yes", "returned_home_on": HOME.isoformat(),
        "return_planned": "planned", "previous_failed_returns": "none",
        "chronic_neglect_or_emotional_abuse": "no", "involved_since_pregnancy": "no",
    }, skip=("entered_care_on",))  # fmt: skip
    item = one(case.found(HOME, OFFICER))
    assert "record does not say whether they will" in item.what
    assert "date the child came into care is not recorded" in item.what


# -- Minimum periods: "not before" ---------------------------------------------------

CAMDEN_CIN = "Camden guidance, section 2"
SERVICES = "Stage 5, Task 2"


@pytest.mark.parametrize(
    ("source", "profile", "months"), [(CAMDEN_CIN, "camden", 3), (SERVICES, "framework", 12)]
)
def test_minimum_periods_are_not_before_dates_never_overdue(
    case: Case, source: str, profile: str, months: int
) -> None:
    """Camden guidance §2 (child in need for at least three months after the return) and
    NSPCC framework, Stage 5, Task 2 (services for at least twelve months): shown as
    "not before" dates, never OVERDUE, gone once the date has passed."""
    case.home(legal_status="section_20")
    line = add_months(HOME, months)
    for on in (line - timedelta(days=1), line):
        item = one(case.found(on, source, profile))
        assert item.due_on == line.isoformat() and item.kind == "not_before"
        assert item.what.startswith("Not before this date.") and not item.overdue
    assert case.found(line + timedelta(days=1), source, profile) == []


def test_camden_section_1_its_rules_only_where_care_ends(case: Case) -> None:
    """Camden guidance §1: the guidance covers children who stop being looked after; a
    child placed with parents on a care order follows another policy."""
    case.home(legal_status="care_order")
    assert case.found(HOME, "Camden", "camden") == []


def test_stage_5_task_4_low_risk_held_six_months_is_a_not_before_date(case: Case) -> None:
    """NSPCC framework, Stage 5, Task 4: keep the case open until an agreed low level has
    held six months, counted from the first of a run of agreed LOW decisions."""
    case.home()
    first = case.store.record_decision(case.ref, make_decision("low", "Agreed.", None, "TM"))
    case.store.record_decision(case.ref, make_decision("low", "Still low.", None, "TM"))
    start = date.fromisoformat(first["at"][:10])
    line = add_months(start, 6)
    source = "Stage 5, Task 4 'Reclassification of risk'; Stage 2"
    item = one(case.found(line, source))
    assert item.due_on == line.isoformat() and not item.overdue and item.kind == "not_before"
    assert case.found(line + timedelta(days=1), source) == []


# -- Camden: the IRO chairs the reviews in the first six months ----------------------

CAMDEN_IRO = "Camden guidance, section 4.5"


def test_camden_section_4_5_iro_chairs_the_reviews_in_the_first_six_months(case: Case) -> None:
    """Camden guidance §4.5: the IRO chairs the child in need reviews during the first six
    months after the return; an arrangement up to a date, not one review due by day 182."""
    case.home(legal_status="section_20")
    line = add_months(HOME, 6)
    for on in (HOME, line - timedelta(days=1), line):
        item = one(case.found(on, CAMDEN_IRO, "camden"))
        assert item.due_on == line.isoformat() and item.kind == "until" and not item.overdue
        assert item.what.startswith("Until this date.") and "first 6 months" in item.what
    assert case.found(line + timedelta(days=1), CAMDEN_IRO, "camden") == []


# -- "Not known" answers ---------------------------------------------------------------


def test_age_not_known_is_left_out_never_made_up(case: Case) -> None:
    """Age "not known" leaves the child's age out of the classification, and the
    director's approval (16 or 17 under section 20, Annex 10) is shown with a check."""
    case.home(age_band="not_known", previous_failed_returns="not_known",
              chronic_neglect_or_emotional_abuse="unknown")  # fmt: skip
    now = classify_case(case.store, LIBRARY, case.ref, REAL_TODAY)
    assert "age_months" not in now.inputs.data.get("child", {})
    facts = now.inputs.data["facts"]
    assert facts["previous_failed_returns"] is None
    assert facts["chronic_neglect_or_emotional_abuse"] is None
    item = one(case.found(HOME, "regulation 39(5)"))
    assert "age is not recorded" in item.what


def test_date_into_care_not_known_is_recorded_as_not_known(case: Case) -> None:
    """The date the child came into care has a "not known" answer; a newer "not known"
    replaces an older date, and no date is made up."""
    case.profile()
    assert case_facts(case.store, LIBRARY, case.ref).entered_care_on == date(2024, 1, 8)
    case.record("case-profile", {"entered_care_on_missing": "not_known"},
                skip=("entered_care_on",))  # fmt: skip
    assert case_facts(case.store, LIBRARY, case.ref).entered_care_on is None


def test_history_start_not_known_is_recorded_as_not_known(case: Case) -> None:
    """The case history's start has a "not known" answer (NSPCC framework, Stage 1,
    Task 1), kept as such and never as a date."""
    case.record("case-history", {"period_from_missing": "not_known"}, skip=("period_from",))
    (session,) = case.store.sessions(case.ref)
    events = [a.event for a in case.store.answers_by_session(case.ref)[session.id]]
    answers = FlowSession(LIBRARY.flows["case-history"], events).answers()
    assert answers["period_from_missing"] == "not_known" and "period_from" not in answers


# -- The plan: permanence away from home -----------------------------------------------


def reclassify(items: list[DueItem]) -> list[str]:
    return [i.what for i in items if "Reclassify" in i.what or "permanence plan" in i.what]


def decide(level: str, agreed_with: str | None) -> Callable[[Case], Any]:
    reason = "Talked through in supervision."
    return lambda c: c.store.record_decision(c.ref, make_decision(level, reason, None, agreed_with))


REVIEW = ["Review the permanence plan"]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (lambda c: c.profile(permanence_plan="away_from_home"), REVIEW),
        (lambda c: c.profile(permanence_plan="return_home_parallel"), []),
        (decide("severe", "TM"), REVIEW),
        (decide("severe", None), []),  # a practitioner's own view: not agreed
    ],
)
def test_stage_2_task_4_permanence_away_from_home_reviews_the_plan(
    case: Case, record: Callable[[Case], Any], expected: list[str]
) -> None:
    """NSPCC framework, Stage 2, Tasks 1 and 4: a case whose agreed plan is permanence away
    from home (the case profile's plan, or an agreed SEVERE) shows "review the permanence
    plan", not "reclassify"; a practitioner's own view is not agreed and changes nothing."""
    case.profile(permanence_plan="return_home")
    case.store.record_decision(case.ref, make_decision("high", "Agreed.", None, "TM"))
    record(case)
    shown = reclassify(case.due(REAL_TODAY))
    want = [w + " (the plan is permanence away from home)" for w in expected]
    assert shown == (want or ["Reclassify the risk"])


def test_a_newer_plan_to_return_home_outranks_an_older_agreed_severe(case: Case) -> None:
    """The newer of the two says what the plan is: a plan for return recorded after an
    agreed SEVERE brings back reclassifying."""
    case.store.record_decision(case.ref, make_decision("severe", "Agreed.", None, "TM"))
    case.profile(permanence_plan="return_home")
    assert reclassify(case.due(REAL_TODAY)) == ["Reclassify the risk"]


def test_no_level_and_no_reclassify_when_nothing_is_suggested_or_agreed(case: Case) -> None:
    """Engine contract v2: with too little recorded there is no suggestion and nothing
    held; what is due then names no level and asks for no reclassification."""
    case.profile()
    now = classify_case(case.store, LIBRARY, case.ref, REAL_TODAY)
    assert now.result is not None and now.result.suggested is None
    items = case.due(REAL_TODAY)
    assert reclassify(items) == []
    words = " ".join(i.what for i in items)
    assert not any(level in words for level in ("LOW", "MEDIUM", "HIGH", "SEVERE"))


# -- The other rules, through recorded answers too --------------------------------------


def test_stage_5_task_4_reclassify_six_months_after_the_actual_return(case: Case) -> None:
    """NSPCC framework, Stage 5, Task 4: reclassify six months after the child went home
    (calendar months, as the engine counts them); OVERDUE only after the date."""
    case.home()
    line = add_months(HOME, 6)
    source = "NSPCC framework, Stage 5, Task 4 'Reclassification of risk'"
    for on, overdue in either_side(line):
        (item,) = [i for i in case.due(on) if i.source == source]
        assert item.due_on == line.isoformat() and item.overdue is overdue


def test_salford_section_8_reviews_every_six_weeks_after_the_first(case: Case) -> None:
    """Salford policy §8: after the first review (the plan's date), every six weeks."""
    case.plan()
    first = REAL_TODAY + timedelta(days=30)
    source = "Salford policy 3.1.7, section 8"
    assert one(case.found(first, source, "salford")).due_on == first.isoformat()
    after = one(case.found(first + timedelta(days=1), source, "salford"))
    assert after.due_on == (first + timedelta(days=42)).isoformat()


#: each rule of each profile, and the test here that records answers for it
TESTED = {
    "first_visit_after_return": "test_salford_section_3_first_visit_counts_from_the_actual_return",
    "first_visit_after_return_care_order": "test_salford_section_3_one_week_on_a_care_order",
    "review_after_unplanned_return": "test_salford_section_6_review_within_20_days",
    "child_in_need_reviews_six_weekly": "test_salford_section_8_reviews_every_six_weeks",
    "child_in_need_three_months": "test_minimum_periods_are_not_before_dates_never_overdue",
    "iro_chairs_reviews_first_six_months": "test_camden_section_4_5_iro_chairs_the_reviews",
    "reclassify_six_months_after_return": "test_stage_5_task_4_reclassify_six_months_after",
    "low_risk_held_six_months_before_closing": "test_stage_5_task_4_low_risk_held_six_months",
    "post_return_services_twelve_months": "test_minimum_periods_are_not_before_dates_never_overdue",
    "nominated_officer_approval": "test_annex_10_nominated_officer_when_section_20_ends",
    "director_approval_16_17_section_20": "test_age_not_known_is_left_out_never_made_up",
}


def test_every_rule_is_tested_through_recorded_answers() -> None:
    """Each rule of each shipped profile has a test here that records answers."""
    rules = {rule.id for policy in POLICIES.values() for rule in policy.rules}
    assert rules == set(TESTED)
    names = [name for name in globals() if name.startswith("test_")]
    for rule, test in TESTED.items():
        assert any(name.startswith(test) for name in names), f"{rule}: no test {test}"


# -- Case supervision: the actions agreed, each with its date (issue 17) ---------------

SUPERVISION = "Case supervision"


def test_supervision_actions_with_dates_and_the_next_supervision_are_due(case: Case) -> None:
    """Agreed actions with dates and the next supervision appear in what is due, each
    naming the supervision it came from; a past date is OVERDUE."""
    case.record(
        "supervision-assessment",
        {
            "action_1": "Gather the child's view using Three Houses: allocated worker",
            "action_1_by": day(14),
            "action_2": "Chase the police check on the mother's partner: team manager",
            "action_2_by": day(7),
            "next_supervision": day(28),
        },
        skip=("action_3",),
    )
    found = case.found(REAL_TODAY, SUPERVISION)
    assert [(i.what, i.due_on) for i in found] == [
        ("Agreed in supervision: Chase the police check on the mother's partner: team manager",
         day(7)),
        ("Agreed in supervision: Gather the child's view using Three Houses: allocated worker",
         day(14)),
        ("Next supervision on this case", day(28)),
    ]  # fmt: skip
    assert all(i.source.startswith(f"{SUPERVISION}, ") for i in found)
    assert "(Supervision: assessment and the reunification decision)" in found[0].source
    later = case.found(REAL_TODAY + timedelta(days=20), SUPERVISION)
    assert [i.overdue for i in later] == [True, True, False]


def test_a_later_supervision_sets_what_is_due_in_place_of_the_earlier(case: Case) -> None:
    case.record(
        "supervision-assessment",
        {"action_1": "First action", "action_1_by": day(10), "next_supervision": day(30)},
        skip=("action_2",),
    )
    case.record(
        "supervision-planning",
        {
            "action_1": "Rewrite goal 2 with the mother",
            "action_1_by": day(21),
            "reclass_due": day(90),
            "next_supervision": day(42),
        },
        skip=("action_2",),
    )
    found = case.found(REAL_TODAY, SUPERVISION)
    assert [(i.what, i.due_on) for i in found] == [
        ("Agreed in supervision: Rewrite goal 2 with the mother", day(21)),
        ("Next supervision on this case", day(42)),
        ("Classify the risk again (agreed in supervision)", day(90)),
    ]
    assert all("planning and supporting the return" in i.source for i in found)
