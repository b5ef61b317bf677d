"""Putting a backup back: the whole database, or one case, all at once or not at all.

Before anything is written, a restore says what it would cost: for each case,
the answers recorded since the backup that would be lost, and the cases the
backup does not hold (`plan`). The caller asks the person (or takes `--yes`).

Atomic, by a journal inside the database folder (one filesystem, so each rename
is atomic):
1. every file to put back is written, sealed as the database is, into `.restore/`
   (a whole backup is read twice, one file at a time: once to check it whole and
   work out what would be lost, once to write it here);
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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.records.answer_log import SUFFIX, encode_row, read_log, rows_of
from assistant.records.backup_format import Backup, BackupError, Reader
from assistant.records.backups import database_files, make_backup
from assistant.records.index import read_index
from assistant.records.migrations import Documents
from assistant.records.storage import (
    PLAIN,
    Codec,
    DamagedFileError,
    dumps,
    fsync_dir,
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
    """A restore worked out, not yet done. A whole backup is put back from its file,
    one file at a time (`source`, `install`); one case from `files`."""

    backup: Backup
    files: Documents
    remove: list[str] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    case: str | None = None
    source: Path | None = None
    install: list[str] = field(default_factory=list)


def _refs(index: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    rows = (index or {}).get("cases", {}).values()
    return {str(r["ref"]): r for r in rows if isinstance(r, dict) and "ref" in r}


def _current_rows(root: Path, ref: str, codec: Codec) -> list[dict[str, Any]]:
    try:
        return read_log(root / "cases" / f"{ref}{SUFFIX}", codec)
    except DamagedFileError:
        return []  # unreadable now: restoring cannot lose what cannot be read


def _lost(root: Path, ref: str, backed: dict[str, Any] | None, codec: Codec) -> int:
    """How many answers of the case now are not in the backup's log of it."""
    kept = {r["seq"] for r in rows_of(backed or {})}
    return sum(1 for r in _current_rows(root, ref, codec) if r["seq"] not in kept)


def _current_index(root: Path, codec: Codec) -> dict[str, Any] | None:
    """The index now, the cases of its journal included (None when unreadable)."""
    try:
        return read_index(root, codec)
    except DamagedFileError:
        return None


def plan(root: Path, backup_file: Path, codec: Codec = PLAIN, case: str | None = None) -> Plan:
    """What restoring `backup_file` (or one `case` of it) would write and lose; the
    whole backup is checked first, read one file at a time."""
    if case is not None:
        return _plan_case(root, backup_file, codec, case)
    reader = Reader(backup_file, codec)
    names: set[str] = set()
    lost: dict[str, int] = {}
    for name, document in reader.entries():
        names.add(name)
        if name.endswith(SUFFIX):
            ref = name.removeprefix("cases/").removesuffix(SUFFIX)
            lost[ref] = _lost(root, ref, document, codec)
    assert reader.info is not None
    current = {p.relative_to(root).as_posix() for p in database_files(root)}
    # every case there is now: those the index lists, and any whose file is here
    # (made since the index was last written whole, say), since a restore removes them
    on_disk = {n[6:-5] for n in current if n.startswith("cases/") and n.endswith(".json")}
    refs = set(_refs(_current_index(root, codec))) | {r for r in on_disk if r[:1] != "."}
    losses = []
    for ref in sorted(refs):
        if f"cases/{ref}.json" not in names:
            losses.append(Loss(ref, len(_current_rows(root, ref, codec)), True))
        elif (count := lost.get(ref, _lost(root, ref, None, codec))) > 0:
            losses.append(Loss(ref, count, False))
    return Plan(reader.info, {}, sorted(current - names), losses, None, backup_file, sorted(names))


def _plan_case(root: Path, backup_file: Path, codec: Codec, case: str) -> Plan:
    wanted = {"index.json", f"cases/{case}.json", f"cases/{case}{SUFFIX}"}
    reader = Reader(backup_file, codec)
    documents = {name: doc for name, doc in reader.entries() if name in wanted}
    assert reader.info is not None
    backed = _refs(documents.get("index.json"))
    if case not in backed or f"cases/{case}.json" not in documents:
        raise BackupError(f"{backup_file} holds no case {case!r}")
    current = _current_index(root, codec)
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
    count = _lost(root, case, documents.get(log), codec)
    losses = [Loss(case, count, False)] if count else []
    return Plan(reader.info, files, [], losses, case, None, sorted(files))


def _as_written(row: dict[str, Any]) -> dict[str, Any]:
    """A row in the order an append writes it (its fields, then `seq`, then `prev`),
    so a log put back is the same, byte for byte, as the log backed up."""
    fields = {k: v for k, v in row.items() if k not in ("seq", "prev")}
    link = {"prev": row["prev"]} if "prev" in row else {}
    return {**fields, "seq": row["seq"], **link}


def _write_file(target: Path, name: str, document: dict[str, Any], codec: Codec) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if name.endswith(SUFFIX):
        rows = [_as_written(r) for r in rows_of(document)]
        write_atomic(target, b"".join(encode_row(r, codec, target.name) for r in rows))
    else:
        write_atomic(target, codec.encode(dumps(document), target.name))


def _stage(stage: Path, chosen: Plan, codec: Codec) -> None:
    """Every file to put back, sealed as the database is, into `stage`; a whole
    backup is read again one file at a time and must hold what the plan saw."""
    if chosen.source is None:
        files: Iterable[tuple[str, dict[str, Any]]] = chosen.files.items()
    else:
        files = Reader(chosen.source, codec).entries()
    wanted, written = set(chosen.install), []
    for name, document in files:
        if name in wanted:
            _write_file(stage / name, name, document, codec)
            written.append(name)
            _step()
    if sorted(written) != chosen.install:
        raise BackupError(f"{chosen.source} changed since it was checked; nothing was changed")


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
    try:
        _stage(stage, chosen, codec)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)  # nothing was put back
        raise
    journal = {"install": chosen.install, "remove": chosen.remove}
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
