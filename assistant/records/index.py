"""The index of cases: `index.json`, and the journal of the cases made since it was
last written whole.

Creating a case must not cost more in a database of 5,000 cases than in one of 25,
so it does not rewrite `index.json` (every case's row): it appends one line to the
index's journal, `cases/.index.answers.jsonl`, and the index is `index.json` with
the journal's cases added (`fold`). The journal is an answer log in form (one
synced line per case made, numbered and chained, cut back after a write cut
short: see `assistant.records.answer_log`), so backups, restores, migrations and
encryption carry and seal it as they do every case's log; its name is not one a
case can have.

Every other change to the index (archive, share, purge) writes `index.json` whole
with the journal folded in, and so does every `COMPACT_AFTER`-th case made and
every backup the store makes, so the journal stays short. `index.json` then
names the last journal line it holds (`journal` in its meta) and the journal is
removed: a crash between the two leaves lines that are skipped, never counted
twice. A journal line whose case is already in `index.json` is skipped too (a
case restored from a backup keeps the backup's row).

Anything that reads the index, here or elsewhere (backups, restore, `reunify
check`), reads it with `read_index` so it sees the cases the journal holds.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.records.answer_log import SUFFIX, LogCache, digest, read_log
from assistant.records.storage import (
    PLAIN,
    Codec,
    DamagedFileError,
    StatKey,
    dumps,
    read_document,
    read_keyed,
    stat_key,
    write_atomic,
)

#: the journal's name in form of a case reference (a leading dot: never a case's)
JOURNAL_REF = ".index"
#: what a journal line's `step` says it records
CREATED = "case-created"
#: cases made between two whole writes of `index.json`
COMPACT_AFTER = 128

CASE_FIELDS = {"ref": str, "created_at": str, "created_by": str}


def index_path(root: Path) -> Path:
    return root / "index.json"


def journal_path(root: Path) -> Path:
    return root / "cases" / f"{JOURNAL_REF}{SUFFIX}"


def is_journal(path: Path) -> bool:
    return path.name == f"{JOURNAL_REF}{SUFFIX}"


def check_index(path: Path, document: dict[str, Any]) -> None:
    """Every case row of the index has what a case needs; else the file is damaged."""
    for row in document.get("cases", {}).values():
        get = row.get  # (a loop run for every case when the index is read: kept plain)
        if not (
            isinstance(get("ref"), str)
            and isinstance(get("created_at"), str)
            and isinstance(get("created_by"), str)
        ):
            raise DamagedFileError(path, "a case row of another shape")


def journal_row(row: dict[str, Any]) -> dict[str, Any]:
    """A case's index row as a journal line (an answer log's fields around it)."""
    return {
        "session": "",
        "step": CREATED,
        "value": row,
        "skipped": False,
        "at": row["created_at"],
        "who": row["created_by"],
    }


def _case_of(path: Path, number: int, line: dict[str, Any]) -> dict[str, Any]:
    row = line.get("value")
    if (
        line.get("step") != CREATED
        or not isinstance(row, dict)
        or not all(isinstance(row.get(k), t) for k, t in CASE_FIELDS.items())
    ):
        raise DamagedFileError(path, f"line {number} is a case of another shape")
    return row


def absorbed(document: dict[str, Any] | None) -> str | None:
    """The digest of the last journal line `index.json` already holds, if any."""
    for row in (document or {}).get("meta", {}).values():
        if isinstance(row, dict) and isinstance(row.get("journal"), str):
            return str(row["journal"])
    return None


def _after_absorbed(document: dict[str, Any], lines: list[dict[str, Any]]) -> int:
    """How many of the journal's first lines `index.json` already holds."""
    mark = absorbed(document)
    if mark is None:
        return 0
    for number, line in enumerate(lines, 1):
        if digest(line) == mark:
            return number
    return 0


@dataclass
class _Base:
    """`index.json` as read: its document and its rows by reference (never changed,
    shared by every `Folded` made from it)."""

    document: dict[str, Any]
    rows: dict[str, dict[str, Any]]
    folded: dict[str, str]
    next_key: int


def _base(document: dict[str, Any] | None) -> _Base:
    document = document or {}
    cases = document.get("cases", {})
    rows = {row["ref"]: row for row in reversed(cases.values())}  # the first one wins
    folded = {ref.casefold(): ref for ref in rows}
    return _Base(document, rows, folded, max((int(k) for k in cases), default=0) + 1)


@dataclass
class Folded:
    """The index with the journal's cases added: `index.json`'s rows (shared) and
    the few the journal adds, so that a case made costs the same at any caseload."""

    base: _Base
    #: the journal's cases `index.json` does not hold, by reference, with their keys
    added: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    added_folded: dict[str, str] = field(default_factory=dict)
    #: journal lines read (those `index.json` already holds included)
    lines: int = 0
    #: what the store works out from this index once (its sorted case list, ...)
    memo: dict[str, Any] = field(default_factory=dict)

    def row(self, ref: str) -> dict[str, Any] | None:
        """The case's row (the first, should a reference appear twice), or None."""
        row = self.base.rows.get(ref)
        if row is None and ref in self.added:
            row = self.added[ref][1]
        return row

    def clash(self, ref: str) -> str | None:
        """The case whose reference differs from `ref` at most in case, if any."""
        key = ref.casefold()
        return self.base.folded.get(key) or self.added_folded.get(key)

    @property
    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = self.base.document.get("meta", {})
        return meta

    @property
    def document(self) -> dict[str, Any]:
        """The whole index as one TinyDB document (made once: shared, never to be
        changed)."""
        document: dict[str, Any] | None = self.memo.get("document")
        if document is None:
            cases = {**self.base.document.get("cases", {})}
            cases.update(self.added.values())
            document = self.memo["document"] = {**self.base.document, "cases": cases}
        return document

    def grown(self) -> Folded:
        """A copy to add the journal's new lines to (the base shared)."""
        return Folded(self.base, dict(self.added), dict(self.added_folded), self.lines)


def _apply(path: Path, folded: Folded, lines: list[dict[str, Any]], first: int) -> None:
    """Add the journal's cases from line `first` (1-based) on."""
    for at, line in enumerate(lines[first - 1 :], first):
        row = _case_of(path, at, line)
        ref = row["ref"]
        if folded.row(ref) is not None:
            continue  # already in the index (made before a crash, or restored)
        folded.added[ref] = (str(folded.base.next_key + len(folded.added)), row)
        folded.added_folded.setdefault(ref.casefold(), ref)
    folded.lines = len(lines)


def fold(document: dict[str, Any] | None, lines: list[dict[str, Any]], path: Path) -> Folded:
    """`index.json`'s document with the cases of the journal (`path`) it lacks."""
    folded = Folded(_base(document))
    _apply(path, folded, lines, _after_absorbed(document or {}, lines) + 1)
    return folded


def read_index(root: Path, codec: Codec = PLAIN) -> dict[str, Any] | None:
    """The index as a document, the journal's cases included (a fresh read, for
    backups, restores and checks); None when there is neither. `DamagedFileError`
    names a damaged `index.json` or journal."""
    lines = read_log(journal_path(root), codec)  # the journal first: see `IndexCache.read`
    document = read_document(index_path(root), codec)
    if document is not None:
        check_index(index_path(root), document)
    if document is None and not lines:
        return None
    return fold(document, lines, journal_path(root)).document


def write_index(
    root: Path, codec: Codec, document: dict[str, Any], lines: list[dict[str, Any]]
) -> None:
    """Write `index.json` whole (it holds the journal's cases), then remove the
    journal. The caller holds the write lock, and read `lines` under it."""
    if lines:
        meta = document.setdefault("meta", {})
        if not meta:
            meta["1"] = {}
        for row in meta.values():
            row["journal"] = digest(lines[-1])
    path = index_path(root)
    write_atomic(path, codec.encode(dumps(document), path.name))
    if lines:
        # (on Windows a reader may hold it open: its lines are then skipped, and it
        # is removed at the next whole write)
        with contextlib.suppress(OSError):
            journal_path(root).unlink(missing_ok=True)


def compact(root: Path, codec: Codec = PLAIN) -> None:
    """Fold the journal into `index.json` (the caller holds the write lock): after
    this, `index.json` alone lists every case. Nothing is written without a journal."""
    lines = read_log(journal_path(root), codec)
    if not lines:
        return
    document = read_document(index_path(root), codec)
    if document is not None:
        check_index(index_path(root), document)
    folded = fold(document, lines, journal_path(root))
    write_index(root, codec, _writable(folded.document), lines)


def _writable(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a folded document that may be changed and written."""
    return {
        name: {key: dict(row) for key, row in table.items()} if isinstance(table, dict) else table
        for name, table in document.items()
    }


def fresh(root: Path, codec: Codec) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The index read afresh (for a change, under the write lock): a document that
    may be changed, and the journal lines it holds."""
    lines = read_log(journal_path(root), codec)
    document = read_document(index_path(root), codec)
    if document is not None:
        check_index(index_path(root), document)
    return _writable(fold(document, lines, journal_path(root)).document), lines


class IndexCache:
    """The folded index, kept while `index.json` and the journal are unchanged.

    `read` costs two `os.stat` calls when nothing changed; when only the journal
    grew (a case made, here or by another process), only its new lines are read;
    when `index.json` changed, it is read and checked again. Safe to share between
    threads (the app's workers use the app's store).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[StatKey | None, StatKey | None] | None = None
        self._index_key: StatKey | None = None
        self._document: dict[str, Any] | None = None
        self._folded: Folded | None = None
        self._journal = LogCache(keep=1)

    def read(self, root: Path, codec: Codec = PLAIN) -> Folded:
        """`DamagedFileError` names a damaged `index.json` or journal."""
        with self._lock:
            return self._read(root, codec)

    def _read(self, root: Path, codec: Codec) -> Folded:
        # The journal is looked at before the index: a rewrite writes `index.json`
        # first and removes the journal after, so whatever moment this reads at,
        # a case is in one or the other.
        key = (_key(journal_path(root)), _key(index_path(root)))
        if self._folded is not None and key == self._key:
            return self._folded
        lines = self._journal.read(journal_path(root), codec)
        index_key = key[1]
        if self._folded is None or index_key != self._index_key:
            found = read_keyed(index_path(root), codec)
            if found is not None:
                check_index(index_path(root), found[1])
            index_key, self._document = found if found is not None else (None, None)
            self._folded = None
        before = self._key[0] if self._key is not None else None
        replaced = before is not None and key[0] is not None and before[0] != key[0][0]
        if self._folded is None or replaced or len(lines) < self._folded.lines:
            folded = fold(self._document, lines, journal_path(root))
        else:  # the journal grew: only its new lines are added
            folded = self._folded.grown()
            _apply(journal_path(root), folded, lines, self._folded.lines + 1)
        self._folded, self._index_key = folded, index_key
        self._key = (key[0], index_key)
        return folded


def _key(path: Path) -> StatKey | None:
    try:
        return stat_key(path.stat())
    except FileNotFoundError:
        return None
