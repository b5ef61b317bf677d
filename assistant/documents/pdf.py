"""A printed report as a PDF, for case systems that take PDFs as attachments.

Made from the report's HTML page (`assistant.documents.pages`) by WeasyPrint, an
optional extra (`pip install '.[pdf]'`). Nothing is fetched: the page holds its
style sheet and its pictures, and any other address is refused. The PDF is tagged
(PDF/UA-1) so that a screen reader can follow it.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

#: One line for the person who asked for a PDF where WeasyPrint is not installed.
HOW_TO_GET_IT = (
    "PDF export needs WeasyPrint: install Reunify with the pdf extra "
    "(pip install '.[pdf]' in the Reunify folder), or export --format html and print it "
    "to PDF from any browser"
)


class PdfUnavailable(RuntimeError):
    """WeasyPrint is not installed (the message says how to get it, and the way round)."""


def _weasyprint() -> Any:
    """The WeasyPrint module (imported by name: it is optional and ships no types)."""
    try:
        return importlib.import_module("weasyprint")
    except (ImportError, OSError):  # OSError: a system library it needs is missing
        raise PdfUnavailable(HOW_TO_GET_IT) from None


def available() -> bool:
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def _refuse(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"a report fetches nothing ({url[:40]!r} refused)")


def to_pdf(page: str) -> bytes:
    """The HTML `page` printed to PDF (A4, with its running header and footer)."""
    weasyprint = _weasyprint()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its CSS notes are not ours
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=page, url_fetcher=_refuse, base_url=None)
    data = document.write_pdf(pdf_variant="pdf/ua-1")
    if not isinstance(data, bytes):  # pragma: no cover - write_pdf returns bytes without a target
        raise PdfUnavailable("WeasyPrint returned no PDF")
    return data
