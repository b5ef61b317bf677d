"""A case's sessions replayed once each, from its answers as kept.

What counts of a session is its visible questions' newest answers (a question
hidden by a later change, or skipped, has none). What is due (the case's facts,
its newest supervision) and the classification each need them for many
sessions: `CaseReplay` reads the case once and works each session out once,
from the log's rows themselves (no answer objects are made: a cold `reunify
due` replays every session of every case).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from assistant.casework.case_log import Row, stored
from assistant.flows.loader import Flow
from assistant.flows.runner import counted
from assistant.records.model import StoredAnswer


def current_rows(flow: Flow, rows: Iterable[Row]) -> dict[str, Row]:
    """Of one session's rows (in the order kept), the newest of each question that
    counts, in the flow's order (the rows of `FlowSession.answers`)."""
    latest: dict[str, Row] = {}
    for row in rows:
        latest[row["step"]] = row
    given = {step: row.get("value") for step, row in latest.items() if not row["skipped"]}
    return {step: latest[step] for step in counted(flow, given)}


class CaseReplay:
    """One case's records read once, each session's current answers worked out once.

    It answers the store's questions about its one case (`sessions`, `decisions`,
    `answers_by_session`), so a function written for the store can be handed it."""

    def __init__(self, store: Any, ref: str) -> None:
        self.ref = ref
        self.store = store
        self._sessions = store.sessions(ref)  # newest first
        self.rows: dict[str, list[Row]] = {}
        for row in store.answer_rows(ref):
            self.rows.setdefault(row["session"], []).append(row)
        self._current: dict[str, dict[str, Row]] = {}

    @classmethod
    def of(cls, store: Any, ref: str) -> CaseReplay:
        """`store` itself when it is already the replay of `ref`, else a new one."""
        if isinstance(store, cls) and store.ref == ref:
            return store
        return cls(store, ref)

    def current(self, session: str, flow: Flow) -> dict[str, Row]:
        """The session's answers that count, as kept rows, by step (see `current_rows`)."""
        found = self._current.get(session)
        if found is None:
            found = self._current[session] = current_rows(flow, self.rows.get(session, []))
        return found

    # -- the store's questions, about this case only -----------------------------
    def sessions(self, ref: str) -> list[Any]:
        assert ref == self.ref, ref
        return self._sessions

    def decisions(self, ref: str) -> list[dict[str, Any]]:
        assert ref == self.ref, ref
        return self._decisions

    @cached_property
    def _decisions(self) -> list[dict[str, Any]]:
        return self.store.decisions(self.ref)

    def answers_by_session(self, ref: str) -> dict[str, list[StoredAnswer]]:
        assert ref == self.ref, ref
        return {session: [stored(r) for r in rows] for session, rows in self.rows.items()}
