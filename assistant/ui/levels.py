"""How a level looks: always a word and a symbol, with a colour (never colour alone)."""

from __future__ import annotations

from rich.text import Text

from assistant.risk.labels import LEVEL_LOOK, level_label

__all__ = ["LEVEL_LOOK", "level_label", "level_text"]


def level_text(level: str) -> Text:
    """Symbol and word, bold and coloured."""
    return Text(level_label(level), style=f"bold {LEVEL_LOOK[level][2]}")
