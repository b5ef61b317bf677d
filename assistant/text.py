"""Small helpers for text a practitioner typed."""

from __future__ import annotations

import unicodedata


def clean_text(text: str) -> str:
    """Drop control characters (a stray NUL from a paste), keep new lines and tabs."""
    return "".join(
        ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    ).strip()
