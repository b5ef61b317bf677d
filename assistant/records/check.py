"""`reunify check`: every case, answer log and backup of a database, read and verified.

What it finds, each as one line naming the file (and the line of a log):
- a file that cannot be read (damaged, or sealed with another key);
- a case file holding another case than its name says (swapped files);
- an answer log whose chain or numbering breaks (a line changed, removed,
  repeated or moved, or a log copied from another case), at its first bad line;
- a case in the index without its file, or a case file the index does not know;
- a backup that cannot be restored, or whose logs break their chain.
Nothing is changed, but for files others could read: every one of Reunify's
files is looked at (opening the database looks only at the folder's own files,
and at a case's when it is used) and made private, each named in `tightened`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.records.answer_log import SUFFIX, chain_problem, log_path, read_log, rows_of
from assistant.records.backups import BackupError, backups, load_backup
from assistant.records.index import JOURNAL_REF, journal_path, read_index
from assistant.records.permissions import tighten_permissions
from assistant.records.storage import PLAIN, Codec, DamagedFileError, read_document
from assistant.records.store import check_case_ref


@dataclass
class Report:
    """What a check found."""

    cases: int = 0
    backups: int = 0
    problems: list[str] = field(default_factory=list)
    #: files others could read, made private by the check (one line each)
    tightened: list[str] = field(default_factory=list)


def _case_refs(document: dict[str, Any] | None) -> list[str]:
    rows = (document or {}).get("cases", {}).values()
    return [str(row.get("ref")) for row in rows if isinstance(row, dict)]


def _check_case_file(path: Path, codec: Codec) -> str | None:
    try:
        check_case_ref(path, read_document(path, codec) or {})
    except DamagedFileError as exc:
        return str(exc)
    return None


def _check_log(path: Path, ref: str, codec: Codec) -> str | None:
    try:
        rows = read_log(path, codec)
    except DamagedFileError as exc:
        return str(exc)
    problem = chain_problem(rows, ref)
    return f"{path}: {problem}" if problem else None


def check_database(root: Path, codec: Codec = PLAIN) -> Report:
    """Read and verify everything; nothing is written (loose modes are tightened)."""
    report = Report(tightened=tighten_permissions(root, full=True))
    try:
        refs = _case_refs(read_index(root, codec))  # the index's journal included
    except DamagedFileError as exc:
        report.problems.append(str(exc))
        refs = []
    journal = _check_log(journal_path(root), JOURNAL_REF, codec)
    if journal and journal not in report.problems:
        report.problems.append(journal)
    cases = root / "cases"
    on_disk = {p.stem for p in cases.glob("*.json")} if cases.is_dir() else set()
    for ref in refs:
        report.cases += 1
        case_file = cases / f"{ref}.json"
        if not case_file.exists():
            report.problems.append(f"{case_file}: case {ref!r} is in the index but has no file")
            continue
        for problem in (
            _check_case_file(case_file, codec),
            _check_log(log_path(case_file), ref, codec),
        ):
            if problem:
                report.problems.append(problem)
    for stray in sorted(on_disk - set(refs)):
        report.problems.append(f"{cases / (stray + '.json')}: a case file the index does not list")
    for path in backups(root):
        report.backups += 1
        try:
            _, documents = load_backup(path, codec)
        except BackupError as exc:
            report.problems.append(f"backup {exc}")
            continue
        for name, document in documents.items():
            if name.endswith(SUFFIX):
                ref = Path(name).name.removesuffix(SUFFIX)
                problem = chain_problem(rows_of(document), ref)
                if problem:
                    report.problems.append(f"backup {path}, {name}: {problem}")
    return report
