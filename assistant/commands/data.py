"""`reunify` commands that look after the database as a whole: backups, restore
and encryption."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
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
    """`backup`, `restore` and `encrypt`."""
    backup = commands.add_parser("backup", help="back the database up now (prints where)")
    backup.add_argument(
        "--keep", type=int, metavar="N", help="keep the newest N backups made on request (10)"
    )
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser(
        "restore", help="put a backup back (the current state is backed up first)"
    )
    restore.add_argument("file", type=Path, help="a backup file (see 'reunify backup')")
    restore.add_argument("--case", metavar="REF", help="put back only this case")
    restore.add_argument(
        "--yes", action="store_true", help="restore even though newer answers would be lost"
    )
    restore.set_defaults(func=cmd_restore)
    encrypt = commands.add_parser(
        "encrypt", help="encrypt the database with a passphrase (asked twice, never stored)"
    )
    encrypt.add_argument(
        "--yes",
        action="store_true",
        help="remove leftovers of interrupted writes (plain text) without asking",
    )
    encrypt.set_defaults(func=cmd_encrypt)
    check = commands.add_parser(
        "check", help="read and verify every case, answer log and backup (changes nothing)"
    )
    check.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from assistant.records.check import check_database
    from assistant.text import printable

    store = open_store(args)
    report = check_database(store.root, store.codec)
    for tightened in report.tightened:  # every file looked at here, not only the top ones
        print(f"reunify: warning: {printable(tightened)}", file=sys.stderr)
    for problem in report.problems:
        print(printable(problem))
    if report.problems:
        print(f"{len(report.problems)} problem(s) found; nothing was changed.")
        return 1
    print(
        f"Checked {report.cases} case(s) and {report.backups} backup(s) in {store.root}: "
        "every file reads, every answer log is whole and in order."
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    if args.keep is not None and args.keep < 1:
        raise UserError("--keep needs a number of backups, 1 or more", EXIT_USAGE)
    path = open_store(args).backup("manual", keep=args.keep)
    print(f"Backed up to {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from assistant.records.backups import BackupError
    from assistant.records.keys import is_encrypted, unlock
    from assistant.records.locks import write_lock
    from assistant.records.model import CaseRefError, check_ref
    from assistant.records.restore import carry_out, finish, plan
    from assistant.records.storage import PLAIN, Codec

    root = db_root(args)
    if args.case is not None:
        try:
            check_ref(args.case)
        except CaseRefError as exc:
            raise UserError(str(exc), EXIT_USAGE) from None
    codec: Codec = PLAIN
    if is_encrypted(root):
        from assistant.records.crypto import CryptoError

        try:
            codec = unlock(root, read_passphrase())
        except (CryptoError, PassphraseError) as exc:
            raise UserError(str(exc)) from None
    with write_lock(root):
        finish(root)  # a restore cut short before is completed (or dropped) first
        try:
            chosen = plan(root, args.file, codec, args.case)
        except BackupError as exc:
            raise UserError(f"{exc}; nothing was changed") from None
        what = f"case {args.case}" if args.case else f"{chosen.backup.cases} case file(s)"
        if chosen.losses:
            print(f"Restoring {args.file} (made {chosen.backup.created_at}) would lose:")
            for loss in chosen.losses:
                print(f"  {loss}")
            if not args.yes and not _confirmed("Restore anyway, losing these? [y/N] "):
                raise UserError("nothing was changed (add --yes to restore anyway)")
        before = carry_out(root, chosen, codec)
    print(f"Restored {what} from {args.file} (made {chosen.backup.created_at}).")
    if before is not None:
        print(f"What was there before is kept in {before}.")
    return 0


def _confirmed(question: str) -> bool:
    """A yes from a person at a terminal; never from a script without --yes."""
    if not sys.stdin.isatty():
        return False
    return input(question).strip().casefold() in ("y", "yes")


def cmd_encrypt(args: argparse.Namespace) -> int:
    from assistant.records.crypto import CryptoError
    from assistant.records.keys import check_new_passphrase, encrypt_database, leftovers
    from assistant.records.locks import write_lock

    store = open_store(args)
    if store.encrypted:
        raise UserError(f"{store.root} is already encrypted; nothing was changed")
    left = leftovers(store.root)
    if left:
        print("These files were left by writes that were cut short and hold plain text:")
        for path in left:
            print(f"  {path}")
        if not args.yes and not _confirmed("Remove them before encrypting? [y/N] "):
            raise UserError("nothing was encrypted (add --yes to remove them)")
    try:
        passphrase = read_passphrase("New passphrase: ", twice=True)
        check_new_passphrase(passphrase)
        with write_lock(store.root):
            for path in leftovers(store.root):
                path.unlink(missing_ok=True)
            encrypt_database(store.root, passphrase)
    except (CryptoError, PassphraseError) as exc:
        raise UserError(str(exc)) from None
    print(
        f"{store.root} is now encrypted. Keep the passphrase safe: without it the data "
        "cannot be read, and it is not stored anywhere."
    )
    return 0
