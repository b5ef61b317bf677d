"""`reunify export`: a document for the child's file, built from what was recorded."""

from __future__ import annotations

import argparse
import sys
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
    export.add_argument(
        "--format",
        default="md",
        choices=["md", "html", "txt", "pdf"],
        help="pdf needs the optional extra: pip install '.[pdf]'",
    )
    export.add_argument("-o", "--output", type=Path, help="file to write (default: print it)")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    export.add_argument(
        "--with-name",
        action="store_true",
        help="put the child's name in the page header, where the case records one",
    )
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from assistant.documents.exports import ExportError, NeedsPdfExtra, export_report

    if args.format == "pdf" and args.output is None and sys.stdout.isatty():
        raise UserError("a PDF is not for the terminal: give -o FILE", EXIT_USAGE)
    try:
        data, written = export_report(
            open_store(args),
            args.ref,
            args.report,
            args.format,
            args.output,
            args.force,
            with_name=args.with_name,
        )
    except NeedsPdfExtra as exc:
        raise UserError(str(exc)) from None
    except ExportError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    if written is not None:
        print(f"Wrote {written} (private to you: mode 0600).")
    elif args.format == "pdf":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
    else:
        print(data.decode("utf-8"), end="")
    return 0
