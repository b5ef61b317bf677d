"""How each kind of report item is filled from a case's records (`reports.build_report`
uses `ITEM_BUILDERS`; this module never imports it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import Any

from assistant.documents.blocks import GAP, Report, level_word
from assistant.documents.describe import describe
from assistant.flows.runner import FlowSession

#: the four rows in words a child can follow (the young person's report)
PLAIN_ROWS = {
    "risk_factors": "Things that worry us",
    "protective_factors": "Things that help keep you safe",
    "capacity_to_change": "How much has really changed at home",
    "wishes": "What you and your family want",
}


class CaseRecords:
    """A case's records, each read once while a report is built."""

    def __init__(self, store: Any, library: Any, ref: str, today: date) -> None:
        self.store, self.library, self.ref, self.today = store, library, ref, today

    @cached_property
    def sessions(self) -> list[Any]:
        return list(reversed(self.store.sessions(self.ref)))  # oldest first

    @cached_property
    def answers(self) -> dict[str, list[Any]]:
        return self.store.answers_by_session(self.ref)

    @cached_property
    def classification(self) -> Any:
        from assistant.casework.classification import classify_case

        return classify_case(self.store, self.library, self.ref, self.today)

    @cached_property
    def decisions(self) -> list[dict[str, Any]]:
        return self.store.decisions(self.ref)

    def sessions_of(self, flow_id: str) -> list[Any]:
        return [s for s in self.sessions if s.flow_id == flow_id]


def _answer(report: Report, records: CaseRecords, item: Any) -> None:
    """One question: its newest recorded answer in the case, or a gap."""
    flow = records.library.flows.get(item.flow)
    if flow is None:
        report.add("gap", f"{item.flow} › {item.step} (this flow cannot be loaded now)")
        return
    newest = None
    for session in records.sessions_of(item.flow):
        for stored in records.answers.get(session.id, []):
            if stored.event.step == item.step and (newest is None or stored.seq > newest.seq):
                newest = stored
    if newest is None or newest.event.skipped:
        label = describe(flow, item.step, None, True)[0]
        report.add("gap", f"{label} ({flow.title})")
        return
    label, value = describe(flow, item.step, newest.event.value, False)
    report.add("field", label, value)


def _all(report: Report, records: CaseRecords, item: Any) -> None:
    """Every answered question of every session of a flow (per parent when it asks)."""
    flow = records.library.flows.get(item.flow)
    sessions = records.sessions_of(item.flow)
    if flow is None or not sessions:
        title = flow.title if flow else item.flow
        report.add("gap", f"{title}: no session yet")
        return
    for session in sessions:
        events = [a.event for a in records.answers.get(session.id, [])]
        run = FlowSession(flow, events)
        answers = run.answers()
        about = ""
        if flow.about and flow.about in answers:
            about = " — about " + describe(flow, flow.about, answers[flow.about], False)[1]
        state = "" if session.finished else " (not finished)"
        report.add("subheading", f"{flow.title}{about}, {session.started_at[:10]}{state}")
        shown = 0
        for step in flow.questions:
            if step.id in answers and step.id != flow.about:
                label, value = describe(flow, step.id, answers[step.id], False)
                report.add("field", label, value)
                shown += 1
        if not shown:
            report.add("gap", f"{flow.title}: nothing answered in this session")


def _classification(report: Report, records: CaseRecords, item: Any) -> None:
    from assistant.casework.rounds import ROWS

    case = records.classification
    if case.result is None or case.inputs.empty:
        report.add("gap", "the table's suggestion (nothing recorded feeds it yet)")
        return
    plain = report.definition.plain
    label = "What the table shows" if plain else "Suggested by the framework's table"
    report.add("field", label, level_word(case.result.suggested))
    names = PLAIN_ROWS if plain else ROWS
    for name, level in case.result.rows.as_dict().items():
        report.add("field", names[name], level_word(level))


def _ratings(report: Report, records: CaseRecords, item: Any) -> None:
    from assistant.casework.rounds import ROLES, ROWS, rounds

    found = rounds(records.store, records.ref)
    if not found or not found[-1].ratings:
        report.add("gap", "independent classifications (no round of ratings yet)")
        return
    latest = found[-1]
    report.add("subheading", f"Independent classifications, round of {latest.opened_at[:10]}")
    for rating in latest.ratings:
        rows = "; ".join(f"{ROWS[n]} {level_word(v)}" for n, v in rating.rows.items())
        report.add(
            "field",
            f"{ROLES[rating.role]} ({rating.rater})",
            f"overall {level_word(rating.overall)}. Rows: {rows}. Reasons: {rating.reasons}",
        )


def _decision(report: Report, records: CaseRecords, item: Any) -> None:
    if not records.decisions:
        report.add("gap", "the decision on the level (none recorded yet)")
        return
    latest = records.decisions[-1]
    report.add("field", "Level decided", level_word(latest["level"]))
    if latest.get("suggested"):
        report.add("field", "The table suggested", level_word(latest["suggested"]))
    report.add("field", "Reason", latest.get("reason") or GAP)
    who = latest.get("agreed_by") or latest.get("who", "")
    report.add("field", "Decided by", f"{who}, {latest['at'][:10]}")


def _due(report: Report, records: CaseRecords, item: Any) -> None:
    from assistant.casework.due import due_items
    from assistant.casework.policies import load_policies
    from assistant.paths import content_dir
    from assistant.records.settings import load_settings

    profile = str(load_settings().get("policy_profile") or "framework")
    policies = load_policies(content_dir())
    items = [
        i
        for i in due_items(records.store, records.library, policies, profile, records.today)
        if i.case == records.ref
    ]
    if not items:
        report.add("line", "Nothing is due.")
    for due in items:
        flag = "OVERDUE: " if due.overdue else ""
        report.add("field", f"{flag}{due.due_on}", f"{due.what} (source: {due.source})")


def _sessions(report: Report, records: CaseRecords, item: Any) -> None:
    if not records.sessions:
        report.add("gap", "the work done with the family (no sessions yet)")
    for session in records.sessions:
        done = "finished" if session.finished else "not finished"
        report.add("field", session.started_at[:10], f"{session.flow_title} ({done})")


def _timeline(report: Report, records: CaseRecords, item: Any) -> None:
    from assistant.casework.timeline import entries, trajectory_text

    timeline = entries(records.decisions)
    if not timeline:
        report.add("gap", "classifications over time (none recorded yet)")
    for entry in timeline:
        report.add(
            "field",
            entry.on,
            f"{level_word(entry.agreed)} (table {level_word(entry.suggested)}), "
            f"by {entry.agreed_by}; {trajectory_text(entry.trajectory)}",
        )


def _signatures(report: Report, records: CaseRecords, item: Any) -> None:
    for who in item.who:
        report.add("field", who, "Signed: ____________________   Date: ____________")


ITEM_BUILDERS: dict[str, Callable[[Report, CaseRecords, Any], None]] = {
    "answer": _answer,
    "all": _all,
    "classification": _classification,
    "ratings": _ratings,
    "decision": _decision,
    "due": _due,
    "sessions": _sessions,
    "timeline": _timeline,
    "signatures": _signatures,
}
