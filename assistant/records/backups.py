"""Backups of the whole database: automatic (rotating, by age) and on request.

A backup is one file in `<database>/backups/`, 0600, holding every document of
the database (the index, with the cases of its journal folded in, and each
case's file and answer log; never `cache/`),
sealed like the rest when the database is encrypted. It is written one case at a
time into a temporary file beside it (see `assistant.records.backup_format`), so
its memory does not grow with the caseload; the file is synced, read back and
checked whole, and only then renamed into place: a backup cut short (a kill, a
full disk) is never taken for one, and the next backup removes what it left.

The database's write lock is held only for as long as one case is read (and for
the rename), when the caller passes `lock`, so a long backup does not hold up
the people writing; each case is copied whole and consistent. A case purged, or
a database restored, migrated or encrypted while a backup was being written,
makes the backup start again, so it never holds what was purged nor mixes two
states of the database. One backup is written at a time (`backups/.lock`).

Backups are numbered (`000012-20261201-093000-manual.json`): the number, kept in
the names in the database's own folder, orders them, never the file times or
the clock, so a clock that was once wrong cannot stop automatic backups.
Rotation keeps the newest few of each kind and never deletes the backup just
made; backups made before a restore, a migration or encryption are never
rotated away. Restoring is in `assistant.records.restore`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from assistant.records.answer_log import SUFFIX, as_document, read_log, rows_of, write_log
from assistant.records.backup_format import (
    FORMAT,
    TEMP_PREFIX,
    Backup,
    BackupError,
    Writer,
    load_backup,
    read_through,
    remove_case,
)
from assistant.records.index import read_index
from assistant.records.migrations import Documents, schema_version
from assistant.records.storage import (
    PLAIN,
    Codec,
    dumps,
    fsync_dir,
    parse_document,
    stat_key,
    write_atomic,
)

__all__ = ["FORMAT", "Backup", "BackupError", "BackupStopped", "load_backup", "remove_case"]

#: automatic backups kept (the oldest go first)
KEEP_AUTOMATIC = 5
#: backups made on request kept by default (`reunify backup --keep N`)
KEEP_MANUAL = 10
#: what rotates, by the reason in a backup's name
ROTATING = {"auto": KEEP_AUTOMATIC, "manual": KEEP_MANUAL}
NAME = re.compile(r"(\d{6})-(\d{8}-\d{6})-([a-z0-9-]+?)(?:-\d+)?\.json")
#: an automatic backup is made when the newest backup is older than this
AUTOMATIC_EVERY = timedelta(hours=24)
#: times a backup starts again when the database changed under it (see the module)
ATTEMPTS = 3

#: the database's write lock, taken for each short read (`Store._lock(True)`)
Lock = Callable[[], AbstractContextManager[Any]]


class BackupStopped(BackupError):
    """A backup stopped part way (`cancelled`): nothing was kept."""


class _Changed(Exception):
    """The database changed under a backup in a way it cannot carry: start again."""


def backup_dir(root: Path) -> Path:
    return root / "backups"


def database_files(root: Path) -> list[Path]:
    """The database's files: the index, every case file and every case's answer log."""
    files = [root / "index.json"] if (root / "index.json").exists() else []
    cases = root / "cases"
    return files + sorted([*cases.glob("*.json"), *cases.glob(f"*{SUFFIX}")])


def database_version(root: Path) -> tuple[tuple[str, int, int, int, int], ...]:
    """The size, time and identity of the index and of every case file and log: it
    changes whenever anything in the database is written (an answer, a session, a
    new or archived case, a restore). Only looked at, never read: cheap enough to
    ask before work that depends on the whole database (what is due)."""
    found = []
    for path in (root / "index.json", *(root / "cases").glob("*")):
        if path.name.endswith(".json") or path.name.endswith(SUFFIX):
            try:
                info = path.stat()
            except FileNotFoundError:
                continue  # removed while we looked
            name = path.relative_to(root).as_posix()
            found.append((name, *stat_key(info)))
    return tuple(sorted(found))


def read_all(root: Path, codec: Codec = PLAIN) -> Documents:
    """Every document (an answer log as one too), by name relative to the database;
    `DamagedFileError` if any is damaged (for migrations: all at once)."""
    documents: Documents = {}
    for path in database_files(root):
        name = path.relative_to(root).as_posix()
        if name.endswith(SUFFIX):
            documents[name] = as_document(read_log(path, codec))
        else:
            documents[name] = parse_document(path, path.read_bytes(), codec)
    return documents


def write_all(root: Path, documents: Documents, codec: Codec = PLAIN) -> None:
    """Write documents back as files, each atomically (answer logs as logs)."""
    (root / "cases").mkdir(mode=0o700, exist_ok=True)
    for name, document in documents.items():
        target = root / name
        if name.endswith(SUFFIX):
            write_log(target, rows_of(document), codec)
        else:
            write_atomic(target, codec.encode(dumps(document), target.name))


def number_of(path: Path) -> int:
    """A backup's number (0 for one named before backups were numbered)."""
    match = NAME.fullmatch(path.name)
    return int(match.group(1)) if match else 0


def reason_of(path: Path) -> str:
    match = NAME.fullmatch(path.name)
    return match.group(3) if match else ""


def made_at(path: Path) -> datetime | None:
    """When a numbered backup was made (local time, from its name)."""
    match = NAME.fullmatch(path.name)
    return datetime.strptime(match.group(2), "%Y%m%d-%H%M%S") if match else None


# -- writing -------------------------------------------------------------------
def _cases(root: Path) -> dict[str, list[Path]]:
    """Each case's files (its file, its log), by reference; listed, not read. Not the
    index's journal (`.index.answers.jsonl`: no reference starts with a dot)."""
    found: dict[str, list[Path]] = {}
    for path in database_files(root):
        ref = path.name.removesuffix(SUFFIX).removesuffix(".json")
        if path.parent.name == "cases" and not ref.startswith("."):
            found.setdefault(ref, []).append(path)
    return found


def _read_case(root: Path, paths: list[Path], codec: Codec) -> list[tuple[str, dict[str, Any]]]:
    """One case's documents, read whole ([] when the case is gone); `DamagedFileError`."""
    documents = []
    for path in paths:
        name = path.relative_to(root).as_posix()
        try:
            if name.endswith(SUFFIX):
                if path.exists():
                    documents.append((name, as_document(read_log(path, codec))))
            else:
                documents.append((name, parse_document(path, path.read_bytes(), codec)))
        except FileNotFoundError:
            continue
    return documents


def _encrypted(root: Path) -> bool:
    return (root / "key.json").exists()  # `keys.is_encrypted` (keys imports this module)


def _index(root: Path, codec: Codec) -> dict[str, Any]:
    """The index with the cases of its journal folded in: a backup's index lists
    every case by itself (the journal is not carried)."""
    document = read_index(root, codec)
    if document is None:
        raise BackupError(f"{root} has no index of cases (index.json) to back up")
    return document


def _write(
    root: Path, codec: Codec, reason: str, when: datetime, hold: Lock, cancelled: Callable[[], bool]
) -> Writer:
    """Every case, one at a time, then the index, into a temporary file synced whole.
    Files in `cases/` that are no case's (a leading dot: the index's journal of cases
    made since `index.json` was written whole) are not carried: the index is read
    last, with its journal folded in, under one hold of the lock."""
    writer = Writer(backup_dir(root), codec, when.isoformat(), reason)
    try:
        with hold():
            version = schema_version(_index(root, codec))
        copied: set[str] = set()
        for ref, paths in _cases(root).items():
            if cancelled():
                raise BackupStopped("the backup was stopped before it was finished; none was kept")
            with hold():
                documents = _read_case(root, paths, codec)
            for name, document in documents:
                writer.add(name, document)
            if documents:
                copied.add(ref)
        with hold():
            index = _index(root, codec)
            now = _cases(root)
            if schema_version(index) != version or copied - set(now):
                raise _Changed
            for ref in sorted(set(now) - copied):  # cases made meanwhile
                for name, document in _read_case(root, now[ref], codec):
                    writer.add(name, document)
            writer.add("index.json", index)
        writer.finish()
    except BaseException:
        writer.discard()
        raise
    return writer


def _check_written(writer: Writer, codec: Codec) -> None:
    """Read the written file back whole; a backup that cannot be read is removed."""
    try:
        _, names = read_through(writer.path, codec)
        if sorted(names) != sorted(writer.names):
            raise BackupError(f"{writer.path} holds other files than were backed up")
    except BackupError as exc:
        writer.discard()
        raise BackupError(f"the backup could not be read back, so it was removed: {exc}") from None


def _publish(root: Path, writer: Writer, codec: Codec, reason: str, when: datetime) -> Path:
    """Rename the checked file into place under its number (the caller holds the lock)."""
    if (codec is PLAIN) == _encrypted(root):
        raise _Changed  # encrypted (or a key added) while this was written
    names = [n.removeprefix("cases/") for n in writer.names if n.startswith("cases/")]
    refs = {n.removesuffix(SUFFIX).removesuffix(".json") for n in names}
    if refs - set(_cases(root)):
        raise _Changed  # a case was purged (or restored away) meanwhile
    folder = backup_dir(root)
    number = max((number_of(p) for p in backups(root)), default=0) + 1
    path = folder / f"{number:06d}-{when.strftime('%Y%m%d-%H%M%S')}-{reason}.json"
    os.replace(writer.path, path)
    fsync_dir(folder)
    return path


@contextmanager
def _one_at_a_time(root: Path, wait: bool) -> Iterator[bool]:
    """The backups' own lock: True while this is the only backup being made (then
    what backups cut short left behind is removed). Without `wait`, False at once
    when another backup is being made."""
    folder = backup_dir(root)
    folder.mkdir(mode=0o700, exist_ok=True)
    lock = FileLock(folder / ".lock", timeout=-1 if wait else 0, mode=0o600, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        yield False
        return
    try:
        for left in folder.glob(f"{TEMP_PREFIX}*.tmp"):
            left.unlink(missing_ok=True)
        yield True
    finally:
        lock.release()


def _make(
    root: Path,
    codec: Codec,
    reason: str,
    when: datetime,
    keep: int | None,
    lock: Lock | None,
    cancelled: Callable[[], bool] | None,
) -> Path:
    hold: Lock = lock or nullcontext
    stop = cancelled or (lambda: False)
    for _ in range(ATTEMPTS):
        try:
            writer = _write(root, codec, reason, when, hold, stop)
            _check_written(writer, codec)
            try:
                with hold():
                    path = _publish(root, writer, codec, reason, when)
                    rotate(root, reason, keep, protect=path)
                return path
            except BaseException:
                writer.discard()
                raise
        except _Changed:
            continue
        except OSError as exc:  # a full disk, a file that cannot be read
            raise BackupError(f"the backup could not be written: {exc.strerror or exc}") from None
    raise BackupError(
        "the database changed in ways a backup cannot carry while it was being made "
        "(cases purged or restored, or the database encrypted); try again"
    )


def make_backup(
    root: Path,
    codec: Codec,
    reason: str,
    stamp: datetime | None = None,
    keep: int | None = None,
    lock: Lock | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write a backup of the database now, read it back, then rotate old ones of the
    same kind (`keep`: how many; default by kind). `DamagedFileError` if a file is
    damaged; `BackupError` if the backup cannot be written or read back.

    `lock`: the database's write lock, taken for each case read; without it the
    caller holds that lock throughout (a restore, a migration). `cancelled`: asked
    between cases; True stops the backup (`BackupStopped`), keeping nothing."""
    when = (stamp or datetime.now().astimezone()).replace(microsecond=0)
    # Without `lock` the caller holds the write lock: waiting here for a backup that
    # waits for that lock would never end, so go ahead beside it (names are unique).
    with _one_at_a_time(root, wait=lock is not None):
        return _make(root, codec, reason, when, keep, lock, cancelled)


def rotate(root: Path, reason: str, keep: int | None = None, protect: Path | None = None) -> None:
    """Keep the newest `keep` backups of this kind (never `protect`)."""
    limit = keep if keep is not None else ROTATING.get(reason)
    if limit is None:
        return
    same = [p for p in backups(root) if reason_of(p) == reason and p != protect]
    for old in same[max(limit - (1 if protect else 0), 0) :]:
        old.unlink(missing_ok=True)


# -- reading -------------------------------------------------------------------
def backups(root: Path) -> list[Path]:
    """Backup files, newest first (by number, then name)."""
    folder = backup_dir(root)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.json"), key=lambda p: (number_of(p), p.name), reverse=True)


def holding(root: Path, ref: str, codec: Codec = PLAIN) -> list[Path]:
    """The backups that still hold case `ref` (those that can be read)."""
    found = []
    for path in backups(root):
        try:
            _, names = read_through(path, codec)
        except BackupError:
            continue
        if f"cases/{ref}.json" in names:
            found.append(path)
    return found


def newest_good_backup(root: Path, codec: Codec = PLAIN) -> Path | None:
    for path in backups(root):
        try:
            read_through(path, codec)
        except BackupError:
            continue
        return path
    return None


# -- automatic -----------------------------------------------------------------
def automatic_backup_due(root: Path, now: datetime | None = None) -> bool:
    """True when the newest backup is a day old (or there is none) and there is
    something to back up; a newest backup "from the future" (a wrong clock) does
    not count."""
    now = now or datetime.now().astimezone()
    cases = root / "cases"
    if not (root / "index.json").exists() and not (cases.is_dir() and any(cases.iterdir())):
        return False
    newest = backups(root)
    when = made_at(newest[0]) if newest else None
    if when is None:
        return True
    return not timedelta(0) <= now.replace(tzinfo=None) - when < AUTOMATIC_EVERY


def automatic_backup(
    root: Path,
    codec: Codec,
    now: datetime | None = None,
    lock: Lock | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path | None:
    """Back up when one is due (see `automatic_backup_due`); keep a few. None when
    none was due, or another backup is being made right now. `lock`, `cancelled`:
    as for `make_backup`."""
    now = now or datetime.now().astimezone()
    if not automatic_backup_due(root, now):
        return None
    with _one_at_a_time(root, wait=False) as alone:
        if not alone or not automatic_backup_due(root, now):
            return None  # another is being made, or was just made
        when = now.replace(microsecond=0)
        return _make(root, codec, "auto", when, None, lock, cancelled)
