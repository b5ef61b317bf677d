"""`reunify export`: a document for the child's file, built from what was recorded."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assistant.commands.common import EXIT_USAGE, UserError, open_store


def add_commands(commands: Any, case_commands: Any) -> None:
    """`export`."""
    export = commands.add_parser(
        "export", help="a document for the child's file, built from what was recorded"
    )
    export.add_argument("ref", help="case reference")
    export.add_argument(
        "--report", required=True, help="assessment, young-person, ... (see README)"
    )
    export.add_argument("--format", default="md", choices=["md", "html", "txt"])
    export.add_argument("-o", "--output", type=Path, help="file to write (default: print it)")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from assistant.documents.exports import ExportError, export_report

    try:
        text, written = export_report(
            open_store(args), args.ref, args.report, args.format, args.output, args.force
        )
    except ExportError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    if written is None:
        print(text, end="")
    else:
        print(f"Wrote {written} (private to you: mode 0600).")
    return 0
