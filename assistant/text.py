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


#: The longest note (a factor's evidence, a decision's reason) kept in one answer.
NOTE_MAX = 5_000


def check_length(text: str, what: str, limit: int = NOTE_MAX) -> str:
    """`text` if it fits, else a ValueError saying how long it is and the limit."""
    if len(text) > limit:
        raise ValueError(f"the {what} is {len(text)} characters; at most {limit}")
    return text


def answers_count(n: int) -> str:
    """'1 answer', '2 answers': how many answers a session holds, in words."""
    return f"{n} answer" if n == 1 else f"{n} answers"
