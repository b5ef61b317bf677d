"""`reunify` commands that look after the database as a whole: backups, restore
and encryption."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assistant.commands.common import (
    PassphraseError,
    UserError,
    db_root,
    open_store,
    read_passphrase,
)


def add_commands(commands: Any, case_commands: Any) -> None:
    """`backup`, `restore` and `encrypt`."""
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
    check = commands.add_parser(
        "check", help="read and verify every case, answer log and backup (changes nothing)"
    )
    check.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from assistant.records.check import check_database
    from assistant.text import printable

    store = open_store(args)
    report = check_database(store.root, store.codec)
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
    path = open_store(args).backup("manual")
    print(f"Backed up to {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from assistant.records.backups import BackupError, restore
    from assistant.records.keys import is_encrypted, unlock
    from assistant.records.storage import PLAIN, Codec

    root = db_root(args)
    codec: Codec = PLAIN
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
    from assistant.records.crypto import CryptoError
    from assistant.records.keys import encrypt_database

    store = open_store(args)
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
