"""`reunify` commands that look after the data: backups, encryption, archiving,
purging and the audit of a case. Registered on the parser by `add_commands`."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from assistant.text import printable


class PassphraseError(Exception):
    """No passphrase could be read; the message says why."""


def read_passphrase(prompt: str = "Passphrase: ", twice: bool = False) -> str:
    """From the terminal (hidden, never echoed), or one line of standard input when
    that is not a terminal (for scripts). It is never stored or logged."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise PassphraseError("a passphrase is needed: none was given on standard input")
        return line.rstrip("\n")
    first = getpass.getpass(prompt)
    if twice and getpass.getpass("Same passphrase again: ") != first:
        raise PassphraseError("the two passphrases differ; nothing was changed")
    return first


def add_commands(commands: Any, case_commands: Any, parser_class: type) -> None:
    backup = commands.add_parser("backup", help="back the database up now (prints where)")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser(
        "restore", help="put a backup back (the current state is backed up first)"
    )
    restore.add_argument("file", type=Path, help="a backup file (see 'reunify backup')")
    restore.set_defaults(func=cmd_restore)
    encrypt = commands.add_parser(
        "encrypt", help="encrypt the database with a passphrase (asked twice, never stored)"
    )
    encrypt.set_defaults(func=cmd_encrypt)
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
    purge.set_defaults(func=cmd_case_purge)
    audit = case_commands.add_parser(
        "audit", help="every answer event of a case: who, when, and what each change replaced"
    )
    audit.add_argument("ref", help="case reference")
    audit.add_argument("--json", action="store_true", help="print JSON")
    audit.set_defaults(func=cmd_case_audit)


def _store(args: argparse.Namespace):
    from assistant.commands.main import open_store

    return open_store(args)


def cmd_backup(args: argparse.Namespace) -> int:
    path = _store(args).backup("manual")
    print(f"Backed up to {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from assistant.commands.main import UserError, db_root
    from assistant.records.backups import BackupError, restore
    from assistant.records.keys import is_encrypted, unlock
    from assistant.records.storage import PLAIN

    root = db_root(args)
    codec = PLAIN
    if is_encrypted(root):
        from assistant.records.crypto import CryptoError

        try:
            codec = unlock(root, read_passphrase())
        except (CryptoError, PassphraseError) as exc:
            raise UserError(str(exc)) from None
    try:
        info = restore(root, args.file, codec)
    except BackupError as exc:
        raise UserError(f"{exc}; nothing was changed") from None
    print(f"Restored {info.cases} case file(s) from {args.file} (made {info.created_at}).")
    return 0


def cmd_encrypt(args: argparse.Namespace) -> int:
    from assistant.commands.main import UserError
    from assistant.records.crypto import CryptoError
    from assistant.records.keys import encrypt_database

    store = _store(args)
    try:
        passphrase = read_passphrase("New passphrase: ", twice=True)
        with store._lock(True):
            encrypt_database(store.root, passphrase)
    except (CryptoError, PassphraseError) as exc:
        raise UserError(str(exc)) from None
    print(
        f"{store.root} is now encrypted. Keep the passphrase safe: without it the data "
        "cannot be read, and it is not stored anywhere."
    )
    return 0


def cmd_case_archive(args: argparse.Namespace) -> int:
    _store(args).archive_case(args.ref)
    print(
        f"Case {args.ref} is archived: hidden from the lists, every answer kept "
        f"('reunify case unarchive {args.ref}' brings it back)."
    )
    return 0


def cmd_case_unarchive(args: argparse.Namespace) -> int:
    _store(args).unarchive_case(args.ref)
    print(f"Case {args.ref} is back in the lists.")
    return 0


def cmd_case_purge(args: argparse.Namespace) -> int:
    _store(args).purge_case(args.ref, args.confirm)
    print(
        f"Case {args.ref} is removed for good. Backups made before now still hold it "
        "until they are rotated away or deleted."
    )
    return 0


def cmd_case_audit(args: argparse.Namespace) -> int:
    rows = _store(args).audit(args.ref)
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
        line = f"#{row.seq} {row.at} {row.who} · {printable(row.flow_title)} · {label}: {value}"
        if row.changed:
            before = describe(flow, row.step, row.replaced, row.replaced_skipped)[1]
            line += f"  [changed; was: {before}]"
        print(line)
    return 0
