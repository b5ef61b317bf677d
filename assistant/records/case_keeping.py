"""What a case keeps besides its answers: drafts, decisions and classification rounds.

A part of `Store` (mixed in): each lives in the case's own file and is written
under the database's lock through the store's TinyDB helpers. The store keeps a
case's document while its file is unchanged, so what is handed out here is a copy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import Query, TinyDB

from assistant.records.model import StoreError

if TYPE_CHECKING:
    from assistant.records.model import CaseRecord


class CaseKeeping:
    """Drafts, decisions and rounds of a case (see `assistant.records.store.Store`)."""

    if TYPE_CHECKING:  # what the store this is mixed into provides
        clock: Callable[[], str]
        user: str

        def _db(self, path: Path, write: bool = False) -> AbstractContextManager[TinyDB]: ...
        def _read(self, path: Path) -> dict[str, Any] | None: ...
        def _session_row(self, db: TinyDB, ref: str, session_id: str) -> dict[str, Any]: ...
        def case_path(self, ref: str) -> Path: ...
        def case(self, ref: str) -> CaseRecord: ...

    def save_draft(self, ref: str, session_id: str, step: str, text: str) -> None:
        """Keep what is typed for a question before it is sent (empty text clears it)."""
        with self._db(self.case_path(ref), write=True) as db:
            self._session_row(db, ref, session_id)
            drafts = db.table("drafts")
            where = (Query().session == session_id) & (Query().step == step)
            drafts.remove(where)
            if text:
                drafts.insert({"session": session_id, "step": step, "text": text})

    def drafts(self, ref: str, session_id: str) -> dict[str, str]:
        """Unsent text by question, for a session."""
        document = self._read(self.case_path(ref)) or {}
        return {
            row["step"]: row["text"]
            for row in document.get("drafts", {}).values()
            if row.get("session") == session_id
        }

    def record_decision(self, ref: str, decision: dict[str, Any]) -> dict[str, Any]:
        """Keep a practitioner's own decision about the level (never overwritten)."""
        self.case(ref)
        row = {**decision, "at": self.clock(), "who": self.user}
        with self._db(self.case_path(ref), write=True) as db:
            db.table("decisions").insert(row)
        return row

    def add_round(self, ref: str, row: dict[str, Any]) -> None:
        """Keep a new classification round (see `assistant.casework.rounds`)."""
        self.case(ref)
        with self._db(self.case_path(ref), write=True) as db:
            db.table("rounds").insert(row)

    def round_rows(self, ref: str) -> list[dict[str, Any]]:
        document = self._read(self.case_path(ref)) or {}
        rows = sorted(document.get("rounds", {}).items(), key=lambda kv: int(kv[0]))
        return [copy.deepcopy(row) for _, row in rows]

    def change_round(
        self, ref: str, round_id: str, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """Read a round, change it and write it back, all under the lock (two raters
        submitting at once both count)."""
        with self._db(self.case_path(ref), write=True) as db:
            table = db.table("rounds")
            found = table.get(Query().id == round_id)
            if found is None:
                raise StoreError(f"case {ref!r} has no classification round {round_id!r}")
            row = change(dict(found))
            table.update(row, doc_ids=[found.doc_id])
        return row

    def decisions(self, ref: str) -> list[dict[str, Any]]:
        """The case's recorded decisions, oldest first."""
        document = self._read(self.case_path(ref)) or {}
        rows = sorted(document.get("decisions", {}).items(), key=lambda kv: int(kv[0]))
        return [copy.deepcopy(row) for _, row in rows]
