"""A case's answers as an append-only log: `cases/<REF>.answers.jsonl`.

Answers are events that are never changed, so each is one line appended to the
case's log and synced: a save costs one short write whatever the size of the
case (a whole-file rewrite of a case with years of answers took ~25 ms).

A line is the answer's JSON, or, in an encrypted database, the sealed JSON in
base64. A crash part way through an append leaves an incomplete last line: it
was never reported saved, so reading ignores it and the next append (under the
database's lock) cuts it off first. A complete line that cannot be read is
damage, reported with its line number and never written over.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path
from typing import Any

from assistant.records.storage import PLAIN, Codec, DamagedFileError, fsync_dir, write_atomic

SUFFIX = ".answers.jsonl"
FIELDS = {"seq": int, "session": str, "step": str, "skipped": bool, "at": str, "who": str}


def log_path(case_path: Path) -> Path:
    """The answer log beside a case's file."""
    return case_path.with_name(case_path.stem + SUFFIX)


def encode_row(row: dict[str, Any], codec: Codec, name: str) -> bytes:
    data = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if codec is PLAIN:
        return data + b"\n"
    return base64.b64encode(codec.encode(data, name)) + b"\n"


def decode_row(path: Path, number: int, line: bytes, codec: Codec) -> dict[str, Any]:
    try:
        raw = line if line.startswith(b"{") else base64.b64decode(line, validate=True)
        row = json.loads(codec.decode(raw, path.name))
    except (ValueError, binascii.Error) as exc:
        raise DamagedFileError(path, f"line {number} cannot be read: {exc}") from None
    if not isinstance(row, dict) or not all(isinstance(row.get(k), t) for k, t in FIELDS.items()):
        raise DamagedFileError(path, f"line {number} is an answer of another shape")
    return row


def _complete(data: bytes) -> bytes:
    """The bytes up to the last complete line (an append cut short is left out)."""
    return data[: data.rfind(b"\n") + 1]


def read_log(path: Path, codec: Codec = PLAIN) -> list[dict[str, Any]]:
    """Every answer in the log, in the order kept; [] when there is none yet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    lines = _complete(data).splitlines()
    return [decode_row(path, n, line, codec) for n, line in enumerate(lines, 1) if line]


class LogCache:
    """Logs already read, by path: a later read decodes only the lines added since.

    A log is only appended to, or replaced whole (restore, migration, encryption:
    a new file, so a new inode); a log that shrank or was replaced is read again.
    """

    def __init__(self) -> None:
        self._seen: dict[Path, tuple[int, int, list[dict[str, Any]]]] = {}

    def read(self, path: Path, codec: Codec = PLAIN) -> list[dict[str, Any]]:
        try:
            info = path.stat()
        except FileNotFoundError:
            self._seen.pop(path, None)
            return []
        inode, size, rows = self._seen.get(path, (-1, 0, []))
        if inode != info.st_ino or info.st_size < size:
            inode, size, rows = info.st_ino, 0, []
        if info.st_size > size:
            with path.open("rb") as handle:
                handle.seek(size)
                data = _complete(handle.read(info.st_size - size))
            first = len(rows) + 1
            rows = rows + [
                decode_row(path, n, line, codec)
                for n, line in enumerate(data.splitlines(), first)
                if line
            ]
            size += len(data)
            self._seen[path] = (inode, size, rows)
        return list(rows)


def _read_all(fd: int, size: int) -> bytes:
    """The first `size` bytes of an open file (portable: Windows has no os.pread)."""
    os.lseek(fd, 0, os.SEEK_SET)
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def append(path: Path, row: dict[str, Any], codec: Codec = PLAIN) -> int:
    """Add one answer and sync it; its `seq` (one more than the last) is returned.
    The caller holds the database's lock."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        data = b""
        size = os.fstat(fd).st_size
        if size:
            data = _read_all(fd, size)
            kept = _complete(data)
            if len(kept) != size:
                os.ftruncate(fd, len(kept))  # an append cut short by a crash
            data = kept
        lines = data.splitlines()
        last = decode_row(path, len(lines), lines[-1], codec) if lines else None
        seq = (last["seq"] if last else 0) + 1
        os.lseek(fd, len(data), os.SEEK_SET)
        try:
            os.write(fd, encode_row({**row, "seq": seq}, codec, path.name))
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, len(data))  # not saved: leave the log as it was
            raise
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)
    return seq


def write_log(path: Path, rows: list[dict[str, Any]], codec: Codec = PLAIN) -> None:
    """Replace a whole log at once (migration, restore, encryption)."""
    write_atomic(path, b"".join(encode_row(row, codec, path.name) for row in rows))


def as_document(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A log in the shape backups and migrations carry documents in."""
    return {"answers": {str(r["seq"]): {k: v for k, v in r.items() if k != "seq"} for r in rows}}


def rows_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a log carried as a document, in the order kept."""
    answers = document.get("answers", {})
    return [{**answers[key], "seq": int(key)} for key in sorted(answers, key=int)]
