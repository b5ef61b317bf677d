"""Small helpers for text a practitioner typed."""

from __future__ import annotations

import unicodedata


def clean_text(text: str) -> str:
    """Drop control characters (a stray NUL from a paste), keep new lines and tabs."""
    return "".join(
        ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    ).strip()


def printable(text: str) -> str:
    """Text safe to put on a terminal: control characters other than new lines and tabs
    become visible symbols (ESC shows as ␛), so stored words can never drive the display."""
    return "".join(
        ch
        if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
        else chr(0x2400 + ord(ch))
        if ord(ch) < 0x20
        else "\ufffd"
        for ch in text
    )
