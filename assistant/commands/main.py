"""The `reunify` command: the app, and the commands scripts and case systems use.

Every error a user can cause prints one line on stderr and exits non-zero
(2 for bad input or usage, 1 otherwise); never a traceback. Heavy imports
(Textual, pydantic models) happen inside the commands that need them. Each
subject module (`cases`, `data`, `casework`, `documents`, `authoring`) adds its
own subcommands through `add_commands`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from assistant import __version__
from assistant.commands import authoring, cases, casework, data, documents, people, serve
from assistant.commands.common import Parser, UserError

SUBJECTS = (cases, casework, authoring, data, documents, people, serve)


def build_parser() -> argparse.ArgumentParser:
    """The whole `reunify` command line."""
    parser = Parser(
        prog="reunify",
        description="Guided practice assistant for the NSPCC reunification framework.",
    )
    parser.add_argument("--version", action="version", version=f"reunify {__version__}")
    parser.add_argument(
        "--db", type=Path, help="database folder (default: $REUNIFY_DB, else your data folder)"
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the app on a temporary fictional demo case"
    )
    commands = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    case = commands.add_parser("case", help="work with one case")
    case_commands = case.add_subparsers(dest="case_command", parser_class=Parser, required=True)
    for subject in SUBJECTS:
        subject.add_commands(commands, case_commands)
    parser.set_defaults(func=cases.cmd_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    from assistant.records.store import StoreError

    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except UserError as exc:
        print(f"reunify: error: {exc}", file=sys.stderr)
        return exc.code
    except StoreError as exc:
        print(f"reunify: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"reunify: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 1
