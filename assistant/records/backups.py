"""Backups of the whole database: automatic (rotating, by age) and on request.

A backup is one file in `<database>/backups/`, 0600, holding every document of
the database (the index and each case) with the schema version; it is sealed
like the rest when the database is encrypted. Restoring checks the backup
completely before anything is written, and backs the current state up first.
"""

from __future__ import annotations

import json
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


def make_backup(root: Path, codec: Codec, reason: str, stamp: datetime | None = None) -> Path:
    """Write a backup of the database now; `DamagedFileError` if a file is damaged."""
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
    name = f"{when.strftime('%Y%m%d-%H%M%S')}-{reason}.json"
    path = folder / name
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{when.strftime('%Y%m%d-%H%M%S')}-{reason}-{n}.json"
    write_atomic(path, codec.encode(dumps(bundle), "backup"))
    return path


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
    """Backup files, newest first."""
    folder = backup_dir(root)
    return sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []


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
    if newest:
        age = now.timestamp() - newest[0].stat().st_mtime
        if age < AUTOMATIC_EVERY.total_seconds():
            return None
    path = make_backup(root, codec, "auto", now)
    automatic = [p for p in backups(root) if "-auto" in p.name]
    for old in automatic[KEEP_AUTOMATIC:]:
        old.unlink(missing_ok=True)
    return path


def restore(root: Path, path: Path, codec: Codec = PLAIN) -> Backup:
    """Put a backup's documents back. The backup is checked first; the current state
    is backed up first when it can be read, and damaged files are kept aside."""
    info, documents = load_backup(path, codec)
    try:
        make_backup(root, codec, "before-restore")
    except DamagedFileError:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for current in database_files(root):
            current.rename(current.with_name(f"{current.name}.damaged-{stamp}"))
    write_all(root, documents, codec)
    return info
