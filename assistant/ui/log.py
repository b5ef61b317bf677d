"""The conversation's scrolling log, which keeps only its latest turns mounted.

Textual lays out every mounted widget when anything changes, so a session of
hundreds of turns would slow down with every answer. The log remembers how to
build every turn but keeps at most `WINDOW` of them mounted; older ones are
folded behind a button at the top ("Show earlier turns", also ctrl+home) that
brings them back a batch at a time. The cost of an answer then stays flat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button

#: A way to build a turn again after it was folded away.
TurnMaker = Callable[[], Widget]


class ConversationLog(VerticalScroll, can_focus=False):
    """Every turn of the conversation, the latest `WINDOW` of them mounted."""

    DEFAULT_CSS = "ConversationLog #earlier { width: 100%; margin-top: 1; }"

    #: Turns kept mounted after an answer.
    WINDOW = 30
    #: Turns folded away or shown again at a time.
    BATCH = 20

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._makers: list[TurnMaker] = []
        self._mounted: list[Widget] = []
        #: Index in `_makers` of the first mounted turn.
        self._first = 0

    def compose(self) -> ComposeResult:
        yield Button("", id="earlier", compact=True)

    def on_mount(self) -> None:
        self._label_earlier()

    @property
    def turn_count(self) -> int:
        """How many turns the conversation holds (mounted or folded)."""
        return len(self._makers)

    @property
    def folded(self) -> int:
        """How many of the earliest turns are folded away."""
        return self._first

    def add(self, make: TurnMaker) -> Widget:
        """Show a new turn at the end; fold the oldest away when there are too many."""
        self._makers.append(make)
        turn = make()
        self._mounted.append(turn)
        self.mount(turn)
        if len(self._mounted) > self.WINDOW + self.BATCH:
            self._fold(len(self._mounted) - self.WINDOW)
        return turn

    def extend(self, makers: list[TurnMaker]) -> None:
        """Add many turns at once (a resumed session): only the latest are built."""
        self._makers += makers
        keep = max(0, min(len(makers), self.WINDOW) - len(self._mounted))
        turns = [make() for make in makers[len(makers) - keep :]] if keep else []
        self._first = len(self._makers) - len(self._mounted) - len(turns)
        self._mounted += turns
        self.mount_all(turns)
        if len(self._mounted) > self.WINDOW + self.BATCH:
            self._fold(len(self._mounted) - self.WINDOW)
        self._label_earlier()

    def _fold(self, count: int) -> None:
        old, self._mounted = self._mounted[:count], self._mounted[count:]
        self._first += count
        self.remove_children(old)
        self._label_earlier()

    def show_earlier(self) -> int:
        """Bring back a batch of folded turns above the others; how many came back."""
        start = max(0, self._first - self.BATCH)
        turns = [make() for make in self._makers[start : self._first]]
        if not turns:
            return 0
        self.mount_all(turns, after=self.query_one("#earlier"))
        self._mounted = turns + self._mounted
        self._first = start
        self._label_earlier()
        return len(turns)

    def _label_earlier(self) -> None:
        button = self.query_one("#earlier", Button)
        button.display = self._first > 0
        button.label = (
            f"↑ {self._first} earlier turn{'s' if self._first != 1 else ''} folded away: "
            "show more (ctrl+home)"
        )

    @on(Button.Pressed, "#earlier")
    def _earlier_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.show_earlier()
