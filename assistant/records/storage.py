"""A TinyDB storage that writes atomically and privately, optionally sealed.

Each write goes to a temporary file in the same folder (created 0600), is
flushed and fsynced, then replaces the old file with `os.replace` and the
folder is fsynced: a crash leaves either the old file or the new one, never
half of each. A file that is not a TinyDB JSON document is never written over.

A `Codec` turns a document's bytes into what is on disk and back: `PLAIN`
keeps JSON as it is; a sealing codec (see `assistant.records.crypto`) encrypts it.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from tinydb.storages import Storage

FILE_MODE = 0o600


class DamagedFileError(Exception):
    """A data file that cannot be read as a TinyDB document; it is left untouched."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"{path} is damaged ({why}); it was not changed")


class Codec(Protocol):
    """How a document's bytes are kept on disk (`name` binds sealed bytes to one file)."""

    def encode(self, data: bytes, name: str) -> bytes: ...

    def decode(self, raw: bytes, name: str) -> bytes: ...


class PlainCodec:
    """Documents kept as JSON text."""

    def encode(self, data: bytes, name: str) -> bytes:
        return data

    def decode(self, raw: bytes, name: str) -> bytes:
        if looks_sealed(raw):
            raise ValueError("it is encrypted, but this database has no key file (key.json)")
        return raw


PLAIN = PlainCodec()

#: How a sealed file begins (see `assistant.records.crypto.MAGIC`); checked here without
#: importing the cryptography library, which an unencrypted database never needs.
SEALED_PREFIX = b"RNFY-SEALED-"


def looks_sealed(raw: bytes) -> bool:
    return raw.startswith(SEALED_PREFIX)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable. Windows cannot open a folder
    (its renames are journalled by NTFS), so there this does nothing."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once, mode 0600."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def dumps(document: dict[str, Any]) -> bytes:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def parse_document(path: Path, raw: bytes, codec: Codec = PLAIN) -> dict[str, Any]:
    """Bytes read from `path` as a TinyDB document; `DamagedFileError` says what is wrong."""
    if not raw.strip():
        raise DamagedFileError(path, "the file is empty")
    try:
        raw = codec.decode(raw, path.name)
    except ValueError as exc:
        raise DamagedFileError(path, str(exc)) from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:  # also numbers of thousands of digits
        raise DamagedFileError(path, f"not JSON: {str(exc)[:120]}") from None
    except RecursionError:
        raise DamagedFileError(path, "not JSON Reunify wrote: nested too deeply") from None
    if not isinstance(data, dict) or not all(
        isinstance(table, dict)
        and all(key.isdigit() and isinstance(row, dict) for key, row in table.items())
        for table in data.values()
    ):
        raise DamagedFileError(path, "JSON of another shape than a TinyDB database")
    return data


def read_document(path: Path, codec: Codec = PLAIN) -> dict[str, Any] | None:
    """The document at `path`, None if there is no file; `DamagedFileError` if unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    return parse_document(path, raw, codec)


#: What tells one version of a file from another without reading it: a file Reunify
#: replaces is a new file (a new inode); one changed in place changes size or times.
StatKey = tuple[int, int, int, int]


def stat_key(info: os.stat_result) -> StatKey:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_keyed(path: Path, codec: Codec = PLAIN) -> tuple[StatKey, dict[str, Any]] | None:
    """The document at `path` with the key of the very file read (its stat taken
    on the open file, so a file replaced meanwhile is never kept under the wrong
    key); None if there is no file; `DamagedFileError` if unreadable."""
    try:
        with path.open("rb") as handle:
            key = stat_key(os.fstat(handle.fileno()))
            raw = handle.read()
    except FileNotFoundError:
        return None
    return key, parse_document(path, raw, codec)


Check = Callable[[Path, dict[str, Any]], None]


class DocumentCache:
    """Documents already read and checked, by path, while their file is unchanged.

    One `os.stat` tells whether a file is the one read before (`stat_key`); if it
    is, its parsed document is given again, else the file is read, parsed and
    checked anew (another process may have written it). Only the `keep` files
    used last are kept. A damaged file is never kept: it is refused each time.

    The documents given are shared: read them, never change them (a write reads
    the file afresh under the lock and `put`s what it wrote). Safe to share
    between threads.
    """

    def __init__(self, keep: int = 16) -> None:
        self.keep = keep
        self._docs: OrderedDict[Path, tuple[StatKey, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._docs)

    def read(
        self, path: Path, codec: Codec = PLAIN, check: Check | None = None
    ) -> dict[str, Any] | None:
        try:
            key = stat_key(path.stat())
        except FileNotFoundError:
            self.forget(path)
            return None
        with self._lock:
            seen = self._docs.get(path)
            if seen is not None and seen[0] == key:
                self._docs.move_to_end(path)
                return seen[1]
        found = read_keyed(path, codec)
        if found is None:
            return None
        if check is not None:
            check(path, found[1])
        self.put(path, *found)
        return found[1]

    def put(self, path: Path, key: StatKey, document: dict[str, Any]) -> None:
        with self._lock:
            self._docs[path] = (key, document)
            self._docs.move_to_end(path)
            while len(self._docs) > self.keep:
                self._docs.popitem(last=False)

    def forget(self, path: Path) -> None:
        with self._lock:
            self._docs.pop(path, None)


class AtomicJSONStorage(Storage):
    """TinyDB storage: read the whole file once, write it back atomically.

    One instance serves one short operation under the database's lock, so the
    document it read (or was given, already checked) is kept and not parsed again
    for each of TinyDB's reads: a save costs one parse and one write.
    """

    def __init__(
        self, path: str | Path, codec: Codec = PLAIN, document: dict[str, Any] | None = None
    ) -> None:
        self.path = Path(path)
        self.codec = codec
        self._document = document
        #: the document as last written, with the written file's key (None: not written)
        self.written: tuple[StatKey, dict[str, Any]] | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._document is None:
            self._document = read_document(self.path, self.codec)
        return self._document

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.path, self.codec.encode(dumps(data), self.path.name))
        self._document = data
        self.written = (stat_key(self.path.stat()), data)

    def close(self) -> None:
        pass
