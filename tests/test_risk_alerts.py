"""Alerts: research messages the framework asks workers to weigh (issue 3, "Alerts").

Sources: NSPCC framework, Stage 1 (b) messages from research on reunification;
Stage 1 (c) capacity to change literature (Ward et al. 2014); Annex 13 and
Stage 4 Task 1 (babies); Stage 3 Task 2, Stage 2 Task 1 and Annex 10 (Section 20).
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.risk import classify, explain
from assistant.risk.explain import ALERTS

DAY = "2026-08-01"
ALL_ALERTS = sorted(ALERTS)


def alerts(**overrides: Any) -> list[str]:
    return classify({"assessed_on": DAY, **overrides})["alerts"]


RISK_STATUSES = ["absent", "addressed", "being_addressed", "not_addressed", "unknown"]
PRESENT = {"addressed", "being_addressed", "not_addressed"}


@pytest.mark.parametrize("status", [*RISK_STATUSES, None])
def test_alert_substance_misuse_stage1b(status: str | None) -> None:
    """Stage 1 (b): alcohol/drug misuse (78% vs 29%; 81% breakdown, Wade et al 2011)
    alerts when substance_misuse is addressed, being_addressed or not_addressed."""
    factors = {} if status is None else {"substance_misuse": status}
    assert ("substance_misuse" in alerts(factors=factors)) == (status in PRESENT)


@pytest.mark.parametrize("substance", [*RISK_STATUSES, None])
@pytest.mark.parametrize("violence", [*RISK_STATUSES, None])
def test_alert_domestic_abuse_with_substance_misuse_stage1c(
    substance: str | None, violence: str | None
) -> None:
    """Stage 1 (c), Ward et al 2014: substance misuse combined with domestic violence
    (inter_parental_conflict_violence) -> change highly unlikely."""
    factors = {
        k: v
        for k, v in (
            ("substance_misuse", substance),
            ("inter_parental_conflict_violence", violence),
        )
        if v is not None
    }
    expected = substance in PRESENT and violence in PRESENT
    assert ("domestic_abuse_with_substance_misuse" in alerts(factors=factors)) == expected


@pytest.mark.parametrize(("count", "expected"), [(None, False), (0, False), (1, True), (2, True)])
def test_alert_previous_failed_return_stage1b(count: int | None, expected: bool) -> None:
    """Stage 1 (b): previous failed returns predict further breakdown (>= 1 alerts)."""
    facts = {} if count is None else {"previous_failed_returns": count}
    assert ("previous_failed_return" in alerts(facts=facts)) == expected


@pytest.mark.parametrize(("value", "expected"), [(None, False), (False, False), (True, True)])
def test_alert_chronic_neglect_or_emotional_abuse_stage1b(
    value: bool | None, expected: bool
) -> None:
    """Stage 1 (b): chronic neglect or emotional abuse -> children do worse at home."""
    facts = {} if value is None else {"chronic_neglect_or_emotional_abuse": value}
    assert ("chronic_neglect_or_emotional_abuse" in alerts(facts=facts)) == expected


@pytest.mark.parametrize("involved", [True, False, None])
@pytest.mark.parametrize("changed", [True, False, None, "missing"])
def test_alert_no_change_since_pregnancy_stage1b(involved: bool | None, changed: Any) -> None:
    """Stage 1 (b): involved since pregnancy and no substantial change within six
    months of birth -> real change unlikely. Only an explicit false triggers it."""
    facts: dict[str, Any] = {}
    if involved is not None:
        facts["involved_since_pregnancy"] = involved
    if changed != "missing":
        facts["substantial_change_within_6_months_of_birth"] = changed
    expected = involved is True and changed is False
    assert ("no_change_since_pregnancy" in alerts(facts=facts)) == expected


@pytest.mark.parametrize(
    ("age", "expected"), [(None, False), (0, True), (23, True), (24, False), (25, False)]
)
def test_alert_infant_timescales_annex13_stage4_task1(age: int | None, expected: bool) -> None:
    """Annex 13 (babies), Stage 4 Task 1: under 24 months, parents have less time."""
    child = {} if age is None else {"age_months": age}
    assert ("infant_timescales" in alerts(child=child)) == expected


@pytest.mark.parametrize(
    ("count", "expected"), [(None, False), (0, False), (1, False), (2, True), (3, True)]
)
def test_alert_too_many_chances_stage1b(count: int | None, expected: bool) -> None:
    """Stage 1 (b): 'too many chances' in 38% of cases; goals unmet at >= 2 reviews."""
    facts = {} if count is None else {"goals_not_met_reviews": count}
    assert ("too_many_chances" in alerts(facts=facts)) == expected


@pytest.mark.parametrize(
    "status",
    [
        "care_order",
        "interim_care_order",
        "section_20",
        "placed_with_parents",
        "child_in_need",
        None,
    ],
)
def test_alert_section_20_stage3_task2_annex10(status: str | None) -> None:
    """Stage 3 Task 2, Stage 2 Task 1 and Annex 10: Section 20 accommodation."""
    child = {} if status is None else {"legal_status": status}
    assert ("section_20" in alerts(child=child)) == (status == "section_20")


EVERYTHING: dict[str, Any] = {
    "child": {"age_months": 10, "legal_status": "section_20"},
    "factors": {"substance_misuse": "addressed", "inter_parental_conflict_violence": "addressed"},
    "facts": {
        "previous_failed_returns": 1,
        "chronic_neglect_or_emotional_abuse": True,
        "involved_since_pregnancy": True,
        "substantial_change_within_6_months_of_birth": False,
        "goals_not_met_reviews": 2,
        "grave_concern": True,
    },
}


def test_all_alerts_sorted_stage1b_stage1c() -> None:
    """Alert ids come sorted; all nine can fire together."""
    assert alerts(**EVERYTHING) == ALL_ALERTS
    assert len(ALL_ALERTS) == 9


@pytest.mark.parametrize(
    "fact",
    [
        "previous_failed_returns",
        "chronic_neglect_or_emotional_abuse",
        "involved_since_pregnancy",
        "goals_not_met_reviews",
        "grave_concern",
    ],
)
def test_a_fact_not_known_raises_no_alert_and_is_a_gap(fact: str) -> None:
    """Contract v2: null means not known: never read as 0 or false, never an alert,
    always listed in gaps as facts.<name>."""
    out = classify({"assessed_on": DAY, "facts": {fact: None}})
    assert out["alerts"] == []
    assert f"facts.{fact}" in out["gaps"]


def test_no_alerts_by_default() -> None:
    """Issue 3: with no facts given, no research message is raised."""
    assert alerts() == []


def test_alerts_never_change_levels() -> None:
    """Stage 1 (b)/(c): alerts are prompts for judgement; levels come from the table.
    Only the practitioner's grave concern (Stage 1 (a)) moves the suggestion, never
    a row."""
    base = {
        "assessed_on": DAY,
        "factors": {"healthy_child": "present", "neglect": "absent"},
        "capacity_to_change": "substantial",
        "wishes": {"parents": "want", "child": "want"},
    }
    with_alerts = {**base, **{k: v for k, v in EVERYTHING.items() if k != "factors"}}
    assert classify(base)["rows"] == classify(with_alerts)["rows"]
    no_grave = {**with_alerts, "facts": {**EVERYTHING["facts"], "grave_concern": False}}
    assert classify(no_grave)["suggested"] == classify(base)["suggested"] == "low"


FIGURES = {
    "substance_misuse": ["78%", "29%", "81%", "Wade"],
    "too_many_chances": ["38%"],
    "domestic_abuse_with_substance_misuse": ["Ward et al. (2014)"],
}
CITES = {
    "substance_misuse": "Stage 1 (b)",
    "domestic_abuse_with_substance_misuse": "Stage 1 (c)",
    "previous_failed_return": "Stage 1 (b)",
    "chronic_neglect_or_emotional_abuse": "Stage 1 (b)",
    "no_change_since_pregnancy": "Stage 1 (b)",
    "infant_timescales": "Annex 13",
    "too_many_chances": "Stage 1 (b)",
    "section_20": "Annex 10",
    "grave_concern": "Stage 1 (a)",
}


@pytest.mark.parametrize("alert", ALL_ALERTS)
def test_explain_alert_has_figure_and_citation(alert: str) -> None:
    """Each alert's "why" cites its framework source and carries the research figure."""
    entries = [e for e in explain({"assessed_on": DAY, **EVERYTHING}) if e.kind == "alert"]
    assert [e.key for e in entries] == ALL_ALERTS
    (entry,) = [e for e in entries if e.key == alert]
    assert CITES[alert] in entry.citation
    assert entry.citation.startswith("NSPCC framework")
    for figure in FIGURES.get(alert, []):
        assert figure in entry.text
