"""What every `reunify` command shares: the one-line user error, the parser that
raises it, and opening the database (asking for its passphrase when sealed)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from assistant.records.store import Store

EXIT_USAGE = 2


class UserError(Exception):
    """An error the user can fix; printed as one line."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one-line `UserError`s."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see '{self.prog} --help')", EXIT_USAGE)


def db_root(args: argparse.Namespace) -> Path:
    from assistant.paths import default_db_path

    return Path(args.db or default_db_path())


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


def open_store(args: argparse.Namespace) -> Store:
    """The database, with its passphrase asked for when it is encrypted; what
    opening it found (loose permissions) is said on stderr."""
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


def clean_name(name: str | None) -> str | None:
    from assistant.text import clean_text

    if name is None:
        return None
    name = clean_text(name).strip()
    if len(name) > 80:
        raise UserError(f"the name is {len(name)} characters; at most 80", EXIT_USAGE)
    return name or None
