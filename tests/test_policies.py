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
    """Salford policy, section 3: first visit within 2 weeks, 1 week on a care order."""
    rules = {r.id: r for r in load_policies(content_dir())["salford"].rules}
    assert rules["first_visit_planned_return"].due_within_days == 14
    assert rules["first_visit_planned_return_care_order"].due_within_days == 7
    assert rules["first_visit_planned_return_care_order"].legal_status == ("care_order",)
    assert rules["review_after_unplanned_return"].due_within_days == 20
    assert rules["child_in_need_reviews_six_weekly"].every_days == 42


def test_camden_child_in_need_after_return() -> None:
    """Camden guidance: child in need for at least 3 months after return."""
    rules = load_policies(content_dir())["camden"].rules
    assert any(r.trigger == "return_home" and r.due_within_days == 91 for r in rules)


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
            "exactly one of due_within_days and every_days",
        ),
        ('id = "y"\nauthority = "A"\ntitle = "T"\ncard = "c"\nsource = "S"\n', "match the file"),
    ],
)
def test_bad_profile_says_where(tmp_path: Path, body: str, says: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(body)
    with pytest.raises(PolicyError, match=says):
        load_policy(path)
