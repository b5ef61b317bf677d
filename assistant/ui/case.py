"""The case screen: a case's sessions, what each recorded, its classification and decisions."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from assistant.casework.case_sessions import about_each, session_answers
from assistant.casework.classification import classify_case
from assistant.casework.decisions import who_decided
from assistant.casework.rounds import rounds
from assistant.flows.loader import FlowLibrary
from assistant.flows.runner import FlowSession
from assistant.records.store import SessionRecord, Store, StoreError
from assistant.text import answers_count, printable
from assistant.ui.chat import open_session
from assistant.ui.levels import level_text
from assistant.ui.risk_panel import WhyScreen, panel_text
from assistant.ui.stamps import when

#: Finished sessions listed at first (newest first, after every unfinished one); a
#: case open for years has hundreds, and the list lays out each one it holds.
SESSIONS_SHOWN = 100
OLDER_SESSIONS = "older-sessions"


class CaseScreen(Screen):
    """Everything recorded for one case; Enter on a session resumes or reopens it."""

    CSS_PATH = "case.tcss"
    BINDINGS = [
        Binding("escape", "dismiss", "Cases", id="case.back", tooltip="Back to the cases"),
        Binding(
            "f3",
            "why",
            "Why?",
            id="case.why",
            tooltip="Why Reunify reads the framework's table this way",
        ),
        Binding(
            "a",
            "audit",
            "Audit",
            id="case.audit",
            tooltip="Every answer event: who, when, and what each change replaced",
        ),
        Binding(
            "r",
            "round",
            "Classify together",
            id="case.round",
            tooltip="Independent classification: rate on your own, confer, agree",
        ),
        Binding(
            "t",
            "timeline",
            "Timeline",
            id="case.timeline",
            tooltip="The case's classifications over time, with a chart",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="case.export",
            tooltip="A document for the child's file from what was recorded: preview, then save",
        ),
        Binding(
            "ctrl+d",
            "archive",
            "Archive case",
            id="case.archive",
            tooltip="Delete the case from the lists: it is archived, every answer kept",
            show=False,  # rare, and asks first: in help (F1) and the palette, not the footer
        ),
    ]

    def __init__(self, store: Store, library: FlowLibrary, ref: str) -> None:
        super().__init__()
        self.store = store
        self.library = library
        self.ref = ref
        self.case: Any = None
        self._sessions: dict[str, SessionRecord] = {}
        self._all_sessions = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="case-left"):
                yield Label("Sessions (Enter resumes or reopens)", classes="heading")
                yield OptionList(id="case-sessions")
                yield Label("What the session recorded", classes="heading")
                with VerticalScroll(id="case-recorded"):
                    yield Static(id="recorded", markup=False)
            with VerticalScroll(id="case-right"):
                yield Static(id="case-classification")
                yield Static(id="case-decisions")
        yield Footer(compact=True)  # every key of the screen fits in 80 columns

    def on_mount(self) -> None:
        self.title = f"Case {self.ref}"
        name = self.store.case_name(self.ref)
        self.sub_title = (
            f"name: {printable(name)}" if name else "sessions, classification and decisions"
        )
        self.query_one("#case-sessions").focus()

    def on_screen_resume(self) -> None:
        self.refresh_case()

    def refresh_case(self) -> None:
        sessions = self.store.sessions(self.ref)
        self._sessions = {record.id: record for record in sessions}
        listing = self.query_one("#case-sessions", OptionList)
        listing.clear_options()
        ordered = [s for s in sessions if not s.finished] + [s for s in sessions if s.finished]
        older = 0
        if not self._all_sessions:  # a case years old: its newest sessions, the rest on asking
            unfinished = sum(not s.finished for s in ordered)
            older = max(0, len(ordered) - unfinished - SESSIONS_SHOWN)
            ordered = ordered[: len(ordered) - older]
        # read from the log's rows, not an object for every answer of a long case
        about = about_each(self.store, self.library, self.ref, ordered)
        options = []
        for record in ordered:
            state = "finished" if record.finished else "UNFINISHED — resume"
            started = when(record.started_at)
            title = record.flow_title
            if about.get(record.id):
                title += f" — about {about[record.id]}"
            text = f"{title} · {started} · {answers_count(record.answers)} · {state}"
            options.append(Option(Text(text), id=record.id))
        if older:
            options.append(Option(f"Show {older} older sessions", id=OLDER_SESSIONS))
        listing.add_options(options)  # at once: one layout of the list, not one per session
        if not sessions:
            listing.add_option(
                Option("No sessions yet: start a flow from the home screen.", disabled=True)
            )
            self.query_one("#recorded", Static).update("")
        else:
            listing.highlighted = 0
        self.case = classify_case(self.store, self.library, self.ref)
        round_open = self._round_open()
        shown = ROUND_OPEN if round_open else panel_text(self.case)
        self.query_one("#case-classification", Static).update(shown)
        self.query_one("#case-decisions", Static).update(self._decisions(round_open))

    def _round_open(self) -> bool:
        """A classification round is open: the reading stays out of sight here until
        it is agreed, so that no rater sees it before rating (Stage 2 Task 1)."""
        return any(r.open for r in rounds(self.store, self.ref))

    def _decisions(self, round_open: bool) -> Text:
        text = Text("\nDecisions recorded\n", style="bold")
        decisions = self.store.decisions(self.ref)
        if not decisions:
            text.append("None yet. F4 in a conversation, or the classifying flow, records one.")
        for decision in reversed(decisions):
            text.append(f"\n{when(decision['at'])} · {printable(decision['who'])}\n")
            text.append_text(level_text(decision["level"]))
            text.append(f" · {printable(who_decided(decision))}")
            suggested = decision.get("suggested")
            if suggested and suggested != decision["level"] and not round_open:
                text.append(f" (Reunify's reading: {suggested.upper()})")
            text.append(f"\n{printable(decision['reason'])}\n")
        return text

    @on(OptionList.OptionHighlighted, "#case-sessions")
    def _show_recorded(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id in (None, OLDER_SESSIONS):
            return
        record = self._sessions.get(event.option.id) or self.store.session(
            self.ref, event.option.id
        )
        flow = self.library.flows.get(record.flow_id)
        shown = Text(f"{record.flow_title}\n", style="bold")
        answers = session_answers(self.store, self.ref, record.id)
        if flow is None:
            shown.append("This flow cannot be loaded now; its answers are kept.\n")
            for stored in answers:
                shown.append(f"{stored.event.step}: {printable(str(stored.event.value))}\n")
        else:
            session = FlowSession(flow, [a.event for a in answers])
            for label, answer in session.summary():
                shown.append(f"{label}: ", style="bold")
                shown.append(f"{printable(answer)}\n")
        self.query_one("#recorded", Static).update(shown)

    @on(OptionList.OptionSelected, "#case-sessions")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == OLDER_SESSIONS:
            self._all_sessions = True
            highlighted = event.option_index
            self.refresh_case()
            self.query_one("#case-sessions", OptionList).highlighted = highlighted
            return
        record = self.store.session(self.ref, str(event.option.id))
        open_session(self, self.store, self.library, record)

    def action_audit(self) -> None:
        from assistant.casework.audit_trail import AuditTrail
        from assistant.ui.audit import AuditScreen

        # the rows are built as they come into sight: a case of 20,000 answers opens at once
        rows, problem = AuditTrail(self.store, self.ref), self.store.log_problem(self.ref)
        self.app.push_screen(AuditScreen(self.ref, rows, self.library, problem))

    def action_round(self) -> None:
        from assistant.ui.rounds import RoundScreen

        self.app.push_screen(RoundScreen(self.store, self.library, self.ref))

    def action_timeline(self) -> None:
        from assistant.casework.timeline import entries, render
        from assistant.ui.rounds import TimelineScreen

        current = None
        if self.case is not None and self.case.result is not None and not self.case.inputs.empty:
            result = self.case.result
            current = {"suggested": result.suggested, "trajectory": result.trajectory.as_dict()}
        timeline = entries(self.store.decisions(self.ref))
        self.app.push_screen(
            TimelineScreen(lambda width: render(self.ref, timeline, current, width))
        )

    def action_export(self) -> None:
        from assistant.documents.reports import ReportError, load_definitions
        from assistant.paths import content_dir
        from assistant.ui.export import ExportScreen

        try:
            reports = load_definitions(content_dir())
        except ReportError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.push_screen(ExportScreen(self.store, self.library, self.ref, reports))

    def action_archive(self) -> None:
        from assistant.ui.audit import ConfirmArchive

        self.app.push_screen(ConfirmArchive(self.ref), self._archive)

    def _archive(self, yes: bool | None) -> None:
        if not yes:
            return
        try:
            self.store.archive_case(self.ref)
        except (StoreError, OSError) as exc:
            self.notify(f"Not archived: {exc}", severity="error", markup=False)
            return
        self.notify(f"Case {self.ref} is archived; every answer is kept.", markup=False)
        self.dismiss()

    def action_why(self) -> None:
        if self._round_open():
            self.notify(ROUND_OPEN.plain, markup=False)
        elif self.case is not None:
            self.app.push_screen(WhyScreen(self.case))


ROUND_OPEN = Text.assemble(
    ("Reunify's reading of the framework's table\n", "bold"),
    "A classification round is open, so the reading stays hidden here until the round "
    "is agreed: each rater classifies before they look. Each rater sees it in the "
    "round (r) once they have rated.",
)
