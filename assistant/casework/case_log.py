"""A case's answer log as rows, for the work that follows a case as it grows old.

A case open for two years holds tens of thousands of answer events. Its audit
trail and its classification read the log's rows as the store keeps them (read
once, then only the lines appended since; no copy of the answers), and keep
what they worked out with the number of rows and the last row they saw: a log
that only grew is followed from that row on; any other change (a log restored
or replaced whole) is worked out again from the start.

`case_file_version` tells whether the case file was written since: the store
has no version of it to ask for.
"""

from __future__ import annotations

import os
from typing import Any

from assistant.records.events import AnswerEvent
from assistant.records.model import StoredAnswer
from assistant.records.storage import StatKey, stat_key
from assistant.records.store import Store

Row = dict[str, Any]


def log_rows(store: Store, ref: str) -> list[Row]:
    """Every answer row of the case in the order kept (the store's rows, not copies:
    read them, never change them). Raises StoreError as the store does for a case
    this user may not see, or a damaged log."""
    return store.answer_rows(ref)


def case_file_version(store: Store, ref: str) -> StatKey | None:
    """What identifies the case file's present state (`stat_key`: its inode, size
    and times; None when there is none): a file written again reads differently."""
    try:
        info = os.stat(store.case_path(ref))
    except FileNotFoundError:
        return None
    return stat_key(info)


def stored(row: Row) -> StoredAnswer:
    """A row as the store hands answers out (`Store.answers_by_session`)."""
    event = AnswerEvent(row["step"], row.get("value"), row["skipped"])
    return StoredAnswer(event, row["at"], row["who"], row["seq"])


def follows(rows: list[Row], seen: int, last: Row | None) -> bool:
    """True when `rows` is the log whose first `seen` rows ended with `last`, grown
    or not: the same row object (the store kept the log) or an equal one (each row
    carries the hash of the one before it, so an equal last row means the same log)."""
    if seen == 0:
        return True
    if len(rows) < seen:
        return False
    here = rows[seen - 1]
    return here is last or here == last
