"""Schema versions of the database and how each earlier one is brought up to date.

A migration takes every document of the database (relative name → TinyDB
document) at version N and returns them at version N + 1. The store makes a
backup before migrating and writes the result atomically file by file.

History:
- 1: the first layout (index.json with cases; cases/<REF>.json with sessions,
  answers and decisions).
- 2: a case can be archived (`archived_at` in the index) and can hold drafts
  (answers typed but not yet sent) and an optional name, in its own file.
- 3: a case's answers move out of its file into an append-only log beside it,
  `cases/<REF>.answers.jsonl` (carried here as a document named so), so that
  saving an answer no longer rewrites the case.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 3
#: how a case's answer log is named beside its file
LOG_SUFFIX = ".answers.jsonl"

Documents = dict[str, dict[str, Any]]


class MigrationError(ValueError):
    """Documents a migration cannot carry without dropping something; nothing is written."""


def schema_version(document: dict[str, Any] | None) -> int:
    """The schema version a document says it has (a document without one is current)."""
    meta = (document or {}).get("meta", {})
    for row in meta.values():
        version = row.get("schema_version")
        if isinstance(version, int):
            return version
    return SCHEMA_VERSION


def _set_version(document: dict[str, Any], version: int) -> None:
    meta = document.setdefault("meta", {})
    if not meta:
        meta["1"] = {}
    for row in meta.values():
        row["schema_version"] = version


def _1_to_2(documents: Documents) -> Documents:
    index = documents.get("index.json", {})
    for row in index.get("cases", {}).values():
        row.setdefault("archived_at", None)
    for document in documents.values():
        _set_version(document, 2)
    return documents


def _2_to_3(documents: Documents) -> Documents:
    for name in [n for n in documents if n.startswith("cases/") and n.endswith(".json")]:
        log = name.removesuffix(".json") + LOG_SUFFIX
        if documents.get(log, {}).get("answers"):
            raise MigrationError(
                f"{log} already holds answers, yet the index says schema 2: migrating "
                "would drop them"
            )
        answers = documents[name].pop("answers", {})
        documents[log] = {"answers": answers}
    for name, document in documents.items():
        if not name.endswith(LOG_SUFFIX):
            _set_version(document, 3)
    return documents


#: from version → the function that brings documents to the next version
MIGRATIONS: dict[int, Callable[[Documents], Documents]] = {1: _1_to_2, 2: _2_to_3}


def migrate(documents: Documents, version: int) -> Documents:
    """Documents at `version`, brought up to `SCHEMA_VERSION` one step at a time."""
    if version not in MIGRATIONS and version < SCHEMA_VERSION:
        raise MigrationError(f"schema {version} is not one Reunify ever wrote")
    documents = copy.deepcopy(documents)
    while version < SCHEMA_VERSION:
        documents = MIGRATIONS[version](documents)
        version += 1
    return documents
