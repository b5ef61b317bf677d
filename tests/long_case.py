"""A case grown old, written straight to its files: thousands of answer events over
many sessions (the factors for the child and each parent, assessed again and
again, check-ins, capacity to change, decisions), with changed and skipped
answers, as a practitioner's two years on a case would leave it.

Used by tests/test_long_case.py and for profiling; building it answer by answer
through the store would take minutes and measure nothing new.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.flows.loader import FlowLibrary, default_library
from assistant.flows.runner import FlowSession
from assistant.flows.steps import AnswerError
from assistant.records.answer_log import chained, log_path, write_log
from assistant.records.events import AnswerEvent
from assistant.records.store import Store

#: (flow, whom it is about, weight): the sessions a long case is made of
SESSIONS = (
    ("future-harm-factors", "mother", 5),
    ("future-harm-factors", "father", 5),
    ("future-harm-factors", "child", 1),
    ("pre-review-check-in", None, 4),
    ("capacity-to-change", "mother", 2),
    ("capacity-to-change", "father", 2),
    ("wishes-and-feelings", None, 1),
    ("risk-classification", None, 1),
    ("case-profile", None, 1),
)
NOTES = (
    "Seen at home; the kitchen was clean and there was food in the fridge.",
    "School says attendance was 92% this half term.",
    "Missed two appointments at the alcohol service; says the bus was late.",
    "Police check still awaited.",
    "GP letter: low mood, on a waiting list for talking therapy.",
    "",
)


def _value(step: Any, rng: random.Random, subject: str | None) -> Any:
    """A plausible answer to `step` (checked by the step itself afterwards)."""
    kind = step.kind
    if kind == "choice":
        if subject is not None and step.id == "parent":
            return subject
        return rng.choice(step.options).value
    if kind == "multi":
        options = [o.value for o in step.options]
        return rng.sample(options, rng.randint(0, min(4, len(options))))
    if kind == "factor":
        status = rng.choice(step.answer_values())
        value: dict[str, Any] = {"status": status, "note": rng.choice(NOTES) or "Seen."}
        if step.protective and status == "present" and rng.random() < 0.6:
            value["mitigates"] = rng.sample(["substance_misuse", "neglect", "domestic_abuse"], 1)
        return value
    if kind == "yes_no_unknown":
        return rng.choice(("yes", "no", "unknown"))
    if kind == "scale":
        return rng.randint(0, 10)
    if kind == "date":
        return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == "decision":
        level = rng.choice(("low", "medium", "high", "severe"))
        return {"level": level, "reason": "Held after the review; see the notes."}
    return rng.choice(NOTES) or "Nothing new."


def _answer(session: FlowSession, rng: random.Random, subject: str | None) -> AnswerEvent:
    step = session.current
    if step.optional and rng.random() < 0.15:
        return session.skip()
    for _ in range(20):
        try:
            return session.answer(_value(step, rng, subject))
        except AnswerError:
            continue
    if step.optional:
        return session.skip()
    raise AssertionError(f"no answer fits {session.flow.id}.{step.id}")


def session_events(
    library: FlowLibrary, rng: random.Random
) -> Iterator[tuple[str, str, list[AnswerEvent]]]:
    """Sessions forever: (flow id, flow title, its events in order)."""
    choices = [(flow, about) for flow, about, weight in SESSIONS for _ in range(weight)]
    while True:
        flow_id, subject = rng.choice(choices)
        flow = library.flows[flow_id]
        session = FlowSession(flow)
        events: list[AnswerEvent] = []
        while session.current is not None and len(events) < 200:
            events.append(_answer(session, rng, subject))
            if len(events) > 2 and rng.random() < 0.05:  # an earlier answer changed
                done = {e.step for e in events} - {flow.about}
                asked = [s.id for s in session.visible_steps() if s.id in done]
                if asked:
                    session.change(rng.choice(asked))
                    events.append(_answer(session, rng, subject))
        yield flow_id, flow.title, events


def write_long_case(
    root: Path, ref: str, events: int, seed: int = 19, library: FlowLibrary | None = None
) -> Store:
    """A database at `root` with case `ref` holding about `events` answer events (the
    last session is cut where the count is reached, so it is left unfinished)."""
    library = library or default_library()
    rng = random.Random(seed)
    store = Store(root, user="worker")
    store.create_case(ref)
    path = store.case_path(ref)
    document = json.loads(path.read_text(encoding="utf-8"))
    start = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    sessions: dict[str, dict[str, Any]] = {}
    decisions: dict[str, dict[str, Any]] = {}
    minute = 0
    for n, (flow_id, title, answers) in enumerate(session_events(library, rng), 1):
        if len(rows) >= events:
            break
        minute += 60 * 24 * 3
        session_id = f"s{n:05d}"
        stamp = (start + timedelta(minutes=minute)).isoformat()
        sessions[str(n)] = {
            "id": session_id,
            "flow_id": flow_id,
            "flow_title": title,
            "started_at": stamp,
            "started_by": "worker",
            "finished_at": None,
        }
        kept = answers[: events - len(rows)]
        for event in kept:
            minute += 1
            at = (start + timedelta(minutes=minute)).isoformat()
            rows.append(
                {
                    "session": session_id,
                    "step": event.step,
                    "value": event.value,
                    "skipped": event.skipped,
                    "at": at,
                    "who": rng.choice(("worker", "manager")),
                    "seq": len(rows) + 1,
                }
            )
            if library.flows[flow_id].step(event.step).kind == "decision":
                decisions[str(len(decisions) + 1)] = {**event.value, "at": at, "who": "worker"}
        if len(kept) == len(answers):
            sessions[str(n)]["finished_at"] = rows[-1]["at"]
    document["sessions"] = sessions
    document["decisions"] = decisions
    write_log(log_path(path), chained(rows, ref))
    path.write_text(json.dumps(document), encoding="utf-8")
    return Store(root, user="worker")
