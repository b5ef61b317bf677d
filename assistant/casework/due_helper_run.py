"""The helper process of a long due run (see `assistant.casework.due_helper`): it
reads its job on standard input and says each case's entry on a line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any


def _say(out: IO[bytes], said: dict[str, Any]) -> None:
    out.write(json.dumps(said, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    out.write(b"\n")
    out.flush()


def main() -> int:
    """Work out the cases of the job on standard input, one line each on standard
    output (see `assistant.casework.due_helper`)."""
    from assistant.casework.due_cache import case_due, to_json
    from assistant.casework.due_versions import case_key, header_for
    from assistant.flows.loader import default_library
    from assistant.records.store import Store

    job = json.loads(sys.stdin.buffer.read())
    store = Store(Path(job["root"]))
    library = default_library()
    out = sys.stdout.buffer
    _say(out, {"header": header_for(store, library)})
    for ref in job["refs"]:
        try:
            key = case_key(store, ref)
            entry = {"key": key, **to_json(case_due(store, library, ref))}
        except Exception:  # this process does that case itself, and says what is wrong
            _say(out, {"ref": ref, "failed": True})
            continue
        _say(out, {"ref": ref, "entry": entry})
    return 0


if __name__ == "__main__":
    sys.exit(main())
