"""Classifying together in the app: rate on your own, confer, agree (Stage 2 Task 1).

One dialog per case. With no open round it offers to open one (keeping
Reunify's reading of the framework's table now, unseen). While a round is open,
a rater chooses their role, gives a level for each row and overall with
reasons, and submits; only then does the side-by-side view show, for that
role, with Reunify's reading: nothing of it shows before the rater has rated.
When two or more have rated, the agreed level can be recorded, with a sentence
if it differs from Reunify's reading.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from assistant.casework.rounds import (
    LEVELS,
    ROLES,
    ROWS,
    RoundError,
    agree_round,
    conferring_text,
    make_rating,
    open_round,
    rate,
    rounds,
    suggestion_now,
)
from assistant.records.store import StoreError
from assistant.ui.dialog import Dialog

LEVEL_OPTIONS = [(level.upper(), level) for level in LEVELS]


class RoundScreen(Dialog[None]):
    """The case's classification round."""

    DEFAULT_CSS = """
    RoundScreen Select { width: 30; }
    RoundScreen .row { height: auto; }
    RoundScreen .row Label { width: 38; padding-top: 1; }
    RoundScreen TextArea { height: 4; }
    RoundScreen #round-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close", id="round.close")]

    def __init__(self, store: Any, library: Any, ref: str) -> None:
        super().__init__()
        self.store = store
        self.library = library
        self.ref = ref

    def current(self) -> Any:
        return next((r for r in rounds(self.store, self.ref) if r.open), None)

    def compose(self) -> ComposeResult:
        round_ = self.current()
        with VerticalScroll(classes="dialog-box", id="round-box"):
            yield Static(id="round-status", markup=False)
            yield Static(id="round-error", markup=False)
            if round_ is None:
                yield Button(
                    "Open a round (keeps Reunify's reading now, shown to each rater "
                    "once they have rated)",
                    id="open",
                )
                return
            yield Label(
                "Rate on your own: nobody else's rating, and not Reunify's reading, "
                "shows until yours is in."
            )
            with Horizontal(classes="row"):
                yield Label("You are")
                yield Select([(label, role) for role, label in ROLES.items()], id="role")
            with Horizontal(classes="row"):
                yield Label("Your name or initials")
                yield Input(id="rater", max_length=60)
            for name, label in ROWS.items():
                with Horizontal(classes="row"):
                    yield Label(label)
                    yield Select(LEVEL_OPTIONS, id=f"row-{name}")
            with Horizontal(classes="row"):
                yield Label("Overall level")
                yield Select(LEVEL_OPTIONS, id="overall")
            yield Label("Your reasons")
            yield TextArea(id="reasons")
            yield Button("Submit my rating", id="submit", variant="primary")
            yield Static(id="confer", markup=False)
            yield Label("Agree the level together (after conferring)")
            with Horizontal(classes="row"):
                yield Label("Agreed level")
                yield Select(LEVEL_OPTIONS, id="agreed-level")
            with Horizontal(classes="row"):
                yield Label("Agreed by (names or initials)")
                yield Input(id="agreed-by", max_length=120)
            yield Label("Reason (a sentence if it differs from Reunify's reading)")
            yield TextArea(id="agreed-reason")
            yield Button("Record the agreed level", id="agree")

    def on_mount(self) -> None:
        self._status()
        self._focus_first()

    def _focus_first(self) -> None:
        """Keyboard first: the open button, or the rater's role."""
        found = self.query("#open") or self.query("#role")
        if found:
            found.first().focus()

    def _status(self) -> None:
        round_ = self.current()
        if round_ is None:
            text = f"Case {self.ref}: no open round. Open one to classify independently."
        else:  # never the reading here: a rater sees it only once they have rated
            text = (
                f"Case {self.ref}: round {round_.id} opened {round_.opened_at[:10]}. "
                f"{len(round_.ratings)} of 3 raters have submitted."
            )
        self.query_one("#round-status", Static).update(text)

    def _error(self, message: str) -> None:
        self.query_one("#round-error", Static).update(f"⚠ {message}" if message else "")

    @on(Button.Pressed, "#open")
    async def _open(self) -> None:
        suggested = suggestion_now(self.store, self.library, self.ref)
        try:
            open_round(self.store, self.ref, suggested)
        except (StoreError, OSError) as exc:
            self._error(str(exc))
            return
        await self.recompose()
        self._status()
        self._focus_first()

    def _value(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return "" if value is Select.NULL else str(value)

    @on(Button.Pressed, "#submit")
    def _submit(self) -> None:
        round_ = self.current()
        try:
            rating = make_rating(
                self._value("#role"),
                self.query_one("#rater", Input).value,
                {name: self._value(f"#row-{name}") for name in ROWS},
                self._value("#overall"),
                self.query_one("#reasons", TextArea).text,
            )
            round_ = rate(self.store, self.ref, round_.id, rating)
        except (RoundError, StoreError) as exc:
            self._error(f"{exc}.")
            return
        self._error("")
        self._status()
        self.query_one("#confer", Static).update(conferring_text(round_, rating.role))
        self.notify("Your rating is kept.", markup=False)

    @on(Select.Changed, "#role")
    def _role_chosen(self) -> None:
        """Choosing a role shows that role's view: the others only once it has rated."""
        round_ = self.current()
        role = self._value("#role")
        if round_ is not None and role:
            self.query_one("#confer", Static).update(conferring_text(round_, role))

    @on(Button.Pressed, "#agree")
    async def _agree(self) -> None:
        round_ = self.current()
        try:
            agreed = agree_round(
                self.store,
                self.ref,
                round_.id,
                self._value("#agreed-level"),
                self.query_one("#agreed-reason", TextArea).text,
                self.query_one("#agreed-by", Input).value,
            )
        except (RoundError, StoreError) as exc:
            self._error(f"{exc}.")
            return
        self.notify(f"Agreed level recorded: {agreed['level'].upper()}.", markup=False)
        self.dismiss()


class TimelineScreen(Dialog[None]):
    """The case's classifications over time, with the level-over-time chart."""

    BINDINGS = [Binding("escape,t,q", "dismiss", "Close", id="timeline.close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="timeline"):
            yield Static(self.text + "\n\nEsc closes.", markup=False)

    def on_mount(self) -> None:
        self.query_one("#timeline").focus()
