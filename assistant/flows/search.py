"""Searching the content cards (title and text), without a terminal."""

from __future__ import annotations

from assistant.flows.content import Card


def search(cards: list[Card], query: str) -> list[Card]:
    """Cards whose title, source or text hold every word of `query`; title hits first."""
    words = query.casefold().split()
    if not words:
        return sorted(cards, key=lambda c: c.title.casefold())
    hits = []
    for card in cards:
        title = card.title.casefold()
        text = f"{title}\n{card.source.casefold()}\n{card.body.casefold()}"
        if all(word in text for word in words):
            in_title = sum(word in title for word in words)
            hits.append((-in_title, title, card))
    return [card for *_, card in sorted(hits, key=lambda h: (h[0], h[1]))]
