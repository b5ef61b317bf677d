"""The database's write lock, shared by every process that writes to one database.

A maintained cross-platform library (filelock: flock on POSIX, msvcrt locking on
Windows) rather than a POSIX-only call. One lock object per use: not re-entrant.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock

LOCK_FILE = ".lock"


def write_lock(root: Path) -> FileLock:
    """The lock every writer of the database at `root` holds while it writes."""
    return FileLock(Path(root) / LOCK_FILE, mode=0o600, thread_local=False)
