"""A built report as Markdown, HTML (print-ready, A4: `assistant.documents.pages`) or
plain text.

Recorded words are data, never markup: in Markdown every character that could
start formatting is escaped, in HTML every value is escaped as text (no recorded
word is ever parsed as markup), and in plain text control characters are made
visible.
"""

from __future__ import annotations

import re

from assistant.documents.blocks import GAP, Report
from assistant.documents.pages import to_html
from assistant.text import printable

#: the text formats (a PDF is made from the HTML: `assistant.documents.pdf`)
FORMATS = ("md", "html", "txt")

#: Characters that start formatting wherever they stand (escaped always).
_ALWAYS = re.compile(r"([\\`*\[\]<>&|~])")
#: What turns a line into a heading, quote or list item (escaped at a line's start).
_BLOCK_START = re.compile(r"^( {0,3})(#{1,6}(?=\s|$)|[-+](?=\s|$)|=+\s*$|-+\s*$)")
_ORDERED = re.compile(r"^( {0,3}\d{1,9})([.)])(?=\s|$)")
_BREAK = re.compile(r"^ {0,3}_(?:\s*_){2,}\s*$")
_UNDERSCORES = re.compile(r"_+")


def _flanking(line: str, start: int, end: int) -> bool:
    """True when a run of underscores could open or close emphasis (CommonMark's
    left- or right-flanking rule), so it must be escaped to show as typed."""
    before = line[start - 1] if start > 0 else " "
    after = line[end] if end < len(line) else " "

    def punct(ch: str) -> bool:
        return not ch.isalnum() and not ch.isspace()

    left = not after.isspace() and (not punct(after) or before.isspace() or punct(before))
    right = not before.isspace() and (not punct(before) or after.isspace() or punct(after))
    opens = left and (not right or punct(before))  # `_` inside a word never opens
    closes = right and (not left or punct(after))
    return opens or closes


def _escape_line(line: str) -> str:
    if _BREAK.match(line):  # a line of underscores alone would be a rule
        return line.replace("_", "\\_", 1)
    pieces, last = [], 0
    for run in _UNDERSCORES.finditer(line):
        pieces.append(_ALWAYS.sub(r"\\\1", line[last : run.start()]))
        text = run.group()
        pieces.append(text.replace("_", "\\_") if _flanking(line, *run.span()) else text)
        last = run.end()
    pieces.append(_ALWAYS.sub(r"\\\1", line[last:]))
    line = "".join(pieces)
    line = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def escape_md(text: str) -> str:
    """Recorded text safe inside Markdown: it shows exactly as typed, never as
    formatting, and only what would change the meaning is escaped (a signature
    line of underscores stays a line of underscores; "1. Mum" becomes "1\\. Mum")."""
    return "\n".join(_escape_line(line) for line in printable(text).split("\n"))


def _md_value(text: str) -> str:
    """A value that may span lines, kept inside its list item."""
    return "  \n  ".join(escape_md(line) for line in text.split("\n"))


def to_markdown(report: Report) -> str:
    out: list[str] = []
    for block in report.blocks:
        if block.kind == "title":
            out += [f"# {escape_md(block.text)}", ""]
        elif block.kind == "meta":
            out += [f"*{escape_md(block.text)}*", ""]
        elif block.kind == "heading":
            out += [f"## {escape_md(block.text)}", ""]
            if not report.plain:  # a child's pages carry no citation: see the worker's note
                out += [f"*Source: {escape_md(block.value)}*", ""]
        elif block.kind == "subheading":
            out += [f"### {escape_md(block.text)}", ""]
        elif block.kind in ("note", "line"):
            out += [escape_md(block.text), ""]
        elif block.kind in ("field", "level", "signature"):
            out.append(f"- **{escape_md(block.text)}:** {_md_value(block.value)}")
        elif block.kind == "gap" and report.plain:
            out.append(f"- **{escape_md(block.text)}:** {escape_md(block.value)}")
        elif block.kind == "gap":
            out.append(f"- **{GAP.capitalize()}:** {escape_md(block.text)}")
        elif block.kind == "quote":
            out += [f"**{escape_md(block.text)}:**", ""]
            out += ["> " + line for line in _md_value(block.value).split("\n")] + [""]
        elif block.kind == "steps":
            for step in block.data:
                here = f" ({block.value})" if step.here else ""
                out += [f"### Step {step.number}: {escape_md(step.name)}{escape_md(here)}", ""]
                out += [f"- **{escape_md(row)}:** {escape_md(said)}" for row, said in step.rows]
    worker = [b.text for b in report.blocks if b.kind == "worker"]
    if worker:
        definition = report.definition
        out += ["", "---", "", f"## {escape_md(definition.worker_heading)}", ""]
        if definition.worker_note:
            out += [escape_md(definition.worker_note.strip()), ""]
        out += [f"- {escape_md(line)}" for line in worker]
    return _tidy("\n".join(out))


def _tidy(text: str) -> str:
    """A blank line after each list, and one new line at the end."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        in_list = line.startswith(("- ", "  "))
        if in_list and nxt and not nxt.startswith(("- ", "  ")):
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_text(report: Report) -> str:
    """Plain text for case systems that strip formatting."""
    out: list[str] = []
    for block in report.blocks:
        text, value = printable(block.text), printable(block.value)
        if block.kind == "title":
            out += [text, "=" * len(text), ""]
        elif block.kind == "meta":
            out += [text, ""]
        elif block.kind == "heading":
            out += ["", text.upper()]
            out += [""] if report.plain else [f"(source: {value})", ""]
        elif block.kind == "subheading":
            out += ["", text, "-" * min(len(text), 78)]
        elif block.kind in ("note", "line"):
            out += [text, ""]
        elif block.kind in ("field", "level", "signature") or (
            block.kind == "gap" and report.plain
        ):
            out.append(f"{text}: " + value.replace("\n", "\n    "))
        elif block.kind == "gap":
            out.append(f"[{GAP.upper()}] {text}")
        elif block.kind == "quote":
            out += [f"{text}:", *("    " + line for line in value.split("\n")), ""]
        elif block.kind == "steps":
            for step in block.data:
                here = f" ({value})" if step.here else ""
                heading = printable(f"Step {step.number}: {step.name}{here}")
                out += ["", heading, "-" * min(len(heading), 78)]
                out += [printable(f"{row}: {said}") for row, said in step.rows]
    worker = [printable(b.text) for b in report.blocks if b.kind == "worker"]
    if worker:
        heading = printable(report.definition.worker_heading)
        out += ["", "-" * 78, "", heading.upper(), ""]
        if report.definition.worker_note:
            out += [printable(report.definition.worker_note.strip()), ""]
        out += [f"- {line}" for line in worker]
    return "\n".join(out).rstrip() + "\n"


def render(report: Report, fmt: str) -> str:
    if fmt == "md":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report)
    if fmt == "txt":
        return to_text(report)
    raise ValueError(f"unknown format {fmt!r} ({', '.join(FORMATS)})")
