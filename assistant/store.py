"""The store: cases, sessions and answer events, in TinyDB. The only module that
touches the database.

The database is a private folder (0700):

    index.json          the cases (reference, created when and by whom)
    cases/<REF>.json    one case: its sessions and every answer event

Saving an answer rewrites one case's file only, so its cost is bounded by the
size of that case, not by the caseload. Answers are events: changing an answer
adds an event and never overwrites the earlier one.
"""

from __future__ import annotations

import fcntl
import getpass
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from assistant.runner import AnswerEvent
from assistant.storage import AtomicJSONStorage, DamagedFileError, read_document

SCHEMA_VERSION = 1
REF_RULE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DIR_MODE = 0o700


class StoreError(Exception):
    """Something about the database a user can act on; the message says what."""


class CaseRefError(StoreError):
    """A case reference that breaks the rule (letters, digits, - and _, at most 32)."""


def check_ref(ref: str) -> str:
    if not REF_RULE.match(ref):
        raise CaseRefError(
            f"case reference {ref!r} is not valid: use letters, digits, '-' and '_', "
            "at most 32 characters (a reference, not the child's name)"
        )
    return ref


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def current_user() -> str:
    return os.environ.get("REUNIFY_USER") or getpass.getuser()


@dataclass(frozen=True)
class CaseRecord:
    ref: str
    created_at: str
    created_by: str
    demo: bool = False


@dataclass(frozen=True)
class SessionRecord:
    id: str
    ref: str
    flow_id: str
    flow_title: str
    started_at: str
    finished_at: str | None
    answers: int

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@dataclass(frozen=True)
class StoredAnswer:
    """An answer event as kept: what, when and by whom."""

    event: AnswerEvent
    at: str
    who: str
    #: its place in the case's record: later answers have larger numbers
    seq: int = 0


class Store:
    """Cases, sessions and answers in one database folder."""

    def __init__(self, root: Path, clock: Callable[[], str] = now, user: str | None = None):
        self.root = Path(root)
        self.clock = clock
        self.user = user or current_user()
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file; the database is a folder (see --db)")
        try:
            (self.root / "cases").mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            self.root.chmod(DIR_MODE)
        except OSError as exc:
            raise StoreError(f"cannot use {self.root} as the database folder: {exc}") from None
        self._check_schema()

    # -- files -----------------------------------------------------------
    @property
    def index_path(self) -> Path:
        return self.root / "index.json"

    def case_path(self, ref: str) -> Path:
        return self.root / "cases" / f"{check_ref(ref)}.json"

    def _check_schema(self) -> None:
        document = self._read(self.index_path)
        meta = (document or {}).get("meta", {})
        version = next(iter(meta.values()), {}).get("schema_version", SCHEMA_VERSION)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.index_path} was written by a newer Reunify (schema {version}); "
                "update Reunify to open it — it was not changed"
            )

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            return read_document(path)
        except DamagedFileError as exc:
            raise StoreError(str(exc)) from None

    @contextmanager
    def _db(self, path: Path, write: bool = False) -> Iterator[TinyDB]:
        """A TinyDB on one file; writers hold the database's lock."""
        self._read(path)  # refuse a damaged file before TinyDB can write over it
        with self._lock(write):
            db = TinyDB(path, storage=AtomicJSONStorage)
            try:
                yield db
            finally:
                db.close()

    @contextmanager
    def _lock(self, write: bool) -> Iterator[None]:
        if not write:
            yield
            return
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- cases -----------------------------------------------------------
    def cases(self) -> list[CaseRecord]:
        document = self._read(self.index_path) or {}
        rows = document.get("cases", {}).values()
        return sorted((CaseRecord(**row) for row in rows), key=lambda c: c.ref.casefold())

    def case(self, ref: str) -> CaseRecord:
        for case in self.cases():
            if case.ref == ref:
                return case
        raise StoreError(f"there is no case {ref!r} in {self.root}")

    def create_case(self, ref: str, demo: bool = False) -> CaseRecord:
        check_ref(ref)
        with self._db(self.index_path, write=True) as db:
            clash = [
                c["ref"] for c in db.table("cases").all() if c["ref"].casefold() == ref.casefold()
            ]
            if clash:
                raise StoreError(f"case {clash[0]!r} already exists")
            if not db.table("meta").all():
                db.table("meta").insert({"schema_version": SCHEMA_VERSION})
            record = CaseRecord(ref, self.clock(), self.user, demo)
            db.table("cases").insert(record.__dict__)
        with self._db(self.case_path(ref), write=True) as case_db:
            case_db.table("meta").insert({"schema_version": SCHEMA_VERSION, "ref": ref})
        return record

    # -- sessions and answers ----------------------------------------------
    def start_session(self, ref: str, flow_id: str, flow_title: str) -> SessionRecord:
        self.case(ref)
        row = {
            "id": uuid.uuid4().hex[:12],
            "flow_id": flow_id,
            "flow_title": flow_title,
            "started_at": self.clock(),
            "started_by": self.user,
            "finished_at": None,
        }
        with self._db(self.case_path(ref), write=True) as db:
            db.table("sessions").insert(row)
        return self.session(ref, row["id"])

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
        for answer in document.get("answers", {}).values():
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
        """Keep one answer event; it is on disk when this returns."""
        at = self.clock()
        with self._db(self.case_path(ref), write=True) as db:
            self._session_row(db, ref, session_id)
            seq = db.table("answers").insert(
                {
                    "session": session_id,
                    "step": event.step,
                    "value": event.value,
                    "skipped": event.skipped,
                    "at": at,
                    "who": self.user,
                }
            )
        return StoredAnswer(event, at, self.user, seq)

    def answers(self, ref: str, session_id: str) -> list[StoredAnswer]:
        """Every answer event of a session, oldest first."""
        return self.answers_by_session(ref).get(session_id, [])

    def answers_by_session(self, ref: str) -> dict[str, list[StoredAnswer]]:
        """Every answer event of the case, oldest first, by session (one read of the file)."""
        document = self._read(self.case_path(ref)) or {}
        rows = sorted(document.get("answers", {}).items(), key=lambda kv: int(kv[0]))
        grouped: dict[str, list[StoredAnswer]] = {}
        for key, r in rows:
            event = AnswerEvent(r["step"], r["value"], r["skipped"])
            grouped.setdefault(r["session"], []).append(
                StoredAnswer(event, r["at"], r["who"], int(key))
            )
        return grouped

    def events(self, ref: str, session_id: str) -> list[AnswerEvent]:
        return [a.event for a in self.answers(ref, session_id)]

    def record_decision(self, ref: str, decision: dict[str, Any]) -> dict[str, Any]:
        """Keep a practitioner's own decision about the level (never overwritten)."""
        self.case(ref)
        row = {**decision, "at": self.clock(), "who": self.user}
        with self._db(self.case_path(ref), write=True) as db:
            db.table("decisions").insert(row)
        return row

    def decisions(self, ref: str) -> list[dict[str, Any]]:
        """The case's recorded decisions, oldest first."""
        document = self._read(self.case_path(ref)) or {}
        rows = sorted(document.get("decisions", {}).items(), key=lambda kv: int(kv[0]))
        return [row for _, row in rows]

    def finish_session(self, ref: str, session_id: str) -> None:
        with self._db(self.case_path(ref), write=True) as db:
            row = self._session_row(db, ref, session_id)
            if row["finished_at"] is None:
                db.table("sessions").update({"finished_at": self.clock()}, Query().id == session_id)
