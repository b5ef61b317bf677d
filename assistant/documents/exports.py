"""Writing a report to a file: atomically, private (0600), never over a file
that exists unless asked (`force`), and never over anything that is not a
regular file (a device, a pipe, a folder or a link), asked or not.

A report is Markdown, HTML or plain text (`formats.FORMATS`), or a PDF made from
its HTML where the optional WeasyPrint is installed (`assistant.documents.pdf`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.records.storage import write_atomic

#: Every format a report can be exported in: the text formats, then PDF.
EXPORT_FORMATS = ("md", "html", "txt", "pdf")


class ExportError(ValueError):
    """An export that cannot be made; the message says why (nothing was written)."""


class NeedsPdfExtra(ExportError):
    """A PDF was asked for where WeasyPrint is not installed; the message says how to
    get it and that the HTML prints to PDF from any browser."""


def _report(store: Any, ref: str, name: str, library: Any, with_name: bool) -> Any:
    from assistant.documents.reports import ReportError, build_report, load_definitions
    from assistant.flows.loader import default_library
    from assistant.paths import content_dir

    try:
        definitions = load_definitions(content_dir())
    except ReportError as exc:
        raise ExportError(str(exc)) from None
    if name not in definitions:
        raise ExportError(f"no report {name!r} (there are: {', '.join(definitions)})")
    return build_report(
        store, library or default_library(), ref, definitions[name], with_name=with_name
    )


def report_text(
    store: Any, ref: str, name: str, fmt: str, library: Any = None, with_name: bool = False
) -> str:
    """The report `name` for case `ref` in the text format `fmt` (md, html, txt)."""
    from assistant.documents.formats import FORMATS, render

    if fmt not in FORMATS:
        raise ExportError(f"no format {fmt!r} (there are: {', '.join(FORMATS)})")
    return render(_report(store, ref, name, library, with_name), fmt)


def report_bytes(
    store: Any, ref: str, name: str, fmt: str, library: Any = None, with_name: bool = False
) -> bytes:
    """The report as the bytes of its file: a text format in UTF-8, or a PDF."""
    if fmt != "pdf":
        return report_text(store, ref, name, fmt, library, with_name).encode("utf-8")
    from assistant.documents.formats import render
    from assistant.documents.pdf import HOW_TO_GET_IT, PdfUnavailable, available, to_pdf

    if not available():  # said before the report is built
        raise NeedsPdfExtra(HOW_TO_GET_IT)
    report = _report(store, ref, name, library, with_name)
    try:
        return to_pdf(render(report, "html"))
    except PdfUnavailable as exc:
        raise NeedsPdfExtra(str(exc)) from None


def write_export(path: Path, text: str | bytes, force: bool = False) -> Path:
    """Write `text` (or bytes) to `path` at once, mode 0600; an existing file needs
    `force`."""
    path = path.expanduser()
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ExportError(
            f"{path} exists and is not a regular file; nothing was written (not even with --force)"
        )
    if path.exists() and not force:
        raise ExportError(f"{path} already exists; nothing was written (use --force to replace it)")
    if not path.parent.is_dir():
        raise ExportError(f"{path.parent} is not a folder; nothing was written")
    write_atomic(path, text.encode("utf-8") if isinstance(text, str) else text)
    return path


def export_report(
    store: Any,
    ref: str,
    name: str,
    fmt: str,
    output: Path | None,
    force: bool = False,
    with_name: bool = False,
) -> tuple[bytes, Path | None]:
    """The report's bytes, and the file they were written to (None: not written)."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"no format {fmt!r} (there are: {', '.join(EXPORT_FORMATS)})")
    data = report_bytes(store, ref, name, fmt, with_name=with_name)
    if output is None:
        return data, None
    return data, write_export(output, data, force)
