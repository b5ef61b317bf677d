"""Time stamps as a practitioner reads them."""

from __future__ import annotations

from datetime import datetime


def when(stamp: str) -> str:
    """An ISO time stamp as '23 Nov 2026 10:04' (left as it is if it is not one)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{moment.day} {moment:%b %Y %H:%M}"  # no leading zero, on every platform
