"""Independent classification rounds, the timeline and what is due (issue 8, in part)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.casework.due import CaseFacts, profile_rules, rule_items, working_days
from assistant.casework.policies import load_policies
from assistant.casework.rounds import (
    RoundError,
    agree_round,
    confer,
    make_rating,
    open_round,
    prompts,
    rate,
    rounds,
    visible_ratings,
)
from assistant.casework.timeline import chart, entries, history, render
from assistant.commands.main import main
from assistant.paths import content_dir
from assistant.records.store import Store
from tests.pilot import wait_until

ROWS = {
    "risk_factors": "high",
    "protective_factors": "medium",
    "capacity_to_change": "high",
    "wishes": "medium",
}
SUGGESTED = {"level": "high", "rows": {**ROWS, "protective_factors": "low"}}
POLICIES = load_policies(content_dir())


@pytest.fixture
def case(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db")
    store.create_case("C-1")
    return store


def test_a_rater_sees_no_other_rating_before_submitting(case: Store) -> None:
    """Stage 2 Task 1: each classifies on their own before conferring (blind rating)."""
    opened = open_round(case, "C-1", SUGGESTED)
    rate(case, "C-1", opened.id, make_rating("worker", "AB", ROWS, "high", "Partner unassessed."))
    (current,) = rounds(case, "C-1")
    assert visible_ratings(current, "team_manager") == ()
    assert visible_ratings(current, "independent_reviewer") == ()
    assert [r.role for r in visible_ratings(current, "worker")] == ["worker"]
    manager = make_rating("team_manager", "CD", {**ROWS, "risk_factors": "medium"}, "medium", "x")
    current = rate(case, "C-1", opened.id, manager)
    assert [r.role for r in visible_ratings(current, "team_manager")] == ["worker", "team_manager"]
    with pytest.raises(RoundError, match="already rated"):
        rate(case, "C-1", opened.id, manager)


def test_conferring_shows_rows_side_by_side_and_names_differences(case: Store) -> None:
    """Stage 2 Task 1 / Stage 4: raters and the table row by row, differences in words."""
    opened = open_round(case, "C-1", SUGGESTED)
    rate(case, "C-1", opened.id, make_rating("worker", "AB", ROWS, "high", "r"))
    current = rate(
        case,
        "C-1",
        opened.id,
        make_rating("team_manager", "CD", {**ROWS, "risk_factors": "medium"}, "medium", "r"),
    )
    rows = {row.name: row for row in confer(current)}
    assert rows["risk_factors"].by_role == {"worker": "high", "team_manager": "medium"}
    assert rows["risk_factors"].differs
    assert not rows["capacity_to_change"].differs
    assert rows["protective_factors"].differs  # both say medium; the table says low
    asked = prompts(current)
    assert any(p.startswith("Risk factors: social worker high, team manager medium") for p in asked)
    assert main(["--db", str(case.root), "case", "round", "show", "C-1", "--as", "worker"]) == 0


def test_the_agreed_level_needs_a_reason_and_a_sentence_to_override(case: Store) -> None:
    """Stage 2 Task 1: an override of the table (a single grave factor) needs its reason."""
    opened = open_round(case, "C-1", SUGGESTED)
    with pytest.raises(RoundError, match="at least two raters"):
        agree_round(case, "C-1", opened.id, "high", "As the table says.", "AB")
    rate(case, "C-1", opened.id, make_rating("worker", "AB", ROWS, "high", "r"))
    rate(case, "C-1", opened.id, make_rating("team_manager", "CD", ROWS, "medium", "r"))
    with pytest.raises(RoundError, match="differs from Reunify's reading of the table"):
        agree_round(case, "C-1", opened.id, "medium", "ok", "AB and CD")
    with pytest.raises(RoundError, match="give the reason"):
        agree_round(case, "C-1", opened.id, "high", "  ", "AB and CD")
    agreed = agree_round(
        case,
        "C-1",
        opened.id,
        "medium",
        "Months of negative tests and a named protective adult.",
        "AB",
    )
    assert agreed["suggested"] == "high" and agreed["level"] == "medium"
    (closed,) = rounds(case, "C-1")
    assert not closed.open and closed.agreed["agreed_by"] == "AB"
    assert case.decisions("C-1")[-1]["round"] == opened.id
    with pytest.raises(RoundError, match="agreed and closed"):
        rate(case, "C-1", opened.id, make_rating("independent_reviewer", "EF", ROWS, "high", "r"))


def test_timeline_is_in_date_order_and_feeds_the_engine_history() -> None:
    decisions = [
        {"at": "2026-06-01T10:00:00+00:00", "level": "high", "suggested": "high", "who": "a",
         "agreed_with": "m"},
        {"at": "2026-01-05T10:00:00+00:00", "level": "severe", "suggested": "high", "who": "b",
         "round": "r1", "agreed_by": "b and m"},
        {"at": "2026-06-01T15:00:00+00:00", "level": "medium", "suggested": "high", "who": "c",
         "agreed_with": "m"},
        # one person's view: shown as theirs, never the engine's history
        {"at": "2026-03-01T15:00:00+00:00", "level": "low", "suggested": "high", "who": "d"},
    ]  # fmt: skip
    timeline = entries(decisions)
    assert [e.at[:13] for e in timeline] == [
        "2026-01-05T10", "2026-03-01T15", "2026-06-01T10", "2026-06-01T15"
    ]  # fmt: skip
    assert [e.is_agreed for e in timeline] == [True, False, True, True]
    assert "d's view, not yet agreed" in render("C-1", timeline, None)
    assert history(decisions, date(2026, 7, 1)) == [
        {"on": "2026-01-05", "suggested": "high", "agreed": "severe"},
        {"on": "2026-06-01", "suggested": "high", "agreed": "medium"},
    ]
    assert history(decisions, date(2026, 6, 1)) == [
        {"on": "2026-01-05", "suggested": "high", "agreed": "severe"}
    ]
    picture = chart(timeline)
    assert picture[0].startswith(" SEVERE │ ● ")
    assert all(len(line) <= 80 for line in render("C-1", timeline, None).splitlines())


def test_the_timeline_is_laid_out_for_the_width_it_is_given() -> None:
    """The app gives its dialog's width, so that no line is wrapped a second time
    there; a reason continues two columns further in than it starts."""
    reason = "The change has lasted four months, not six; the partner is not yet assessed. " * 2
    decision = {"at": "2026-06-01T10:00:00+00:00", "level": "high", "suggested": "high",
                "who": "a", "reason": reason}  # fmt: skip
    lines = render("C-1", entries([decision]), None, width=60).splitlines()
    assert max(len(line) for line in lines) <= 60
    start = next(i for i, line in enumerate(lines) if line.startswith("    reason: "))
    assert all(line.startswith("      ") for line in lines[start + 1 : start + 3])
    assert " ".join(" ".join(lines[start:]).split()) == f"reason: {reason.strip()}"


def facts(**kw) -> CaseFacts:
    base = {"ref": "C-1", "dates": {}}
    return CaseFacts(**{**base, **kw})


TODAY = date(2026, 11, 23)


def due(profile: str, rule_id: str, **kw) -> list[str]:
    rule = next(r for r in profile_rules(POLICIES, profile) if r.id == rule_id)
    return [i.due_on for i in rule_items(rule, facts(**kw), TODAY)]


def test_salford_first_visit_two_weeks_after_the_return() -> None:
    """Salford policy §3: first visit within 2 weeks of the return home (counted from
    recorded answers in tests/test_due_sources.py)."""
    assert due("salford", "first_visit_after_return",
               dates={"return_home": date(2026, 12, 1)}) == ["2026-12-15"]  # fmt: skip


def test_salford_first_visit_one_week_on_a_care_order() -> None:
    """Salford policy §3: within 1 week on a care order (and it replaces the 2-week rule)."""
    assert due("salford", "first_visit_after_return_care_order", legal_status="care_order",
               dates={"return_home": date(2026, 12, 1)}) == ["2026-12-08"]  # fmt: skip
    assert due("salford", "first_visit_after_return_care_order", legal_status="section_20",
               dates={"return_home": date(2026, 12, 1)}) == []  # fmt: skip


def test_salford_review_within_20_days_of_an_unplanned_return() -> None:
    """Salford policy §6: review within 20 days of an unplanned return."""
    assert due("salford", "review_after_unplanned_return",
               dates={"unplanned_return": date(2026, 11, 1)}) == ["2026-11-21"]  # fmt: skip


def test_salford_child_in_need_reviews_every_six_weeks() -> None:
    """Salford policy §8: reviews every 6 weeks after the first; the next one on or after today."""
    assert due("salford", "child_in_need_reviews_six_weekly",
               dates={"review": date(2026, 10, 1)}) == ["2026-12-24"]  # fmt: skip


def test_camden_child_in_need_for_three_months_after_return() -> None:
    """Camden guidance §2: child in need for at least 3 months after the return (a
    "not before" date: still shown on 2026-12-01, gone after it)."""
    ending = {"ending_care": date(2026, 9, 1)}
    assert due("camden", "child_in_need_three_months", dates=ending,
               care_ends=True) == ["2026-12-01"]  # fmt: skip


def test_framework_nominated_officer_after_20_working_days() -> None:
    """Annex 10: nominated officer approval once looked after 20+ working days."""
    ending = {"ending_care": date(2026, 12, 14)}
    assert due("framework", "nominated_officer_approval", dates=ending, care_ends=True,
               entered_care_on=date(2025, 10, 6)) == ["2026-12-14"]  # fmt: skip
    assert due("framework", "nominated_officer_approval", dates=ending, care_ends=True,
               entered_care_on=date(2026, 12, 1)) == []  # fmt: skip
    assert working_days(date(2026, 11, 23), date(2026, 11, 30)) == 5


def test_framework_director_approval_for_16_17_under_section_20() -> None:
    """Annex 10: director's approval for a 16–17-year-old accommodated under section 20."""
    ending = {"ending_care": date(2026, 12, 14)}
    rule = "director_approval_16_17_section_20"
    assert due("framework", rule, dates=ending, legal_status="section_20", age=(16, 17),
               care_ends=True) == ["2026-12-14"]  # fmt: skip
    assert due("framework", rule, dates=ending, legal_status="section_20", age=(11, 15)) == []
    assert due("framework", rule, dates=ending, legal_status="care_order", age=(16, 17)) == []


def test_framework_low_risk_held_six_months_only_at_low() -> None:
    """Stage 5 Task 4: low risk held 6 months before closing; only when agreed low."""
    rule = "low_risk_held_six_months_before_closing"
    assert due("framework", rule, agreed_level="low", agreed_on=date(2026, 6, 1)) == ["2026-12-01"]
    assert due("framework", rule, agreed_level="high", agreed_on=date(2026, 6, 1)) == []


def test_demo_case_has_a_round_with_a_disagreement_and_due_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 8: the demo case has a round with a disagreement and shows due items."""
    import json

    db = tmp_path / "db"
    assert main(["--db", str(db), "demo"]) == 0
    store = Store(db)
    (demo_round,) = rounds(store, "DEMO-001")
    assert any(row.differs for row in confer(demo_round)) and not demo_round.open
    capsys.readouterr()
    assert main(["--db", str(db), "due", "--profile", "salford", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {"case", "what", "due_on", "source", "overdue", "kind"} == set(items[0])
    assert [i["due_on"] for i in items] == sorted(i["due_on"] for i in items)
    # a care order: the one-week visit, counted from the planned date until the return
    assert any("1 week of the child going home" in i["what"] for i in items)
    assert not any("within 2 weeks of the child going home" in i["what"] for i in items)
    # a care order keeps the child looked after at home: no approval to end care
    assert not any("nominated officer" in i["what"] for i in items)
    assert main(["--db", str(db), "case", "timeline", "DEMO-001"]) == 0
    out = capsys.readouterr().out
    assert "agreed in a round by" in out and "reclassify by" in out
    assert main(["--db", str(db), "case", "timeline", "DEMO-001", "--json"]) == 0
    timeline = json.loads(capsys.readouterr().out)
    ats = [e["at"] for e in timeline["entries"]]
    assert ats == sorted(ats) and timeline["entries"][-1]["round"] == demo_round.id
    assert timeline["now"]["trajectory"]["reclassify_by"]
    assert main(["--db", str(db), "due", "--profile", "nowhere"]) == 2


async def test_home_screen_shows_what_is_due_soonest_first(tmp_path: Path) -> None:
    """issue 8: the home screen shows what is due across cases; d lists it all with sources."""

    from assistant.casework.demo import write_demo
    from assistant.flows.loader import default_library
    from assistant.ui.app import create_app
    from assistant.ui.due import DueScreen

    store = Store(tmp_path / "db")
    write_demo(store, default_library())
    async with create_app(store, select="DEMO-001").run_test(size=(80, 24)) as pilot:
        home = pilot.app.screen
        await wait_until(pilot, lambda: home.due)
        shown = str(home.query_one("#due").render())
        assert "DEMO-001" in shown
        assert [i.due_on for i in home.due] == sorted(i.due_on for i in home.due)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DueScreen)
        assert "Source: " in pilot.app.screen.query_one("#due-all").shown()


async def test_classifying_together_in_the_app(tmp_path: Path) -> None:
    """issue 8 in the app: open a round, rate blind, confer (DIFFERS), agree with a reason;
    the timeline shows the agreed level."""
    from textual.widgets import Input, Select, TextArea

    from assistant.casework.demo import write_demo
    from assistant.flows.loader import default_library
    from assistant.ui.app import create_app
    from assistant.ui.rounds import RoundScreen, TimelineScreen

    store = Store(tmp_path / "db")
    write_demo(store, default_library())
    async with create_app(store, select="DEMO-001").run_test(size=(100, 40)) as pilot:
        await pilot.press("enter", "r")  # the case screen, then its round
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RoundScreen)
        screen.query_one("#open").press()
        await pilot.pause()
        await pilot.pause()
        # classify before you look: nothing of Reunify's reading before a rating is in
        before = str(screen.query_one("#round-status").render())
        assert "opened" in before
        assert not any(level in before.lower() for level in ("low", "medium", "high", "severe"))
        screen.query_one("#role", Select).value = "worker"
        await pilot.pause()
        hidden = str(screen.query_one("#confer").render())
        assert "Submit your own first" in hidden and "reading" in hidden
        assert not any(level in hidden.upper() for level in ("LOW", "MEDIUM", "HIGH", "SEVERE"))

        async def submit(role: str, name: str, rows: dict, overall: str) -> str:
            screen.query_one("#role", Select).value = role
            screen.query_one("#rater", Input).value = name
            for row, level in rows.items():
                screen.query_one(f"#row-{row}", Select).value = level
            screen.query_one("#overall", Select).value = overall
            screen.query_one("#reasons", TextArea).load_text("Reasons given on my own.")
            await pilot.pause()
            screen.query_one("#submit").press()
            await pilot.pause()
            return str(screen.query_one("#confer").render())

        shown = await submit("worker", "AB", ROWS, "high")
        assert "worker" in shown and "manager" not in shown
        assert "Reunify's reading of the framework's table" in shown  # now, and only now
        screen.query_one("#role", Select).value = "team_manager"
        await pilot.pause()
        assert "Submit your own first" in str(screen.query_one("#confer").render())
        shown = await submit("team_manager", "CD", {**ROWS, "risk_factors": "medium"}, "medium")
        assert "DIFFERS" in shown and "To discuss:" in shown
        screen.query_one("#agreed-level", Select).value = "medium"
        screen.query_one("#agreed-by", Input).value = "AB and CD"
        screen.query_one("#agreed-reason", TextArea).load_text("ok")
        await pilot.pause()
        screen.query_one("#agree").press()
        await pilot.pause()
        error = str(screen.query_one("#round-error").render())
        assert "differs from Reunify's reading of the table" in error
        screen.query_one("#agreed-reason", TextArea).load_text(
            "Months of negative tests and a named protective adult."
        )
        await pilot.pause()
        screen.query_one("#agree").press()
        await pilot.pause()
        assert not isinstance(pilot.app.screen, RoundScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TimelineScreen)
        assert "MEDIUM (Reunify's reading HIGH) · agreed in a round by AB and CD" in (
            pilot.app.screen.text
        )
    assert store.decisions("DEMO-001")[-1]["level"] == "medium"


@pytest.mark.parametrize(
    ("profile", "rule", "on", "kind", "source"),
    [
        ("camden", "iro_chairs_reviews_first_six_months", "2027-03-01", "until",
         "Camden guidance, section 4.5"),
        ("framework", "reclassify_six_months_after_return", "2027-03-01", "due", "Stage 5, Task 4"),
        ("framework", "post_return_services_twelve_months", "2027-09-01", "not_before",
         "Stage 5, Task 2"),
    ],
)  # fmt: skip
def test_rules_counted_from_the_return_home(
    profile: str, rule: str, on: str, kind: str, source: str
) -> None:
    """Camden §4.5 (the IRO chairs the reviews in the first 6 months); NSPCC framework
    Stage 5 Task 4 (reclassify 6 months after return) and Task 2 (services for at least
    12 months): calendar months, as the engine counts six months."""
    returned = date(2026, 9, 1)
    (item,) = rule_items(
        next(r for r in profile_rules(POLICIES, profile) if r.id == rule),
        facts(dates={"return_home": returned, "ending_care": returned}, care_ends=True),
        TODAY,
    )
    assert (item.due_on, item.kind) == (on, kind)
    assert source in item.source


def test_every_rule_of_every_profile_is_tested_here() -> None:
    """Each due-date rule of each profile has a test in this file naming it (and one
    through recorded answers in tests/test_due_sources.py)."""
    here = Path(__file__).read_text()
    for policy in POLICIES.values():
        for rule in policy.rules:
            assert f'"{rule.id}"' in here, f"{policy.id}: rule {rule.id} has no test"


def test_a_planned_return_stands_for_the_return_until_it_happens(case: Store) -> None:
    """Before the child goes home, rules counted from the return use the planned date."""
    from assistant.casework.due import case_facts
    from assistant.flows.loader import default_library
    from assistant.flows.runner import AnswerEvent

    library = default_library()
    session = case.start_session("C-1", "reunification-plan", "Plan").id
    case.record("C-1", session, AnswerEvent("planned_return", "2026-12-01"))
    assert case_facts(case, library, "C-1").dates["return_home"] == date(2026, 12, 1)
    assert case_facts(case, library, "C-1").planned_stand_in
    profile = case.start_session("C-1", "case-profile", "Profile").id
    case.record("C-1", profile, AnswerEvent("returned_home", "yes"))
    case.record("C-1", profile, AnswerEvent("returned_home_on", "2026-12-03"))
    assert case_facts(case, library, "C-1").dates["return_home"] == date(2026, 12, 3)
    assert not case_facts(case, library, "C-1").planned_stand_in


async def test_home_screen_uses_the_profile_in_settings(tmp_path: Path) -> None:
    """The home screen's list follows `policy_profile` in settings (Salford here)."""

    from assistant.casework.demo import write_demo
    from assistant.flows.loader import default_library
    from assistant.records.settings import save_setting
    from assistant.ui.app import create_app

    save_setting("policy_profile", "salford")
    store = Store(tmp_path / "db")
    write_demo(store, default_library())
    async with create_app(store, select="DEMO-001").run_test(size=(80, 24)) as pilot:
        home = pilot.app.screen
        await wait_until(pilot, lambda: home.due)
        assert any("Salford" in item.source for item in home.due)
