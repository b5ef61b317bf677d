"""The framework's own case studies, judged severe by its authors, through the engine.

- Five siblings on interim care orders (NSPCC framework, case history case study
  beside Annex 3's chronology guidance): long-standing neglect, domestic violence,
  the father's substance misuse, known risky adults in the wider family, parents
  who do not engage and deny the history. Concluded: severe.
- Lucy (Annex 23, later life letter): a healthy baby in foster care; violence between
  her parents, her mother's depression (medication stopped), no baby equipment,
  contact lost. The assessment found severe risk.
Version 1 of the contract read Lucy as HIGH, because "healthy child" counted as
protection against risks it does nothing about (Stage 2, strengths vs protective
factors). Version 2 must read both as severe.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.risk import classify, explain

SIBLINGS: dict[str, Any] = {
    "assessed_on": "2026-06-01",
    "child": {"legal_status": "interim_care_order"},
    "factors": {
        "neglect": "not_addressed",
        "more_than_one_child_affected": "not_addressed",
        "inter_parental_conflict_violence": "not_addressed",
        "substance_misuse": "not_addressed",
        "not_visible_perpetrator_access": "not_addressed",
        "lack_of_compliance": "not_addressed",
        "denial_of_problems": "not_addressed",
        "recognition_of_problem": "absent",
        "responsibility_taken": "absent",
        "willing_to_engage": "absent",
    },
    "capacity_to_change": "none",
    "wishes": {"parents": "want", "child": "unknown"},
    "facts": {"chronic_neglect_or_emotional_abuse": True},
}

LUCY: dict[str, Any] = {
    "assessed_on": "2026-06-01",
    "child": {"age_months": 11, "legal_status": "care_order"},
    "factors": {
        "very_young_child": "not_addressed",
        "inter_parental_conflict_violence": "not_addressed",
        "history_of_violence_or_sexual_assault": "not_addressed",
        "parental_mental_health_problems": "not_addressed",
        "lack_of_resources": "not_addressed",
        "lack_of_compliance": "not_addressed",
        "healthy_child": {"status": "present", "mitigates": []},  # a strength only
    },
    "capacity_to_change": "none",
    "wishes": {"parents": "want", "child": "not_applicable"},
}


@pytest.mark.parametrize("case", [SIBLINGS, LUCY], ids=["five-siblings", "annex-23-lucy"])
def test_the_framework_case_studies_read_severe(case: dict[str, Any]) -> None:
    out = classify(case)
    assert out["suggested"] == "severe"
    assert out["rows"]["protective_factors"] == "severe"
    assert out["rows"]["risk_factors"] == "high"


def test_a_strength_beside_the_siblings_risks_is_still_severe() -> None:
    """A present strength that reduces none of the open risks is not protection."""
    case = {**SIBLINGS, "factors": {**SIBLINGS["factors"], "social_support": "present"}}
    out = classify(case)
    assert out["suggested"] == "severe"
    assert "protective_factors.mitigates" in out["gaps"]


def test_lucy_with_healthy_child_named_against_a_risk_reads_high() -> None:
    """The other side of the line: had the healthy baby been judged to reduce an open
    risk, the protective row would be low and the capacity row (none) decides: high."""
    factors = {**LUCY["factors"], "healthy_child": {"status": "present", "mitigates": [
        "very_young_child"]}}  # fmt: skip
    assert classify({**LUCY, "factors": factors})["suggested"] == "high"


def test_lucy_why_names_the_strength_that_is_not_protection() -> None:
    (row,) = [e for e in explain(LUCY) if e.key == "protective_factors"]
    assert row.level == "severe"
    assert "Healthy child" in row.text or "healthy" in row.text.lower()
    assert row.reading == "mitigates"
