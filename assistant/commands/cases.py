"""`reunify` commands about cases themselves: list, create, archive, purge, audit,
the fictional demo case, and starting the app."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.commands.common import EXIT_USAGE, UserError, clean_name, open_store
from assistant.text import printable

if TYPE_CHECKING:
    from assistant.records.store import Store


def add_commands(commands: Any, case_commands: Any) -> None:
    """`demo`, `cases`, `case new|archive|unarchive|purge|audit` and the app itself."""
    commands.add_parser(
        "demo", help="write the fictional demo case DEMO-001 into the database"
    ).set_defaults(func=cmd_demo)
    cases = commands.add_parser("cases", help="list cases")
    cases.add_argument("--json", action="store_true", help="print JSON")
    cases.add_argument("--archived", action="store_true", help="include archived cases")
    cases.set_defaults(func=cmd_cases)
    new = case_commands.add_parser("new", help="create a case")
    new.add_argument("ref", help="case reference: letters, digits, - and _, at most 32")
    new.add_argument(
        "--name",
        help="optional: the child's name, kept only in the case's own file (a reference is enough)",
    )
    new.set_defaults(func=cmd_case_new)
    archive = case_commands.add_parser(
        "archive", help="delete a case from the lists: it is archived, every answer kept"
    )
    archive.add_argument("ref", help="case reference")
    archive.set_defaults(func=cmd_case_archive)
    unarchive = case_commands.add_parser("unarchive", help="bring an archived case back")
    unarchive.add_argument("ref", help="case reference")
    unarchive.set_defaults(func=cmd_case_unarchive)
    purge = case_commands.add_parser(
        "purge", help="remove an archived case for good (needs --confirm REF)"
    )
    purge.add_argument("ref", help="case reference")
    purge.add_argument("--confirm", required=True, metavar="REF", help="the reference again")
    purge.add_argument(
        "--backups", action="store_true", help="also remove the case from every backup"
    )
    purge.set_defaults(func=cmd_case_purge)
    audit = case_commands.add_parser(
        "audit", help="every answer event of a case: who, when, and what each change replaced"
    )
    audit.add_argument("ref", help="case reference")
    audit.add_argument("--json", action="store_true", help="print JSON")
    audit.set_defaults(func=cmd_case_audit)


def cmd_cases(args: argparse.Namespace) -> int:
    store = open_store(args)
    rows = store.cases(archived=args.archived)
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=2))
        return 0
    if not rows:
        print(f"No cases yet in {store.root}. Create one: reunify case new REF")
    for row in rows:
        demo = "  (fictional demo)" if row.demo else ""
        archived = f"  (archived {row.archived_at[:10]})" if row.archived_at else ""
        by = printable(row.created_by).replace("\n", " ")
        print(f"{row.ref:<34} created {row.created_at[:10]} by {by}{demo}{archived}")
    return 0


def cmd_case_new(args: argparse.Namespace) -> int:
    from assistant.records.store import CaseRefError, check_ref

    try:
        check_ref(args.ref)
    except CaseRefError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    store = open_store(args)
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


def cmd_case_archive(args: argparse.Namespace) -> int:
    open_store(args).archive_case(args.ref)
    print(
        f"Case {args.ref} is archived: hidden from the lists, every answer kept "
        f"('reunify case unarchive {args.ref}' brings it back)."
    )
    return 0


def cmd_case_unarchive(args: argparse.Namespace) -> int:
    open_store(args).unarchive_case(args.ref)
    print(f"Case {args.ref} is back in the lists.")
    return 0


def cmd_case_purge(args: argparse.Namespace) -> int:
    store = open_store(args)
    gone = not any(c.ref == args.ref for c in store.cases(archived=True))
    if gone and args.backups and args.confirm == args.ref:
        pass  # purged before: now from the backups as well
    else:
        store.purge_case(args.ref, args.confirm)
        print(f"Case {args.ref} is removed for good.")
    if args.backups:
        removed = store.purge_from_backups(args.ref)
        print(f"It was also removed from {len(removed)} backup(s).")
        return 0
    still = store.backups_holding(args.ref)
    if still:
        print(f"These {len(still)} backup(s) still hold it until they are rotated away:")
        for path in still:
            print(f"  {path}")
        print(
            f"Remove it from them too: reunify case purge {args.ref} --confirm {args.ref} --backups"
        )
    return 0


def cmd_case_audit(args: argparse.Namespace) -> int:
    store = open_store(args)
    rows = store.audit(args.ref)
    problem = store.log_problem(args.ref)
    if problem:
        print(f"reunify: warning: case {args.ref}: {printable(problem)}", file=sys.stderr)
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(f"Case {args.ref} has no answers yet.")
    from assistant.documents.describe import describe
    from assistant.flows.loader import default_library

    flows = default_library().flows
    for row in rows:
        flow = flows.get(row.flow_id)
        label, value = describe(flow, row.step, row.value, row.skipped)
        who = printable(row.who)
        line = f"#{row.seq} {row.at} {who} · {printable(row.flow_title)} · {label}: {value}"
        if row.changed:
            before = describe(flow, row.step, row.replaced, row.replaced_skipped)[1]
            line += f"  [changed; was: {before}]"
        print(line)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from assistant.casework.demo import write_demo
    from assistant.flows.loader import default_library

    store = open_store(args)
    record = write_demo(store, default_library())
    print(f"Demo case {record.ref} (fictional) is in {store.root}.")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from assistant.casework.demo import DEMO_REF, write_demo
    from assistant.flows.loader import default_library

    if args.demo:
        with tempfile.TemporaryDirectory(prefix="reunify-demo-") as folder:
            store = demo_store(Path(folder) / "data")
            write_demo(store, default_library())
            return _run_app(store, DEMO_REF)
    return _run_app(open_store(args), None)


def demo_store(root: Path) -> Store:
    """The database of `reunify --demo`: a temporary folder deleted on quit. It is
    marked `temporary`, so that the home screen says nothing recorded there is kept."""
    from assistant.records.store import Store

    class TemporaryStore(Store):
        temporary = True

    return TemporaryStore(root)


def _run_app(store: Store, select: str | None) -> int:
    from assistant.ui.app import create_app

    store.claim_for_app()  # a second window on the same database is read-only
    # the automatic backup is made by the app once its first screen is painted
    create_app(store, select=select, lazy=True, backup=True).run()
    return 0
