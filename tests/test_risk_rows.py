"""Row rules, the suggestion, gaps and factor data of the risk engine.

Source of every rule here: NSPCC framework, Stage 2 Task 1, Risk
Classification Table (rows 'Risk factors', 'Protective factors', 'Parents'
capacity for actual change', 'Wishes about return'); factors from the Stage 1
(a) table, defined in Annex 1; Stage 2, "strengths vs protective factors".
Contract: the classify contract, version 2 (README, "Risk classification").
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.risk import LEVELS, PROTECTIVE_FACTORS, RISK_FACTORS, classify, explain
from assistant.risk.factors import DOMAINS, PROTECTIVE_STATUSES, RISK_STATUSES

DAY = "2026-08-01"
ALL_LOW: dict[str, Any] = {
    "assessed_on": DAY,
    "factors": {"healthy_child": "present", "neglect": "absent"},
    "capacity_to_change": "substantial",
    "wishes": {"parents": "want", "child": "want"},
}


def run(**overrides: Any) -> dict[str, Any]:
    data = {**ALL_LOW, **overrides}
    return classify(data)


def rank(level: str) -> int:
    return LEVELS.index(level)


# --- Stage 2 Task 1, Risk Classification Table, row 'Risk factors' -----------

RISK_ROW_CASES = [
    ({}, None),
    ({"healthy_child": "present"}, None),
    ({"neglect": "unknown"}, None),
    ({"neglect": "unknown", "high_stress": "unknown"}, None),
    ({"neglect": "absent"}, "low"),
    ({"neglect": "addressed"}, "low"),
    ({"neglect": "absent", "high_stress": "unknown"}, "medium"),
    ({"neglect": "being_addressed"}, "medium"),
    ({"neglect": "addressed", "substance_misuse": "being_addressed"}, "medium"),
    ({"neglect": "not_addressed"}, "high"),
    ({"neglect": "being_addressed", "high_stress": "not_addressed"}, "high"),
    ({"neglect": "unknown", "high_stress": "not_addressed"}, "high"),
    ({"neglect": "not_addressed", "healthy_child": "present"}, "high"),
]


@pytest.mark.parametrize(("factors", "expected"), RISK_ROW_CASES)
def test_row_risk_factors_stage2_task1_table(factors: dict[str, str], expected: str | None) -> None:
    """Stage 2 Task 1, table row 'Risk factors': nothing known -> no level;
    not_addressed -> high; being_addressed or (our reading) unknown -> medium, as
    not all risk factors are known to be fully addressed; otherwise low."""
    out = classify({"assessed_on": DAY, "factors": factors})
    assert out["rows"]["risk_factors"] == expected


@pytest.mark.parametrize("factor", [f.id for f in RISK_FACTORS])
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("absent", "low"),
        ("addressed", "low"),
        ("unknown", "medium"),
        ("being_addressed", "medium"),
        ("not_addressed", "high"),
    ],
)
def test_row_risk_factors_every_factor_counts_stage2_task1(
    factor: str, status: str, expected: str
) -> None:
    """Stage 2 Task 1, row 'Risk factors': every Annex 1 risk factor feeds the row
    (beside one factor known absent, so the row is known)."""
    other = "neglect" if factor != "neglect" else "high_stress"
    out = classify({"assessed_on": DAY, "factors": {other: "absent", factor: status}})
    assert out["rows"]["risk_factors"] == expected


# --- Stage 2 Task 1, Risk Classification Table, row 'Protective factors' ------


def reduces(*risks: str) -> dict[str, Any]:
    return {"status": "present", "mitigates": list(risks)}


PROTECTIVE_ROW_CASES = [
    # nothing known on the row: no level
    ({}, None),
    ({"healthy_child": "unknown"}, None),
    ({"neglect": "absent"}, None),
    # none present -> severe ("no protective factors apparent")
    ({"healthy_child": "absent"}, "severe"),
    ({"healthy_child": "absent", "social_support": "unknown"}, "severe"),
    # no risk still open: one present factor -> low
    ({"healthy_child": "present"}, "low"),
    ({"healthy_child": "absent", "social_support": "present"}, "low"),
    ({"healthy_child": "unknown", "social_support": "present"}, "low"),
    ({"healthy_child": "present", "neglect": "addressed"}, "low"),
    ({"healthy_child": "present", "neglect": "unknown"}, "low"),
    # risks open: low only when a present factor names an open risk
    ({"healthy_child": "present", "neglect": "not_addressed"}, "severe"),
    ({"healthy_child": reduces(), "neglect": "not_addressed"}, "severe"),
    ({"healthy_child": reduces("high_stress"), "neglect": "being_addressed"}, "severe"),
    ({"healthy_child": reduces("neglect"), "neglect": "addressed", "high_stress": "not_addressed"},
     "severe"),
    ({"healthy_child": reduces("neglect"), "neglect": "not_addressed"}, "low"),
    ({"healthy_child": reduces("neglect"), "neglect": "being_addressed"}, "low"),
    ({"healthy_child": reduces("neglect", "high_stress"), "high_stress": "not_addressed"}, "low"),
    ({"healthy_child": "present", "social_support": reduces("neglect"),
      "neglect": "not_addressed"}, "low"),
    ({"healthy_child": {"status": "absent", "mitigates": ["neglect"]},
      "neglect": "not_addressed"}, "severe"),
]  # fmt: skip


@pytest.mark.parametrize(("factors", "expected"), PROTECTIVE_ROW_CASES)
def test_row_protective_factors_stage2_task1_table(
    factors: dict[str, Any], expected: str | None
) -> None:
    """Stage 2 Task 1, table row 'Protective factors': nothing known -> no level;
    none apparent -> severe; with no risk open any present -> low; with risks open
    low only when a present factor reduces one of them (Stage 2, "strengths vs
    protective factors": a strength that does nothing about the risk is not
    protective)."""
    out = classify({"assessed_on": DAY, "factors": factors})
    assert out["rows"]["protective_factors"] == expected


@pytest.mark.parametrize("factor", [f.id for f in PROTECTIVE_FACTORS])
def test_row_protective_every_factor_counts_stage2_task1(factor: str) -> None:
    """Stage 2 Task 1, row 'Protective factors': every Annex 1 protective factor counts."""
    assert classify({"assessed_on": DAY, "factors": {factor: "present"}})["rows"][
        "protective_factors"
    ] == ("low")


# --- Stage 2 Task 1, row "Parents' capacity for actual change" ---------------


@pytest.mark.parametrize(
    ("capacity", "expected"),
    [
        ("substantial", "low"),
        ("some", "high"),
        ("none", "high"),
        ("unknown", "high"),
        (None, "high"),
    ],
)
def test_row_capacity_to_change_stage2_task1_table(capacity: str | None, expected: str) -> None:
    """Stage 2 Task 1, table row 'capacity for actual change' (ABLE vs UNABLE);
    Stage 1 Task 3 no / some / substantial evidence. Missing counts as unknown."""
    data: dict[str, Any] = {"assessed_on": DAY}
    if capacity is not None:
        data["capacity_to_change"] = capacity
    assert classify(data)["rows"]["capacity_to_change"] == expected


# --- Stage 2 Task 1, row 'Wishes about return' --------------------------------

PARENT_WISHES = ["want", "ambivalent", "opposed", "unknown", None]
CHILD_WISHES = ["want", "ambivalent", "opposed", "unknown", "not_applicable", None]


@pytest.mark.parametrize("parents", PARENT_WISHES)
@pytest.mark.parametrize("child", CHILD_WISHES)
def test_row_wishes_stage2_task1_table(parents: str | None, child: str | None) -> None:
    """Stage 2 Task 1, table row 'Wishes about return': parents want and child
    wants (or not applicable) -> low; any ambivalence, opposition or unknown -> high."""
    wishes = {k: v for k, v in (("parents", parents), ("child", child)) if v is not None}
    expected = "low" if parents == "want" and child in ("want", "not_applicable") else "high"
    out = classify({"assessed_on": DAY, "wishes": wishes})
    assert out["rows"]["wishes"] == expected


# --- suggested: the highest of the four rows (our reading of Stage 2 Task 1) ----

SUGGESTED_CASES = [
    ({}, "low"),
    ({"factors": {"healthy_child": reduces("neglect"), "neglect": "being_addressed"}}, "medium"),
    ({"factors": {"healthy_child": reduces("neglect"), "neglect": "not_addressed"}}, "high"),
    ({"capacity_to_change": "some"}, "high"),
    ({"wishes": {"parents": "want", "child": "ambivalent"}}, "high"),
    ({"factors": {"neglect": "absent", "healthy_child": "absent"}}, "severe"),
    ({"factors": {"neglect": "being_addressed", "healthy_child": "absent"}}, "severe"),
    ({"factors": {"neglect": "not_addressed", "healthy_child": "present"}}, "severe"),
]


@pytest.mark.parametrize(("overrides", "expected"), SUGGESTED_CASES)
def test_suggested_is_highest_row_stage2_task1(overrides: dict[str, Any], expected: str) -> None:
    """Stage 2 Task 1 table read across all four rows; that the highest row decides is
    our reading (the framework gives no formula)."""
    out = run(**overrides)
    assert out["suggested"] == expected
    assert out["suggested"] == max(out["rows"].values(), key=rank)


@pytest.mark.parametrize(
    "data",
    [
        {"assessed_on": DAY},
        {"assessed_on": DAY, "child": {"age_months": 96}},
        {**ALL_LOW, "factors": {"healthy_child": "present"}},
        {**ALL_LOW, "factors": {"neglect": "not_addressed"}},
        {**ALL_LOW, "factors": {"neglect": "unknown", "healthy_child": "unknown"}},
    ],
)
def test_no_suggestion_when_the_risk_or_protective_row_is_not_known(data: dict[str, Any]) -> None:
    """Contract v2: with nothing known on the risk or the protective row there is not
    enough recorded to suggest a level (never LOW from silence, never SEVERE from one
    answer); the result is provisional and says which row is missing."""
    out = classify(data)
    assert out["suggested"] is None
    assert out["provisional"] is True
    assert {"risk_factors", "protective_factors"} & set(out["gaps"])
    assert out["trajectory"]["held_at"] is None
    assert out["trajectory"]["step_down_on"] is None
    assert out["trajectory"]["escalate_to"] is None
    assert out["trajectory"]["can_close"] is False


@pytest.mark.parametrize("grave", [True, False, None])
@pytest.mark.parametrize("base", [ALL_LOW, {"assessed_on": DAY}])
def test_grave_concern_makes_the_suggestion_severe_stage1a(
    grave: bool | None, base: dict[str, Any]
) -> None:
    """Stage 1 (a), "Factors associated with future harm": the table assists judgement;
    one factor, or a cluster, judged grave makes the overall risk severe whatever the
    rows say. false or null (not known: a gap) leaves the rows to decide."""
    out = classify({**base, "facts": {"grave_concern": grave}})
    if grave:
        assert out["suggested"] == "severe" and "grave_concern" in out["alerts"]
    else:
        assert out["suggested"] == ("low" if base is ALL_LOW else None)
        assert "grave_concern" not in out["alerts"]
    assert ("facts.grave_concern" in out["gaps"]) == (grave is None)


def test_provisional_exactly_when_something_is_not_known() -> None:
    """Contract v2: provisional is true whenever gaps is not empty."""
    assert classify(ALL_LOW)["provisional"] is False
    out = classify({**ALL_LOW, "capacity_to_change": "unknown"})
    assert out["provisional"] is True and out["suggested"] == "high"


def test_present_protection_without_mitigates_is_a_gap_while_risks_are_open() -> None:
    """Contract v2: a present protective factor that does not say which risk it reduces,
    while a risk is open, adds the gap protective_factors.mitigates (Stage 2)."""
    open_risk = {**ALL_LOW, "factors": {"healthy_child": "present", "neglect": "not_addressed"}}
    assert "protective_factors.mitigates" in classify(open_risk)["gaps"]
    named = {**ALL_LOW, "factors": {"healthy_child": reduces(), "neglect": "not_addressed"}}
    assert "protective_factors.mitigates" not in classify(named)["gaps"]
    assert "protective_factors.mitigates" not in classify(ALL_LOW)["gaps"]


# --- "Unknown never makes a level lower" --------------------------------------

BASES: list[dict[str, Any]] = [
    ALL_LOW,
    {"assessed_on": DAY},
    {**ALL_LOW, "factors": {"healthy_child": reduces("neglect"), "neglect": "being_addressed"}},
]


def _rank_or_top(level: str | None) -> int:
    """A level's rank; not known ranks above severe (never in the family's favour)."""
    return rank(level) if level is not None else len(LEVELS)


def _levels(data: dict[str, Any]) -> list[int]:
    out = classify(data)
    return [_rank_or_top(out["suggested"]), *(_rank_or_top(v) for v in out["rows"].values())]


def _with_factor(base: dict[str, Any], fid: str, status: str | None) -> dict[str, Any]:
    factors = {k: v for k, v in base.get("factors", {}).items() if k != fid}
    if status is not None:
        factors[fid] = status
    return {**base, "factors": factors}


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("factor", RISK_FACTORS + PROTECTIVE_FACTORS, ids=lambda f: f.id)
def test_unknown_factor_never_lowers_a_level(base: dict[str, Any], factor: Any) -> None:
    """Issue 3 / Stage 2 Task 1: an unknown factor is never read as favourable:
    no row and no suggestion is lower than with the factor's best known status
    (Annex 1: absent for risk, present for protective) or with it left out."""
    best = "absent" if factor.kind == "risk" else "present"
    unknown = _levels(_with_factor(base, factor.id, "unknown"))
    for other in (_with_factor(base, factor.id, best), _with_factor(base, factor.id, None)):
        assert all(u >= o for u, o in zip(unknown, _levels(other), strict=True))


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize(
    ("field", "known"),
    [
        ("capacity_to_change", ["none", "some", "substantial"]),
        ("wishes.parents", ["want", "ambivalent", "opposed"]),
        ("wishes.child", ["want", "ambivalent", "opposed", "not_applicable"]),
    ],
)
def test_unknown_answer_never_lowers_a_level(
    base: dict[str, Any], field: str, known: list[str]
) -> None:
    """Issue 3 / Stage 2 Task 1 rows 'capacity' and 'wishes': unknown (or missing)
    sits at least as high as every known answer."""

    def setting(value: str | None) -> dict[str, Any]:
        data = {**base, "wishes": dict(base.get("wishes", {}))}
        target = data["wishes"] if field.startswith("wishes.") else data
        key = field.removeprefix("wishes.")
        target.pop(key, None)
        if value is not None:
            target[key] = value
        return data

    for unknown in (setting("unknown"), setting(None)):
        for value in known:
            assert all(
                u >= o for u, o in zip(_levels(unknown), _levels(setting(value)), strict=True)
            )


# --- gaps -------------------------------------------------------------

GAP_CASES = [
    (ALL_LOW, []),
    (
        {"assessed_on": DAY},
        [
            "capacity_to_change",
            "protective_factors",
            "risk_factors",
            "wishes.child",
            "wishes.parents",
        ],
    ),
    (
        {
            **ALL_LOW,
            "facts": {
                "previous_failed_returns": None,
                "involved_since_pregnancy": None,
                "substantial_change_within_6_months_of_birth": None,
            },
        },
        ["facts.involved_since_pregnancy", "facts.previous_failed_returns"],
    ),
    (
        {
            **ALL_LOW,
            "facts": {
                "involved_since_pregnancy": True,
                "substantial_change_within_6_months_of_birth": None,
            },
        },
        ["facts.substantial_change_within_6_months_of_birth"],
    ),
    ({**ALL_LOW, "wishes": {"parents": "want"}}, ["wishes.child"]),
    ({**ALL_LOW, "wishes": {"parents": "unknown", "child": "want"}}, ["wishes.parents"]),
    ({**ALL_LOW, "capacity_to_change": "unknown"}, ["capacity_to_change"]),
    (
        {
            **ALL_LOW,
            "factors": {
                "violent_neighbourhood": "unknown",
                "healthy_child": "unknown",
                "neglect": "absent",
                "social_support": "present",
                "adapted_to_childhood_abuse": "unknown",
                "substance_misuse": "unknown",
            },
            "capacity_to_change": "unknown",
        },
        [
            "adapted_to_childhood_abuse",
            "capacity_to_change",
            "healthy_child",
            "substance_misuse",
            "violent_neighbourhood",
        ],
    ),
]


@pytest.mark.parametrize(("data", "expected"), GAP_CASES)
def test_gaps_listed_and_sorted(data: dict[str, Any], expected: list[str]) -> None:
    """Gaps: every factor given as unknown (Annex 1 evidence still to find),
    capacity_to_change and wishes.* when unknown or missing, facts given as null
    (the change after birth only where services were involved since pregnancy),
    rows with nothing known; sorted."""
    gaps = classify(data)["gaps"]
    assert gaps == expected
    assert gaps == sorted(gaps)


# --- factor data (Stage 1 (a) table; Annex 1) -----------------------------------

SPEC_RISK_IDS = [
    "severe_physical_abuse",
    "neglect",
    "severe_growth_failure",
    "multiple_maltreatment_types",
    "more_than_one_child_affected",
    "previous_maltreatment",
    "serious_sexual_abuse",
    "fabricated_induced_illness",
    "sadistic_abuse",
    "developmental_delay_special_needs",
    "child_mental_health_problems",
    "very_young_child",
    "personality_disorder",
    "paranoid_psychosis",
    "parental_mental_health_problems",
    "learning_disability_with_mental_illness",
    "lack_of_compliance",
    "denial_of_problems",
    "substance_misuse",
    "unrecognised_childhood_abuse",
    "history_of_violence_or_sexual_assault",
    "disorganised_attachment",
    "lack_of_empathy",
    "poor_parenting_competence",
    "own_needs_before_child",
    "parent_child_relationship_difficulties",
    "inter_parental_conflict_violence",
    "high_stress",
    "power_problems",
    "not_visible_perpetrator_access",
    "lack_of_resources",
    "poorly_skilled_professionals",
    "social_isolation",
    "lack_of_support_lone_parent",
    "violent_neighbourhood",
]
SPEC_PROTECTIVE_IDS = [
    "less_severe_abuse",
    "healthy_child",
    "no_self_blame",
    "later_onset",
    "one_good_relationship",
    "mental_disorder_responsive",
    "non_abusive_partner",
    "willing_to_engage",
    "recognition_of_problem",
    "responsibility_taken",
    "adapted_to_childhood_abuse",
    "secure_attachment",
    "empathy_for_child",
    "parenting_competence_some_areas",
    "absence_of_domestic_abuse",
    "supportive_extended_family",
    "capacity_for_change",
    "resources_available",
    "social_support",
    "local_childcare",
    "volunteer_network",
    "legal_medical_involvement",
]


def test_factor_ids_match_issue_3_stage1a_table() -> None:
    """Stage 1 (a) 'Factors associated with future harm' as listed in issue 3, in order."""
    assert [f.id for f in RISK_FACTORS] == SPEC_RISK_IDS
    assert [f.id for f in PROTECTIVE_FACTORS] == SPEC_PROTECTIVE_IDS
    assert LEVELS == ("low", "medium", "high", "severe")
    assert RISK_STATUSES == ("absent", "addressed", "being_addressed", "not_addressed", "unknown")
    assert PROTECTIVE_STATUSES == ("present", "absent", "unknown")


@pytest.mark.parametrize("factor", RISK_FACTORS + PROTECTIVE_FACTORS, ids=lambda f: f.id)
def test_factor_has_annex1_domain_and_label(factor: Any) -> None:
    """Annex 1: each factor sits in one domain and carries a short label."""
    assert factor.domain in DOMAINS
    assert factor.label and len(factor.label) <= 60
    assert factor.kind == ("risk" if factor in RISK_FACTORS else "protective")


def test_explain_rows_cite_table_rows_stage2_task1() -> None:
    """Stage 2 Task 1: each row's reason names the level and cites its table row."""
    rows = [e for e in explain({"assessed_on": DAY}) if e.kind == "row"]
    assert [e.key for e in rows] == [
        "risk_factors",
        "protective_factors",
        "capacity_to_change",
        "wishes",
    ]
    assert [e.level for e in rows] == [None, None, "high", "high"]
    for e in rows:
        assert "Stage 2 Task 1, Risk Classification Table, row '" in e.citation
        assert e.text and "\n" not in e.text


def test_explain_risk_row_names_the_open_factors() -> None:
    """Stage 2 Task 1, row 'Risk factors': the reason names the factors behind it."""
    data = {"assessed_on": DAY, "factors": {"substance_misuse": "not_addressed"}}
    (row,) = [e for e in explain(data) if e.key == "risk_factors"]
    assert row.level == "high" and "Alcohol or drug misuse" in row.text
