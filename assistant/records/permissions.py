"""The database is private to its user: folders 0700, files 0600.

Opening the database looks for anything looser (another user could read it),
tightens it, and reports what it found so the app and the commands can say so.
"""

from __future__ import annotations

import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def tighten_permissions(root: Path) -> list[str]:
    """Make the database private; one warning for each thing that was not."""
    warnings: list[str] = []
    for path in [root, *sorted(root.rglob("*"))]:
        try:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode) or path.name.endswith(".tmp"):
                continue  # another process's file being written, or a link
            mode = stat.S_IMODE(info.st_mode)
            want = DIR_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
            if mode & 0o077:
                path.chmod(want)
                warnings.append(
                    f"{path} could be read by other users (mode {mode:04o}); "
                    f"it is now private ({want:04o})"
                )
        except FileNotFoundError:
            continue  # gone while we looked: another process replaced it
    return warnings
