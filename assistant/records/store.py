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

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB

from assistant.records import answer_log
from assistant.records.answer_log import log_path
from assistant.records.backups import (
    BackupError,
    automatic_backup,
    holding,
    make_backup,
    newest_good_backup,
    read_all,
    remove_case,
    write_all,
)
from assistant.records.case_keeping import CaseKeeping
from assistant.records.events import AnswerEvent
from assistant.records.keys import finish_encryption, is_encrypted, unlock
from assistant.records.locks import write_lock
from assistant.records.migrations import (
    SCHEMA_VERSION,
    MigrationError,
    migrate,
    schema_version,
)
from assistant.records.model import (
    AuditRow,
    CaseRecord,
    CaseRefError,
    PassphraseNeeded,
    SessionRecord,
    StoredAnswer,
    StoreError,
    audit_rows,
    check_ref,
    current_user,
    now,
)
from assistant.records.permissions import DIR_MODE, is_database, tighten_permissions
from assistant.records.restore import finish as finish_restore
from assistant.records.storage import (
    PLAIN,
    AtomicJSONStorage,
    Codec,
    DamagedFileError,
    dumps,
    read_document,
    write_atomic,
)
from assistant.records.users import Access

__all__ = [
    "SCHEMA_VERSION",
    "AuditRow",
    "CaseRecord",
    "CaseRefError",
    "PassphraseNeeded",
    "SessionRecord",
    "Store",
    "StoreError",
    "StoredAnswer",
    "check_ref",
]

READ_ONLY = (
    "read-only: another Reunify window has this database open; "
    "close it to make changes here (nothing was changed)"
)


CASE_FIELDS = {"ref": str, "created_at": str, "created_by": str}


def check_index(path: Path, document: dict[str, Any]) -> None:
    """Every case row of the index has what a case needs; else the file is damaged."""
    for row in document.get("cases", {}).values():
        if not all(isinstance(row.get(k), t) for k, t in CASE_FIELDS.items()):
            raise DamagedFileError(path, "a case row of another shape")


def check_case_ref(path: Path, document: dict[str, Any]) -> None:
    """A case file holds the case its name says (a swapped file would show another
    child's answers under this reference); else the file is damaged."""
    for row in document.get("meta", {}).values():
        ref = row.get("ref") if isinstance(row, dict) else None
        if ref is not None and ref != path.stem:
            raise DamagedFileError(
                path, f"it holds case {str(ref)[:40]!r}, not {path.stem!r} (a file was swapped)"
            )


class Store(CaseKeeping):
    """Cases, sessions and answers in one database folder.

    `passphrase` opens an encrypted database (see `assistant.records.keys`). Opening
    tightens loose permissions (and says so in `warnings`), brings an older
    schema up to date after a backup, and refuses a newer one.
    """

    def __init__(
        self,
        root: Path,
        clock: Callable[[], str] = now,
        user: str | None = None,
        passphrase: str | None = None,
        access: Access | None = None,
    ):
        self.root = Path(root)
        self.clock = clock
        #: on a team server, the signed-in person: their name is the user, and they
        #: see only the cases they may (see `assistant.records.users`)
        self.access = access
        self.user = access.person.name if access is not None else (user or current_user())
        self.read_only = False
        self._app_lock: FileLock | None = None
        self._logs = answer_log.LogCache()
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file; the database is a folder (see --db)")
        if not is_database(self.root):
            raise StoreError(
                f"{self.root} is not a Reunify database (it holds other files); nothing was "
                "changed there. Give --db an empty or new folder, or your database folder"
            )
        try:
            self.root.parent.mkdir(parents=True, exist_ok=True)
            self.root.mkdir(mode=DIR_MODE, exist_ok=True)
            (self.root / "cases").mkdir(mode=DIR_MODE, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot use {self.root} as the database folder: {exc}") from None
        self.warnings = tighten_permissions(self.root)
        self.codec = self._codec(passphrase)
        with self._lock(True):
            if finish_restore(self.root):
                self.warnings.append("a restore that was cut short has been completed")
            self._rebuild_index_if_missing()
        self._check_schema()

    @property
    def encrypted(self) -> bool:
        return self.codec is not PLAIN

    def _codec(self, passphrase: str | None) -> Codec:
        if not is_encrypted(self.root):
            return PLAIN
        if passphrase is None:
            raise PassphraseNeeded(f"{self.root} is encrypted: a passphrase is needed to open it")
        from assistant.records.crypto import CryptoError

        try:
            codec = unlock(self.root, passphrase)
        except CryptoError as exc:
            raise StoreError(str(exc)) from None
        if codec.converting:
            with self._lock(True):
                finish_encryption(self.root, codec)
        return codec

    # -- files -----------------------------------------------------------
    @property
    def index_path(self) -> Path:
        return self.root / "index.json"

    def case_path(self, ref: str) -> Path:
        check_ref(ref)
        if self.access is not None and not self._may_see(ref):
            raise StoreError(f"there is no case {ref!r} you can open")
        return self.root / "cases" / f"{ref}.json"

    def _may_see(self, ref: str) -> bool:
        assert self.access is not None
        document = self._read(self.index_path) or {}
        rows = [r for r in document.get("cases", {}).values() if r.get("ref") == ref]
        # a case being created (not yet in the index) is the creator's
        return not rows or self.access.can_see(rows[0])

    def share_case(self, ref: str, name: str) -> None:
        """Add a person to a case's members (`reunify case share REF NAME`)."""
        self.case(ref)
        with self._db(self.index_path, write=True) as db:
            row = db.table("cases").get(Query().ref == ref)
            assert isinstance(row, dict)
            members = sorted({*row.get("members", []), name})
            db.table("cases").update({"members": members}, Query().ref == ref)

    def _check_schema(self) -> None:
        version = schema_version(self._read(self.index_path))
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.index_path} was written by a newer Reunify (schema {version}); "
                "update Reunify to open it — it was not changed"
            )
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _rebuild_index_if_missing(self) -> None:
        """A deleted index would hide every case: rebuild it from the case files."""
        if self.index_path.exists():
            return
        files = sorted((self.root / "cases").glob("*.json"))
        if not files:
            return
        cases: dict[str, Any] = {}
        version = SCHEMA_VERSION
        for number, path in enumerate(files, 1):
            try:
                document = read_document(path, self.codec) or {}
            except DamagedFileError:
                continue  # named when the case is opened
            meta: dict[str, Any] = next(iter(document.get("meta", {}).values()), {})
            version = int(meta.get("schema_version", version))
            sessions = sorted(document.get("sessions", {}).values(), key=lambda s: s["started_at"])
            first = sessions[0] if sessions else {}
            cases[str(number)] = {
                "ref": path.stem,
                "created_at": first.get("started_at") or now(),
                "created_by": first.get("started_by") or "unknown (index rebuilt)",
                "demo": False,
                "archived_at": None,
            }
        index = {"meta": {"1": {"schema_version": version}}, "cases": cases}
        write_atomic(self.index_path, self.codec.encode(dumps(index), self.index_path.name))
        self.warnings.append(
            f"the index of cases was missing: it was rebuilt from {len(cases)} case file(s)"
        )

    def _migrate(self, version: int) -> None:
        """Bring every file up to the current schema, after a backup of them as they were."""
        with self._lock(True):
            try:
                documents = read_all(self.root, self.codec)
            except DamagedFileError as exc:
                raise StoreError(self._damaged(exc)) from None
            try:
                migrated = migrate(documents, version)
            except MigrationError as exc:
                raise StoreError(
                    f"{self.index_path}: {exc}; it was not migrated and nothing was changed"
                ) from None
            make_backup(self.root, self.codec, f"before-schema-{SCHEMA_VERSION}")
            write_all(self.root, migrated, self.codec)

    def _damaged(self, exc: DamagedFileError) -> str:
        good = newest_good_backup(self.root, self.codec)
        path = Path(exc.path)
        ref = path.name.removesuffix(".answers.jsonl").removesuffix(".json")
        if not good:
            where = "there is no backup to restore"
        elif path.parent.name == "cases":
            where = (
                f"restore just this case from the newest good backup: "
                f"reunify restore {good} --case {ref}"
            )
        else:
            where = f"the newest good backup is {good} (reunify restore {good})"
        return f"{exc}; {where}"

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            document = read_document(path, self.codec)
            if path == self.index_path and document:
                check_index(path, document)
            elif document and path.parent == self.root / "cases":
                check_case_ref(path, document)
            return document
        except DamagedFileError as exc:
            raise StoreError(self._damaged(exc)) from None

    @contextmanager
    def _db(self, path: Path, write: bool = False) -> Iterator[TinyDB]:
        """A TinyDB on one file; writers hold the database's lock."""
        if write and self.read_only:
            raise StoreError(READ_ONLY)
        with self._lock(write):
            document = self._read(path)  # a damaged file is refused before TinyDB sees it
            with self._tinydb(path, document) as db:
                yield db

    @contextmanager
    def _tinydb(self, path: Path, document: dict[str, Any] | None) -> Iterator[TinyDB]:
        """TinyDB on a file already read (and checked); the caller holds the lock."""
        db = TinyDB(path, storage=AtomicJSONStorage, codec=self.codec, document=document)
        try:
            yield db
        except OSError as exc:
            raise StoreError(f"not saved: {exc.strerror or exc}; nothing was changed") from None
        finally:
            db.close()

    @contextmanager
    def _lock(self, write: bool) -> Iterator[None]:
        if not write:
            yield
            return
        with write_lock(self.root):
            yield

    def claim_for_app(self) -> bool:
        """Hold the database for this window. A second window on the same database
        gets False and the store turns read-only (it can look, never write)."""
        lock = FileLock(self.root / ".app.lock", timeout=0, mode=0o600, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            self.read_only = True
            return False
        self._app_lock = lock
        return True

    # -- backups -----------------------------------------------------------
    def backup(self, reason: str = "manual", keep: int | None = None) -> Path:
        with self._lock(True):
            try:
                return make_backup(self.root, self.codec, reason, keep=keep)
            except DamagedFileError as exc:
                raise StoreError(self._damaged(exc)) from None
            except BackupError as exc:
                raise StoreError(f"backup failed: {exc}") from None

    def automatic_backup(self) -> Path | None:
        if self.read_only:
            return None
        with self._lock(True):
            try:
                return automatic_backup(self.root, self.codec)
            except (DamagedFileError, BackupError):
                return None  # a damaged file is reported where it is used

    # -- cases -----------------------------------------------------------
    def cases(self, archived: bool = False) -> list[CaseRecord]:
        """The cases (archived ones only when asked), by reference."""
        document = self._read(self.index_path) or {}
        fields = set(CaseRecord.__dataclass_fields__)
        records = [
            CaseRecord(**{k: v for k, v in row.items() if k in fields})
            for row in document.get("cases", {}).values()
            if self.access is None or self.access.can_see(row)
        ]
        shown = [c for c in records if archived or c.archived_at is None]
        return sorted(shown, key=lambda c: c.ref.casefold())

    def case(self, ref: str) -> CaseRecord:
        for case in self.cases(archived=True):
            if case.ref == ref:
                return case
        raise StoreError(f"there is no case {ref!r} in {self.root}")

    def create_case(self, ref: str, demo: bool = False, name: str | None = None) -> CaseRecord:
        """A new case. `name` is optional and kept in the case's own file only."""
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
            meta = {"schema_version": SCHEMA_VERSION, "ref": ref}
            if name:
                meta["name"] = name
            case_db.table("meta").insert(meta)
        return record

    def case_name(self, ref: str) -> str | None:
        """The optional name kept with a case (never in the index or in lists)."""
        document = self._read(self.case_path(ref)) or {}
        for row in document.get("meta", {}).values():
            if row.get("name"):
                return str(row["name"])
        return None

    def archive_case(self, ref: str) -> None:
        """Deleting a case archives it: hidden from lists, every answer kept."""
        self.case(ref)
        with self._db(self.index_path, write=True) as db:
            db.table("cases").update({"archived_at": self.clock()}, Query().ref == ref)

    def unarchive_case(self, ref: str) -> None:
        self.case(ref)
        with self._db(self.index_path, write=True) as db:
            db.table("cases").update({"archived_at": None}, Query().ref == ref)

    def backups_holding(self, ref: str) -> list[Path]:
        """The backups that still hold a case (after a purge, until they go)."""
        return holding(self.root, ref, self.codec)

    def purge_from_backups(self, ref: str) -> list[Path]:
        """Remove a purged case from every backup that holds it; returns those."""
        if any(c.ref == ref for c in self.cases(archived=True)):
            raise StoreError(f"case {ref!r} is not purged; nothing was changed")
        with self._lock(True):
            found = holding(self.root, ref, self.codec)
            for path in found:
                remove_case(path, ref, self.codec)
        return found

    def purge_case(self, ref: str, confirm: str) -> None:
        """Remove a case and every answer for good; `confirm` must repeat its reference."""
        case = self.case(ref)
        if confirm != case.ref:
            raise StoreError(
                f"to purge case {case.ref!r} for good, confirm with its reference exactly "
                f"(you gave {confirm!r}); nothing was changed"
            )
        if case.archived_at is None:
            raise StoreError(
                f"case {case.ref!r} is not archived: archive it first; nothing was changed"
            )
        with self._db(self.index_path, write=True) as db:
            db.table("cases").remove(Query().ref == ref)
            self.case_path(ref).unlink(missing_ok=True)
            log_path(self.case_path(ref)).unlink(missing_ok=True)

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
            document = self._read(path) or {}
            if not any(s.get("id") == session_id for s in document.get("sessions", {}).values()):
                raise StoreError(f"case {ref!r} has no session {session_id!r}")
            try:
                seq = answer_log.append(log_path(path), row, self.codec)
            except DamagedFileError as exc:
                raise StoreError(self._damaged(exc)) from None
            except OSError as exc:
                raise StoreError(f"not saved: {exc.strerror or exc}; nothing was changed") from None
            drafts = document.get("drafts", {}).values()
            if any(d.get("session") == session_id and d.get("step") == event.step for d in drafts):
                with self._tinydb(path, document) as db:
                    where = (Query().session == session_id) & (Query().step == event.step)
                    db.table("drafts").remove(where)
        return StoredAnswer(event, at, self.user, seq)

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
