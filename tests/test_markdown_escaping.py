"""Exported Markdown shows recorded words exactly as typed, escaping only what would
change their meaning (a signature line stays a line; "1. Mum" is not a list)."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from assistant.documents.formats import escape_md

RENDER = MarkdownIt("commonmark")


def shown(markdown: str) -> str:
    """What a reader sees when the Markdown is rendered: the text, tags removed."""
    text = re.sub(r"<[^>]+>", "", RENDER.render(markdown))
    return html.unescape(text).strip()


CASES = [
    "1. Mum came to every contact",
    "10) ten visits",
    "Signed: ____________________   Date: ____________",
    "____",
    "*bold* _it_ snake_case __init__",
    "# not a heading",
    "#hashtag stays",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "a\\b and \\*",
    "<b>x</b> &amp; &copy;",
    "[link](http://example.org) ![img](x)",
    "`code` and ``more``",
    "===",
    "---",
    "***",
    "~~gone~~ | pipe |",
    "Mum said: 'I'll stop' — *twice*",
]


@pytest.mark.parametrize("text", CASES)
def test_rendered_markdown_shows_exactly_what_was_typed(text: str) -> None:
    assert shown(escape_md(text)) == text


def test_only_what_would_change_the_meaning_is_escaped() -> None:
    assert escape_md("Signed: ____________________   Date: ____________") == (
        "Signed: ____________________   Date: ____________"
    )
    assert escape_md("1. Mum came") == "1\\. Mum came"
    assert escape_md("snake_case and 2 + 2 = 4") == "snake_case and 2 + 2 = 4"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 _*-#>.)+=`[]<&\\!~|")), max_size=24))
def test_any_line_renders_as_typed(text: str) -> None:
    line = text.strip()
    if not line:
        return
    assert shown(escape_md(line)) == " ".join(line.split()) or shown(escape_md(line)) == line
