"""What the store hands out: cases, sessions, answers and audit rows, and its errors.

Plain data, no file access: `assistant.records.store` reads and writes them.
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.records.events import AnswerEvent

REF_RULE = re.compile(r"[A-Za-z0-9_-]{1,32}")
#: Names Windows keeps for devices: a case file named so could not be created there.
RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)),
                  *(f"LPT{n}" for n in range(10))}  # fmt: skip


class StoreError(Exception):
    """Something about the database a user can act on; the message says what."""


class PassphraseNeeded(StoreError):
    """An encrypted database opened without its passphrase."""


class CaseRefError(StoreError):
    """A case reference that breaks the rule (letters, digits, - and _, at most 32)."""


def check_ref(ref: str) -> str:
    if not isinstance(ref, str) or not REF_RULE.fullmatch(ref):
        raise CaseRefError(
            f"case reference {ref!r} is not valid: use letters, digits, '-' and '_', "
            "at most 32 characters (a reference, not the child's name)"
        )
    if ref.upper() in RESERVED_NAMES:
        raise CaseRefError(
            f"case reference {ref!r} is a name Windows keeps for a device; choose another"
        )
    return ref


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def current_user() -> str:
    return os.environ.get("REUNIFY_USER") or getpass.getuser()


@dataclass(frozen=True)
class CaseRecord:
    ref: str
    created_at: str
    created_by: str
    demo: bool = False
    archived_at: str | None = None


@dataclass(frozen=True)
class AuditRow:
    """One answer event as the audit shows it, with the answer it replaced."""

    seq: int
    at: str
    who: str
    session: str
    flow_title: str
    step: str
    value: Any
    skipped: bool
    #: the same question's answer before this one in the same session (a change)
    replaced: Any = None
    replaced_skipped: bool = False
    changed: bool = False
    flow_id: str = ""


@dataclass(frozen=True)
class SessionRecord:
    id: str
    ref: str
    flow_id: str
    flow_title: str
    started_at: str
    finished_at: str | None
    answers: int

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@dataclass(frozen=True)
class StoredAnswer:
    """An answer event as kept: what, when and by whom."""

    event: AnswerEvent
    at: str
    who: str
    #: its place in the case's record: later answers have larger numbers
    seq: int = 0


def audit_rows(
    answers_by_session: dict[str, list[StoredAnswer]],
    titles: dict[str, str],
    flow_ids: dict[str, str] | None = None,
) -> list[AuditRow]:
    """Audit rows from a case's answers, oldest first; a later answer to the same
    question in the same session is a change, and carries what it replaced."""
    rows: list[AuditRow] = []
    for session, answers in answers_by_session.items():
        last: dict[str, StoredAnswer] = {}
        for answer in answers:
            before = last.get(answer.event.step)
            rows.append(
                AuditRow(
                    answer.seq,
                    answer.at,
                    answer.who,
                    session,
                    titles.get(session, "?"),
                    answer.event.step,
                    answer.event.value,
                    answer.event.skipped,
                    before.event.value if before else None,
                    before.event.skipped if before else False,
                    before is not None,
                    (flow_ids or {}).get(session, ""),
                )
            )
            last[answer.event.step] = answer
    return sorted(rows, key=lambda r: r.seq)


#: Said when a second window (read-only) is asked to change something.
READ_ONLY = (
    "read-only: another Reunify window has this database open; "
    "close it to make changes here (nothing was changed)"
)
