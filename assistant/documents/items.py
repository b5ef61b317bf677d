"""How each kind of report item is filled from a case's records (`reports.build_report`
uses `ITEM_BUILDERS`; this module never imports it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import Any

from assistant.documents.blocks import (
    GAP,
    ROW_NAMES,
    ChartStep,
    Mark,
    Report,
    date_in_words,
    level_word,
)
from assistant.documents.describe import describe
from assistant.flows.runner import FlowSession

#: How every document names the engine's suggestion: it is our reading of the
#: framework's table, which gives no formula for combining its rows (Stage 2, Task 1:
#: not to be used in an overly prescriptive way).
READING = "Reunify's reading of the framework's table"
#: A row of the table with nothing on it recorded yet.
ROW_NOT_KNOWN = "not known yet (nothing on this row is recorded)"
#: A suggestion the engine could not make.
NOT_ENOUGH = "Not enough recorded to suggest a level yet"


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


def _cannot_apply(records: CaseRecords, flow: Any, step_id: str) -> bool:
    """True for a question a report must not ask for: the newest session of its flow
    ruled it out (e.g. the father's wishes where no father was named), or, with no
    session yet, it is a follow-up that only some answers lead to."""
    if step_id not in {s.id for s in flow.questions}:
        return False  # a question the flow no longer has: its gap says so
    sessions = records.sessions_of(flow.id)
    if not sessions:
        return flow.step(step_id).when is not None
    events = [a.event for a in records.answers.get(sessions[-1].id, [])]
    return FlowSession(flow, events).ruled_out(step_id)


def _answer(report: Report, records: CaseRecords, item: Any) -> None:
    """One question: its newest recorded answer in the case, or a gap (none where
    the question cannot apply to this case)."""
    flow = records.library.flows.get(item.flow)
    if flow is None:
        report.add("gap", f"{item.flow} › {item.step} (this flow cannot be loaded now)")
        return
    newest = None
    for session in records.sessions_of(item.flow):
        for stored in records.answers.get(session.id, []):
            if stored.event.step == item.step and (newest is None or stored.seq > newest.seq):
                newest = stored
    if (newest is None or newest.event.skipped) and _cannot_apply(records, flow, item.step):
        return
    if newest is None or newest.event.skipped:
        label = describe(flow, item.step, None, True)[0]
        if report.plain:  # the child's page says it in a child's words; the worker's note
            report.add("gap", item.label or label, report.definition.not_yet)
            report.add("worker", f"{GAP.capitalize()}: {label} ({flow.title})")
        else:
            report.add("gap", f"{label} ({flow.title})")
        return
    label, value = describe(flow, item.step, newest.event.value, False)
    report.add("quote" if item.quote else "field", item.label or label, value)


def _all(report: Report, records: CaseRecords, item: Any) -> None:
    """Every answered question of every session of a flow (per parent when it asks),
    then each adult the case profile names for assessment about whom the flow has
    recorded nothing that feeds the table (e.g. a mother's partner never assessed)."""
    _sessions_of_flow(report, records, item)
    if item.flow in records.library.flows:
        from assistant.casework.classification import not_yet_assessed

        title = records.library.flows[item.flow].title
        for who in not_yet_assessed(records.store, records.library, records.ref, item.flow):
            report.add("gap", f"{who}, named for assessment in the case profile ({title})")


def _sessions_of_flow(report: Report, records: CaseRecords, item: Any) -> None:
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
    """Reunify's reading of the table now, row by row, with what is not known yet. Never
    in a report for a child (`reports.NOT_FOR_A_CHILD`)."""
    from assistant.casework.classification import to_record_next
    from assistant.casework.rounds import ROWS
    from assistant.risk.explain import gap_label

    case = records.classification
    if case.result is None or case.inputs.empty:
        why = case.problem or "nothing recorded feeds it yet"
        report.add("gap", f"{READING} ({why})")
        return
    result = case.result
    if result.suggested is None:
        value = f"{NOT_ENOUGH}."
        if nxt := to_record_next(result):
            value += " Record next: " + "; ".join(nxt) + "."
    else:
        value = level_word(result.suggested)
        if result.provisional:
            value += " (provisional: some answers are not known yet)"
    report.add("field", READING, value)
    if case.reasons:
        report.add("field", "How it was read", case.reasons[0].text)
    for name, level in result.rows.as_dict().items():
        report.add("level", ROWS[name], level_word(level) if level else ROW_NOT_KNOWN, (level,))
    if result.gaps:
        report.add("field", "Not known yet", "; ".join(gap_label(g) for g in result.gaps))


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


def _reading_then(decision: dict[str, Any]) -> str:
    suggested = decision.get("suggested")
    return level_word(suggested) if suggested else "no level (not enough was recorded then)"


def _decision(report: Report, records: CaseRecords, item: Any) -> None:
    """The agreed level (a round's, or one agreed with a manager), and a newer view of
    the practitioner's own, shown as theirs (Stage 2, Task 1: classify, then agree)."""
    from assistant.casework.decisions import is_agreed, latest_agreed, who_decided

    agreed = latest_agreed(records.decisions)
    if agreed is None:
        report.add("gap", "the agreed level (none agreed in a round or with a manager yet)")
    else:
        report.add("field", "Level agreed", level_word(agreed["level"]))
        report.add("field", f"{READING} at the time", _reading_then(agreed))
        report.add("field", "Reason", agreed.get("reason") or GAP)
        report.add(
            "field",
            "Agreed",
            f"{who_decided(agreed)}; recorded by {agreed.get('who', '?')}, {agreed['at'][:10]}",
        )
    ordered = sorted(enumerate(records.decisions), key=lambda iv: (iv[1]["at"], iv[0]))
    newest = ordered[-1][1] if ordered else None
    if newest is not None and not is_agreed(newest):  # newer than any agreed level
        report.add(
            "field",
            "Latest view, not yet agreed",
            f"{level_word(newest['level'])}, the view of {newest.get('who', '?')} on "
            f"{newest['at'][:10]} ({READING} then: {_reading_then(newest)}). "
            f"Reason: {newest.get('reason') or GAP}",
        )


def _chart(report: Report, records: CaseRecords, item: Any) -> None:
    """The chart for a child: each step with its rows as sentences (Annex 6), the step
    agreed marked (HTML draws it as a picture; Markdown and text list the steps)."""
    from assistant.casework.decisions import latest_agreed

    chart = report.definition.chart
    agreed = latest_agreed(records.decisions)
    decided = agreed["level"] if agreed else None
    steps = tuple(
        ChartStep(
            number,
            step.level,
            step.name,
            step.short,
            tuple((chart.rows[row], getattr(step, row)) for row in (*ROW_NAMES, "outcome")),
            step.level == decided,
        )
        for number, step in enumerate(chart.steps, 1)
    )
    report.add("steps", chart.picture, chart.here, steps)


def _decided(report: Report, records: CaseRecords, item: Any) -> None:
    """What was decided, told to the child: the latest agreed level as its step of the
    chart, in the chart's sentences (Annex 6, 'Decision'), or that nothing is decided
    yet. Never Reunify's own reading, a practitioner's own view or the adults' reasons."""
    from assistant.casework.decisions import latest_agreed

    chart = report.definition.chart
    agreed = latest_agreed(records.decisions)
    found = chart.step(agreed["level"]) if agreed else None
    if agreed is None or found is None:
        report.add("line", chart.undecided)
        return
    number, step = found
    report.add("field", chart.decided, f"Step {number} of {len(chart.steps)}: {step.name}")
    report.add("field", chart.decided_on, date_in_words(agreed["at"][:10]))
    report.add("line", chart.step_says)
    for row in (*ROW_NAMES, "outcome"):
        report.add("field", chart.rows[row], getattr(step, row))


def _due(report: Report, records: CaseRecords, item: Any) -> None:
    from assistant.casework.due import case_due_items, chosen_rules

    rules = chosen_rules()
    items = case_due_items(records.store, records.library, rules, records.ref, records.today)
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


def _trajectory_words(t: dict[str, Any] | None) -> str:
    """The six-month rules' answer in words; a level the engine could not give reads so."""
    if not t:
        return "trajectory not recorded"
    held = t.get("held_at")
    parts = [f"held at {level_word(held)}" if held else "no level held yet"]
    if t.get("step_down_on"):
        parts.append(f"may step down on {t['step_down_on']}")
    if t.get("escalate_to"):
        parts.append(f"consider {level_word(t['escalate_to'])}")
    if t.get("can_close"):
        parts.append("closing can be considered")
    if t.get("reclassify_by"):
        parts.append(f"reclassify by {t['reclassify_by']}")
    return ", ".join(parts)


def _timeline(report: Report, records: CaseRecords, item: Any) -> None:
    from assistant.casework.decisions import is_agreed, who_decided

    ordered = [
        d for _, d in sorted(enumerate(records.decisions), key=lambda iv: (iv[1]["at"], iv[0]))
    ]
    if not ordered:
        report.add("gap", "classifications over time (none recorded yet)")
        return
    marks = tuple(
        Mark(d["at"][:10], d["level"], is_agreed(d), d.get("suggested") or None) for d in ordered
    )
    report.add("subheading", "Classifications over time")
    report.add("timeline", "Classifications over time", data=marks)
    for decision in ordered:
        how = (
            who_decided(decision)
            if is_agreed(decision)
            else (f"the view of {decision.get('who', '?')}, not agreed")
        )
        report.add(
            "field",
            decision["at"][:10],
            f"{level_word(decision['level'])} ({READING} then: {_reading_then(decision)}), "
            f"{how}; {_trajectory_words(decision.get('trajectory'))}",
        )


def _signatures(report: Report, records: CaseRecords, item: Any) -> None:
    for who in item.who:
        report.add("signature", who, "Signed: ____________________   Date: ____________")


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
    "chart": _chart,
    "decided": _decided,
}
