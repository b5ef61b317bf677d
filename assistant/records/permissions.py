"""The database is private to its user: folders 0700, files 0600.

Opening the database looks for anything looser (another user could read it),
tightens it, and reports what it found so the app and the commands can say so.
Only Reunify's own files are looked at, by name: a file someone else put in the
folder is never changed. On Windows, file modes do not apply (the user's profile
folder is private by its access lists), so nothing is checked there.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600

#: Reunify's own files at the top of a database folder.
TOP_FILES = (
    "index.json",
    "key.json",
    ".lock",
    ".app.lock",
    "users.json",
    "users-audit.jsonl",
)
#: Folders Reunify makes inside it, and the patterns of the files it keeps there.
OWN_FOLDERS = {
    "cases": ("*.json", "*.answers.jsonl", "*.damaged-*"),
    "backups": ("*.json",),
}


def own_paths(root: Path) -> Iterator[Path]:
    """The database folder and every file Reunify keeps in it, by name."""
    yield root
    for name in TOP_FILES:
        yield root / name
    for folder, patterns in OWN_FOLDERS.items():
        yield root / folder
        for pattern in patterns:
            yield from sorted((root / folder).glob(pattern))


def is_database(root: Path) -> bool:
    """True when `root` holds a Reunify database (or nothing at all yet)."""
    if not root.exists():
        return True
    if not any(root.iterdir()):
        return True
    return any((root / name).exists() for name in ("index.json", "key.json", "cases"))


def tighten_permissions(root: Path) -> list[str]:
    """Make the database private; one warning for each thing that was not."""
    if os.name == "nt":
        return []
    warnings: list[str] = []
    for path in own_paths(root):
        try:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode) or path.name.endswith(".tmp"):
                continue  # another process's file being written, or a link
            if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
                continue  # never a device, a pipe or a socket
            mode = stat.S_IMODE(info.st_mode)
            want = DIR_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
            if mode & 0o077:
                path.chmod(want)
                warnings.append(
                    f"{path} could be read by other users (mode {mode:04o}); "
                    f"it is now private ({want:04o})"
                )
        except FileNotFoundError:
            continue  # not there, or gone while we looked
    return warnings
