"""The database is private to its user: folders 0700, files 0600.

Opening the database looks for anything looser (another user could read it),
tightens it, and reports what it found so the app and the commands can say so.
Only Reunify's own files are looked at, by name: a file someone else put in the
folder is never changed. On Windows, file modes do not apply (the user's profile
folder is private by its access lists), so nothing is checked there.

Opening looks at the folder, its own files and its folders, never at every case's
files (at 5,000 cases that walk took 141 ms): inside a private folder no one else
can reach them. A case's files are looked at when the store first uses that case
(`tighten_case`), and every file when a folder itself was found loose (it may have
been copied so) and by `reunify check` (`tighten_permissions(root, full=True)`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
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
#: Reunify's own files inside its folders that are looked at on opening, as the top
#: files are (the index's journal: see `assistant.records.index`).
OPENED_FILES = ("cases/.index.answers.jsonl",)
#: Folders Reunify makes inside it, and the patterns of the files it keeps there.
OWN_FOLDERS = {
    "cases": ("*.json", "*.answers.jsonl", "*.damaged-*"),
    "backups": ("*.json",),
    "cache": ("*.json",),
}
#: Where work kept to save time lives (what is due, per case): never backed up, and
#: thrown away whenever it could hold what is no longer in the database.
CACHE_FOLDER = "cache"


def drop_caches(root: Path) -> None:
    """Throw away what is kept to save time (after a purge, or once encrypted): it is
    worked out again when next needed."""
    for pattern in OWN_FOLDERS[CACHE_FOLDER]:
        for path in (root / CACHE_FOLDER).glob(pattern):
            path.unlink(missing_ok=True)


#: Folders holding files for each case: their files are not walked on opening.
PER_CASE = ("cases",)


def own_paths(root: Path, full: bool = True) -> Iterator[Path]:
    """The database folder and every file Reunify keeps in it, by name (without
    `full`, not the files of each case: see `PER_CASE`)."""
    yield root
    for name in (*TOP_FILES, *OPENED_FILES):
        yield root / name
    for folder in OWN_FOLDERS:
        yield root / folder
        if full or folder not in PER_CASE:
            yield from _files_in(root, folder)


def _files_in(root: Path, folder: str) -> Iterator[Path]:
    for pattern in OWN_FOLDERS[folder]:
        yield from sorted((root / folder).glob(pattern))


def case_paths(root: Path, ref: str) -> list[Path]:
    """A case's own files (its file and its answer log)."""
    return [root / "cases" / f"{ref}.json", root / "cases" / f"{ref}.answers.jsonl"]


def is_database(root: Path) -> bool:
    """True when `root` holds a Reunify database (or nothing at all yet)."""
    if not root.exists():
        return True
    if not any(root.iterdir()):
        return True
    return any((root / name).exists() for name in ("index.json", "key.json", "cases"))


def tighten_permissions(root: Path, full: bool = True) -> list[str]:
    """Make the database private; one warning for each thing that was not.

    Without `full` (opening), each case's files are left to `tighten_case`, unless
    the folder or its cases folder was loose: then every file is looked at too."""
    if os.name == "nt":
        return []
    warnings = _tighten(own_paths(root, full))
    loose = {root, *(root / folder for folder in PER_CASE)}
    if not full and any(path in loose for path, _ in warnings):
        warnings += _tighten(path for folder in PER_CASE for path in _files_in(root, folder))
    return [warning for _, warning in warnings]


def tighten_case(root: Path, ref: str) -> list[str]:
    """Make one case's files private (see `tighten_permissions`)."""
    if os.name == "nt":
        return []
    return [warning for _, warning in _tighten(case_paths(root, ref))]


def _tighten(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for path in paths:
        if path in seen:
            continue
        seen.add(path)
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
                found.append(
                    (
                        path,
                        f"{path} could be read by other users (mode {mode:04o}); "
                        f"it is now private ({want:04o})",
                    )
                )
        except FileNotFoundError:
            continue  # not there, or gone while we looked
    return found
