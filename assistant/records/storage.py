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

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._document is None:
            self._document = read_document(self.path, self.codec)
        return self._document

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.path, self.codec.encode(dumps(data), self.path.name))
        self._document = data

    def close(self) -> None:
        pass
