"""How a backup file is laid out, written and read: one line per file of the database.

A backup (format version 2) is a stream of lines, so that it is written and read
one case at a time and never held whole in memory:

    {"format": "reunify-backup", "version": 2, "created_at": ..., "reason": ..., "id": ...}
    {"name": "cases/C-1.json", "document": {...}}
    {"name": "cases/C-1.answers.jsonl", "document": {"answers": {...}}}
    ...
    {"name": "index.json", "document": {...}}
    {"end": true, "files": N, "sha256": ...}

The last line counts the files and holds the SHA-256 of every line before it, so
a backup cut short, with a line removed, or spliced from two backups is refused.
In an encrypted database each line is sealed on its own and written in base64
(the first bound to `backup:0`, the others to the backup's random `id` and their
line number), so no line of plain text is ever written, and file names (case
references) are sealed with the rest.

Version 1, one JSON document holding every file (sealed whole when encrypted), is
still read; so is a version 2 backup sealed whole (`reunify encrypt` seals each
existing backup as it finds it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from assistant.records.answer_log import SUFFIX
from assistant.records.migrations import Documents
from assistant.records.storage import PLAIN, SEALED_PREFIX, Codec, dumps, fsync_dir, looks_sealed

FORMAT = "reunify-backup"
VERSION = 2
#: the prefix of a backup being written (`.backup-*.tmp`, in the backups folder)
TEMP_PREFIX = ".backup-"


class BackupError(Exception):
    """A backup that cannot be made or used; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    created_at: str
    reason: str
    cases: int


def safe_name(name: Any) -> bool:
    """A name a backup may hold: the index, or a case's file or log (no other path)."""
    if name == "index.json":
        return True
    return (
        isinstance(name, str)
        and name.startswith("cases/")
        and (name.endswith(".json") or name.endswith(SUFFIX))
        and "/" not in name[len("cases/") :]
        and "\\" not in name
        and ".." not in name
    )


def _tinydb_shape(document: Any) -> bool:
    return isinstance(document, dict) and all(
        isinstance(table, dict)
        and all(
            isinstance(key, str) and key.isdigit() and isinstance(row, dict)
            for key, row in table.items()
        )
        for table in document.values()
    )


class Writer:
    """A backup being written to a temporary file beside where it will go (0600)."""

    def __init__(
        self, folder: Path, codec: Codec, created_at: str, reason: str, prefix: str = TEMP_PREFIX
    ) -> None:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
        self.path = Path(name)
        self._handle: IO[bytes] | None = os.fdopen(fd, "wb")
        os.chmod(self.path, 0o600)
        self.codec = codec
        self.id = secrets.token_hex(8)
        self.names: list[str] = []
        self._lines = 0
        self._digest = hashlib.sha256()
        header = {"format": FORMAT, "version": VERSION, "created_at": created_at}
        self._line({**header, "reason": reason, "id": self.id})

    def _line(self, content: dict[str, Any]) -> None:
        assert self._handle is not None
        data = dumps(content)  # compact JSON: a newline in a string is written as \n
        if self.codec is PLAIN:
            out = data
        else:
            out = base64.b64encode(self.codec.encode(data, line_name(self.id, self._lines)))
        self._digest.update(data + b"\n")
        self._handle.write(out + b"\n")
        self._lines += 1

    def add(self, name: str, document: dict[str, Any]) -> None:
        self._line({"name": name, "document": document})
        self.names.append(name)

    def finish(self) -> None:
        """The closing line, then flush and sync: the file is whole on disk."""
        assert self._handle is not None
        self._line({"end": True, "files": len(self.names), "sha256": self._digest.hexdigest()})
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._handle = None

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.path.unlink(missing_ok=True)


def line_name(backup_id: str, number: int) -> str:
    """What a sealed line is bound to: its backup and its place in it."""
    return "backup:0" if number == 0 else f"backup:{backup_id}:{number}"


class Reader:
    """A backup read one file at a time (`entries`), checked as it is read and whole
    at the end: only once every entry has been read is the backup known to be good
    (then `info` says what it is)."""

    def __init__(self, path: Path, codec: Codec = PLAIN) -> None:
        self.path = path
        self.codec = codec
        self.info: Backup | None = None

    def _damaged(self, why: str) -> BackupError:
        return BackupError(f"{self.path} is damaged: {why}")

    def _not_backup(self, why: str = "") -> BackupError:
        return BackupError(f"{self.path} is not a Reunify backup" + (f" ({why})" if why else ""))

    def entries(self) -> Iterator[tuple[str, dict[str, Any]]]:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise BackupError(f"cannot read {self.path}: {exc.strerror}") from None
        with handle:
            if looks_sealed(handle.read(len(SEALED_PREFIX))):  # sealed whole: version 1, or
                handle.seek(0)  # a backup `reunify encrypt` found and sealed as it was
                try:
                    data = self.codec.decode(handle.read(), "backup")
                except ValueError as exc:
                    raise self._not_backup(str(exc)) from None
                yield from self._read(io.BytesIO(data), PLAIN, whole=True)
                return
            handle.seek(0)
            yield from self._read(handle, self.codec, whole=False)

    def _read(
        self, source: IO[bytes], codec: Codec, whole: bool
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        first = source.readline()
        header = self._header(first, codec)
        if header is not None:
            yield from self._stream(header, source, codec)
            return
        raw = first + source.read()  # version 1: one document, read at once as it was made
        if not whole:
            try:
                raw = codec.decode(raw, "backup")
            except ValueError as exc:
                raise self._not_backup(str(exc)) from None
        yield from self._version_1(raw)

    def _header(self, first: bytes, codec: Codec) -> dict[str, Any] | None:
        """The first line of a version 2 backup, or None for a version 1 one."""
        if not first.endswith(b"\n"):
            return None  # version 1 is one line with no newline
        line = first.rstrip(b"\r\n")
        plain = line.startswith(b"{")
        try:
            raw = line if plain else base64.b64decode(line, validate=True)
            header = json.loads(codec.decode(raw, line_name("", 0)))
        except (ValueError, binascii.Error, RecursionError) as exc:
            if plain:
                return None  # said where version 1 is read
            raise self._not_backup(str(exc)[:120]) from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            if plain:
                return None
            raise self._not_backup()
        version = header.get("version")
        if isinstance(version, int) and version > VERSION:
            raise BackupError(
                f"{self.path} was made by a newer Reunify (backup version {version}); "
                "update Reunify to use it"
            )
        if version != VERSION:
            return None
        if not isinstance(header.get("id"), str):
            raise self._not_backup("its first line has no id")
        return header

    def _line(self, line: bytes, number: int, backup_id: str, codec: Codec) -> tuple[bytes, Any]:
        """A line's JSON as written (unsealed) and what it holds."""
        line = line.rstrip(b"\r\n")
        try:
            raw = line if line.startswith(b"{") else base64.b64decode(line, validate=True)
            data = codec.decode(raw, line_name(backup_id, number))
            return data, json.loads(data)
        except (ValueError, binascii.Error, RecursionError) as exc:
            raise self._damaged(f"line {number + 1} cannot be read ({str(exc)[:120]})") from None

    def _stream(
        self, header: dict[str, Any], rest: IO[bytes], codec: Codec
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        created, reason = str(header.get("created_at", "")), str(header.get("reason", ""))
        self.info = Backup(self.path, created, reason, 0)
        digest = hashlib.sha256(dumps(header) + b"\n")
        seen: set[str] = set()
        end = None
        for number, line in enumerate(rest, 1):
            if end is not None:
                raise self._damaged(f"line {number + 1} follows its last line")
            data, content = self._line(line, number, header["id"], codec)
            if not isinstance(content, dict):
                raise self._damaged(f"line {number + 1} is not a file of the database")
            if content.get("end") is True:
                end = content
                continue
            digest.update(data + b"\n")  # the line as written, not written again
            yield self._check(content.get("name"), content.get("document"), seen)
        if end is None:
            raise self._damaged("it was cut short (it has no last line)")
        if end.get("files") != len(seen) or end.get("sha256") != digest.hexdigest():
            raise self._damaged("its files do not match its last line (some were changed)")
        self._done(header, seen)

    def _version_1(self, raw: bytes) -> Iterator[tuple[str, dict[str, Any]]]:
        try:
            bundle = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise self._not_backup(str(exc)[:120]) from None
        if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
            raise self._not_backup()
        files = bundle.get("files")
        if not isinstance(files, dict):
            raise self._damaged("it has no index of cases")
        seen: set[str] = set()
        checked = [self._check(name, document, seen) for name, document in files.items()]
        self._done(bundle, seen)
        yield from checked

    def _check(self, name: Any, document: Any, seen: set[str]) -> tuple[str, dict[str, Any]]:
        if not safe_name(name):
            raise self._damaged(f"it names an unexpected file {str(name)[:80]!r}")
        if name in seen:
            raise self._damaged(f"it holds {name} twice")
        if not _tinydb_shape(document):
            raise self._damaged(f"{name} is JSON of another shape than a TinyDB database")
        seen.add(name)
        return name, document

    def _done(self, header: dict[str, Any], seen: set[str]) -> None:
        if "index.json" not in seen:
            raise self._damaged("it has no index of cases")
        created, reason = str(header.get("created_at", "")), str(header.get("reason", ""))
        self.info = Backup(self.path, created, reason, len(seen) - 1)


def read_through(path: Path, codec: Codec = PLAIN) -> tuple[Backup, set[str]]:
    """Check a whole backup, one file at a time; what it is and the files it holds."""
    reader = Reader(path, codec)
    names = {name for name, _ in reader.entries()}
    assert reader.info is not None
    return reader.info, names


def load_backup(path: Path, codec: Codec = PLAIN) -> tuple[Backup, Documents]:
    """A backup checked whole, every document in memory (see `Reader`
    to read one file at a time)."""
    reader = Reader(path, codec)
    documents = dict(reader.entries())
    assert reader.info is not None
    return reader.info, documents


def _without(ref: str, name: str, document: dict[str, Any]) -> dict[str, Any]:
    if name == "index.json":
        rows = document.get("cases", {})
        for key in [k for k, row in rows.items() if row.get("ref") == ref]:
            del rows[key]
    return document


def remove_case(path: Path, ref: str, codec: Codec = PLAIN) -> None:
    """Rewrite one backup without case `ref` (its files and its index row), atomically,
    one file at a time (in the current format, whatever the one it was in)."""
    drop = {f"cases/{ref}.json", f"cases/{ref}{SUFFIX}"}
    reader = Reader(path, codec)
    writer: Writer | None = None
    try:
        for name, document in reader.entries():
            if writer is None:
                assert reader.info is not None
                info = reader.info
                writer = Writer(path.parent, codec, info.created_at, info.reason, f".{path.name}.")
            if name not in drop:
                writer.add(name, _without(ref, name, document))
        assert writer is not None
        writer.finish()
        os.replace(writer.path, path)
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    fsync_dir(path.parent)
