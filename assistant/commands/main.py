"""The `reunify` command: the app, and the commands scripts and case systems use.

Every error a user can cause prints one line on stderr and exits non-zero
(2 for bad input or usage, 1 otherwise); never a traceback. Heavy imports
(Textual, pydantic models) happen inside the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

from assistant import __version__
from assistant.commands.casework import add_commands as add_round_commands
from assistant.commands.casework import add_export_command
from assistant.commands.data import add_commands

EXIT_USAGE = 2


class UserError(Exception):
    """An error the user can fix; printed as one line."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see '{self.prog} --help')", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    commands.add_parser("demo", help="write the fictional demo case DEMO-001 into the database")
    cases = commands.add_parser("cases", help="list cases")
    cases.add_argument("--json", action="store_true", help="print JSON")
    cases.add_argument("--archived", action="store_true", help="include archived cases")
    case = commands.add_parser("case", help="work with one case")
    case_commands = case.add_subparsers(dest="case_command", parser_class=_Parser, required=True)
    new = case_commands.add_parser("new", help="create a case")
    new.add_argument("ref", help="case reference: letters, digits, - and _, at most 32")
    new.add_argument(
        "--name",
        help="optional: the child's name, kept only in the case's own file (a reference is enough)",
    )
    case_classify = case_commands.add_parser(
        "classify", help="what the framework's table suggests for a case, from its answers"
    )
    case_classify.add_argument("ref", help="case reference")
    case_classify.add_argument(
        "--json", action="store_true", help="add 'input': what was assembled from the answers"
    )
    flows = commands.add_parser("flows", help="list or check flows")
    flow_commands = flows.add_subparsers(dest="flows_command", parser_class=_Parser, required=True)
    flows_list = flow_commands.add_parser("list", help="list the flows")
    flows_list.add_argument("--json", action="store_true", help="print JSON")
    check = flow_commands.add_parser("check", help="validate flow files")
    check.add_argument("paths", nargs="*", type=Path, help="flow files (default: all flows)")
    classify = commands.add_parser("classify", help="classify risk from a JSON input")
    classify.add_argument("--input", required=True, help="JSON file, or - for standard input")
    add_commands(commands, case_commands, _Parser)
    add_round_commands(commands, case_commands)
    add_export_command(commands)
    return parser


def db_root(args: argparse.Namespace) -> Path:
    from assistant.paths import default_db_path

    return Path(args.db or default_db_path())


def open_store(args: argparse.Namespace):  # -> Store
    """The database, with its passphrase asked for when it is encrypted; what
    opening it found (loose permissions) is said on stderr."""
    from assistant.commands.data import PassphraseError, read_passphrase
    from assistant.records.keys import is_encrypted
    from assistant.records.store import Store

    root = db_root(args)
    passphrase = None
    if is_encrypted(root):
        try:
            passphrase = read_passphrase()
        except PassphraseError as exc:
            raise UserError(str(exc)) from None
    store = Store(root, passphrase=passphrase)
    for warning in store.warnings:
        print(f"reunify: warning: {warning}", file=sys.stderr)
    return store


_store = open_store


def cmd_cases(args: argparse.Namespace) -> int:
    store = _store(args)
    rows = store.cases(archived=args.archived)
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=2))
        return 0
    if not rows:
        print(f"No cases yet in {store.root}. Create one: reunify case new REF")
    for row in rows:
        demo = "  (fictional demo)" if row.demo else ""
        archived = f"  (archived {row.archived_at[:10]})" if row.archived_at else ""
        print(f"{row.ref:<34} created {row.created_at[:10]} by {row.created_by}{demo}{archived}")
    return 0


def cmd_case_new(args: argparse.Namespace) -> int:
    from assistant.records.store import CaseRefError, check_ref

    try:
        check_ref(args.ref)
    except CaseRefError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    store = _store(args)
    name = clean_name(args.name)
    record = store.create_case(args.ref, name=name)
    print(f"Created case {record.ref}.")
    if name:
        kept = "encrypted" if store.encrypted else "NOT encrypted: see 'reunify encrypt'"
        print(
            f"The name is kept only in {store.case_path(record.ref)} ({kept}). Lists, "
            "exports and the audit show the reference."
        )
    return 0


def clean_name(name: str | None) -> str | None:
    from assistant.text import clean_text

    if name is None:
        return None
    name = clean_text(name).strip()
    if len(name) > 80:
        raise UserError(f"the name is {len(name)} characters; at most 80", EXIT_USAGE)
    return name or None


def cmd_case_classify(args: argparse.Namespace) -> int:
    from assistant.casework.classification import classify_case
    from assistant.flows.loader import default_library

    store = _store(args)
    store.case(args.ref)
    case = classify_case(store, default_library(), args.ref)
    if case.result is None:
        raise UserError(f"case {args.ref}: {case.problem}")
    result = case.result.as_dict()
    if args.json:
        result["input"] = case.inputs.data
    print(json.dumps(result, indent=2))
    for flow_id in case.unread_flows:
        print(
            f"reunify: warning: answers of flow '{flow_id}' not used: it cannot be loaded",
            file=sys.stderr,
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from assistant.casework.demo import write_demo
    from assistant.flows.loader import default_library

    store = _store(args)
    record = write_demo(store, default_library())
    print(f"Demo case {record.ref} (fictional) is in {store.root}.")
    return 0


def cmd_flows_list(args: argparse.Namespace) -> int:
    from assistant.casework.learning import LearningError, learning_items
    from assistant.flows.loader import default_library
    from assistant.paths import content_dir

    library = default_library()
    flows = sorted(library.flows.values(), key=lambda f: (f.audience, f.title))
    rows = [
        {"id": f.id, "title": f.title, "audience": f.audience, "stages": list(f.stages)}
        for f in flows
    ]
    try:
        rows += learning_items(content_dir())  # practice cases and the quiz
    except LearningError as exc:
        print(f"reunify: warning: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            stages = ", ".join(map(str, row["stages"]))
            print(f"{row['id']:<28} {row['audience']:<13} stage {stages:<6} {row['title']}")
    for problem in library.problems:
        print(f"reunify: warning: {problem}", file=sys.stderr)
    return 0


def cmd_flows_check(args: argparse.Namespace) -> int:
    from assistant.flows.content import card_ids
    from assistant.flows.loader import flow_files, load_paths
    from assistant.paths import content_dir, flows_dir

    paths = args.paths or flow_files(flows_dir())
    problems = load_paths(paths, card_ids(content_dir())).problems
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(paths)} flow file(s)", file=sys.stderr)
        return 1
    print(f"{len(paths)} flow file(s) checked: no problems")
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from assistant.risk import ClassificationInputError, classify_json

    try:
        text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text("utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {args.input}: {exc.strerror}", EXIT_USAGE) from None
    try:
        result = classify_json(text)
    except ClassificationInputError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    print(json.dumps(result, indent=2))
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from assistant.casework.demo import DEMO_REF, write_demo
    from assistant.flows.loader import default_library
    from assistant.records.store import Store

    if args.demo:
        with tempfile.TemporaryDirectory(prefix="reunify-demo-") as folder:
            store = Store(Path(folder) / "data")
            write_demo(store, default_library())
            return _run_app(store, DEMO_REF)
    return _run_app(_store(args), None)


def _run_app(store, select: str | None) -> int:
    from assistant.ui.app import create_app

    store.claim_for_app()  # a second window on the same database is read-only
    store.automatic_backup()
    create_app(store, select=select, lazy=True).run()
    return 0


def dispatch(args: argparse.Namespace) -> int:
    if getattr(args, "func", None) is not None:
        return args.func(args)
    if args.command == "flows":
        return cmd_flows_list(args) if args.flows_command == "list" else cmd_flows_check(args)
    commands = {
        None: cmd_app,
        "demo": cmd_demo,
        "cases": cmd_cases,
        "case": cmd_case_new if getattr(args, "case_command", None) == "new" else cmd_case_classify,
        "classify": cmd_classify,
    }
    return commands[args.command](args)


def main(argv: list[str] | None = None) -> int:
    from assistant.records.store import StoreError

    try:
        args = build_parser().parse_args(argv)
        return dispatch(args)
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
