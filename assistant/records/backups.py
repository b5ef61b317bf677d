"""Backups of the whole database: automatic (rotating, by age) and on request.

A backup is one file in `<database>/backups/`, 0600, holding every document of
the database (the index and each case) with the schema version; it is sealed
like the rest when the database is encrypted. Each backup is read back and
checked as soon as it is written: one that could not be restored is an error,
never a success.

Backups are numbered (`000012-20261201-093000-manual.json`): the number, kept in
the names in the database's own folder, orders them, never the file times or
the clock, so a clock that was once wrong cannot stop automatic backups.
Rotation keeps the newest few of each kind and never deletes the backup just
made; backups made before a restore, a migration or encryption are never
rotated away. Restoring is in `assistant.records.restore`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.records.answer_log import SUFFIX, as_document, read_log, rows_of, write_log
from assistant.records.migrations import Documents, schema_version
from assistant.records.storage import (
    PLAIN,
    Codec,
    DamagedFileError,
    dumps,
    parse_document,
    write_atomic,
)

FORMAT = "reunify-backup"
#: automatic backups kept (the oldest go first)
KEEP_AUTOMATIC = 5
#: backups made on request kept by default (`reunify backup --keep N`)
KEEP_MANUAL = 10
#: what rotates, by the reason in a backup's name
ROTATING = {"auto": KEEP_AUTOMATIC, "manual": KEEP_MANUAL}
NAME = re.compile(r"(\d{6})-(\d{8}-\d{6})-([a-z0-9-]+?)(?:-\d+)?\.json")
#: an automatic backup is made when the newest backup is older than this
AUTOMATIC_EVERY = timedelta(hours=24)


class BackupError(Exception):
    """A backup that cannot be made or used; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    created_at: str
    reason: str
    cases: int


def backup_dir(root: Path) -> Path:
    return root / "backups"


def database_files(root: Path) -> list[Path]:
    """The database's files: the index, every case file and every case's answer log."""
    files = [root / "index.json"] if (root / "index.json").exists() else []
    cases = root / "cases"
    return files + sorted([*cases.glob("*.json"), *cases.glob(f"*{SUFFIX}")])


def read_all(root: Path, codec: Codec = PLAIN) -> Documents:
    """Every document (an answer log as one too), by name relative to the database;
    `DamagedFileError` if any is damaged."""
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


def make_backup(
    root: Path,
    codec: Codec,
    reason: str,
    stamp: datetime | None = None,
    keep: int | None = None,
) -> Path:
    """Write a backup of the database now, read it back, then rotate old ones of the
    same kind (`keep`: how many; default by kind). `DamagedFileError` if a file is
    damaged; `BackupError` if the backup just written cannot be read back."""
    when = (stamp or datetime.now().astimezone()).replace(microsecond=0)
    documents = read_all(root, codec)
    bundle = {
        "format": FORMAT,
        "version": 1,
        "created_at": when.isoformat(),
        "reason": reason,
        "schema_version": schema_version(documents.get("index.json")),
        "files": documents,
    }
    folder = backup_dir(root)
    folder.mkdir(mode=0o700, exist_ok=True)
    number = max((number_of(p) for p in backups(root)), default=0) + 1
    path = folder / f"{number:06d}-{when.strftime('%Y%m%d-%H%M%S')}-{reason}.json"
    write_atomic(path, codec.encode(dumps(bundle), "backup"))
    try:
        _, written = load_backup(path, codec)
        if sorted(written) != sorted(documents):
            raise BackupError(f"{path} holds other files than were backed up")
    except BackupError as exc:
        path.unlink(missing_ok=True)
        raise BackupError(f"the backup could not be read back, so it was removed: {exc}") from None
    rotate(root, reason, keep, protect=path)
    return path


def rotate(root: Path, reason: str, keep: int | None = None, protect: Path | None = None) -> None:
    """Keep the newest `keep` backups of this kind (never `protect`)."""
    limit = keep if keep is not None else ROTATING.get(reason)
    if limit is None:
        return
    same = [p for p in backups(root) if reason_of(p) == reason and p != protect]
    for old in same[max(limit - (1 if protect else 0), 0) :]:
        old.unlink(missing_ok=True)


def load_backup(path: Path, codec: Codec = PLAIN) -> tuple[Backup, Documents]:
    """A backup checked whole: every document must be a good TinyDB document."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    try:
        bundle = json.loads(codec.decode(raw, "backup"))
    except ValueError as exc:
        raise BackupError(f"{path} is not a Reunify backup ({exc})") from None
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Reunify backup")
    files = bundle.get("files")
    if not isinstance(files, dict) or "index.json" not in files:
        raise BackupError(f"{path} is damaged: it has no index of cases")
    documents: Documents = {}
    for name, document in files.items():
        if not _safe_name(name):
            raise BackupError(f"{path} is damaged: it names an unexpected file {name!r}")
        try:
            documents[name] = parse_document(Path(name), dumps(document))
        except (DamagedFileError, TypeError, ValueError) as exc:
            raise BackupError(f"{path} is damaged: {exc}") from None
    info = Backup(
        path, str(bundle.get("created_at", "")), str(bundle.get("reason", "")), len(files) - 1
    )
    return info, documents


def _safe_name(name: Any) -> bool:
    if name == "index.json":
        return True
    return (
        isinstance(name, str)
        and name.startswith("cases/")
        and (name.endswith(".json") or name.endswith(SUFFIX))
        and "/" not in name[len("cases/") :]
        and ".." not in name
    )


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
            _, documents = load_backup(path, codec)
        except BackupError:
            continue
        if f"cases/{ref}.json" in documents:
            found.append(path)
    return found


def remove_case(path: Path, ref: str, codec: Codec = PLAIN) -> None:
    """Rewrite one backup without case `ref` (its files and its index row), atomically."""
    raw = path.read_bytes()
    bundle = json.loads(codec.decode(raw, "backup"))
    files = bundle["files"]
    for name in (f"cases/{ref}.json", f"cases/{ref}{SUFFIX}"):
        files.pop(name, None)
    rows = files.get("index.json", {}).get("cases", {})
    for key in [k for k, row in rows.items() if row.get("ref") == ref]:
        del rows[key]
    write_atomic(path, codec.encode(dumps(bundle), "backup"))


def newest_good_backup(root: Path, codec: Codec = PLAIN) -> Path | None:
    for path in backups(root):
        try:
            load_backup(path, codec)
        except BackupError:
            continue
        return path
    return None


def automatic_backup(root: Path, codec: Codec, now: datetime | None = None) -> Path | None:
    """Back up when the newest backup is a day old (or there is none); keep a few."""
    now = now or datetime.now().astimezone()
    if not database_files(root):
        return None
    newest = backups(root)
    when = made_at(newest[0]) if newest else None
    if when is not None:
        age = now.replace(tzinfo=None) - when
        if timedelta(0) <= age < AUTOMATIC_EVERY:
            return None  # a newest backup "from the future" (a wrong clock) does not count
    return make_backup(root, codec, "auto", now)
