"""The cases of a database: listing, making, archiving, sharing and purging them.

The cases are kept in the index (`index.json` and its journal, see
`assistant.records.index`): making a case appends one line to the journal, and
the index is written whole only now and then (and for archive, share and purge).
On a team server each person sees only the cases they may (`Access`).

A part of `Store` (mixed in), as `CaseKeeping` and `SessionKeeping` are.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from assistant.records import answer_log
from assistant.records import index as case_index
from assistant.records.answer_log import log_path
from assistant.records.migrations import SCHEMA_VERSION
from assistant.records.model import READ_ONLY, CaseRecord, StoreError, check_ref
from assistant.records.permissions import drop_caches
from assistant.records.storage import DamagedFileError

if TYPE_CHECKING:
    from assistant.records.storage import Codec, DocumentCache
    from assistant.records.users import Access


class Caseload:
    """The cases of the database (see `assistant.records.store.Store`)."""

    if TYPE_CHECKING:  # what the store this is mixed into provides
        root: Path
        clock: Callable[[], str]
        user: str
        codec: Codec
        read_only: bool
        access: Access | None
        _index: case_index.IndexCache
        _docs: DocumentCache
        _logs: answer_log.LogCache

        @property
        def index_path(self) -> Path: ...
        def _db(self, path: Path, write: bool = False) -> AbstractContextManager[TinyDB]: ...
        def _lock(self, write: bool) -> AbstractContextManager[None]: ...
        def _read(self, path: Path) -> dict[str, Any] | None: ...
        def _damaged(self, exc: DamagedFileError) -> str: ...
        def case_path(self, ref: str) -> Path: ...

    def _may_see(self, ref: str) -> bool:
        assert self.access is not None
        row = self._folded().row(ref)
        # a case being created (not yet in the index) is the creator's
        return row is None or self.access.can_see(row)

    def share_case(self, ref: str, name: str) -> None:
        """Add a person to a case's members (`reunify case share REF NAME`)."""
        self.case(ref)

        def share(cases: dict[str, Any]) -> None:
            for row in cases.values():
                if row.get("ref") == ref:
                    row["members"] = sorted({*row.get("members", []), name})

        self._change_index(share)

    # -- the index -----------------------------------------------------------
    def _folded(self) -> case_index.Folded:
        """The index with the cases of its journal, read again only when changed."""
        try:
            return self._index.read(self.root, self.codec)
        except DamagedFileError as exc:
            raise StoreError(self._damaged(exc)) from None

    def _change_index(
        self, change: Callable[[dict[str, Any]], None], then: Callable[[], None] | None = None
    ) -> None:
        """Change the index's case rows and write it whole (the journal folded in),
        then do `then`, all under the write lock, the index read afresh."""
        if self.read_only:
            raise StoreError(READ_ONLY)
        with self._lock(True):
            try:
                document, lines = case_index.fresh(self.root, self.codec)
            except DamagedFileError as exc:
                raise StoreError(self._damaged(exc)) from None
            change(document.setdefault("cases", {}))
            self._write_index(document, lines)
            if then is not None:
                then()

    def _write_index(self, document: dict[str, Any], lines: list[dict[str, Any]]) -> None:
        if not document.get("meta"):
            document["meta"] = {"1": {"schema_version": SCHEMA_VERSION}}
        try:
            case_index.write_index(self.root, self.codec, document, lines)
        except OSError as exc:
            raise StoreError(f"not saved: {exc.strerror or exc}; nothing was changed") from None

    # -- cases -----------------------------------------------------------
    def _shows(self, row: dict[str, Any]) -> bool:
        return self.access is None or self.access.can_see(row)

    @staticmethod
    def _case_record(row: dict[str, Any]) -> CaseRecord:
        fields = CaseRecord.__dataclass_fields__
        return CaseRecord(**{k: v for k, v in row.items() if k in fields})

    def cases(self, archived: bool = False) -> list[CaseRecord]:
        """The cases (archived ones only when asked), by reference."""
        folded = self._folded()
        records: list[CaseRecord] | None = folded.memo.get("cases")
        if records is None:  # worked out once for each version of the index
            shown = [
                self._case_record(r) for r in folded.document["cases"].values() if self._shows(r)
            ]
            records = folded.memo["cases"] = sorted(shown, key=lambda c: c.ref.casefold())
        return [c for c in records if archived or c.archived_at is None]

    def case(self, ref: str) -> CaseRecord:
        row = self._folded().row(ref)
        if row is None or not self._shows(row):
            raise StoreError(f"there is no case {ref!r} in {self.root}")
        return self._case_record(row)

    def create_case(self, ref: str, demo: bool = False, name: str | None = None) -> CaseRecord:
        """A new case. `name` is optional and kept in the case's own file only.

        The case's index row is one line appended to the index's journal (see
        `assistant.records.index`): the cost does not grow with the caseload."""
        check_ref(ref)
        if self.read_only:
            raise StoreError(READ_ONLY)
        with self._lock(True):
            folded = self._folded()  # what changed since is read again (stat keys)
            clash = folded.clash(ref)
            if clash is not None:
                raise StoreError(f"case {clash!r} already exists")
            record = CaseRecord(ref, self.clock(), self.user, demo)
            row = dict(record.__dict__)
            journal = case_index.journal_path(self.root)
            try:
                if not self.index_path.exists() or folded.lines >= case_index.COMPACT_AFTER:
                    document, lines = case_index.fresh(self.root, self.codec)
                    cases = document.setdefault("cases", {})
                    cases[str(max((int(k) for k in cases), default=0) + 1)] = row
                    self._write_index(document, lines)
                else:
                    answer_log.append(journal, case_index.journal_row(row), self.codec)
            except DamagedFileError as exc:
                raise StoreError(self._damaged(exc)) from None
            except OSError as exc:
                raise StoreError(f"not saved: {exc.strerror or exc}; nothing was changed") from None
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
        self._set_archived(ref, self.clock())

    def unarchive_case(self, ref: str) -> None:
        self.case(ref)
        self._set_archived(ref, None)

    def _set_archived(self, ref: str, when: str | None) -> None:
        def archive(cases: dict[str, Any]) -> None:
            for row in cases.values():
                if row.get("ref") == ref:
                    row["archived_at"] = when

        self._change_index(archive)

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
        path = self.case_path(ref)

        def purge(cases: dict[str, Any]) -> None:
            for key in [k for k, row in cases.items() if row.get("ref") == ref]:
                del cases[key]

        def remove_files() -> None:  # once the index no longer lists the case
            path.unlink(missing_ok=True)
            log_path(path).unlink(missing_ok=True)
            drop_caches(self.root)  # nothing of the case kept anywhere else

        self._change_index(purge, then=remove_files)
        self._docs.forget(path)
        self._logs.forget(log_path(path))
