"""Putting a backup back: the whole database, or one case, all at once or not at all.

Before anything is written, a restore says what it would cost: for each case,
the answers recorded since the backup that would be lost, and the cases the
backup does not hold (`plan`). The caller asks the person (or takes `--yes`).

Atomic, by a journal inside the database folder (one filesystem, so each rename
is atomic):
1. every file to put back is written, sealed as the database is, into `.restore/`;
2. `restore.pending` is written (atomically) naming those files and the files to
   remove: this is the moment the restore happens;
3. the files are moved into place, the removed ones removed, then the journal
   and `.restore/` are deleted.
Opening the database first finishes a restore whose `restore.pending` exists,
and throws away a `.restore/` without one. A kill at any moment so leaves the
old state or the new one, never a mix. The state before is backed up first
(files that cannot be read are copied aside as `*.damaged-<time>`).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.records.answer_log import SUFFIX, read_log, rows_of
from assistant.records.backups import (
    Backup,
    BackupError,
    database_files,
    load_backup,
    make_backup,
)
from assistant.records.migrations import Documents
from assistant.records.storage import (
    PLAIN,
    Codec,
    DamagedFileError,
    dumps,
    fsync_dir,
    read_document,
    write_atomic,
)

STAGE = ".restore"
JOURNAL = "restore.pending"


def _step() -> None:
    """A point where a restore may be cut short (tests kill the process here)."""


@dataclass(frozen=True)
class Loss:
    """What restoring would lose for one case."""

    ref: str
    answers: int
    whole_case: bool

    def __str__(self) -> str:
        if self.whole_case:
            return f"case {self.ref}: not in the backup; the case and its {self.answers} answer(s)"
        return f"case {self.ref}: {self.answers} answer(s) recorded since the backup"


@dataclass
class Plan:
    """A restore worked out, not yet done."""

    backup: Backup
    files: Documents
    remove: list[str] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    case: str | None = None


def _refs(index: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    rows = (index or {}).get("cases", {}).values()
    return {str(r["ref"]): r for r in rows if isinstance(r, dict) and "ref" in r}


def _current_rows(root: Path, ref: str, codec: Codec) -> list[dict[str, Any]]:
    try:
        return read_log(root / "cases" / f"{ref}{SUFFIX}", codec)
    except DamagedFileError:
        return []  # unreadable now: restoring cannot lose what cannot be read


def _loss(root: Path, ref: str, documents: Documents, codec: Codec) -> Loss | None:
    now = _current_rows(root, ref, codec)
    name = f"cases/{ref}{SUFFIX}"
    if f"cases/{ref}.json" not in documents:
        return Loss(ref, len(now), True)
    kept = {r["seq"] for r in rows_of(documents.get(name, {}))}
    lost = [r for r in now if r["seq"] not in kept]
    return Loss(ref, len(lost), False) if lost else None


def _current_index(root: Path, codec: Codec) -> dict[str, Any] | None:
    try:
        return read_document(root / "index.json", codec)
    except DamagedFileError:
        return None


def plan(root: Path, backup_file: Path, codec: Codec = PLAIN, case: str | None = None) -> Plan:
    """What restoring `backup_file` (or one `case` of it) would write and lose."""
    info, documents = load_backup(backup_file, codec)
    current = _current_index(root, codec)
    if case is None:
        names = {p.relative_to(root).as_posix() for p in database_files(root)}
        remove = sorted(names - set(documents))
        losses = [
            loss
            for ref in sorted(_refs(current))
            if (loss := _loss(root, ref, documents, codec)) is not None
        ]
        return Plan(info, documents, remove, losses)
    backed = _refs(documents.get("index.json"))
    if case not in backed or f"cases/{case}.json" not in documents:
        raise BackupError(f"{backup_file} holds no case {case!r}")
    if current is None and (root / "index.json").exists():
        raise BackupError(
            "the index of cases cannot be read; restore the whole backup instead (no --case)"
        )
    base = current if current is not None else {**documents["index.json"], "cases": {}}
    index = json.loads(json.dumps(base))
    rows = index.setdefault("cases", {})
    key = next((k for k, r in rows.items() if r.get("ref") == case), None)
    if key is None:
        key = str(max((int(k) for k in rows if k.isdigit()), default=0) + 1)
    rows[key] = backed[case]
    files = {"index.json": index, f"cases/{case}.json": documents[f"cases/{case}.json"]}
    log = f"cases/{case}{SUFFIX}"
    files[log] = documents.get(log, {"answers": {}})
    loss = _loss(root, case, documents, codec)
    return Plan(info, files, [], [loss] if loss else [], case)


def _write_file(target: Path, name: str, document: dict[str, Any], codec: Codec) -> None:
    from assistant.records.answer_log import encode_row

    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if name.endswith(SUFFIX):
        rows = rows_of(document)
        write_atomic(target, b"".join(encode_row(r, codec, target.name) for r in rows))
    else:
        write_atomic(target, codec.encode(dumps(document), target.name))


def carry_out(root: Path, chosen: Plan, codec: Codec = PLAIN) -> Path | None:
    """Do a planned restore; returns the backup of the state before (None when the
    state before could not be read, and its files were copied aside)."""
    before: Path | None = None
    try:
        before = make_backup(root, codec, "before-restore")
    except DamagedFileError:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for current in database_files(root):
            shutil.copy2(current, current.with_name(f"{current.name}.damaged-{stamp}"))
    stage = root / STAGE
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(mode=0o700)
    for name, document in chosen.files.items():
        _write_file(stage / name, name, document, codec)
        _step()
    journal = {"install": sorted(chosen.files), "remove": chosen.remove}
    write_atomic(root / JOURNAL, json.dumps(journal).encode("utf-8"))  # the moment of restore
    _step()
    finish(root)
    return before


def finish(root: Path) -> bool:
    """Complete a restore whose journal was written, or discard one cut short before
    it; True when a restore was completed here. Safe to run again at any point."""
    stage, journal = root / STAGE, root / JOURNAL
    if not journal.exists():
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
        return False
    plan_ = json.loads(journal.read_bytes())
    for name in plan_["install"]:
        source = stage / name
        if source.exists():
            target = root / name
            target.parent.mkdir(mode=0o700, exist_ok=True)
            os.replace(source, target)
            _step()
    for name in plan_["remove"]:
        (root / name).unlink(missing_ok=True)
        _step()
    if (root / "cases").is_dir():
        fsync_dir(root / "cases")
    fsync_dir(root)
    journal.unlink()
    fsync_dir(root)
    shutil.rmtree(stage, ignore_errors=True)
    return True
