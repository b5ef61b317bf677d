"""Input validation and the output shape of the risk engine (issue 3, "Input"/"Output").

Invalid input must give one line naming the offending field and value (the CLI
turns it into exit 2); factor ids are the Stage 1 (a) table's, defined in Annex 1.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.risk import ClassificationInputError, classify, classify_json, explain

DAY = "2026-08-01"
H = {"on": "2026-01-01", "suggested": "high", "agreed": "high"}

INVALID = [
    # (input, expected one-line message)
    ({}, "assessed_on: missing (required)"),
    ({"assessed_on": "x"}, "assessed_on: 'x' is not a date (YYYY-MM-DD)"),
    ({"assessed_on": "2026-02-30"}, "assessed_on: '2026-02-30' is not a date (YYYY-MM-DD)"),
    ({"assessed_on": "20260801"}, "assessed_on: '20260801' is not a date (YYYY-MM-DD)"),
    ({"assessed_on": "2026-08-01T10:00"}, "assessed_on: '2026-08-01T10:00' is not a date"),
    ({"assessed_on": 20260801}, "assessed_on: 20260801 is not a date (YYYY-MM-DD)"),
    ({"assessed_on": None}, "assessed_on: null is not a date (YYYY-MM-DD)"),
    ({"assessed_on": DAY, "colour": "red"}, "colour: unknown field"),
    # child
    ({"assessed_on": DAY, "child": None}, "child: expected an object, got null"),
    ({"assessed_on": DAY, "child": []}, "child: expected an object, got a list"),
    ({"assessed_on": DAY, "child": {"name": "A"}}, "child.name: unknown field"),
    ({"assessed_on": DAY, "child": {"age_months": "3"}}, "child.age_months: '3' is not a whole"),
    ({"assessed_on": DAY, "child": {"age_months": 3.0}}, "child.age_months: 3.0 is not a whole"),
    ({"assessed_on": DAY, "child": {"age_months": True}}, "child.age_months: true is not a whole"),
    ({"assessed_on": DAY, "child": {"age_months": -1}}, "child.age_months: -1 is negative"),
    ({"assessed_on": DAY, "child": {"age_months": None}}, "child.age_months: null is not allowed"),
    (
        {"assessed_on": DAY, "child": {"legal_status": "foo"}},
        "child.legal_status: 'foo' is not one of care_order, interim_care_order, section_20, "
        "placed_with_parents, child_in_need",
    ),
    ({"assessed_on": DAY, "child": {"legal_status": None}}, "child.legal_status: null is not"),
    (
        {"assessed_on": DAY, "child": {"returned_home_on": "01/02/2026"}},
        "child.returned_home_on: '01/02/2026' is not a date (YYYY-MM-DD)",
    ),
    # factors (Stage 1 (a) ids; Annex 1)
    ({"assessed_on": DAY, "factors": []}, "factors: expected an object of factor id to status"),
    (
        {"assessed_on": DAY, "factors": {"substance_misus": "absent"}},
        "factors.substance_misus: unknown factor id (did you mean substance_misuse?)",
    ),
    ({"assessed_on": DAY, "factors": {"zzz": "absent"}}, "factors.zzz: unknown factor id"),
    (
        {"assessed_on": DAY, "factors": {"neglect": "present"}},
        "factors.neglect: 'present' is not one of absent, addressed, being_addressed, "
        "not_addressed, unknown (a risk factor)",
    ),
    (
        {"assessed_on": DAY, "factors": {"healthy_child": "not_addressed"}},
        "factors.healthy_child: 'not_addressed' is not one of present, absent, unknown "
        "(a protective factor)",
    ),
    ({"assessed_on": DAY, "factors": {"neglect": None}}, "factors.neglect: null is not one of"),
    ({"assessed_on": DAY, "factors": {"neglect": 1}}, "factors.neglect: 1 is not one of"),
    # capacity and wishes
    (
        {"assessed_on": DAY, "capacity_to_change": "lots"},
        "capacity_to_change: 'lots' is not one of none, some, substantial, unknown",
    ),
    ({"assessed_on": DAY, "capacity_to_change": None}, "capacity_to_change: null is not one of"),
    ({"assessed_on": DAY, "wishes": "want"}, "wishes: expected an object, got 'want'"),
    ({"assessed_on": DAY, "wishes": {"carer": "want"}}, "wishes.carer: unknown field"),
    (
        {"assessed_on": DAY, "wishes": {"parents": "not_applicable"}},
        "wishes.parents: 'not_applicable' is not one of want, ambivalent, opposed, unknown",
    ),
    (
        {"assessed_on": DAY, "wishes": {"child": "yes"}},
        "wishes.child: 'yes' is not one of want, ambivalent, opposed, unknown, not_applicable",
    ),
    # facts
    ({"assessed_on": DAY, "facts": {"extra": 1}}, "facts.extra: unknown field"),
    (
        {"assessed_on": DAY, "facts": {"previous_failed_returns": -2}},
        "facts.previous_failed_returns: -2 is negative (must be 0 or more)",
    ),
    (
        {"assessed_on": DAY, "facts": {"previous_failed_returns": "1"}},
        "facts.previous_failed_returns: '1' is not a whole number",
    ),
    (
        {"assessed_on": DAY, "facts": {"chronic_neglect_or_emotional_abuse": "yes"}},
        "facts.chronic_neglect_or_emotional_abuse: 'yes' is not true or false",
    ),
    (
        {"assessed_on": DAY, "facts": {"involved_since_pregnancy": 1}},
        "facts.involved_since_pregnancy: 1 is not true or false",
    ),
    (
        {"assessed_on": DAY, "facts": {"substantial_change_within_6_months_of_birth": "no"}},
        "facts.substantial_change_within_6_months_of_birth: 'no' is not true or false",
    ),
    (
        {"assessed_on": DAY, "facts": {"goals_not_met_reviews": 1.5}},
        "facts.goals_not_met_reviews: 1.5 is not a whole number",
    ),
    # history
    ({"assessed_on": DAY, "history": {}}, "history: expected a list, got an object"),
    ({"assessed_on": DAY, "history": [5]}, "history[0]: expected an object, got 5"),
    ({"assessed_on": DAY, "history": [{**H, "by": "x"}]}, "history[0].by: unknown field"),
    (
        {"assessed_on": DAY, "history": [H, {"on": "2026-02-01", "agreed": "low"}]},
        "history[1].suggested: missing (required)",
    ),
    (
        {"assessed_on": DAY, "history": [{**H, "agreed": "amber"}]},
        "history[0].agreed: 'amber' is not one of low, medium, high, severe",
    ),
    (
        {"assessed_on": DAY, "history": [{**H, "on": "2026-13-01"}]},
        "history[0].on: '2026-13-01' is not a date (YYYY-MM-DD)",
    ),
    (
        {"assessed_on": DAY, "history": [H, {**H, "on": DAY}]},
        "history[1].on: 2026-08-01 is not before assessed_on (2026-08-01)",
    ),
    (
        {"assessed_on": DAY, "history": [{**H, "on": "2026-09-01"}]},
        "history[0].on: 2026-09-01 is not before assessed_on (2026-08-01)",
    ),
    (
        {"assessed_on": DAY, "history": [H, {**H, "suggested": "low"}]},
        "history[1].on: 2026-01-01 is also the date of history[0]",
    ),
]


@pytest.mark.parametrize(("data", "message"), INVALID, ids=[m for _, m in INVALID])
def test_invalid_input_names_the_field(data: Any, message: str) -> None:
    """Issue 3: invalid input -> one line naming the field and value (CLI exit 2)."""
    with pytest.raises(ClassificationInputError) as info:
        classify(data)
    text = str(info.value)
    assert text.startswith(message)
    assert "\n" not in text and "pydantic" not in text.lower()
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("data", [[], "x", None, 3])
def test_input_must_be_an_object(data: Any) -> None:
    """Issue 3: the input is one JSON object."""
    with pytest.raises(ClassificationInputError, match=r"^input: expected a JSON object"):
        classify(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "input: not valid JSON at line 1, column 1"),
        ('{"assessed_on": ', "input: not valid JSON at line 1, column 17"),
        ('{\n  "assessed_on": "2026-08-01",\n}', "input: not valid JSON at line 3, column 1"),
        ("[1, 2]", "input: expected a JSON object, got a list"),
        ('{"assessed_on": "x"}', "assessed_on: 'x' is not a date"),
    ],
)
def test_classify_json_errors_name_line_and_column(text: str, message: str) -> None:
    """Issue 3 CLI contract: bad JSON is one line with its line and column."""
    with pytest.raises(ClassificationInputError) as info:
        classify_json(text)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


FULL: dict[str, Any] = {
    "assessed_on": "2026-08-01",
    "child": {"age_months": 30, "legal_status": "care_order", "returned_home_on": None},
    "factors": {
        "neglect": "being_addressed",
        "healthy_child": {"status": "present", "mitigates": ["neglect"]},
    },
    "capacity_to_change": "substantial",
    "wishes": {"parents": "want", "child": "not_applicable"},
    "facts": {
        "previous_failed_returns": 0,
        "chronic_neglect_or_emotional_abuse": False,
        "involved_since_pregnancy": False,
        "substantial_change_within_6_months_of_birth": None,
        "goals_not_met_reviews": 0,
        "grave_concern": False,
    },
    "history": [
        {"on": "2026-05-01", "suggested": "medium", "agreed": "medium"},
        {"on": "2026-01-01", "suggested": "high", "agreed": "high"},
    ],
}


def test_full_input_gives_exactly_the_contract_output() -> None:
    """Contract v2 output: exactly these keys, dates as ISO strings, nothing extra."""
    out = classify(FULL)
    assert out == {
        "suggested": "medium",
        "provisional": False,
        "rows": {
            "risk_factors": "medium",
            "protective_factors": "low",
            "capacity_to_change": "low",
            "wishes": "low",
        },
        "gaps": [],
        "alerts": [],
        "trajectory": {
            "held_at": "medium",
            "step_down_on": None,
            "escalate_to": None,
            "can_close": False,
            "reclassify_by": "2027-02-01",
        },
    }
    assert json.loads(json.dumps(out)) == out


def test_classify_json_matches_classify_and_leaves_input_alone() -> None:
    """classify_json is classify on decoded text; the caller's dict is not changed."""
    before = json.dumps(FULL, sort_keys=True)
    assert classify_json(json.dumps(FULL)) == classify(FULL)
    assert json.dumps(FULL, sort_keys=True) == before


def test_minimal_input_only_needs_assessed_on() -> None:
    """Everything but assessed_on is optional; missing answers count as unknown, and
    with no factor known there is not enough recorded to suggest a level (v2)."""
    out = classify({"assessed_on": DAY})
    assert out["suggested"] is None and out["provisional"] is True
    assert out["gaps"] == [
        "capacity_to_change",
        "protective_factors",
        "risk_factors",
        "wishes.child",
        "wishes.parents",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"status": "present", "mitigates": ["nope"]},
         "factors.healthy_child.mitigates[0]: 'nope' is not a risk factor id"),
        ({"status": "present", "mitigates": ["social_support"]},
         "factors.healthy_child.mitigates[0]: 'social_support' is a protective factor"),
        ({"status": "present", "mitigates": "neglect"},
         "factors.healthy_child.mitigates: expected a list of risk factor ids"),
        ({"status": "maybe", "mitigates": []},
         "factors.healthy_child: 'maybe' is not one of present, absent, unknown"),
        ({"mitigates": []}, "factors.healthy_child.status: missing (required)"),
        ({"status": "present", "why": "x"}, "factors.healthy_child.why: unknown field"),
    ],
)  # fmt: skip
def test_protective_object_errors_name_the_field(value: Any, message: str) -> None:
    """Contract v2: a protective factor may be {"status", "mitigates"}; an unknown id
    or a protective id in mitigates is invalid input (exit 2 from the CLI)."""
    with pytest.raises(ClassificationInputError) as info:
        classify({"assessed_on": DAY, "factors": {"healthy_child": value}})
    assert str(info.value).startswith(message)


def test_a_risk_factor_cannot_be_given_as_an_object() -> None:
    """Only protective factors name the risks they reduce."""
    with pytest.raises(ClassificationInputError, match=r"^factors\.neglect: an object is not"):
        classify({"assessed_on": DAY, "factors": {"neglect": {"status": "absent"}}})


def test_mitigates_is_not_a_top_level_field() -> None:
    with pytest.raises(ClassificationInputError, match=r"^mitigates: unknown field"):
        classify({"assessed_on": DAY, "mitigates": {}})


def test_explain_covers_rows_alerts_gaps_and_trajectory() -> None:
    """The "why?" view: four rows, each alert, each gap, one trajectory entry; all cited."""
    data = {
        **FULL,
        "factors": {"neglect": "unknown", "substance_misuse": "addressed"},
        "child": {"legal_status": "section_20"},
    }
    out = classify(data)
    entries = explain(data)
    kinds = [e.kind for e in entries]
    assert kinds == (
        ["suggestion"]
        + ["row"] * 4
        + ["alert"] * len(out["alerts"])
        + ["gap"] * len(out["gaps"])
        + ["trajectory"]
    )
    assert [e.key for e in entries if e.kind == "alert"] == out["alerts"]
    assert [e.key for e in entries if e.kind == "gap"] == out["gaps"]
    for e in entries:
        assert e.citation.startswith("NSPCC framework")
        assert e.text and "\n" not in e.text
        assert set(e.as_dict()) == {"kind", "key", "level", "text", "citation", "reading"}


def test_explain_rejects_invalid_input_too() -> None:
    """explain validates like classify."""
    with pytest.raises(ClassificationInputError, match=r"^factors\.nope: unknown factor id"):
        explain({"assessed_on": DAY, "factors": {"nope": "absent"}})
