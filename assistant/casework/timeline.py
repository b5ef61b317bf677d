"""A case's classifications over time, and a picture of the level over time.

Every decision recorded for the case (a practitioner's own, or a round's agreed
level) in date order, with the table's suggestion at the time, who agreed it and
the trajectory the engine gave (held at, may step down on, escalate to, can
close, reclassify by). The plain-text rendering fits 80 columns, or the width given
(the app passes the width of its dialog, so that no line is wrapped twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.casework.decisions import agreed_decisions, is_agreed
from assistant.text import printable

LEVELS = ("low", "medium", "high", "severe")
WORDS = {"low": "LOW", "medium": "MEDIUM", "high": "HIGH", "severe": "SEVERE"}


@dataclass(frozen=True)
class Entry:
    on: str
    at: str
    suggested: str | None
    agreed: str
    agreed_by: str
    reason: str
    round: str | None
    trajectory: dict[str, Any] | None
    #: an agreed level (a round's, or agreed with a manager), not one person's view
    is_agreed: bool = True
    agreed_with: str | None = None


def entries(decisions: list[dict[str, Any]]) -> list[Entry]:
    """The decisions as timeline entries, oldest first (ties keep their recorded order)."""
    rows = sorted(enumerate(decisions), key=lambda iv: (iv[1]["at"], iv[0]))
    return [
        Entry(
            d["at"][:10],
            d["at"],
            d.get("suggested"),
            d["level"],
            d.get("agreed_by") or d.get("who", "?"),
            d.get("reason", ""),
            d.get("round"),
            d.get("trajectory"),
            is_agreed(d),
            d.get("agreed_with"),
        )
        for _, d in rows
    ]


def history(decisions: list[dict[str, Any]], before: date) -> list[dict[str, str]]:
    """The engine's `history` input: the last agreed decision of each day before
    `before`. A practitioner's own view is not history (see `casework.decisions`)."""
    last: dict[str, dict[str, str]] = {}
    for entry in entries(agreed_decisions(decisions)):
        if entry.on < before.isoformat():
            last[entry.on] = {
                "on": entry.on,
                "suggested": entry.suggested or entry.agreed,
                "agreed": entry.agreed,
            }
    return [last[on] for on in sorted(last)]


def trajectory_text(t: dict[str, Any] | None) -> str:
    if not t:
        return "trajectory not recorded"
    held = t.get("held_at")
    parts = [f"held at {WORDS[held]}" if held in WORDS else "no level held yet"]
    if t.get("step_down_on"):
        parts.append(f"may step down on {t['step_down_on']}")
    if t.get("escalate_to"):
        parts.append(f"escalate to {WORDS.get(t['escalate_to'], t['escalate_to'])}")
    if t.get("can_close"):
        parts.append("can close")
    parts.append(f"reclassify by {t['reclassify_by']}")
    return ", ".join(parts)


def chart(timeline: list[Entry], width: int = 80) -> list[str]:
    """The level over time (● agreed; ◇ one person's view, not yet agreed; ○ Reunify's
    reading of the table where it differed)."""
    if not timeline:
        return ["No classification recorded yet."]
    label = 8
    shown = timeline[-((width - label - 1) // 3) :]
    lines = []
    for level in reversed(LEVELS):
        cells = []
        for entry in shown:
            mark = (" ● " if entry.is_agreed else " ◇ ") if entry.agreed == level else " · "
            if entry.agreed != level and entry.suggested == level:
                mark = " ○ "
            cells.append(mark)
        lines.append(f"{WORDS[level]:>{label - 1}} │" + "".join(cells))
    lines.append(" " * (label - 1) + " └" + "───" * len(shown))
    first, last = shown[0].on, shown[-1].on
    span = f"{first} … {last}" if len(shown) > 1 else first
    lines.append(" " * (label + 1) + span)
    if len(shown) < len(timeline):
        lines.append(" " * (label + 1) + f"(the latest {len(shown)} of {len(timeline)})")
    lines.append(" " * (label + 1) + "● agreed   ◇ a view, not yet agreed   ○ Reunify's reading")
    return lines


def render(ref: str, timeline: list[Entry], current: dict[str, Any] | None, width: int = 80) -> str:
    """The timeline as plain text (`width` columns): the chart, then each entry."""
    out = [f"Case {ref}: classifications over time", ""]
    out += chart(timeline, width)
    for entry in timeline:
        suggested = WORDS.get(entry.suggested or "", "none")
        if entry.round:
            how = f"agreed in a round by {printable(entry.agreed_by)}"
        elif entry.agreed_with:
            how = (
                f"agreed with {printable(entry.agreed_with)}, recorded by "
                f"{printable(entry.agreed_by)}"
            )
        else:
            how = f"{printable(entry.agreed_by)}'s view, not yet agreed"
        out.append("")
        out.append(f"{entry.on}  {WORDS[entry.agreed]} (Reunify's reading {suggested}) · {how}")
        out.append(f"    {trajectory_text(entry.trajectory)}")
        if entry.reason:
            out.append(f"    reason: {printable(entry.reason)}")
    if current and current.get("suggested") in WORDS:
        out += ["", f"Now Reunify's reading is {WORDS[current['suggested']]}: "]
        out[-1] += trajectory_text(current.get("trajectory"))
    elif current:
        out += ["", "Now: not enough recorded to suggest a level yet."]
    return "\n".join(_fit(line, width) for line in out)


def _fit(line: str, width: int = 80) -> str:
    """A long line wraps at `width` columns, continued two columns further in than it
    starts (so a reason reads as one block under its entry)."""
    if len(line) <= width:
        return line
    import textwrap

    indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
    return "\n".join(textwrap.wrap(line, width, subsequent_indent=indent))
