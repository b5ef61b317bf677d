"""Markdown for the conversation and the cards: one Rich renderable per text.

Rich's Markdown renderable (not Textual's Markdown widget, which builds a
widget per block) keeps a long conversation and a long card quick to lay out.
Links to content cards (`[text](card:id)`) become clickable: a click runs the
app's `open_card` action. Other links show their text only: the app never
hands an address to the terminal to open.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from rich.style import Style

from assistant.flows.links import card_of

#: How a link to a card looks (underlined, and marked with an arrow-free word
#: style so it is not told by colour alone).
LINK_STYLE = Style(underline=True, bold=True)


def parser() -> MarkdownIt:
    """Our Markdown dialect: CommonMark with tables and strikethrough, no raw HTML."""
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


class LinkedMarkdown:
    """Rich Markdown whose card links run `app.open_card('<id>')` when clicked."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.markdown = RichMarkdown(source, hyperlinks=True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.markdown, options):
            style = segment.style
            if style is None or not style.link:
                yield segment
                continue
            card = card_of(style.link)
            plain = style.update_link(None)
            if card is None:
                yield Segment(segment.text, plain, segment.control)
            else:
                action = Style.from_meta({"@click": f"app.open_card({card!r})"})
                yield Segment(segment.text, plain + LINK_STYLE + action, segment.control)
