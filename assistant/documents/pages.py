"""A built report as an HTML page ready to print (A4), or to turn into a PDF
(`assistant.documents.pdf`).

The page is built from the report's blocks, never by parsing Markdown: every
recorded word is escaped as text, so nothing typed can become markup. Its parts are
landmarks (a header with the title, the report in `<main>`, and for a child's report
the note for the worker in an `<aside>` that is shown on screen and never printed),
each section a `<section>` named by its heading. A table's four rows are a small table
with each level as symbol and word; the chart for a child and the timeline are
pictures (`assistant.documents.charts`) with their words beside them and a text
alternative. The print stylesheet is `assistant.documents.print_css`.
"""

from __future__ import annotations

from html import escape

from assistant.documents.blocks import GAP, Block, Report, date_in_words
from assistant.documents.charts import steps_picture, timeline_chart
from assistant.documents.print_css import ADULT, CHILD, COMMON, page_boxes
from assistant.risk.labels import LEVEL_LOOK
from assistant.text import printable

#: The legend under the timeline (its marks as the chart draws them).
TIMELINE_LEGEND = (
    "● agreed level · ◆ one person's view, not yet agreed · ○ Reunify's reading of the "
    "framework's table at the time (dashed line). Every classification is listed below."
)


def _t(text: str) -> str:
    """Recorded or authored words as HTML text (line breaks kept)."""
    return escape(printable(text), quote=True).replace("\n", "<br>")


def _head_lines(report: Report) -> tuple[str, str]:
    """The running header: (left, right). The case reference and the report's name, the
    date it was made; a child's report names no case reference (an internal id), and
    no report names the child unless asked and recorded (`Report.name`)."""
    title = printable(report.definition.title)
    name = printable(report.name) if report.name else ""
    if report.plain:
        left = f"{title} · for {name}" if name else title
        return left, f"made on {date_in_words(report.made_on)}"
    left = " · ".join(part for part in (report.ref, name, title) if part)
    return left, f"made on {report.made_on}"


def _with_class(tag: str, css: str) -> str:
    """An opening tag with one more class."""
    if ' class="' in tag:
        return tag.replace(' class="', f' class="{css} ', 1)
    return tag.replace("<section", f'<section class="{css}"', 1)


class _Page:
    """Builds the body of the page block by block."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.header: list[str] = []
        self.main: list[str] = []
        self.worker: list[str] = []
        self.open_list = ""  # "ul", "signatures" or "table" while one is open
        self.in_section = False
        self.section_at = 0  # where the open section's tag is in `main`
        self.new_page = False
        self.sections = 0

    def close_list(self) -> None:
        if self.open_list in ("ul", "signatures"):
            self.main.append("</ul>")
        elif self.open_list == "table":
            self.main.append("</tbody></table>")
        self.open_list = ""

    def list_item(self, html: str, css: str = "", kind: str = "ul") -> None:
        """An item of a list of fields (or of signatures: `kind` "signatures")."""
        if kind == "signatures" and self.in_section:  # the section is signed as a whole
            opening = self.main[self.section_at]
            if "signing" not in opening:
                self.main[self.section_at] = _with_class(opening, "signing")
        if self.open_list != kind:
            self.close_list()
            extra = " signatures" if kind == "signatures" else ""
            self.main.append(f'<ul class="fields{extra}">')
            self.open_list = kind
        cls = f' class="{css}"' if css else ""
        self.main.append(f"<li{cls}>{html}</li>")

    def level_row(self, block: Block) -> None:
        if self.open_list != "table":
            self.close_list()
            self.main.append(
                '<table class="levels"><thead><tr><th scope="col">Row of the table</th>'
                '<th scope="col">Level</th></tr></thead><tbody>'
            )
            self.open_list = "table"
        level = block.data[0] if block.data else None
        if level in LEVEL_LOOK:
            word, symbol, _ = LEVEL_LOOK[level]
            cell = (
                f'<td class="level-{level}"><span class="symbol" aria-hidden="true">{symbol}'
                f"</span> {word}</td>"
            )
        else:
            cell = f'<td class="level-none">{_t(block.value)}</td>'
        self.main.append(f'<tr><th scope="row">{_t(block.text)}</th>{cell}</tr>')

    def heading(self, block: Block) -> None:
        self.close_list()
        if self.in_section:
            self.main.append("</section>")
        self.sections += 1
        ident = f"s{self.sections}"
        css = ' class="new-page"' if self.new_page else ""
        self.new_page = False
        self.section_at = len(self.main)
        self.main.append(f'<section{css} aria-labelledby="{ident}">')
        heading = f'<h2 id="{ident}">{_t(block.text)}</h2>'
        if self.report.plain:  # a child's pages carry no citation (the worker's note does)
            self.main.append(heading)
        else:  # the source beside the heading, kept with it
            self.main.append(
                f'<div class="section-head">{heading}<p class="cite">Source: {_t(block.value)}'
                "</p></div>"
            )
        self.in_section = True

    def add(self, block: Block) -> None:
        kind = block.kind
        if kind == "title":
            self.header.append(f"<h1>{_t(block.text)}</h1>")
        elif kind == "meta":
            self.header.append(f'<p class="meta">{_t(block.text)}</p>')
        elif kind == "page":
            self.new_page = True
        elif kind == "heading":
            self.heading(block)
        elif kind == "worker":
            self.worker.append(f"<li>{_t(block.text)}</li>")
        elif kind == "level":
            self.level_row(block)
        elif kind in ("field", "signature"):
            self.list_item(
                f"<strong>{_t(block.text)}:</strong> {_t(block.value)}",
                kind="signatures" if kind == "signature" else "ul",
            )
        elif kind == "gap" and self.report.plain:
            self.list_item(
                f'<strong>{_t(block.text)}:</strong> <span class="not-yet">{_t(block.value)}</span>'
            )
        elif kind == "gap":
            self.list_item(f"<strong>{_t(GAP.capitalize())}:</strong> {_t(block.text)}", "gap")
        else:
            self.close_list()
            self.main.append(self.other(block))

    def other(self, block: Block) -> str:
        kind = block.kind
        if kind == "subheading":
            return f"<h3>{_t(block.text)}</h3>"
        if kind == "note" and not self.in_section:
            return f'<p class="intro">{_t(block.text)}</p>'
        if kind in ("note", "line"):
            return f"<p>{_t(block.text)}</p>"
        if kind == "quote":
            return (
                f'<figure class="quote"><blockquote><p>{_t(block.value)}</p></blockquote>'
                f"<figcaption>{_t(block.text)}</figcaption></figure>"
            )
        if kind == "steps":
            picture = steps_picture(block.text, block.value, block.data)
            return f'<figure class="picture">{picture}</figure>'
        if kind == "timeline":
            chart = timeline_chart(block.text, block.data)
            return (
                f'<figure class="picture">{chart}<figcaption>{_t(block.text)}: '
                f"{_t(TIMELINE_LEGEND)}</figcaption></figure>"
            )
        return ""

    def finish(self) -> str:
        self.close_list()
        if self.in_section:
            self.main.append("</section>")
        out = ["<header>", *self.header, "</header>", "<main>", *self.main, "</main>"]
        if self.worker:
            definition = self.report.definition
            out += [
                '<aside class="for-the-worker" aria-labelledby="for-the-worker">',
                f'<h2 id="for-the-worker">{_t(definition.worker_heading)}</h2>',
            ]
            if definition.worker_note:
                out.append(f"<p>{_t(definition.worker_note.strip())}</p>")
            out += ["<ul>", *self.worker, "</ul>", "</aside>"]
        return "\n".join(out)


def to_html(report: Report) -> str:
    """The report as a page to print: A4, sections flowing on, a running header and
    footer on every page (case reference, the report's name, the date it was made,
    page n of m); a report for a child in large type with its chart as a picture."""
    page = _Page(report)
    for block in report.blocks:
        page.add(block)
    body = page.finish()
    title = printable(report.definition.title)
    if not report.plain:
        title = f"{title} — {report.ref}"
    left, right = _head_lines(report)
    css = page_boxes(left, right) + COMMON + (CHILD if report.plain else ADULT)
    kind = "child" if report.plain else "adult"
    if getattr(report.definition, "columns", 1) == 2:
        kind += " two-columns"
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n"
        f'<body class="{kind}">\n{body}\n</body>\n</html>\n'
    )
