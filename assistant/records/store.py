"""The store: cases, sessions and answer events, in TinyDB. The only module that
touches the database.

The database is a private folder (0700):

    index.json                  the cases (reference, created when and by whom)
    cases/.index.answers.jsonl  the cases made since index.json was written whole
    cases/<REF>.json            one case: its sessions, drafts, decisions, rounds
    cases/<REF>.answers.jsonl   the case's answer events, one line each

What a case costs does not grow with the caseload: making a case appends a line
to the index's journal (`assistant.records.index`), saving an answer appends a
line to the case's log and reads only its end. Answers are events: changing an
answer adds an event and never overwrites the earlier one.

What was read is kept while its file is unchanged (one `os.stat` tells): the
index (with the journal folded in), the few case files and answer logs used last.
Another process's change is seen at the next call; every write reads its file
afresh under the write lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import TinyDB

from assistant.records import answer_log
from assistant.records import index as case_index
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
from assistant.records.caseload import Caseload
from assistant.records.index import CASE_FIELDS, check_index
from assistant.records.keys import finish_encryption, is_encrypted, unlock
from assistant.records.locks import write_lock
from assistant.records.migrations import (
    SCHEMA_VERSION,
    MigrationError,
    migrate,
    schema_version,
)
from assistant.records.model import (
    READ_ONLY,
    AuditRow,
    CaseRecord,
    CaseRefError,
    PassphraseNeeded,
    SessionRecord,
    StoredAnswer,
    StoreError,
    check_ref,
    current_user,
    now,
)
from assistant.records.permissions import (
    DIR_MODE,
    is_database,
    tighten_case,
    tighten_permissions,
)
from assistant.records.restore import finish as finish_restore
from assistant.records.session_keeping import SessionKeeping
from assistant.records.storage import (
    PLAIN,
    AtomicJSONStorage,
    Codec,
    DamagedFileError,
    DocumentCache,
    dumps,
    read_document,
    write_atomic,
)
from assistant.records.users import Access

__all__ = [
    "CASE_FIELDS",
    "SCHEMA_VERSION",
    "AuditRow",
    "CaseRecord",
    "CaseRefError",
    "PassphraseNeeded",
    "SessionRecord",
    "Store",
    "StoreError",
    "StoredAnswer",
    "check_index",
    "check_ref",
]


def check_case_ref(path: Path, document: dict[str, Any]) -> None:
    """A case file holds the case its name says (a swapped file would show another
    child's answers under this reference); else the file is damaged."""
    for row in document.get("meta", {}).values():
        ref = row.get("ref") if isinstance(row, dict) else None
        if ref is not None and ref != path.stem:
            raise DamagedFileError(
                path, f"it holds case {str(ref)[:40]!r}, not {path.stem!r} (a file was swapped)"
            )


class Store(Caseload, SessionKeeping, CaseKeeping):
    """Cases, sessions and answers in one database folder.

    `passphrase` opens an encrypted database (see `assistant.records.keys`). Opening
    tightens loose permissions (and says so in `warnings`), brings an older
    schema up to date after a backup, and refuses a newer one. A case's own files
    are made private when the store first uses that case (see
    `assistant.records.permissions`).
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
        #: each case file's session ids, by the version of its document read last
        self._session_ids_seen: dict[Path, tuple[dict[str, Any], set[str]]] = {}
        self._docs = DocumentCache()
        self._index = case_index.IndexCache()
        #: cases whose files this store has made sure are private
        self._private: set[str] = set()
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
        self.warnings = tighten_permissions(self.root, full=False)
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
        if ref not in self._private:  # once per case and store: see `permissions`
            self._private.add(ref)
            self.warnings += tighten_case(self.root, ref)
        return self.root / "cases" / f"{ref}.json"

    def _check_schema(self) -> None:
        version = schema_version({"meta": self._folded().meta})
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
        try:  # the journal knows who made the cases it holds, and when
            lines = answer_log.read_log(case_index.journal_path(self.root), self.codec)
            known = {line["value"]["ref"]: line["value"] for line in lines}
        except (DamagedFileError, KeyError, TypeError):
            known = {}
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
            row = known.get(path.stem)
            if isinstance(row, dict) and all(
                isinstance(row.get(k), t) for k, t in CASE_FIELDS.items()
            ):
                cases[str(number)] = {**cases[str(number)], **row}
        index = {"meta": {"1": {"schema_version": version}}, "cases": cases}
        write_atomic(self.index_path, self.codec.encode(dumps(index), self.index_path.name))
        case_index.journal_path(self.root).unlink(missing_ok=True)  # every case is listed
        self.warnings.append(
            f"the index of cases was missing: it was rebuilt from {len(cases)} case file(s)"
        )

    def _migrate(self, version: int) -> None:
        """Bring every file up to the current schema, after a backup of them as they were."""
        with self._lock(True):
            try:
                case_index.compact(self.root, self.codec)
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
        elif path.parent.name == "cases" and not case_index.is_journal(path):
            where = (
                f"restore just this case from the newest good backup: "
                f"reunify restore {good} --case {ref}"
            )
        else:
            where = f"the newest good backup is {good} (reunify restore {good})"
        return f"{exc}; {where}"

    @staticmethod
    def _check(path: Path, document: dict[str, Any]) -> None:
        if document and path.parent.name == "cases":
            check_case_ref(path, document)

    def _read(self, path: Path) -> dict[str, Any] | None:
        """A case's document (checked), kept while its file is unchanged: shared, so
        read it and never change it."""
        try:
            return self._docs.read(path, self.codec, self._check)
        except DamagedFileError as exc:
            raise StoreError(self._damaged(exc)) from None

    def _read_fresh(self, path: Path) -> dict[str, Any] | None:
        """A case's document read from its file now (checked), for a write to change."""
        try:
            document = read_document(path, self.codec)
            if document is not None:
                self._check(path, document)
            return document
        except DamagedFileError as exc:
            raise StoreError(self._damaged(exc)) from None

    @contextmanager
    def _db(self, path: Path, write: bool = False) -> Iterator[TinyDB]:
        """A TinyDB on one case's file; writers hold the database's lock and read the
        file afresh under it (a damaged file is refused before TinyDB sees it)."""
        if write and self.read_only:
            raise StoreError(READ_ONLY)
        with self._lock(write):
            document = self._read_fresh(path) if write else self._read(path)
            with self._tinydb(path, document) as db:
                yield db

    @contextmanager
    def _tinydb(self, path: Path, document: dict[str, Any] | None) -> Iterator[TinyDB]:
        """TinyDB on a file already read (and checked); the caller holds the lock.
        What it writes is kept as the file's document (nobody else can write it
        meanwhile)."""
        db = TinyDB(path, storage=AtomicJSONStorage, codec=self.codec, document=document)
        try:
            yield db
        except OSError as exc:
            self._docs.forget(path)
            raise StoreError(f"not saved: {exc.strerror or exc}; nothing was changed") from None
        finally:
            db.close()
        storage = db.storage
        if isinstance(storage, AtomicJSONStorage) and storage.written is not None:
            self._docs.put(path, *storage.written)

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
        """A backup now, streamed case by case: the write lock is taken for each file
        read, never for the whole backup (answers saved meanwhile do not wait)."""
        return self._backing_up(
            lambda lock: make_backup(self.root, self.codec, reason, keep=keep, lock=lock)
        )

    def automatic_backup(self, cancelled: Callable[[], bool] | None = None) -> Path | None:
        """The daily backup, when one is due (None when not, or made elsewhere meanwhile).
        `cancelled` stops it between files (the app quitting)."""
        if self.read_only:
            return None
        return self._backing_up(
            lambda lock: automatic_backup(self.root, self.codec, lock=lock, cancelled=cancelled)
        )

    def _backing_up(self, make: Callable[[Callable[[], Any]], Any]) -> Any:
        if not self.read_only:
            with self._lock(True):  # the backup's index then lists every case
                case_index.compact(self.root, self.codec)
        try:
            return make(lambda: self._lock(True))
        except DamagedFileError as exc:
            raise StoreError(self._damaged(exc)) from None
        except BackupError as exc:
            raise StoreError(f"backup failed: {exc}") from None

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
