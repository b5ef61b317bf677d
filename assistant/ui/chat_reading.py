"""Reunify's reading of the framework's table beside a conversation: the panel (or
its two-line fold on a narrow screen), F3 (why) and F4 (your own decision).

A part of the chat screen (mixed in). A flow that classifies first keeps the
reading out of sight until the practitioner's own levels are in (NSPCC
framework, Stage 2, Task 1: classify independently, then compare).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen

from assistant.casework.classification import CaseClassification, classify_case
from assistant.records.store import StoreError
from assistant.risk.factors import RISK_FACTORS
from assistant.risk.table import PRESENT_RISK
from assistant.ui.cards import CardView
from assistant.ui.decision import DecisionScreen, decided_words
from assistant.ui.risk_panel import RiskPanel, WhyScreen, one_line

if TYPE_CHECKING:
    from assistant.flows.loader import Flow, FlowLibrary
    from assistant.flows.runner import FlowSession
    from assistant.records.store import SessionRecord, Store

    _MixedInto = Screen[Any]
else:
    _MixedInto = object

#: Flows whose conversation shows Reunify's reading of the framework's table beside it.
PANEL_AUDIENCES = ("practitioner", "supervision", "check-in")
#: Below this width the panel folds into the progress line above the conversation.
PANEL_MIN_WIDTH = 100
#: A recorded risk's status, beside its name where a protective factor names it.
RISK_NOW = {
    "addressed": "fully addressed",
    "being_addressed": "being addressed",
    "not_addressed": "not being addressed",
}
#: Said while a flow keeps Reunify's reading out of sight (classify before you look).
BLIND = (
    "Reunify's reading of the framework's table shows once your own levels are in "
    "(classify on your own first: NSPCC framework, Stage 2 Task 1)."
)


class ReadingKeeping(_MixedInto):
    """For the chat screen: the reading, kept up to date as answers arrive."""

    if TYPE_CHECKING:  # what the screen this is mixed into provides
        store: Store
        library: FlowLibrary
        flow: Flow
        record: SessionRecord
        session: FlowSession
        with_panel: bool
        case: CaseClassification | None
        _shown: set[str]
        _latest_decision: dict[str, Any] | None

        def _update(self, selector: str, content: Text | str) -> None: ...

    # -- classify before you look ------------------------------------------
    # -- classify before you look ------------------------------------------
    def _blind(self) -> bool:
        """True until the flow's own levels are beside Reunify's reading: until then
        the reading (panel, F3, the suggestion in a decision) stays out of sight."""
        target = self.flow.compare_step
        return target is not None and target not in self._shown

    def _place_panel(self) -> None:
        """The panel shows when there is room, no card is open and the flow is not
        keeping the reading out of sight; else the progress line says what it can."""
        if self.with_panel:
            cards = self.query_one("#card-pane", CardView).display
            wide = self.size.width >= PANEL_MIN_WIDTH
            self.query_one(RiskPanel).display = wide and not cards and not self._blind()
        self._update_progress()

    def _recorded_risks(self) -> list[tuple[str, str]]:
        """The case's recorded risk factors (present, whether addressed or not) by
        name, for a protective factor to say which it reduces."""
        case = self.case or classify_case(self.store, self.library, self.record.ref)
        factors = case.inputs.data.get("factors", {})
        return [
            (f.id, f"{f.label} ({RISK_NOW[factors[f.id]]})")
            for f in RISK_FACTORS
            if factors.get(f.id) in PRESENT_RISK
        ]

    def _suggested(self) -> str | None:
        case = self.case
        if case is None or case.result is None or case.inputs.empty:
            return None
        return case.result.suggested

    def _update_progress(self) -> None:
        done, total = self.session.progress()
        state = " · finished" if self.session.complete else ""
        line = Text(f"{done} of {total} answered{state}")  # cut to the width (chat.tcss)
        if self.with_panel and self._blind():
            line.append(" · Reunify's reading shows once your own levels are in")
        elif self.with_panel and not self.query_one(RiskPanel).display:
            line.append(" · ")
            line.append_text(one_line(self.case, self._latest_decision))
        self._update("#progress", line)

    def _refresh_classification(self) -> None:
        """Work Reunify's reading out again from everything the case recorded."""
        if not self.with_panel:
            return
        self.case = classify_case(self.store, self.library, self.record.ref)
        decisions = self.store.decisions(self.record.ref)
        self._latest_decision = decisions[-1] if decisions else None
        self.query_one(RiskPanel).show(self.case, self._latest_decision)

    def action_decide(self) -> None:
        if not self.with_panel:
            self.notify("This flow does not feed the risk table.", markup=False)
            return
        blind = self._blind()
        screen = DecisionScreen(None if blind else self._suggested(), blind=blind)
        self.app.push_screen(screen, self._decided)

    def _decided(self, decision: dict[str, Any] | None) -> None:
        if decision is None:
            return
        if self._blind():  # kept with the decision, not shown before the own levels
            decision = {**decision, "suggested": self._suggested()}
        try:
            self.store.record_decision(self.record.ref, {**decision, **self._trajectory()})
        except (StoreError, OSError) as exc:
            self.notify(f"Decision not saved: {exc}", severity="error", markup=False)
            return
        self._refresh_classification()
        self._update_progress()  # the fold says the latest decision too
        self.notify(decided_words(decision), markup=False)

    def _trajectory(self) -> dict[str, Any]:
        """The engine's trajectory now, kept with a decision for the timeline."""
        case = self.case
        if case is None or case.result is None or case.inputs.empty:
            return {}
        return {"trajectory": case.result.trajectory.as_dict()}

    def action_why(self) -> None:
        if not self.with_panel:
            self.notify("This flow does not feed the risk table.", markup=False)
            return
        if self._blind():
            self.notify(BLIND, markup=False)
            return
        if self.case is None:
            self._refresh_classification()
        if self.case is not None:
            self.app.push_screen(WhyScreen(self.case))
