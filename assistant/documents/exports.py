"""Writing a report to a file: atomically, private (0600), never over a file
that exists unless asked (`force`), and never over anything that is not a
regular file (a device, a pipe, a folder or a link), asked or not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.records.storage import write_atomic


class ExportError(ValueError):
    """An export that cannot be made; the message says why (nothing was written)."""


def report_text(store: Any, ref: str, name: str, fmt: str, library: Any = None) -> str:
    """The report `name` for case `ref` in format `fmt`."""
    from assistant.documents.formats import FORMATS, render
    from assistant.documents.reports import ReportError, build_report, load_definitions
    from assistant.flows.loader import default_library
    from assistant.paths import content_dir

    try:
        definitions = load_definitions(content_dir())
    except ReportError as exc:
        raise ExportError(str(exc)) from None
    if name not in definitions:
        raise ExportError(f"no report {name!r} (there are: {', '.join(definitions)})")
    if fmt not in FORMATS:
        raise ExportError(f"no format {fmt!r} (there are: {', '.join(FORMATS)})")
    report = build_report(store, library or default_library(), ref, definitions[name])
    return render(report, fmt)


def write_export(path: Path, text: str, force: bool = False) -> Path:
    """Write `text` to `path` at once, mode 0600; an existing file needs `force`."""
    path = path.expanduser()
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ExportError(
            f"{path} exists and is not a regular file; nothing was written (not even with --force)"
        )
    if path.exists() and not force:
        raise ExportError(f"{path} already exists; nothing was written (use --force to replace it)")
    if not path.parent.is_dir():
        raise ExportError(f"{path.parent} is not a folder; nothing was written")
    write_atomic(path, text.encode("utf-8"))
    return path


def export_report(
    store: Any, ref: str, name: str, fmt: str, output: Path | None, force: bool = False
) -> tuple[str, Path | None]:
    text = report_text(store, ref, name, fmt)
    if output is None:
        return text, None
    return text, write_export(output, text, force)
