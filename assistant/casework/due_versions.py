"""What a kept due entry is valid for: the versions of the code, the flows and the
database a cache was made with (`header_for`), and of a case's two files
(`case_key`). Shared by the cache (`due_cache`) and its helper process
(`due_helper_run`), which must agree on both.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from assistant.records.storage import stat_key

#: the cache's own shape; change it when what is kept changes
FORMAT = 1
#: what a file's version is read from (ctime: also a file changed in place)
Stamp = list[int] | None

_CODE: str | None = None
_CONTENT: tuple[Any, str] | None = None


def code_version() -> str:
    """The code that works out what is due (all of Reunify's, to be sure)."""
    global _CODE
    if _CODE is None:
        import assistant

        package = Path(assistant.__file__).parent
        digest = hashlib.sha256(f"{FORMAT}:{assistant.__version__}".encode())
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        _CODE = digest.hexdigest()
    return _CODE


def content_version(library: Any) -> str:
    """The flows the answers are read through (their steps, conditions and feeds)."""
    global _CONTENT
    if _CONTENT is None or _CONTENT[0] is not library:
        digest = hashlib.sha256()
        for flow_id in sorted(library.flows):
            digest.update(library.flows[flow_id].model_dump_json().encode())
        _CONTENT = (library, digest.hexdigest())
    return _CONTENT[1]


def database_id(root: Path) -> str:
    info = os.stat(root)
    return f"{os.path.realpath(root)}:{info.st_dev}:{info.st_ino}"


def _stamp(path: Path) -> Stamp:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return list(stat_key(info))


def header_for(store: Any, library: Any) -> dict[str, Any]:
    """What a cache is for: its format, the code, the flows and the database."""
    return {
        "format": FORMAT,
        "code": code_version(),
        "content": content_version(library),
        "database": database_id(store.root),
    }


def case_key(store: Any, ref: str) -> list[Stamp]:
    """The versions of the case's two files, which its kept entry is keyed by."""
    from assistant.records.answer_log import log_path

    case_file = store.case_path(ref)
    return [_stamp(case_file), _stamp(log_path(case_file))]
