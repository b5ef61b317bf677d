"""The home screen's one-line boxes (a new case, the flows' filter), which let go of
the keys with Esc; the flows as the filter leaves them; moving in its lists past
the headings that cannot be chosen."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


def highlight_first(widget: OptionList) -> None:
    """Highlight the first option that can be chosen, so Enter works at once."""
    for index in range(widget.option_count):
        if not widget.get_option_at_index(index).disabled:
            widget.highlighted = index
            return


def move_highlight(widget: OptionList, step: int) -> None:
    """Move the highlight to the next option that can be chosen (headings cannot)."""
    index = widget.highlighted if widget.highlighted is not None else -step
    for _ in range(widget.option_count):
        index += step
        if not 0 <= index < widget.option_count:
            return
        if not widget.get_option_at_index(index).disabled:
            widget.highlighted = index
            return


def flow_options(
    groups: dict[str, list[tuple[str, str]]], purposes: dict[str, str], words: str
) -> list[Option]:
    """The flows (option id, title) whose title or purpose has every word typed, each
    purpose a heading above its flows; a line saying so when none matches."""
    options = []
    for audience, entries in groups.items():
        purpose = purposes[audience]
        shown = [(i, t) for i, t in entries if matches(words, t, purpose)]
        if shown:
            options.append(Option(Text(purpose, style="bold"), disabled=True))
            options += [Option(Text(f"  {title}"), id=option_id) for option_id, title in shown]
    if not options:
        words = words.strip()
        options.append(Option(Text(f"No flow matches '{words}': Esc clears it."), disabled=True))
    return options


def matches(words: str, *texts: str) -> bool:
    """Every word typed appears somewhere in the texts (case does not matter)."""
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in words.casefold().split())


class BoxInput(Input):
    """A one-line box on the home screen: Esc leaves it (what was typed is cleared),
    so the screen's letter keys work again."""

    BINDINGS = [
        Binding("escape", "leave", "Leave the box", id="home.leave_box", show=False),
    ]

    class Left(Message):
        """The box was left with Esc."""

        def __init__(self, box: BoxInput) -> None:
            super().__init__()
            self.box = box

    def action_leave(self) -> None:
        self.value = ""
        self.post_message(self.Left(self))


class FilterInput(BoxInput):
    """The flows' filter: typing filters the list, ↑ ↓ move in it, Enter starts the
    highlighted flow."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous flow", show=False),
        Binding("down", "move(1)", "Next flow", show=False),
    ]

    class Move(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_move(self, step: int) -> None:
        self.post_message(self.Move(step))
