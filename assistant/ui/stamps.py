"""Time stamps as a practitioner reads them."""

from __future__ import annotations

from datetime import datetime


def when(stamp: str) -> str:
    """An ISO time stamp as '23 Nov 2026 10:04' (left as it is if it is not one)."""
    try:
        return datetime.fromisoformat(stamp).strftime("%-d %b %Y %H:%M")
    except ValueError:
        return stamp
