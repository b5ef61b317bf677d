"""A case's sessions as the case screen lists them, without building every answer.

`Store.answers_by_session` builds an object for each answer event of the case:
at 20,000 answers that is ~50 ms each time the case screen lists its sessions
or shows what one session recorded. These read the log's rows as the store
keeps them (`assistant.casework.case_log`) and build only what is shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.casework.case_log import log_rows, stored
from assistant.flows.loader import FlowLibrary
from assistant.records.model import SessionRecord, StoredAnswer
from assistant.records.store import Store


def session_answers(store: Store, ref: str, session_id: str) -> list[StoredAnswer]:
    """One session's answer events, oldest first (as `Store.answers` gives them)."""
    return [stored(row) for row in log_rows(store, ref) if row["session"] == session_id]


def about_each(
    store: Store, library: FlowLibrary, ref: str, sessions: Iterable[SessionRecord]
) -> dict[str, str]:
    """Whom each session is about, in words (its flow's `about` answer, e.g. "Mother",
    as `about_words` gives it), for the sessions whose flow asks and that answered."""
    asks = {}
    for record in sessions:
        flow = library.flows.get(record.flow_id)
        if flow is not None and flow.about is not None:
            asks[record.id] = (flow, flow.about)
    newest = {}
    for row in log_rows(store, ref):
        kept = asks.get(row["session"])
        if kept is not None and row["step"] == kept[1]:
            newest[row["session"]] = row
    return {
        session: str(asks[session][0].step(row["step"]).display(row.get("value")))
        for session, row in newest.items()
        if not row["skipped"]
    }
