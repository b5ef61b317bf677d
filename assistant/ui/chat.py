"""The chat screen: one flow session with one case, as a conversation."""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Header, Static

from assistant.casework.classification import CaseClassification, classify_case
from assistant.casework.decisions import DecisionError, make_decision
from assistant.casework.due import recorded_values
from assistant.flows.child_replies import load_child_replies
from assistant.flows.loader import Flow, FlowLibrary
from assistant.flows.runner import AnswerEvent, FlowSession, RunnerError
from assistant.flows.steps import AnswerError
from assistant.records.store import SessionRecord, Store, StoreError
from assistant.ui.answer_input import HOW_TO_ANSWER, input_for
from assistant.ui.cards import CardView
from assistant.ui.chat_cards import CardKeeping
from assistant.ui.chat_keys import CHAT_BINDINGS, KEYS_LINE, KEYS_LINE_PLAIN
from assistant.ui.chat_leaving import Leaving
from assistant.ui.chat_reading import PANEL_AUDIENCES, ReadingKeeping
from assistant.ui.child import (
    CHILD_DONE,
    CHILD_HOW,
    Handover,
    child_how,
    worker_notes,
)
from assistant.ui.drafts import DraftKeeping
from assistant.ui.inputs import Submitted
from assistant.ui.log import ConversationLog, TurnMaker
from assistant.ui.picker import AnswerPicker
from assistant.ui.risk_panel import RiskPanel, panel_text
from assistant.ui.turns import (
    AssistantTurn,
    ClassificationTurn,
    ReplyTurn,
    SummaryTurn,
    comparison_text,
)

#: Seconds between tries to save an answer that could not be saved.
RETRY_SECONDS = 5.0

#: The last line of a finished conversation (a child's says CHILD_DONE).
DONE = "This flow is complete and saved. ctrl+b changes an answer; Esc returns to the cases."


def can_change_the_table(step: Any) -> bool:
    """Whether an answer to `step` (or skipping it) can change the panel: it feeds the
    classification, or it is a decision. Other answers leave the panel as it is."""
    return bool(getattr(step, "feeds_the_table", False)) or step.kind in ("factor", "decision")


class ChatScreen(ReadingKeeping, CardKeeping, Leaving, DraftKeeping, Screen):
    """Ask a flow's questions one at a time and keep every answer as it is given."""

    CSS_PATH = "chat.tcss"
    BINDINGS = CHAT_BINDINGS

    def __init__(
        self, store: Store, library: FlowLibrary, flow: Flow, record: SessionRecord
    ) -> None:
        super().__init__()
        self.store = store
        self.library = library
        self.flow = flow
        self.record = record
        self.with_panel = flow.audience in PANEL_AUDIENCES
        self.child_mode = flow.audience == "child"
        self.child_words = load_child_replies() if self.child_mode else None
        self._replies_given = 0
        self.case: CaseClassification | None = None
        self.session = FlowSession(
            flow,
            store.events(record.ref, record.id),
            recorded=recorded_values(store, library, record.ref, flow),
        )
        self._shown: set[str] = set()
        self._input: Any = None
        self._lines: dict[str, Text | str] = {}
        self._draft_timer: Any = None
        self._pending_draft: tuple[str, str] | None = None
        self._unsaved: AnswerEvent | None = None
        self._latest_decision: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress")
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield ConversationLog(id="log")
                with Vertical(id="dock"):
                    yield Button("What does this mean? (F2)", id="meaning", compact=True)
                    yield Static(id="how", markup=False)
                    yield Static(id="error", markup=False)
                    yield Vertical(id="slot")
            yield CardView(id="card-pane")
            if self.with_panel:  # hidden from the start in a flow that classifies first
                panel = RiskPanel(id="risk")
                panel.display = self.flow.compare_step is None
                yield panel
        yield Static(KEYS_LINE if self.with_panel else KEYS_LINE_PLAIN, id="keys", markup=False)

    async def on_mount(self) -> None:
        self.title = self.flow.title
        self.sub_title = "with the child" if self.child_mode else f"case {self.record.ref}"
        self.set_class(self.child_mode, "-child")
        log = self.query_one(ConversationLog)
        # a resumed session follows its latest turn; a new one reads from its intro's start
        new = self.session.progress()[0] == 0
        log.anchor(not new)
        times = {a.event.step: a.at for a in self.store.answers(self.record.ref, self.record.id)}
        earlier: list[TurnMaker] = [partial(AssistantTurn, self._for_reader(self.flow.intro))]
        for turn in self.session.transcript():
            self._shown.add(turn.step.id)
            if not turn.step.is_question:
                earlier += self._said(turn.step)
            elif turn.answered or turn.skipped:
                earlier.append(partial(AssistantTurn, self._question_text(turn.step)))
                earlier.append(
                    self._reply(turn.step, turn.value, turn.skipped, times.get(turn.step.id))
                )
        log.extend(earlier)
        self._refresh_classification()
        await self._advance()
        if self.child_mode:  # the worker's guidance, before the child takes over
            self.app.push_screen(Handover(self.flow), self._handed_over)

    def _handed_over(self, start: bool | None) -> None:
        if not start:
            self.dismiss()

    def _for_reader(self, text: str) -> str:
        """What the assistant says, less the worker's paragraphs in a child's flow
        (those are on the handover screen)."""
        return worker_notes(text)[0] if self.child_mode else text

    @property
    def answering(self) -> list[str] | None:
        """How to answer, for help: in a child's flow only its kinds, in a child's words."""
        if not self.child_mode:
            return None
        kinds = dict.fromkeys(s.kind for s in self.flow.steps if s.is_question)
        return [CHILD_HOW[k] for k in kinds if k in CHILD_HOW]

    # -- showing -----------------------------------------------------------
    def _said(self, step: Any) -> list[TurnMaker]:
        """A message step; a classification step also shows Reunify's reading now,
        beside the practitioner's own levels when it compares them."""
        turns: list[TurnMaker] = [partial(AssistantTurn, self._for_reader(step.text))]
        if step.kind == "classification":
            case = classify_case(self.store, self.library, self.record.ref)
            if step.compare:
                own = step.own_levels(self.session.answers())
                turns.append(partial(ClassificationTurn, comparison_text(own, case)))
            else:
                turns.append(partial(ClassificationTurn, panel_text(case)))
        return turns

    @staticmethod
    def _question_text(step: Any, changing: bool = False) -> str:
        text = step.text
        if changing:
            text = f"*Changing an earlier answer — {step.label}*\n\n{text}"
        return text

    @staticmethod
    def _reply(step: Any, value: Any, skipped: bool, at: str | None) -> TurnMaker:
        if skipped:
            return partial(ReplyTurn, step.label, "(skipped)", at, classes="-skipped")
        return partial(ReplyTurn, step.label, step.display(value), at)

    def _update(self, selector: str, content: Text | str) -> None:
        """Change a line of the screen only when its words change (each change is
        a new layout of the whole screen)."""
        if self._lines.get(selector) != content:
            self._lines[selector] = content
            self.query_one(selector, Static).update(content)

    def on_resize(self, event: events.Resize) -> None:
        self._place_panel()

    def action_scroll_log(self, pages: int) -> None:
        log = self.query_one(ConversationLog)
        log.scroll_page_down() if pages > 0 else log.scroll_page_up()

    def action_earliest(self) -> None:
        """The top of the conversation; pressed again, turns folded away come back."""
        log = self.query_one(ConversationLog)
        if log.scroll_y == 0:
            log.show_earlier()
        log.scroll_home(animate=False)

    def action_latest(self) -> None:
        self.query_one(ConversationLog).scroll_end(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No risk keys in flows used with a child (help and palette leave them out)."""
        return self.with_panel or action not in ("why", "decide")

    @on(Button.Pressed, "#meaning")
    async def _meaning(self) -> None:
        await self.action_cards()

    def _show_error(self, message: str) -> None:
        self._update("#error", Text(f"⚠ {message}", style="bold") if message else "")
        self.query_one("#error").display = bool(message)

    async def _advance(self) -> None:
        """Show what comes next: messages, then the open question or the summary."""
        log = self.query_one(ConversationLog)
        step = self.session.current
        for message in self.session.messages_before(step.id if step else None):
            if message.id not in self._shown:
                self._shown.add(message.id)
                for make in self._said(message):
                    log.add(make)
        if step is None:
            await self._finish()
        else:
            await self._ask(step)
        self._place_panel()  # the reading comes into sight once the own levels are in

    async def _ask(self, step: Any, changing: bool = False) -> None:
        self._shown.add(step.id)
        self._close_cards()
        self.query_one(ConversationLog).add(
            partial(AssistantTurn, self._question_text(step, changing))
        )
        earlier = self.session.answers().get(step.id) if changing else None
        draft = None if self.store.read_only else self._drafts().get(step.id)
        how = self._how(step, changing, earlier is not None, bool(draft))
        hidden = self._blind() or getattr(step, "blind", False)
        risks = self._recorded_risks() if getattr(step, "protective", False) else None
        await self._set_input(input_for(step, None if hidden else self._suggested(), risks), how)
        self._fill_input(earlier, draft)
        if self.child_mode:  # the button only where a card is written for children
            self.query_one("#meaning").display = bool(self._cards_here())

    def _how(self, step: Any, changing: bool, earlier: bool, draft: bool) -> str:
        """The line under a question: how to answer it, and what is in the input."""
        if self.child_mode:  # the worker's hints were on the handover screen
            return child_how(step.kind, step.optional)
        how = HOW_TO_ANSWER[step.kind]
        if step.hint:
            how = f"{step.hint}\n{how}"
        if step.optional:
            how += " Optional: ctrl+o skips it."
        if changing and earlier:
            how += " Edit the earlier answer; Esc keeps it."
        elif changing:
            how += " Esc keeps the earlier answer."
        if draft:
            how += " What you typed before is back (a draft, not yet sent)."
        return how

    async def _finish(self) -> None:
        rows = self.session.finish()
        if not self.record.finished:
            self.store.finish_session(self.record.ref, self.record.id)
            self.record = self.store.session(self.record.ref, self.record.id)
        self.query_one(ConversationLog).add(partial(SummaryTurn, rows))
        words = CHILD_DONE if self.child_mode else DONE
        done = Static(words, id="answer", markup=False)
        await self._set_input(done, "")

    async def _set_input(self, widget: Any, how: str) -> None:
        if self._pending_draft is not None:
            self._keep_draft()  # what was typed for the question on screen until now
        slot = self.query_one("#slot", Vertical)
        await slot.remove_children()
        self._input = widget
        await slot.mount(widget)
        self._update("#how", how)
        self._show_error("")
        widget.focus()
        # a dock taller than its room scrolls to its end: the input stays in sight
        self.call_after_refresh(self.query_one("#dock").scroll_end, animate=False)

    # -- answering ---------------------------------------------------------
    @on(Submitted)
    async def _submitted(self, message: Submitted) -> None:
        message.stop()
        if message.sender is not self._input:
            return  # a key that reached an input already replaced by the next question
        value = message.value
        try:
            current = self.session.current
            if current is not None and current.kind == "decision" and isinstance(value, dict):
                value = self._decision(current, value)
            event = self.session.prepare_answer(value)
        except DecisionError as exc:
            self._show_error(f"{exc}.")
            return
        except (AnswerError, RunnerError) as exc:
            self._show_error(f"{exc}.")
            return
        await self._keep(event)

    def _decision(self, step: Any, value: dict[str, Any]) -> dict[str, Any]:
        """Casework's rule, applied before the runner checks the shape: a level that
        differs from Reunify's reading needs a sentence. A blind decision is made
        before looking, so the reading is kept with it but not used to check it."""
        blind = step.blind or self._blind()
        decision = make_decision(
            str(value.get("level") or ""),
            value.get("reason") or "",
            None if blind else value.get("suggested"),
            value.get("agreed_with"),
        )
        return {**decision, "suggested": self._suggested()} if blind else decision

    async def _keep(self, event: AnswerEvent) -> None:
        """Store the event first; only a stored answer moves the conversation on."""
        step = self.flow.step(event.step)
        try:
            stored = self.store.record(self.record.ref, self.record.id, event)
        except (StoreError, OSError) as exc:
            self._unsaved = event
            self._show_error(
                f"Not saved: {exc}. Your answer is kept here and tried again every "
                f"{RETRY_SECONDS:.0f} seconds; Enter tries now."
            )
            self.set_timer(RETRY_SECONDS, self._retry)
            return
        self._unsaved = None
        if self._pending_draft and self._pending_draft[0] == event.step:
            self._pending_draft = None  # sent: the store dropped its draft too
        if step.kind == "decision" and not event.skipped:
            try:
                self.store.record_decision(self.record.ref, {**event.value, **self._trajectory()})
            except (StoreError, OSError) as exc:
                self._show_error(f"Decision not saved: {exc}. Send it again.")
                return
        self.session.apply(event)
        with self.app.batch_update():  # one repaint for the reply, the next turn and input
            if can_change_the_table(step):
                self._refresh_classification()
            log = self.query_one(ConversationLog)
            log.add(self._reply(step, event.value, event.skipped, stored.at))
            if self.child_words is not None:
                after = self.child_words.after(event.skipped, self._replies_given)
                log.add(partial(AssistantTurn, after))
                self._replies_given += 1
            await self._advance()
            log.anchor()  # the next question comes into sight, even after PageUp
        collect = getattr(self.app, "collect_when_idle", None)  # ReunifyApp's
        if collect is not None:
            collect()

    async def _retry(self) -> None:
        """Try an unsaved answer again, if it is still the one waiting."""
        event = self._unsaved
        current = self.session.current
        if event is not None and current is not None and current.id == event.step:
            await self._keep(event)

    async def action_skip(self) -> None:
        try:
            event = self.session.prepare_skip()
        except RunnerError as exc:
            self._show_error(f"{exc}.")
            return
        await self._keep(event)

    async def action_back(self) -> None:
        try:
            step = self.session.back()
        except RunnerError as exc:
            self._show_error(f"{exc}.")
            return
        await self._ask(step, changing=True)
        self._update_progress()

    def action_pick(self) -> None:
        rows = [
            (t.step.id, t.step.label, "(skipped)" if t.skipped else t.step.display(t.value))
            for t in self.session.transcript()
            if t.step.is_question and (t.answered or t.skipped)
        ]
        if not rows:
            self._show_error("Nothing has been answered yet.")
            return
        self.app.push_screen(AnswerPicker(rows), self._picked)

    async def _picked(self, step_id: str | None) -> None:
        if step_id is None:
            return
        step = self.session.change(step_id)
        await self._ask(step, changing=True)
        self._update_progress()


def open_session(screen: Screen, store: Store, library: FlowLibrary, record: SessionRecord) -> None:
    """Resume or reopen a stored session; if its flow no longer loads, say so (its
    answers stay in the database)."""
    flow = library.flows.get(record.flow_id)
    if flow is None:
        screen.notify(
            f"The flow '{record.flow_id}' cannot be loaded now (see 'reunify flows check'); "
            "its answers are kept in the database.",
            severity="error",
            markup=False,
        )
        return
    screen.app.push_screen(ChatScreen(store, library, flow, record))
