"""A TinyDB storage that writes atomically and privately.

Each write goes to a temporary file in the same folder (created 0600), is
flushed and fsynced, then replaces the old file with `os.replace` and the
folder is fsynced: a crash leaves either the old file or the new one, never
half of each. A file that is not a TinyDB JSON document is never written over.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

FILE_MODE = 0o600


class DamagedFileError(Exception):
    """A data file that cannot be read as a TinyDB document; it is left untouched."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        super().__init__(f"{path} is damaged ({why}); it was not changed")


def fsync_dir(folder: Path) -> None:
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


def read_document(path: Path) -> dict[str, Any] | None:
    """The JSON document at `path`, None if there is no file; `DamagedFileError` if unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw.strip():
        raise DamagedFileError(path, "the file is empty")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DamagedFileError(path, f"not JSON: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DamagedFileError(path, "JSON of another shape than a TinyDB database")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: read the whole (small) file, write it back atomically."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_document(self.path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        write_atomic(self.path, text.encode("utf-8"))

    def close(self) -> None:
        pass
