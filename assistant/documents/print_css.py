"""The print stylesheets of the HTML reports: A4, sections flowing on from one to the
next, a heading kept with what follows it, a list item, table, quote or picture kept
whole where it fits on a page, and only a section the template shows on its own page
(`new_page = true`: signatures) starting one. Each page carries a running header and
footer (`page_boxes`). Read the same way by WeasyPrint (the PDF export) and by a
browser's "Print to PDF" (Chromium draws the page boxes too).
"""

from __future__ import annotations

#: What every report shares.
COMMON = """
html { color: #111; }
body { margin: 0; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
.section-head, .cite { break-after: avoid; page-break-after: avoid; }
p { orphans: 3; widows: 3; }
ul.fields > li, table, tr, figure, blockquote, .signatures, section.signing {
  break-inside: avoid;
  page-break-inside: avoid; }
section.new-page { break-before: page; page-break-before: always; }
.symbol { letter-spacing: 0.5pt; }
svg.picture { display: block; width: 100%; height: auto; }
aside.for-the-worker { border-top: 1pt solid #666; margin-top: 8mm; padding-top: 2mm;
  font-size: 10pt; }
@media print { aside.for-the-worker { display: none; } }
@media screen { body { max-width: 178mm; margin: 8mm auto; padding: 0 6mm; } }
"""

#: The reports for adults: compact serif type, a source line under each heading.
ADULT = """
html { font-family: "Liberation Serif", Georgia, "Times New Roman", "DejaVu Serif", serif;
  font-size: 10.5pt; line-height: 1.36; }
h1 { font-size: 17pt; margin: 0 0 1mm; line-height: 1.2; }
.meta { font-size: 9.5pt; color: #333; margin: 0 0 3mm; }
.intro { margin: 0 0 2mm; }
.section-head { display: flex; justify-content: space-between; align-items: baseline;
  gap: 4mm; margin: 4.5mm 0 1.2mm; border-bottom: 0.6pt solid #555; padding-bottom: 0.4mm;
  break-after: avoid; page-break-after: avoid; }
h2 { font-size: 12.5pt; margin: 0; line-height: 1.25; flex: 0 0 auto; max-width: 60%; }
.cite { font-size: 8pt; font-style: italic; color: #444; margin: 0; text-align: right;
  flex: 1 1 auto; line-height: 1.25; }
h3 { font-size: 10.5pt; margin: 2.5mm 0 0.8mm; line-height: 1.25; }
p { margin: 0 0 1.6mm; }
ul.fields { margin: 0 0 1.6mm; padding-left: 4.5mm; }
ul.fields > li { margin: 0 0 0.6mm; }
li.gap strong { font-style: italic; }
table.levels { border-collapse: collapse; margin: 1mm 0 2mm; font-size: 10pt; }
table.levels th, table.levels td { border: 0.6pt solid #888; padding: 0.6mm 2.5mm;
  text-align: left; font-weight: normal; }
table.levels thead th { font-weight: bold; background: #eee; }
table.levels td.level-none { font-style: italic; }
body.two-columns main { columns: 2; column-gap: 6mm; }
body.two-columns { font-size: 10pt; }
body.two-columns .section-head { display: block; margin: 3mm 0 1mm; }
body.two-columns .cite { text-align: left; }
figure { margin: 1.5mm 0 2.5mm; }
figure figcaption { font-size: 8.5pt; color: #333; }
svg.timeline { max-width: 165mm; }
"""

#: The report for a child: large type, short lines, the chart as a picture, the
#: child's words as a quote; no source lines (they are in the worker's note).
CHILD = """
html { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 13.5pt;
  line-height: 1.42; }
h1 { font-size: 22pt; margin: 0 0 1mm; color: #0b2a55; line-height: 1.2; }
.meta { font-size: 11pt; color: #333; margin: 0 0 3mm; }
.intro { margin: 0 0 2mm; }
h2 { font-size: 16pt; margin: 5mm 0 1.2mm; color: #0b2a55; line-height: 1.25; }
h3 { font-size: 13.5pt; margin: 3mm 0 1mm; }
p { margin: 0 0 2mm; }
ul.fields { margin: 0 0 2mm; padding-left: 6mm; }
ul.fields > li { margin: 0 0 1.2mm; }
.not-yet { font-style: italic; }
figure.quote { margin: 2mm 0 3mm; padding: 2mm 5mm; border-left: 2mm solid #1d4f91;
  background: #eef3fa; }
figure.quote blockquote { margin: 0; font-size: 15pt; line-height: 1.35; }
figure.quote blockquote p { margin: 0; }
figure.quote blockquote p::before { content: "\\201C"; }
figure.quote blockquote p::after { content: "\\201D"; }
figure.quote figcaption { font-size: 11pt; color: #333; margin-top: 1mm; }
figure.picture { margin: 1mm 0 2mm; }
"""


def css_string(text: str) -> str:
    """`text` as a CSS string: every character but letters, digits and spaces escaped,
    so that nothing typed can end the string or the style sheet."""
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch == " "):
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")  # the space ends the escape and is not kept
    return '"' + "".join(out) + '"'


def page_boxes(top_left: str, top_right: str, page_word: str = "Page", of: str = "of") -> str:
    """The A4 page with its running header (`top_left`, `top_right`) and footer (page n
    of m) on every page."""
    box = "font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8pt; color: #333;"
    return (
        "@page { size: A4; margin: 17mm 15mm 16mm 15mm;\n"
        f"  @top-left {{ content: {css_string(top_left)}; {box} vertical-align: bottom;"
        " padding-bottom: 3mm; }\n"
        f"  @top-right {{ content: {css_string(top_right)}; {box} vertical-align: bottom;"
        " padding-bottom: 3mm; }\n"
        f"  @bottom-right {{ content: {css_string(page_word + ' ')} counter(page) "
        f"{css_string(' ' + of + ' ')} counter(pages); {box} vertical-align: top;"
        " padding-top: 3mm; }\n"
        "}\n"
    )
