"""A case's sessions and answers: starting a session, saving an answer (one line
appended to the case's answer log, reading only its end), and reading them back
for the screens, the audit and the classification.

A part of `Store` (mixed in), as `CaseKeeping` is: each write goes through the
store's lock and TinyDB helpers, and the log is read through its cache (only the
lines added since).
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import Query, TinyDB

from assistant.records import answer_log
from assistant.records.answer_log import log_path
from assistant.records.events import AnswerEvent
from assistant.records.model import (
    READ_ONLY,
    AuditRow,
    SessionRecord,
    StoredAnswer,
    StoreError,
    audit_rows,
)
from assistant.records.storage import DamagedFileError

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.records.model import CaseRecord
    from assistant.records.storage import Codec


class SessionKeeping:
    """Sessions and answers of a case (see `assistant.records.store.Store`)."""

    if TYPE_CHECKING:  # what the store this is mixed into provides
        clock: Callable[[], str]
        user: str
        codec: Codec
        read_only: bool
        _logs: answer_log.LogCache
        _session_ids_seen: dict[Path, tuple[dict[str, Any], set[str]]]

        def _db(self, path: Path, write: bool = False) -> AbstractContextManager[TinyDB]: ...
        def _tinydb(
            self, path: Path, document: dict[str, Any] | None
        ) -> AbstractContextManager[TinyDB]: ...
        def _lock(self, write: bool) -> AbstractContextManager[None]: ...
        def _read(self, path: Path) -> dict[str, Any] | None: ...
        def _read_fresh(self, path: Path) -> dict[str, Any] | None: ...
        def _damaged(self, exc: DamagedFileError) -> str: ...
        def case_path(self, ref: str) -> Path: ...
        def case(self, ref: str) -> CaseRecord: ...

    # -- sessions and answers ----------------------------------------------
    def start_session(self, ref: str, flow_id: str, flow_title: str) -> SessionRecord:
        self.case(ref)
        session_id = uuid.uuid4().hex[:12]
        row = {
            "id": session_id,
            "flow_id": flow_id,
            "flow_title": flow_title,
            "started_at": self.clock(),
            "started_by": self.user,
            "finished_at": None,
        }
        with self._db(self.case_path(ref), write=True) as db:
            db.table("sessions").insert(row)
        return self.session(ref, session_id)

    def _session_row(self, db: TinyDB, ref: str, session_id: str) -> dict[str, Any]:
        row = db.table("sessions").get(Query().id == session_id)
        if row is None:
            raise StoreError(f"case {ref!r} has no session {session_id!r}")
        return dict(row)

    def sessions(self, ref: str) -> list[SessionRecord]:
        """The case's sessions, newest first."""
        self.case(ref)
        document = self._read(self.case_path(ref)) or {}
        counts: dict[str, int] = {}
        for answer in self._log(ref):
            counts[answer["session"]] = counts.get(answer["session"], 0) + 1
        rows = sorted(document.get("sessions", {}).items(), key=lambda kv: int(kv[0]))
        records = [self._record(ref, row, counts.get(row["id"], 0)) for _, row in rows]
        # newest first; sessions started in the same second keep the order they were made
        return sorted(reversed(records), key=lambda s: s.started_at, reverse=True)

    def session(self, ref: str, session_id: str) -> SessionRecord:
        for record in self.sessions(ref):
            if record.id == session_id:
                return record
        raise StoreError(f"case {ref!r} has no session {session_id!r}")

    @staticmethod
    def _record(ref: str, row: dict[str, Any], answers: int) -> SessionRecord:
        return SessionRecord(
            row["id"],
            ref,
            row["flow_id"],
            row["flow_title"],
            row["started_at"],
            row.get("finished_at"),
            answers,
        )

    def record(self, ref: str, session_id: str, event: AnswerEvent) -> StoredAnswer:
        """Keep one answer event; it is on disk when this returns.

        The answer is appended to the case's answer log (one short synced write,
        whatever the size of the case); a draft kept for the question is dropped.
        """
        at = self.clock()
        row = {
            "session": session_id,
            "step": event.step,
            "value": event.value,
            "skipped": event.skipped,
            "at": at,
            "who": self.user,
        }
        if self.read_only:
            raise StoreError(READ_ONLY)
        path = self.case_path(ref)
        with self._lock(True):
            # the case's document as kept while its file is unchanged (one stat)
            document = self._read(path) or {}
            if session_id not in self._session_ids(path, document):
                raise StoreError(f"case {ref!r} has no session {session_id!r}")
            try:
                seq = answer_log.append(log_path(path), row, self.codec)
            except DamagedFileError as exc:
                raise StoreError(self._damaged(exc)) from None
            except OSError as exc:
                raise StoreError(f"not saved: {exc.strerror or exc}; nothing was changed") from None
            drafts = document.get("drafts", {}).values()
            if any(d.get("session") == session_id and d.get("step") == event.step for d in drafts):
                with self._tinydb(path, self._read_fresh(path)) as db:
                    where = (Query().session == session_id) & (Query().step == event.step)
                    db.table("drafts").remove(where)
        return StoredAnswer(event, at, self.user, seq)

    def _session_ids(self, path: Path, document: dict[str, Any]) -> set[str]:
        """The ids of a case's sessions, worked out once per version of its document
        (a case open for years has a thousand sessions; a save must not scan them)."""
        memo = self._session_ids_seen
        kept = memo.get(path)
        if kept is None or kept[0] is not document:
            ids = {str(s.get("id")) for s in document.get("sessions", {}).values()}
            if len(memo) >= 16:
                memo.clear()
            kept = memo[path] = (document, ids)
        return kept[1]

    def audit(self, ref: str) -> list[AuditRow]:
        """Every answer event of the case in the order kept, with who, when and, for
        a changed answer, what it replaced."""
        self.case(ref)
        sessions = self.sessions(ref)
        titles = {s.id: s.flow_title for s in sessions}
        flow_ids = {s.id: s.flow_id for s in sessions}
        return audit_rows(self.answers_by_session(ref), titles, flow_ids)

    def log_problem(self, ref: str) -> str | None:
        """Where the case's answer log breaks its chain or numbering (its first bad
        line), or None: a sign that the file was changed outside Reunify."""
        return answer_log.chain_problem(self._log(ref), ref)

    def answers(self, ref: str, session_id: str) -> list[StoredAnswer]:
        """Every answer event of a session, oldest first."""
        return self.answers_by_session(ref).get(session_id, [])

    def answers_by_session(self, ref: str) -> dict[str, list[StoredAnswer]]:
        """Every answer event of the case, oldest first, by session (one read of the file)."""
        grouped: dict[str, list[StoredAnswer]] = {}
        for r in self._log(ref):
            event = AnswerEvent(r["step"], r.get("value"), r["skipped"])
            grouped.setdefault(r["session"], []).append(
                StoredAnswer(event, r["at"], r["who"], r["seq"])
            )
        return grouped

    def answer_rows(self, ref: str) -> list[dict[str, Any]]:
        """Every answer of the case as kept (the rows, not `StoredAnswer`s; shared
        with the store's cache of logs: read them, never change them)."""
        self.case(ref)
        return self._log(ref)

    def forget_log(self, ref: str) -> None:
        """Let go of the case's answer log read so far (it is read again if asked)."""
        self._logs.forget(log_path(self.case_path(ref)))

    def _log(self, ref: str) -> list[dict[str, Any]]:
        """The case's answer log, read once and then only its new lines (it is only
        ever appended to; a log replaced whole, by a restore, is read again)."""
        try:
            return self._logs.read(log_path(self.case_path(ref)), self.codec)
        except DamagedFileError as exc:
            raise StoreError(self._damaged(exc)) from None

    def events(self, ref: str, session_id: str) -> list[AnswerEvent]:
        return [a.event for a in self.answers(ref, session_id)]

    def finish_session(self, ref: str, session_id: str) -> None:
        with self._db(self.case_path(ref), write=True) as db:
            row = self._session_row(db, ref, session_id)
            if row["finished_at"] is None:
                db.table("sessions").update({"finished_at": self.clock()}, Query().id == session_id)
