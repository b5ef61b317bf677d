"""A case's answers as an append-only log: `cases/<REF>.answers.jsonl`.

Answers are events that are never changed, so each is one line appended to the
case's log and synced: a save costs one short write whatever the size of the
case (a whole-file rewrite of a case with years of answers took ~25 ms).

A line is the answer's JSON, or, in an encrypted database, the sealed JSON in
base64. A save writes the whole line (however many writes that takes), syncs it,
and only then reports it saved; any failure cuts the log back to where it was. A
crash part way through an append leaves an incomplete last line: it was never
reported saved, so reading ignores it and the next append (under the database's
lock) cuts it off first. A last line that can be read in full is an answer that
only lost its final newline: it is kept, never cut. A line that cannot be read
anywhere else is damage, reported with its line number and never written over.

Tamper evidence: each answer carries `prev`, the SHA-256 of the answer before it
(the first, of its case's reference), and numbers run 1, 2, 3...: a line that
was changed, removed, repeated or moved, or a log swapped between cases, breaks
the chain at that line (`chain_problem`). Logs written before the chain have no
`prev` and are read as they are.
"""

from __future__ import annotations

import base64
import binascii
import errno
import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from pydantic_core import from_json

from assistant.records.storage import PLAIN, Codec, DamagedFileError, fsync_dir, write_atomic

SUFFIX = ".answers.jsonl"
FIELDS = {"seq": int, "session": str, "step": str, "skipped": bool, "at": str, "who": str}


def log_path(case_path: Path) -> Path:
    """The answer log beside a case's file."""
    return case_path.with_name(case_path.stem + SUFFIX)


#: Sealed lines are padded to a multiple of this many bytes (with spaces, which JSON
#: ignores), so an answer's exact length does not show through the encryption.
PAD_TO = 256


def encode_row(row: dict[str, Any], codec: Codec, name: str) -> bytes:
    data = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if codec is PLAIN:
        return data + b"\n"
    data += b" " * (-len(data) % PAD_TO)
    return base64.b64encode(codec.encode(data, name)) + b"\n"


def _unsealed(path: Path, line: bytes, codec: Codec) -> bytes:
    """A line's JSON text: as it is, or unsealed from its base64."""
    raw = line if line.startswith(b"{") else base64.b64decode(line, validate=True)
    return codec.decode(raw, path.name)


def decode_row(path: Path, number: int, line: bytes, codec: Codec) -> dict[str, Any]:
    try:
        row = json.loads(_unsealed(path, line, codec))
    except (ValueError, binascii.Error) as exc:
        raise DamagedFileError(path, f"line {number} cannot be read: {str(exc)[:120]}") from None
    except RecursionError:
        raise DamagedFileError(path, f"line {number} cannot be read: nested too deeply") from None
    if not _shaped(row):
        raise DamagedFileError(path, f"line {number} is an answer of another shape")
    return row


def _shaped(row: Any) -> bool:
    """An answer as kept: every field of FIELDS there, of its type (written out, not
    looped over FIELDS: this runs for every line read, and a loop costs twice as
    much; tests/test_answer_log.py checks it against FIELDS)."""
    if not isinstance(row, dict):
        return False
    get = row.get
    return (
        isinstance(get("seq"), int)
        and isinstance(get("session"), str)
        and isinstance(get("step"), str)
        and isinstance(get("skipped"), bool)
        and isinstance(get("at"), str)
        and isinstance(get("who"), str)
    )


def decode_rows(path: Path, lines: list[bytes], first: int, codec: Codec) -> list[dict[str, Any]]:
    """The answers of `lines` (numbered from `first`). A plain log is read in one go:
    one parse for all its lines, by pydantic-core's JSON reader (Rust, a third
    quicker than the json module here; it gives the same values, and what it
    refuses, such as a lone surrogate, is read again below). Anything unexpected
    is read again line by line, so a damaged line is named by its number. A sealed
    log's lines are unsealed one by one, then parsed in one go in the same way."""
    texts: list[bytes] | None = None
    if codec is PLAIN and lines and all(line.startswith(b"{") for line in lines):
        texts = lines
    elif codec is not PLAIN and lines and all(lines):
        try:
            texts = [_unsealed(path, line, codec) for line in lines]
        except (ValueError, binascii.Error):
            texts = None  # read line by line below, which says which line and why
    if texts is not None:
        try:
            rows = from_json(b"[" + b",".join(texts) + b"]")
        except (ValueError, RecursionError):
            rows = None
        if isinstance(rows, list) and len(rows) == len(lines) and all(map(_shaped, rows)):
            return rows
    return [decode_row(path, n, line, codec) for n, line in enumerate(lines, first) if line]


def _complete(data: bytes) -> bytes:
    """The bytes up to the last complete line (an append cut short is left out)."""
    return data[: data.rfind(b"\n") + 1]


def _whole_tail(path: Path, data: bytes, codec: Codec) -> bool:
    """True when the bytes after the last newline are a whole answer that only lost
    its newline (kept), False when they are a write cut short (or nothing)."""
    tail = data[data.rfind(b"\n") + 1 :]
    if not tail.strip():
        return False
    try:
        decode_row(path, 0, tail, codec)
    except DamagedFileError:
        return False
    return True


def _readable(path: Path, data: bytes, codec: Codec) -> bytes:
    """The part of `data` that holds whole answers, ending with a newline."""
    if _whole_tail(path, data, codec):
        return data + b"\n"
    return _complete(data)


def read_log(path: Path, codec: Codec = PLAIN) -> list[dict[str, Any]]:
    """Every answer in the log, in the order kept; [] when there is none yet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    return decode_rows(path, _readable(path, data, codec).splitlines(), 1, codec)


def ref_of(path: Path) -> str:
    """The case reference a log belongs to, from its name."""
    return path.name.removesuffix(SUFFIX)


def digest(row: dict[str, Any]) -> str:
    """The SHA-256 of an answer as kept (its canonical JSON)."""
    text = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def genesis(ref: str) -> str:
    """What the first answer of a case's log points back to."""
    return hashlib.sha256(f"reunify-log:{ref}".encode()).hexdigest()


def chained(rows: list[dict[str, Any]], ref: str) -> list[dict[str, Any]]:
    """The rows with `prev` set afresh, each pointing at the one before."""
    out: list[dict[str, Any]] = []
    prev = genesis(ref)
    for row in rows:
        row = {**row, "prev": prev}
        out.append(row)
        prev = digest(row)
    return out


def chain_problem(rows: list[dict[str, Any]], ref: str) -> str | None:
    """The first line where the log breaks its chain or its numbering, or None."""
    expected, seq, linked = genesis(ref), 0, False
    for number, row in enumerate(rows, 1):
        if row["seq"] != seq + 1:
            return (
                f"line {number} is answer {row['seq']} where {seq + 1} was expected "
                "(a line was removed, repeated or moved)"
            )
        if "prev" in row:
            linked = True
            if row["prev"] != expected:
                return (
                    f"line {number} does not follow the line before it (a line was changed, "
                    "removed or moved, or the log belongs to another case)"
                )
        elif linked:
            return f"line {number} has no link to the line before it (written by another tool)"
        expected, seq = digest(row), row["seq"]
    return None


class LogCache:
    """Logs already read, by path: a later read decodes only the lines added since.

    A log is only appended to, or replaced whole (restore, migration, encryption:
    a new file, so a new inode); a log that shrank or was replaced is read again.
    A file made anew where one was removed can take the same inode, so the last
    bytes already read are read again and compared before reading on from them.

    Only the `keep` logs read last are kept (a due run reads every case once; the
    case in use stays): memory is bounded by a few cases, not by the caseload.
    Safe to share between threads.
    """

    #: bytes read again, before the new ones, to tell a grown log from a new one
    OVERLAP = 64

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self._seen: OrderedDict[Path, tuple[int, int, bytes, list[dict[str, Any]]]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def read(self, path: Path, codec: Codec = PLAIN) -> list[dict[str, Any]]:
        with self._lock:
            return self._read(path, codec)

    def _read(self, path: Path, codec: Codec) -> list[dict[str, Any]]:
        try:
            info = path.stat()
        except FileNotFoundError:
            self._seen.pop(path, None)
            return []
        inode, size, tail, rows = self._seen.pop(path, (-1, 0, b"", []))
        if inode != info.st_ino or info.st_size < size:
            inode, size, tail, rows = info.st_ino, 0, b"", []
        if info.st_size > size:
            with path.open("rb") as handle:
                handle.seek(size - len(tail))
                data = handle.read(info.st_size - size + len(tail))
                if not data.startswith(tail):  # not the log read before: read it all
                    size, tail, rows = 0, b"", []
                    handle.seek(0)
                    data = handle.read(info.st_size)
            data = _readable(path, data[len(tail) :], codec)
            rows = rows + decode_rows(path, data.splitlines(), len(rows) + 1, codec)
            # a whole last line that lost its newline counts one byte more than is on
            # disk: the next append writes that newline back, and until then the log
            # reads as shrunk and is read again
            size += len(data)
            tail = (tail + data)[-self.OVERLAP :]
        self._seen[path] = (inode, size, tail, rows)
        while len(self._seen) > self.keep:
            self._seen.popitem(last=False)
        return list(rows)

    def forget(self, path: Path) -> None:
        with self._lock:
            self._seen.pop(path, None)


def _read_at(fd: int, start: int, size: int) -> bytes:
    """`size` bytes of an open file from `start` (portable: Windows has no os.pread)."""
    os.lseek(fd, start, os.SEEK_SET)
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


#: how much of a log's end a save reads first (a line is a few hundred bytes)
TAIL = 4096


def _end(fd: int, size: int) -> tuple[int, bytes]:
    """Where the log's last whole line begins, and the bytes from there to the end
    (with whatever follows it: an append cut short, or a line that lost its newline).

    Read from the end in growing pieces, so a save reads a few kilobytes whatever
    the length of the log; the bytes returned begin at a line's start (or the file's),
    so they read as the whole file would from there."""
    want = TAIL
    while True:
        start = max(0, size - want)
        data = _read_at(fd, start, size - start)
        if start == 0:
            return 0, data
        last = data.rfind(b"\n")
        before = data.rfind(b"\n", 0, last) if last > 0 else -1
        if before >= 0:
            return start + before + 1, data[before + 1 :]
        want *= 4


def _last_row(path: Path, fd: int, size: int, codec: Codec) -> tuple[int, bytes, bytes, Any]:
    """(offset, bytes from it to the end, what of them holds whole answers, the last
    answer or None). A last line that cannot be read is named by its line number,
    which takes reading the whole log (only then)."""
    offset, data = _end(fd, size)
    kept = _readable(path, data, codec)
    lines = kept.splitlines()
    try:
        last = decode_row(path, len(lines), lines[-1], codec) if lines else None
    except DamagedFileError:
        if offset == 0:
            raise
        whole = _readable(path, _read_at(fd, 0, size), codec).splitlines()
        decode_row(path, len(whole), whole[-1], codec)  # raises, naming the line
        raise
    return offset, data, kept, last


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte, however many calls that takes (a full disk can take some)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, "the disk is full")
        view = view[written:]


def append(path: Path, row: dict[str, Any], codec: Codec = PLAIN) -> int:
    """Add one answer and sync it; its `seq` (one more than the last) is returned
    only once the whole line is on disk. The caller holds the database's lock.

    Only the end of the log is read (its last line holds the number and the link
    the new answer follows), so a save costs the same whatever the case's length."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    try:
        size = os.fstat(fd).st_size
        offset, data, kept, last = _last_row(path, fd, size, codec) if size else (0, b"", b"", None)
        seq = (last["seq"] if last else 0) + 1
        prev = digest(last) if last is not None else genesis(ref_of(path))
        line = encode_row({**row, "seq": seq, "prev": prev}, codec, path.name)
        if kept.startswith(data):  # a lost newline is written back; a cut write is cut off
            start = offset + len(data)
            line = kept[len(data) :] + line
        else:
            start = offset + len(kept)
        try:
            if start != size:
                os.ftruncate(fd, start)
            os.lseek(fd, start, os.SEEK_SET)
            _write_all(fd, line)
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, start)  # not saved: the log is as it was
            raise
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)
    return seq


def write_log(path: Path, rows: list[dict[str, Any]], codec: Codec = PLAIN) -> None:
    """Replace a whole log at once (migration, restore, encryption), keeping each
    row's link as it is (a log copied whole keeps its chain)."""
    write_atomic(path, b"".join(encode_row(row, codec, path.name) for row in rows))


def as_document(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A log in the shape backups and migrations carry documents in."""
    return {"answers": {str(r["seq"]): {k: v for k, v in r.items() if k != "seq"} for r in rows}}


def rows_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a log carried as a document, in the order kept."""
    answers = document.get("answers", {})
    return [{**answers[key], "seq": int(key)} for key in sorted(answers, key=int)]
