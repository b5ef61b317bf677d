"""Content cards: every shipped card loads, ids are unique, every citation resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.flows.content import CardError, load_card, load_cards, parse_card
from assistant.paths import content_dir

GOOD = '+++\ntitle = "T"\nsource = "NSPCC framework, Annex 18"\n+++\n# T\nBody.\n'


def test_every_shipped_card_loads() -> None:
    cards, problems = load_cards(content_dir())
    assert problems == []
    assert {"top-tips", "disguised-compliance"} <= {c.id for c in cards}
    for card in cards:
        assert card.body.lstrip().startswith("# "), card.id


def test_cards_in_sub_folders_are_found(tmp_path: Path) -> None:
    (tmp_path / "factors").mkdir()
    (tmp_path / "factors" / "factor-neglect.md").write_text(GOOD)
    assert load_card(tmp_path, "factor-neglect").title == "T"


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "x.md").write_text(GOOD)
    (tmp_path / "a" / "x.md").write_text(GOOD)
    _, problems = load_cards(tmp_path)
    assert "card id 'x' is also used by" in problems[0]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("# no front matter", "starts with a '+++' line"),
        ('+++\ntitle = "T"\n', "no closing '+++'"),
        ('+++\ntitle = "T"\nsource = "S"\ncolour = 1\n+++\n', "unknown front matter key 'colour'"),
        ('+++\ntitle = "T"\n+++\n', "needs a 'title' and a 'source'"),
        ("+++\ntitle = \n+++\n", "not valid TOML"),
    ],
)
def test_bad_card_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(CardError, match=re.escape(says)):
        parse_card("x", text, "x.md")
