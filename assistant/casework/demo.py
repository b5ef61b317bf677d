"""The fictional demo case, for trying the app without real data.

Its answers live in `content/demo/<REF>.toml` and are replayed through the
same runner a practitioner uses, so every demo answer is checked like a real
one and the demo case gets a full classification.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from assistant.flows.loader import FlowLibrary
from assistant.flows.runner import FlowSession
from assistant.paths import content_dir
from assistant.records.store import CaseRecord, Store, StoreError

DEMO_REF = "DEMO-001"


class DemoError(ValueError):
    """Demo data that does not fit its flows (a bug in content/demo)."""


def demo_file(ref: str = DEMO_REF) -> Path:
    return content_dir() / "demo" / f"{ref}.toml"


def replay(flow_session: FlowSession, answers: dict[str, Any]) -> list[Any]:
    """Answer the session's questions in order from `answers`; skip optional ones left out."""
    events = []
    while (step := flow_session.current) is not None:
        if step.id in answers:
            events.append(flow_session.answer(answers[step.id]))
        elif step.optional:
            events.append(flow_session.skip())
        else:
            raise DemoError(f"demo answers for '{flow_session.flow.id}' miss step '{step.id}'")
    unused = set(answers) - {e.step for e in events}
    if unused:
        raise DemoError(f"demo answers for '{flow_session.flow.id}' not asked: {sorted(unused)}")
    return events


def write_demo(store: Store, library: FlowLibrary | None = None) -> CaseRecord:
    """Add the fictional case `DEMO-001` to `store` (kept as it is if already there).

    With a flow library, its recorded sessions are added too.
    """
    try:
        return store.case(DEMO_REF)
    except StoreError:
        pass
    record = store.create_case(DEMO_REF, demo=True)
    if library is None:
        return record
    data = tomllib.loads(demo_file().read_text(encoding="utf-8"))
    for entry in data.get("sessions", []):
        flow = library.flows.get(entry["flow"])
        if flow is None:
            raise DemoError(f"demo data names flow '{entry['flow']}', which is not loaded")
        events = replay(FlowSession(flow), dated(entry.get("answers", {})))
        session = store.start_session(DEMO_REF, flow.id, flow.title)
        for event in events:
            store.record(DEMO_REF, session.id, event)
            if flow.step(event.step).kind == "decision":
                store.record_decision(DEMO_REF, event.value)
        store.finish_session(DEMO_REF, session.id)
    for entry in data.get("rounds", []):
        demo_round(store, library, entry)
    return record


RELATIVE_DAY = re.compile(r"^today([+-]\d+)d$")


def dated(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers with `today+Nd` turned into a date N days from today."""
    out = {}
    for key, value in answers.items():
        match = RELATIVE_DAY.match(value) if isinstance(value, str) else None
        out[key] = (
            (date.today() + timedelta(days=int(match.group(1)))).isoformat() if match else value
        )
    return out


def demo_round(store: Store, library: FlowLibrary, entry: dict[str, Any]) -> None:
    """A classification round as the demo file gives it: ratings, then the agreement."""
    from assistant.casework.rounds import agree_round, make_rating, open_round, rate, suggestion_now

    opened = open_round(store, DEMO_REF, suggestion_now(store, library, DEMO_REF))
    for r in entry.get("ratings", []):
        rating = make_rating(r["role"], r["rater"], r["rows"], r["overall"], r["reasons"])
        rate(store, DEMO_REF, opened.id, rating)
    agreed = entry.get("agreed")
    if agreed:
        agree_round(store, DEMO_REF, opened.id, agreed["level"], agreed["reason"], agreed["by"])
