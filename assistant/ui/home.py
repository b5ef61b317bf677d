"""The home screen: cases, a new case, the chosen case's sessions, and flows by purpose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from assistant.records.store import CaseRefError, Store, StoreError
from assistant.text import answers_count
from assistant.ui.home_boxes import (
    BoxInput,
    FilterInput,
    flow_options,
    highlight_first,
    move_highlight,
)
from assistant.ui.home_due import DueSoon
from assistant.ui.stamps import when

if TYPE_CHECKING:
    from assistant.flows.loader import FlowLibrary

PURPOSES = {
    "practitioner": "Assessing",
    "supervision": "Supervision",
    "check-in": "Before a review",
    "child": "With the child",
    "learning": "Learning",
}


#: Said on the home screen of `reunify --demo`, whose database is deleted on quit.
DEMO_NOTICE = "DEMO: this database is deleted when you quit; nothing recorded here is kept."


class HomeScreen(Screen):
    """Choose a case, then resume a session or start a flow."""

    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding(
            "n",
            "new_case",
            "New case",
            id="home.new_case",
            tooltip="Type a reference for a new case",
        ),
        Binding("c", "go_to('cases')", "Cases", id="home.cases", tooltip="Go to the list of cases"),
        Binding(
            "s",
            "go_to('sessions')",
            "Sessions",
            id="home.sessions",
            tooltip="Go to the chosen case's sessions",
        ),
        Binding(
            "f",
            "go_to('flow-filter')",
            "Flows",
            id="home.flows",
            tooltip="Go to the flows you can start: type to filter them, Enter starts one",
        ),
        Binding(
            "d",
            "all_due",
            "Due",
            id="home.due",
            tooltip="What is due and overdue across cases, soonest first, with sources",
        ),
    ]

    def __init__(
        self, store: Store, library: FlowLibrary | None, select: str | None = None
    ) -> None:
        """`library` None: the flows are still loading (see `library_loaded`)."""
        super().__init__()
        self.store = store
        self.library = library
        self.ref: str | None = select
        #: `reunify --demo`: the database is deleted on quit, and the screen says so
        self.temporary = bool(getattr(store, "temporary", False))
        #: every flow offered, by purpose: (option id, title), before any filter
        self._flow_groups: dict[str, list[tuple[str, str]]] = {}
        #: the words the flows list was last filtered by
        self._filtered_by = ""

    def compose(self) -> ComposeResult:
        yield Header()
        if self.temporary:
            yield Static(DEMO_NOTICE, id="demo-notice", markup=False)
        with Horizontal():
            with Vertical(id="left"):
                yield Label("Cases", classes="heading")
                yield OptionList(id="cases")
                yield BoxInput(
                    placeholder="New case reference (n)", id="new-case", max_length=32, compact=True
                )
                yield Static("", id="case-error", markup=False)
                yield Label("Due soon (d: all)", classes="heading")
                yield DueSoon(self.store, id="due")
            with Vertical(id="right"):
                yield Label("Sessions", id="sessions-heading", classes="heading")
                yield OptionList(id="sessions")
                yield Label("Start a flow", id="flows-heading", classes="heading")
                yield FilterInput(
                    placeholder="Type to filter the flows (f)", id="flow-filter", compact=True
                )
                yield OptionList(id="flows")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Reunify"
        self.sub_title = self._sub_title
        self._fill_cases()
        self.query_one("#cases", OptionList).focus()
        if self.library is None:
            self.query_one("#flows", OptionList).add_option(
                Option("Loading the flows…", disabled=True)
            )
        else:
            self.library_loaded(self.library)

    @property
    def _sub_title(self) -> str:
        """What the header says under the title, when nothing runs in the background."""
        if self.store.read_only:
            return "READ-ONLY (another window has this database open)"
        if self.temporary:
            return "DEMO: deleted when you quit"
        return "guided reunification practice"

    def library_loaded(self, library: FlowLibrary) -> None:
        """The flows are ready: offer them, and say if some files could not be loaded."""
        self.library = library
        self.query_one("#flows", OptionList).clear_options()
        self._fill_flows(library)
        self._fill_sessions()  # now they can say whom each session is about
        self.call_after_refresh(self._refresh_due)  # the cases are painted first
        if self.library.problems:
            count = len(self.library.problems)
            self.notify(
                f"{count} problem(s) in flow files; those flows are not offered. "
                f"First: {self.library.problems[0]}. Run 'reunify flows check' for all.",
                severity="warning",
                timeout=12,
                markup=False,
            )

    def on_screen_resume(self) -> None:
        self._fill_cases()  # a case archived from its screen leaves the list
        self._refresh_due()  # again only if a session or a decision changed something

    # -- lists -------------------------------------------------------------
    def _fill_cases(self) -> None:
        cases = self.store.cases()
        widget = self.query_one("#cases", OptionList)
        widget.clear_options()
        for case in cases:
            note = "  (demo)" if case.demo else ""
            widget.add_option(Option(Text(case.ref + note), id=case.ref))
        refs = [c.ref for c in cases]
        if self.ref not in refs:
            self.ref = refs[0] if refs else None
        if self.ref:
            widget.highlighted = refs.index(self.ref)
        self._fill_sessions()

    def _fill_sessions(self) -> None:
        widget = self.query_one("#sessions", OptionList)
        widget.clear_options()
        heading = self.query_one("#sessions-heading", Label)
        flows_heading = self.query_one("#flows-heading", Label)
        if self.ref is None:
            heading.update("Sessions — create a case first (n)")
            flows_heading.update("Start a flow")
            return
        heading.update(Text(f"Sessions of {self.ref}"))
        flows_heading.update(Text(f"Start a flow for {self.ref}"))
        sessions = self.store.sessions(self.ref)
        if not sessions:
            widget.add_option(Option("No sessions yet: start a flow below.", disabled=True))
        about = self._about(self.ref) if sessions else {}
        for s in sessions:
            state = "finished" if s.finished else "unfinished — resume"
            title = f"{s.flow_title} — about {about[s.id]}" if s.id in about else s.flow_title
            text = Text(f"{title} · {when(s.started_at)} · {answers_count(s.answers)} · {state}")
            widget.add_option(Option(text, id=s.id))
        highlight_first(widget)

    def _about(self, ref: str) -> dict[str, str]:
        """Whom each session is about ("Mother"), for flows that say (`about`); none
        while the flows are still loading."""
        if self.library is None:
            return {}
        from assistant.flows.runner import about_words  # the flows are loaded by now

        words: dict[str, str] = {}
        by_session = self.store.answers_by_session(ref)
        for record in self.store.sessions(ref):
            flow = self.library.flows.get(record.flow_id)
            events = [a.event for a in by_session.get(record.id, [])]
            about = about_words(flow, events) if flow is not None else None
            if about:
                words[record.id] = about
        return words

    def _fill_flows(self, library: FlowLibrary) -> None:
        from assistant.casework.learning import LearningError, learning_items
        from assistant.paths import content_dir

        groups = {a: [(f.id, f.title) for f in fs] for a, fs in library.by_audience().items()}
        try:
            learning = [(f"learn:{i['id']}", i["title"]) for i in learning_items(content_dir())]
        except LearningError as exc:
            learning = []
            self.notify(str(exc), severity="warning", markup=False)
        if learning:
            groups["learning"] = groups.get("learning", []) + learning
        self._flow_groups = groups
        self._show_flows(self.query_one("#flow-filter", Input).value)

    def _show_flows(self, words: str, keep: str | None = None) -> None:
        """The flows whose title or purpose has every word typed in the filter; `keep`
        stays highlighted if it is among them."""
        self._filtered_by = words
        widget = self.query_one("#flows", OptionList)
        widget.clear_options()
        widget.add_options(flow_options(self._flow_groups, PURPOSES, words))
        try:
            widget.highlighted = widget.get_option_index(keep) if keep else None
        except OptionDoesNotExist:
            widget.highlighted = None
        if widget.highlighted is None:
            highlight_first(widget)

    @on(Input.Changed, "#flow-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._flow_groups and event.value != self._filtered_by:
            self._show_flows(event.value)

    def _unfilter(self, chosen: str | None) -> None:
        """A flow was chosen: every flow is offered again, the chosen one highlighted
        and the list focused, so that coming back the letter keys work (they are not
        typed into the filter)."""
        box = self.query_one("#flow-filter", Input)
        if box.value:
            self._show_flows("", chosen)
            box.value = ""
        if self.focused is box:
            self.query_one("#flows", OptionList).focus()

    @on(FilterInput.Move)
    def _filter_move(self, event: FilterInput.Move) -> None:
        move_highlight(self.query_one("#flows", OptionList), event.step)

    @on(Input.Submitted, "#flow-filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter starts the highlighted flow, as Enter in the list does."""
        flows = self.query_one("#flows", OptionList)
        if flows.highlighted is None or flows.highlighted_option is None:
            return
        if flows.highlighted_option.disabled:
            return
        flows.action_select()

    @on(BoxInput.Left)
    def _box_left(self, event: BoxInput.Left) -> None:
        """Esc in a box: back to the list beside it, the screen's letter keys working."""
        if event.box.id == "new-case":
            self.query_one("#case-error", Static).update("")
            self.query_one("#cases", OptionList).focus()
        else:
            self.query_one("#flows", OptionList).focus()

    # -- choosing ------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#cases")
    def _case_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id != self.ref:
            self.ref = event.option.id
            self._fill_sessions()

    @on(OptionList.OptionSelected, "#cases")
    def _case_chosen(self, event: OptionList.OptionSelected) -> None:
        self.ref = event.option.id
        self._fill_sessions()
        self.action_open_case()

    def action_open_case(self) -> None:
        if self.ref is None:
            self.notify("Create or choose a case first.", severity="warning")
            return
        library = self._flows()
        if library is None:
            return
        from assistant.ui.case import CaseScreen

        self.app.push_screen(CaseScreen(self.store, library, self.ref))

    @on(OptionList.OptionSelected, "#sessions")
    def _session_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.ref is None or event.option.id is None:
            return
        record = self.store.session(self.ref, event.option.id)
        library = self._flows()
        if library is None:
            return
        from assistant.ui.chat import open_session

        open_session(self, self.store, library, record)

    @on(OptionList.OptionSelected, "#flows")
    def _flow_chosen(self, event: OptionList.OptionSelected) -> None:
        self._unfilter(event.option.id)
        if str(event.option.id).startswith("learn:"):
            self._open_learning(str(event.option.id).removeprefix("learn:"))
            return
        if self.ref is None:
            self.notify("Create or choose a case first.", severity="warning")
            return
        library = self._flows()
        if library is None:
            return
        flow = library.flows[str(event.option.id)]
        try:
            record = self.store.start_session(self.ref, flow.id, flow.title)
        except (StoreError, OSError) as exc:
            self.notify(f"Cannot start: {exc}", severity="error", markup=False)
            return
        from assistant.ui.chat import ChatScreen

        self.app.push_screen(ChatScreen(self.store, library, flow, record))

    def _open_learning(self, item: str) -> None:
        """A practice case or the quiz: in the learning space, apart from real cases."""
        from assistant.casework.learning import QUIZ_ID, QuizProgress, load_practice, load_quiz
        from assistant.paths import content_dir, learning_db_path
        from assistant.ui.learning import PracticeScreen, QuizScreen

        if item == QUIZ_ID:
            progress = QuizProgress(learning_db_path(), self.store.user)
            self.app.push_screen(QuizScreen(load_quiz(content_dir()), progress))
            return
        case = load_practice(content_dir())[item]
        self.app.push_screen(PracticeScreen(case, self.library))

    @property
    def due(self) -> list[Any]:
        """What is due across cases, soonest first (empty until worked out)."""
        return self.query_one(DueSoon).items

    def _refresh_due(self) -> None:
        """Work out what is due again, in a thread, if anything it depends on changed."""
        if self.library is not None:
            self.query_one(DueSoon).refresh_due(self.library)

    def action_all_due(self) -> None:
        from assistant.ui.due import DueScreen

        self.app.push_screen(DueScreen(self.due))

    def show_status(self, text: str | None) -> None:
        """Say what the app is doing in the background (a backup), in the header;
        None: back to what the screen says by itself."""
        self.sub_title = text or self._sub_title

    def _flows(self) -> FlowLibrary | None:
        """The flows, or None (and says so) while they are still loading."""
        if self.library is None:
            self.notify("One moment: the flows are still loading.", markup=False)
        return self.library

    def action_new_case(self) -> None:
        self.query_one("#new-case", Input).focus()

    def action_go_to(self, widget_id: str) -> None:
        self.query_one(f"#{widget_id}").focus()

    @on(Input.Submitted, "#new-case")
    def _new_case(self, event: Input.Submitted) -> None:
        """A new case; a refused reference is said in full, and the box lets go of the
        keys (what was typed stays in it: n to correct it)."""
        error = self.query_one("#case-error", Static)
        ref = event.value.strip()
        try:
            self.store.create_case(ref)
        except (CaseRefError, StoreError) as exc:
            error.update(f"Not created: {exc}. n to correct it.")
            self.query_one("#cases", OptionList).focus()
            return
        error.update("")
        event.input.value = ""
        self.ref = ref
        self._fill_cases()
        self.query_one("#flows", OptionList).focus()
