"""How a level is written: a word and a symbol, never a colour alone (no UI here)."""

from __future__ import annotations

#: level → (word, symbol, colour for screens that have colour)
LEVEL_LOOK = {
    "low": ("LOW", "●○○○", "green"),
    "medium": ("MEDIUM", "●●○○", "yellow"),
    "high": ("HIGH", "●●●○", "dark_orange"),
    "severe": ("SEVERE", "●●●●", "red"),
}


def level_label(level: str) -> str:
    """Symbol and word, e.g. '●●●○ HIGH'."""
    word, symbol, _ = LEVEL_LOOK[level]
    return f"{symbol} {word}"
