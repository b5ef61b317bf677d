"""`reunify users ...` and `reunify case share`: the people of a team server."""

from __future__ import annotations

import argparse
import json
from typing import Any

from assistant.commands.common import (
    EXIT_USAGE,
    PassphraseError,
    UserError,
    db_root,
    open_store,
    read_passphrase,
)


def add_commands(commands: Any, case_commands: Any) -> None:
    """`users add|list|disable|passwd|audit` and `case share`."""
    from assistant.commands.common import Parser

    people = commands.add_parser("users", help="the people of a team server (reunify serve)")
    each = people.add_subparsers(dest="users_command", parser_class=Parser, required=True)
    add = each.add_parser("add", help="add a person (the password is asked twice)")
    add.add_argument("name", help="a letter, then letters, digits, '.', '-' or '_'")
    add.add_argument("--role", required=True, choices=["worker", "manager", "reviewer", "admin"])
    add.add_argument("--team", default="team", help="their team (managers see their team's)")
    add.set_defaults(func=cmd_users_add)
    listing = each.add_parser("list", help="list the accounts (never a password)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_users_list)
    disable = each.add_parser("disable", help="stop a person signing in (kept for the audit)")
    disable.add_argument("name")
    disable.set_defaults(func=cmd_users_disable)
    passwd = each.add_parser("passwd", help="set a new password for a person")
    passwd.add_argument("name")
    passwd.set_defaults(func=cmd_users_passwd)
    audit = each.add_parser("audit", help="sign-ins, sign-outs and failures")
    audit.set_defaults(func=cmd_users_audit)
    share = case_commands.add_parser("share", help="let a person open a case (team server)")
    share.add_argument("ref", help="case reference")
    share.add_argument("name", help="the person's user name")
    share.set_defaults(func=cmd_case_share)


def _password(prompt: str) -> str:
    try:
        return read_passphrase(prompt, twice=True)
    except PassphraseError as exc:
        raise UserError(str(exc)) from None


def _done(action: Any) -> Any:
    from assistant.records.users import UserError as AccountError

    try:
        return action()
    except AccountError as exc:
        raise UserError(f"{exc}; nothing was changed", EXIT_USAGE) from None


def cmd_users_add(args: argparse.Namespace) -> int:
    from assistant.records import users

    root = open_store(args).root
    _done(lambda: users.check_name(args.name))
    password = _password(f"Password for {args.name}: ")
    person = _done(lambda: users.add_user(root, args.name, args.role, password, args.team))
    print(f"Added {person.name} ({person.role}, team {person.team}).")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    from assistant.records import users

    people = users.accounts(db_root(args))
    if args.json:
        print(json.dumps([p.__dict__ for p in people], indent=2))
        return 0
    if not people:
        print("No accounts yet: reunify users add NAME --role admin")
    for person in people:
        state = "  (disabled)" if person.disabled else ""
        print(f"{person.name:<33} {person.role:<9} team {person.team}{state}")
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    from assistant.records import users

    _done(lambda: users.disable_user(db_root(args), args.name))
    print(f"{args.name} can no longer sign in; their records and audit stay.")
    return 0


def cmd_users_passwd(args: argparse.Namespace) -> int:
    from assistant.records import users

    root = db_root(args)
    if users.account(root, args.name) is None:
        raise UserError(f"there is no user {args.name!r}; nothing was changed", EXIT_USAGE)
    password = _password(f"New password for {args.name}: ")
    _done(lambda: users.set_password(root, args.name, password))
    print(f"The password of {args.name} is changed.")
    return 0


def cmd_users_audit(args: argparse.Namespace) -> int:
    from assistant.records import users
    from assistant.text import printable

    for row in users.audit_lines(db_root(args)):
        where = f" from {row['from']}" if row.get("from") else ""
        print(printable(f"{row.get('at', '?')}  {row.get('event', '?')}: {row.get('user')}{where}"))
    return 0


def cmd_case_share(args: argparse.Namespace) -> int:
    from assistant.records import users

    store = open_store(args)
    if users.account(store.root, args.name) is None:
        raise UserError(f"there is no user {args.name!r}; nothing was changed", EXIT_USAGE)
    store.share_case(args.ref, args.name)
    print(f"{args.name} can now open case {args.ref}.")
    return 0
