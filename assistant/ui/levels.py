"""How a level looks: always a word and a symbol, with a colour (never colour alone)."""

from __future__ import annotations

from rich.text import Text

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


def level_text(level: str) -> Text:
    """Symbol and word, bold and coloured."""
    return Text(level_label(level), style=f"bold {LEVEL_LOOK[level][2]}")
