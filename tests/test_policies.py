"""Local policy profiles as data (Camden, Salford, Leeds and the framework alone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.casework.policies import PolicyError, load_policies, load_policy
from assistant.flows.content import card_ids
from assistant.paths import content_dir


def test_shipped_profiles_load_and_their_cards_exist() -> None:
    policies = load_policies(content_dir())
    assert {"camden", "salford", "leeds", "framework"} <= set(policies)
    cards = set(card_ids(content_dir()))
    for policy in policies.values():
        assert policy.card in cards, policy.id


def test_salford_first_visit_rules() -> None:
    """Salford policy, section 3: first visit within 2 weeks of the return home (actual,
    planned or not), 1 week on a care order; section 6: review within 20 days of an
    unplanned return; section 8: reviews every 6 weeks."""
    rules = {r.id: r for r in load_policies(content_dir())["salford"].rules}
    assert rules["first_visit_after_return"].due_within_days == 14
    assert rules["first_visit_after_return"].trigger == "return_home"
    care_order = rules["first_visit_after_return_care_order"]
    assert care_order.due_within_days == 7 and care_order.trigger == "return_home"
    assert care_order.legal_status == ("care_order", "interim_care_order", "placed_with_parents")
    assert rules["review_after_unplanned_return"].due_within_days == 20
    assert rules["review_after_unplanned_return"].trigger == "unplanned_return"
    assert rules["child_in_need_reviews_six_weekly"].every_days == 42


def test_camden_child_in_need_after_return() -> None:
    """Camden guidance §2: child in need for at least 3 months after the return, a "not
    before" date; §4.5: the IRO chairs the reviews until six months after the return;
    §1: only where the child stops being looked after (counted from care ending)."""
    rules = {r.id: r for r in load_policies(content_dir())["camden"].rules}
    cin = rules["child_in_need_three_months"]
    assert (cin.kind, cin.due_within_months, cin.trigger) == ("not_before", 3, "ending_care")
    iro = rules["iro_chairs_reviews_first_six_months"]
    assert (iro.kind, iro.due_within_months, iro.trigger) == ("until", 6, "ending_care")


def test_framework_minimum_periods_are_not_before() -> None:
    """NSPCC framework, Stage 5, Task 2 (services at least 12 months) and Task 4 (low risk
    held 6 months before closing) are minimum periods, never deadlines."""
    rules = {r.id: r for r in load_policies(content_dir())["framework"].rules}
    assert rules["post_return_services_twelve_months"].kind == "not_before"
    assert rules["low_risk_held_six_months_before_closing"].kind == "not_before"
    assert rules["reclassify_six_months_after_return"].kind == "due"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('id = "x"', "authority"),
        (
            'id = "x"\nauthority = "A"\ntitle = "T"\ncard = "c"\nsource = "S"\n[[rules]]\n'
            'id = "r"\nsummary = "s"\ncite = "c"\ntrigger = "moon"\ndue_within_days = 1\n',
            "rules.0.trigger",
        ),
        (
            'id = "x"\nauthority = "A"\ntitle = "T"\ncard = "c"\nsource = "S"\n[[rules]]\n'
            'id = "r"\nsummary = "s"\ncite = "c"\ntrigger = "review"\n',
            "exactly one of due_within_days, due_within_months and every_days",
        ),
        (
            'id = "x"\nauthority = "A"\ntitle = "T"\ncard = "c"\nsource = "S"\n[[rules]]\n'
            'id = "r"\nsummary = "s"\ncite = "c"\ntrigger = "review"\nkind = "not_before"\n'
            "every_days = 42\n",
            "cannot be a not_before or until",
        ),
        ('id = "y"\nauthority = "A"\ntitle = "T"\ncard = "c"\nsource = "S"\n', "match the file"),
    ],
)
def test_bad_profile_says_where(tmp_path: Path, body: str, says: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(body)
    with pytest.raises(PolicyError, match=says):
        load_policy(path)
