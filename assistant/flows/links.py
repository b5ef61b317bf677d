"""Links to content cards inside Markdown: `[the risk table](card:risk-table)`.

Flow text and cards may link a card by its id; the app opens it beside the
conversation, and `flows check` reports a link to a card that does not exist.
"""

from __future__ import annotations

import re

#: `[text](card:id)`; ids are the content cards' (lower case, digits, hyphens).
CARD_LINK = re.compile(r"\[([^\]\n]+)\]\(card:([a-z0-9][a-z0-9-]*)\)")
#: The scheme of a card link's target, as the Markdown renderer sees it.
SCHEME = "card:"


def linked_cards(text: str) -> tuple[str, ...]:
    """The ids of the cards `text` links to, first mention first, each once."""
    return tuple(dict.fromkeys(m.group(2) for m in CARD_LINK.finditer(text)))


def card_of(href: str | None) -> str | None:
    """The card id of a link target, or None when it is not a card link."""
    if href and href.startswith(SCHEME):
        card = href[len(SCHEME) :]
        return card if CARD_LINK.fullmatch(f"[x]({href})") else None
    return None
