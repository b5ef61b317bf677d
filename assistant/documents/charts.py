"""Pictures for the printed reports, drawn as inline SVG by our own code from what the
case recorded: no network, no JavaScript, no library.

- `steps_picture`: the chart for a child (NSPCC framework, Annex 6) as four steps
  from "safe to go home" to "not safe to go home", the step agreed marked in words
  ("We are here") as well as in colour.
- `timeline_chart`: the levels recorded over time with Reunify's reading of the
  framework's table at each, a word beside every mark.

Every picture names itself and says what it shows in words (`<title>` and `<desc>`,
`role="img"`), and every word in it is escaped: recorded text never becomes markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape

from assistant.documents.blocks import LEVELS, ChartStep, Mark
from assistant.risk.labels import LEVEL_LOOK
from assistant.text import printable

#: At most this many classifications are drawn (the newest); all are listed as text.
TIMELINE_MARKS = 6
#: Colours and type, as attributes (a PDF renderer may not apply the page's style
#: sheet inside a picture). Dark blue on pale blue, white on dark blue: both read
#: well above 4.5:1, and in grey print the step decided still stands out.
FONT = 'font-family="DejaVu Sans, Verdana, Arial, sans-serif"'
INK, DARK, PALE, EDGE, GREY = "#111111", "#0b2a55", "#e6edf7", "#4a5d7a", "#555555"


def _text(value: str) -> str:
    return escape(printable(value), quote=True)


def _svg_open(width: int, height: int, ident: str, css: str) -> str:
    return (
        f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" {FONT}>'
    )


def steps_picture(title: str, here: str, steps: Sequence[ChartStep], ident: str = "steps") -> str:
    """The four steps side by side, rising from the first (safe to go home) to the last
    (not safe), each with its number, its name and its few words; above the step that
    was agreed, a label saying `here` points at it, and that step is filled dark."""
    width, height, gap = 680, 300, 10
    box = (width - gap * (len(steps) + 1)) // max(len(steps), 1)
    said = [f"Step {s.number}, {s.name}: {s.short}." for s in steps]
    decided = next((s for s in steps if s.here), None)
    if decided is not None:
        said.append(f"{here}: step {decided.number}, {decided.name}: {decided.short}.")
    out = [
        _svg_open(width, height, ident, "picture steps"),
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(" ".join(said))}</desc>',
    ]
    bottom = height - 6
    for i, step in enumerate(steps):
        x = gap + i * (box + gap)
        tall = 150 + i * 28
        top = bottom - tall
        css = "step here" if step.here else "step"
        fill, edge, ink, weight = (DARK, DARK, "#ffffff", 4) if step.here else (PALE, EDGE, INK, 2)
        out.append(f'<g class="{css}" fill="{ink}">')
        out.append(
            f'<rect x="{x}" y="{top}" width="{box}" height="{tall}" rx="10" ry="10" '
            f'fill="{fill}" stroke="{edge}" stroke-width="{weight}"></rect>'
        )
        middle = x + box / 2
        out.append(
            f'<text class="number" x="{middle:g}" y="{top + 30}" text-anchor="middle" '
            f'font-size="22" font-weight="bold">Step {step.number}</text>'
        )
        out.append(
            f'<text class="name" x="{middle:g}" y="{top + 52}" text-anchor="middle" '
            f'font-size="16">{_text(step.name)}</text>'
        )
        for n, line in enumerate(textwrap.wrap(step.short, 12)[:4]):
            out.append(
                f'<text class="short" x="{middle:g}" y="{top + 84 + n * 23}" '
                f'text-anchor="middle" font-size="19" font-weight="bold">{_text(line)}</text>'
            )
        out.append("</g>")
        if step.here:
            label_w = box - 8
            out.append(f'<g class="marker" fill="{DARK}">')
            out.append(
                f'<rect x="{x + 4}" y="{top - 52}" width="{label_w}" height="32" '
                'rx="16" ry="16"></rect>'
            )
            out.append(
                f'<path d="M {middle - 10:g} {top - 20} L {middle + 10:g} {top - 20} '
                f'L {middle:g} {top - 6} Z"></path>'
            )
            out.append(
                f'<text x="{middle:g}" y="{top - 30}" text-anchor="middle" fill="#ffffff" '
                f'font-size="19" font-weight="bold">{_text(here)}</text>'
            )
            out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _word(level: str | None) -> str:
    return LEVEL_LOOK[level][0] if level in LEVEL_LOOK else ""


def timeline_words(marks: Sequence[Mark]) -> list[str]:
    """Each classification in one sentence: the chart's text alternative."""
    said = []
    for mark in marks:
        how = "agreed" if mark.agreed else "one person's view, not agreed"
        reading = (
            f"Reunify's reading {_word(mark.reading)}"
            if mark.reading in LEVEL_LOOK
            else "no reading from Reunify (not enough recorded)"
        )
        said.append(f"{mark.on}: {_word(mark.level)}, {how}; {reading}.")
    return said


def timeline_chart(title: str, marks: Sequence[Mark], ident: str = "timeline") -> str:
    """The level recorded at each classification (● agreed, ◆ one person's view) and
    Reunify's reading then (○), the newest `TIMELINE_MARKS`, oldest on the left; a word
    beside every mark. The levels read up the left side as symbol and word."""
    shown = list(marks)[-TIMELINE_MARKS:]
    width, left, right = 680, 128, 12
    row = {level: 158 - 42 * i for i, level in enumerate(LEVELS)}  # low at the bottom
    axis = 180
    height = axis + 26
    column = (width - left - right) / max(len(shown), 1)
    said = timeline_words(shown)
    if len(shown) < len(marks):
        said.insert(0, f"The latest {len(shown)} of {len(marks)} classifications.")
    out = [
        _svg_open(width, height, ident, "picture timeline"),
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(" ".join(said))}</desc>',
        f'<g font-size="11" fill="{INK}">',
    ]
    for level, y in row.items():
        word, symbol, _ = LEVEL_LOOK[level]
        out.append(
            f'<line x1="{left - 6}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#cccccc"/>'
        )
        out.append(
            f'<text x="{left - 12}" y="{y + 4}" text-anchor="end" font-size="12">'
            f"{symbol} {word}</text>"
        )
    out.append(
        f'<line x1="{left - 6}" y1="{axis}" x2="{width - right}" y2="{axis}" '
        f'stroke="{GREY}" stroke-width="1.2"/>'
    )
    levels, readings = [], []
    for i, mark in enumerate(shown):
        x = left + column * (i + 0.5)
        levels.append((x - 9, row[mark.level]))
        readings.append((x + 9, row[mark.reading]) if mark.reading in row else None)
        out.append(
            f'<text x="{x:.1f}" y="{axis + 18}" text-anchor="middle" fill="#333333">'
            f"{_text(mark.on)}</text>"
        )
    if len(levels) > 1:
        points = " ".join(f"{x:.1f},{y}" for x, y in levels)
        out.append(f'<polyline points="{points}" fill="none" stroke="{DARK}" stroke-width="2"/>')
    run: list[tuple[float, int]] = []
    for point in [*readings, None]:
        if point is not None:
            run.append(point)
            continue
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y}" for x, y in run)
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{GREY}" stroke-width="1.5" '
                'stroke-dasharray="5 4"/>'
            )
        run = []
    for mark, (lx, ly), reading in zip(shown, levels, readings, strict=True):
        word = _word(mark.level)
        if mark.agreed:
            out.append(f'<circle cx="{lx:.1f}" cy="{ly}" r="6" fill="{DARK}"/>')
            label = f"agreed {word}"
        else:
            out.append(
                f'<path d="M {lx:.1f} {ly - 7} L {lx + 7:.1f} {ly} L {lx:.1f} {ly + 7} '
                f'L {lx - 7:.1f} {ly} Z" fill="{DARK}"/>'
            )
            label = f"view {word}"
        out.append(f'<text x="{lx:.1f}" y="{ly - 11}" text-anchor="middle">{_text(label)}</text>')
        if reading is None:
            out.append(
                f'<text x="{lx + 9:.1f}" y="{axis - 6}" text-anchor="middle" '
                'font-style="italic">no reading</text>'
            )
            continue
        rx, ry = reading
        out.append(
            f'<circle cx="{rx:.1f}" cy="{ry}" r="5.5" fill="#ffffff" stroke="#333333" '
            'stroke-width="2"/>'
        )
        out.append(
            f'<text x="{rx:.1f}" y="{ry + 19}" text-anchor="middle">'
            f"reading {_word(mark.reading)}</text>"
        )
    out += ["</g>", "</svg>"]
    return "".join(out)
