"""The automatic backup, made in the background once the first screen is painted.

Never on the way to the first screen: it starts once what is due is shown (the
person waits for that, not for the backup), or `WAITS` seconds after the first
paint at most, in a thread. The write lock is taken for each case read, never
for the whole backup, so the person can answer meanwhile; quitting stops it
between two cases and keeps nothing of it. The home screen says so while it
runs; a notice says when it is done, or why it could not be made (the app
carries on: every answer is saved whatever becomes of the backup).

A second window (read-only) leaves it to the first; a demo's database is not
kept, so it is not backed up; two served sessions at once make one backup
(`assistant.records.backups`: one at a time, the other finds it made).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

from assistant.ui.home import HomeScreen

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App

    from assistant.records.store import Store

#: What the home screen says while the automatic backup is being made.
BACKING_UP = "backing up the database…"
#: Seconds the automatic backup waits at most for what is due to be shown first.
WAITS = 5.0


class AutomaticBackup:
    """The app's automatic backup: `start` after the first paint, `home_ready` when
    what is due is shown; it runs once, when one is due."""

    def __init__(self, app: App[Any], store: Store) -> None:
        self.app = app
        self.store = store
        self._pending = False
        self._home_ready = False

    def start(self) -> None:
        from assistant.records.backups import automatic_backup_due

        store = self.store
        if store.read_only or getattr(store, "temporary", False):
            return
        if automatic_backup_due(store.root):
            self._pending = True
            if self._home_ready:
                self._now()
            else:
                self.app.set_timer(WAITS, self._now)

    def home_ready(self) -> None:
        self._home_ready = True
        self._now()

    def _now(self) -> None:
        if not self._pending:
            return
        self._pending = False
        self._status(BACKING_UP)
        store = self.store

        def work() -> None:
            worker = get_current_worker()
            try:  # the write lock is taken for each case read
                path = store.automatic_backup(cancelled=lambda: worker.is_cancelled)
            except Exception as exc:  # said, never fatal
                if not worker.is_cancelled:
                    self.app.call_from_thread(self._failed, str(exc))
                return
            if not worker.is_cancelled:
                self.app.call_from_thread(self._done, path)

        self.app.run_worker(work, thread=True, name="automatic-backup", exit_on_error=False)

    def _status(self, text: str | None) -> None:
        for screen in self.app.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.show_status(text)

    def _done(self, path: Path | None) -> None:
        self._status(None)
        if path is not None:  # None: another window made it meanwhile
            self.app.notify(f"Backed up the database ({path.name}).", title="Backup", markup=False)

    def _failed(self, why: str) -> None:
        self._status(None)
        self.app.notify(
            f"The automatic backup could not be made: {why}. Every answer is still saved; "
            "'reunify backup' tries again and says why.",
            title="Backup",
            severity="error",
            timeout=20,
            markup=False,
        )
