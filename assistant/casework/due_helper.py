"""A second process for a long due run, working from the other end of the list.

Working a case out (`case_due`: replaying its sessions, classifying it) is
Python work on one core, about 5 ms a case: a due run with nothing kept (the
cache deleted, or Reunify upgraded) took about 6 s at 1,000 cases. Social
workers' laptops have two cores or more, so `reunify due` and the home screen
(in its thread) hand part of such a run to a helper:

- The helper is a plain subprocess, `python -P -m assistant.casework.due_helper_run`
  (the same on Windows, with no console window: nothing of this process is
  re-imported or copied). If this process ends first, the helper's next line
  finds no reader and it ends too.
  Its job comes on its standard input: the database folder and the cases.
- It says first what it reads through: the due cache's header (the code, the
  flows and the database). Its work is taken only if that is this process's.
- It works the cases out from the last back, writing each one's cache entry
  (its files' versions, read first, and what the case gives) on a line as soon
  as it is done. This process works from the first case on, takes the helper's
  entry for each case the helper has done, and stops the helper when they meet.
- Anything wrong with the helper (it cannot start, dies, says something else,
  fails on a case) means only that this process works those cases out itself:
  the items are the same either way (tests/test_due_helper.py), and any error
  is the one a run in one process gives.

Only for a plain database opened on this computer: an encrypted database's key
is never handed to another process, and a team server's store (one per
signed-in person) works in its own process. Only a run with at least
`HELPER_FROM` cases to work out starts one: starting Python costs ~0.5 s.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

#: fewer cases to work out than this are quicker in one process
HELPER_FROM = 200


def helper_wanted(store: Any, cases: int) -> bool:
    """Whether a run with `cases` to work out should start a helper for `store`."""
    return (
        cases >= HELPER_FROM
        and (os.cpu_count() or 1) >= 2
        and not store.encrypted
        and getattr(store, "access", None) is None
        and not getattr(sys, "frozen", False)  # a bundled app has no `python -m`
        and bool(sys.executable)
    )


def helper_command() -> list[str]:
    """This Python, running the helper; `-P`: not from the folder `reunify due` was
    run in (an `assistant` folder there must never be what runs)."""
    return [sys.executable, "-P", "-m", "assistant.casework.due_helper_run"]


def _environment() -> dict[str, str]:
    """This process's environment, with the folder Reunify was imported from first
    on the path, so the helper runs this same code (the header checks it too)."""
    import assistant

    home = str(Path(assistant.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (home, env.get("PYTHONPATH")) if p)
    return env


class Helper:
    """A helper process working out `refs` from the last back (see the module's
    docstring); `entry` gives what it has done so far."""

    def __init__(self, root: Path, refs: list[str], header: dict[str, Any]) -> None:
        self.header = header
        self._entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        job = {"root": str(Path(root).resolve()), "refs": refs[::-1]}
        self._job = json.dumps(job).encode("utf-8")
        self._process: subprocess.Popen[bytes] | None = None
        try:
            self._process = subprocess.Popen(
                helper_command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_environment(),
                # on Windows, no console window flashes up for it under the app
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except (OSError, ValueError):
            return  # no helper: this process works every case out itself
        self._thread = threading.Thread(target=self._talk, name="due-helper", daemon=True)
        self._thread.start()

    def _talk(self) -> None:
        """Hand over the job, then take in what the helper says, until it ends or
        says something that is not what it should."""
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        try:
            with process.stdin:
                process.stdin.write(self._job)  # in this thread: the helper is still starting
            lines = iter(process.stdout)
            said = json.loads(next(lines))
            if not isinstance(said, dict) or said.get("header") != self.header:
                self._end()  # another version of the code or flows, or another database
                return
            for line in lines:
                said = json.loads(line)
                if isinstance(said, dict) and isinstance(said.get("entry"), dict):
                    with self._lock:
                        self._entries[str(said["ref"])] = said["entry"]
        except (OSError, ValueError, StopIteration, KeyError):
            self._end()  # its work would not be used: no core is spent on it

    def _end(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):  # it ended meanwhile
                process.kill()

    def entry(self, ref: str) -> dict[str, Any] | None:
        """The helper's cache entry for `ref`, if it has worked it out."""
        with self._lock:
            return self._entries.get(ref)

    def stop(self) -> None:
        """End the helper (it is working on cases this process has done)."""
        process = self._process
        if process is None:
            return
        self._end()
        process.wait()
        self._thread.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()
