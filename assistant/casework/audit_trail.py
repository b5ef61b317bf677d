"""A case's audit trail, one answer event at a time, as it comes into sight.

`Store.audit` builds a row for every answer event of the case (with who, when
and, for a changed answer, what it replaced): at 20,000 events that is 20,000
objects before anything is shown. `AuditTrail` is the same rows, in the same
order, built only when asked for: it keeps the log's rows as the store holds
them (see `assistant.casework.case_log`) and, for each event, where the answer
it replaced is, so a screen that shows twenty events builds twenty.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any, overload

from assistant.casework.case_log import Row, log_rows
from assistant.records.model import AuditRow
from assistant.records.store import Store


class AuditTrail(Sequence[AuditRow]):
    """Every answer event of a case in the order kept (by number), as `Store.audit`
    gives them, each row built when it is read."""

    def __init__(self, store: Store, ref: str) -> None:
        self.ref = ref
        rows = log_rows(store, ref)
        sessions = store.sessions(ref)
        self._titles = {s.id: s.flow_title for s in sessions}
        self._flows = {s.id: s.flow_id for s in sessions}
        self._rows = rows
        # the answer each one replaced: the one before it to the same question, in the
        # same session, in the order kept (-1: none)
        replaced = array("l")
        last: dict[tuple[str, str], int] = {}
        for place, row in enumerate(rows):
            key = (row["session"], row["step"])
            replaced.append(last.get(key, -1))
            last[key] = place
        self._replaced = replaced
        self._order: list[int] | None = None
        if any(rows[i]["seq"] >= rows[i + 1]["seq"] for i in range(len(rows) - 1)):
            # out of order (a log changed by hand): by number, then as `Store.audit` groups
            # them (sessions in the order they first come, each session's in the order kept)
            first: dict[str, int] = {}
            for row in rows:
                first.setdefault(row["session"], len(first))
            self._order = sorted(
                range(len(rows)), key=lambda i: (rows[i]["seq"], first[rows[i]["session"]], i)
            )

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> AuditRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[AuditRow]: ...

    def __getitem__(self, index: int | slice) -> AuditRow | list[AuditRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._row(self._place(index))

    def _place(self, index: int) -> int:
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        return index if self._order is None else self._order[index]

    def _row(self, place: int) -> AuditRow:
        row, before = self._rows[place], self._replaced[place]
        old: Row | None = self._rows[before] if before >= 0 else None
        session = row["session"]
        return AuditRow(
            row["seq"],
            row["at"],
            row["who"],
            session,
            self._titles.get(session, "?"),
            row["step"],
            row.get("value"),
            row["skipped"],
            old.get("value") if old is not None else None,
            old["skipped"] if old is not None else False,
            old is not None,
            self._flows.get(session, ""),
        )

    def sizes(self) -> tuple[list[int], list[int]]:
        """Roughly how many characters each event's answer takes, and the answer it
        replaced (-1: not a change), in order, without building the rows: for laying
        out a long trail before its events are shown."""
        rows, replaced = self._rows, self._replaced
        places = range(len(rows)) if self._order is None else self._order
        answers = [_chars(rows[p].get("value")) for p in places]
        before = [replaced[p] for p in places]
        return answers, [_chars(rows[b].get("value")) if b >= 0 else -1 for b in before]


def _chars(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_chars(v) + 3 for v in value.values())
    if isinstance(value, list | tuple):
        return sum(_chars(v) + 2 for v in value)
    return 9  # a number, yes/no, (skipped)
