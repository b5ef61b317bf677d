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

from collections.abc import Callable
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
    SHORT_ROWS,
    RoundError,
    agree_round,
    bound_role,
    conferring_text,
    make_rating,
    open_round,
    rate,
    rounds,
    suggestion_now,
)
from assistant.records.store import StoreError
from assistant.text import printable
from assistant.ui.dialog import Dialog

LEVEL_OPTIONS = [(level.upper(), level) for level in LEVELS]
CHOOSE = "Choose a level"


class RoundScreen(Dialog[None]):
    """The case's classification round."""

    DEFAULT_CSS = """
    RoundScreen .row { height: auto; }
    RoundScreen .row > Label { width: 24; }
    RoundScreen .row Select { width: 24; }
    RoundScreen .row Input { width: 1fr; background: $boost; }
    RoundScreen .heading { text-style: bold; margin-top: 1; }
    RoundScreen TextArea { height: 5; }
    RoundScreen Button { margin-top: 1; }
    RoundScreen #show-all { background: $panel; }
    RoundScreen #round-error { color: $text-error; height: auto; }
    RoundScreen #confer { margin-top: 1; }
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
        # one line per control (compact), so that a rater's whole form fits at 80×24
        with VerticalScroll(classes="dialog-box", id="round-box"):
            yield Static(id="round-status", markup=False)
            yield Static(id="round-error", markup=False)
            if round_ is None:
                yield Button("Open a round", id="open", variant="primary", compact=True)
                return
            yield Static(
                "Rate on your own: nobody else's rating, and not Reunify's reading, "
                "shows until yours is in. Esc closes.",
                markup=False,
            )
            # on a team server the account says who rates, and as what: shown, not asked
            bound = bound_role(self.store) or None
            with Horizontal(classes="row"):
                yield Label("You are")
                yield Select(
                    [(label, role) for role, label in ROLES.items()],
                    id="role",
                    prompt="Choose your role",
                    compact=True,
                    value=bound or Select.NULL,
                    disabled=bound is not None,
                )
            with Horizontal(classes="row"):
                yield Label("Your name or initials")
                yield Input(
                    self.store.user if bound else "",
                    id="rater",
                    max_length=60,
                    compact=True,
                    disabled=bound is not None,
                )
            for name, label in ROWS.items():
                with Horizontal(classes="row"):
                    yield Label(SHORT_ROWS.get(name, label))
                    yield Select(LEVEL_OPTIONS, id=f"row-{name}", prompt=CHOOSE, compact=True)
            with Horizontal(classes="row"):
                yield Label("Overall level")
                yield Select(LEVEL_OPTIONS, id="overall", prompt=CHOOSE, compact=True)
            yield Label("Your reasons")
            yield TextArea(id="reasons")
            yield Button("Submit my rating", id="submit", variant="primary", compact=True)
            yield Static(id="confer", markup=False)
            yield Button(
                "Show all the ratings side by side (once everyone rating has rated)",
                id="show-all",
                compact=True,
            )
            yield Static("Agree the level together (after conferring)", classes="heading")
            with Horizontal(classes="row"):
                yield Label("Agreed level")
                yield Select(LEVEL_OPTIONS, id="agreed-level", prompt=CHOOSE, compact=True)
            with Horizontal(classes="row"):
                yield Label("Agreed by (names)")
                yield Input(id="agreed-by", max_length=120, compact=True)
            yield Label("Reason (a sentence if it differs from Reunify's reading)")
            yield TextArea(id="agreed-reason")
            yield Button("Record the agreed level", id="agree", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._status()
        self._focus_first()

    def _focus_first(self) -> None:
        """Keyboard first: the open button, or the rater's role (on a team server, where
        the role is the account's, the first row)."""
        for widget in self.query("#open, .row Select"):  # a bound role is not focusable
            if widget.focusable:
                widget.focus()
                return

    def _status(self) -> None:
        round_ = self.current()
        if round_ is None:
            text = (
                f"Case {self.ref}: no open round. Open one to classify independently: it "
                "keeps Reunify's reading now, shown to each rater once they have rated."
            )
        else:  # never the reading here: a rater sees it only once they have rated
            text = (
                f"Case {self.ref}: a round opened {round_.opened_at[:10]}. "
                f"{len(round_.ratings)} of {len(ROLES)} raters have submitted"
            )
            text += f": {rated_by(round_)}." if round_.ratings else "."
        self.query_one("#round-status", Static).update(text)
        for button in self.query("#show-all"):
            button.display = round_ is not None and len(round_.ratings) >= 2

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
        if not self._value("#role"):
            self._error("Choose your role first (You are).")
            self.query_one("#role").focus()
            return
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
        self._clear_form()  # the next rater sees an empty form, not these levels
        self._status()
        self.query_one("#confer", Static).update(conferring_text(round_, rating.role))
        self.query_one("#confer").scroll_visible(top=True)
        self.notify("Your rating is kept.", markup=False)

    def _clear_form(self) -> None:
        """Empty the levels and reasons (and, on one shared machine, who rated)."""
        shared = bound_role(self.store) is None
        for select in ("#overall", *(f"#row-{name}" for name in ROWS)):
            self.query_one(select, Select).clear()
        if shared:
            self.query_one("#role", Select).clear()
            self.query_one("#rater", Input).value = ""
        self.query_one("#reasons", TextArea).clear()

    @on(Select.Changed, "#role")
    def _role_chosen(self) -> None:
        """A role that has not rated sees nothing of the others; a role that has rated
        is not offered again (choosing it reveals nothing: it asks for another role)."""
        round_ = self.current()
        role = self._value("#role")
        confer_view = self.query_one("#confer", Static)
        if round_ is None or not role:
            return
        rating = round_.rating_of(role)
        if rating is None:
            self._error("")
            confer_view.update(conferring_text(round_, role))
            return
        waiting = [label.lower() for r, label in ROLES.items() if round_.rating_of(r) is None]
        ask = (
            f"Choose the role you are rating as: {' or '.join(waiting)}."
            if waiting
            else "Every role has rated: agree the level below."
        )
        self._error(f"The {ROLES[role].lower()} has already rated this round. {ask}")
        confer_view.update(f"Rated so far: {rated_by(round_)}.")
        self.query_one("#role", Select).clear()  # no rating is made as a role that has rated

    @on(Button.Pressed, "#show-all")
    def _show_all(self) -> None:
        """The side-by-side view for conferring together, once two or more have rated."""
        round_ = self.current()
        if round_ is None or len(round_.ratings) < 2:
            return
        self._error("")
        self.query_one("#confer", Static).update(conferring_text(round_, round_.ratings[0].role))
        self.query_one("#confer").scroll_visible(top=True)

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
            self.query_one("#round-error").scroll_visible()
            return
        self.notify(f"Agreed level recorded: {agreed['level'].upper()}.", markup=False)
        self.dismiss()


def rated_by(round_: Any) -> str:
    """Who has rated a round, by role and name (never their levels)."""
    return ", ".join(f"{ROLES[r.role].lower()} ({printable(r.rater)})" for r in round_.ratings)


class TimelineScreen(Dialog[None]):
    """The case's classifications over time, with the level-over-time chart. The text
    is laid out for the dialog's width (`render(width)`), so no line wraps twice."""

    BINDINGS = [Binding("escape,t,q", "dismiss", "Close", id="timeline.close")]

    def __init__(self, render: Callable[[int], str]) -> None:
        super().__init__()
        self.render_at = render
        self.text = render(80)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="timeline"):
            yield Static(self.text + "\n\nEsc closes.", id="timeline-text", markup=False)

    def on_mount(self) -> None:
        self.query_one("#timeline").focus()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Lay the text out for the room inside the dialog (a scroll bar's width kept)."""
        room = self.query_one("#timeline").content_region.width - 2
        width = max(40, min(80, room))
        self.text = self.render_at(width)
        self.query_one("#timeline-text", Static).update(self.text + "\n\nEsc closes.")
