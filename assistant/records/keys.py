"""Optional encryption at rest: the database's key file and the sealing codec.

`<database>/key.json` holds only what is needed to check a passphrase and derive
the key (scrypt parameters, salt, a sealed check value) — never the passphrase
or the key. With it present, every document and backup is sealed with
AES-256-GCM, bound to its file name so one sealed file cannot stand in for
another. A wrong passphrase is refused before anything is read or written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.records.storage import (
    DamagedFileError,
    dumps,
    looks_sealed,
    write_atomic,
)

KEY_FILE = "key.json"


class SealedCodec:
    """Documents sealed with the database's key.

    While the database is being converted to encryption (`converting`), files
    not yet sealed are still read; once done, a plain file is refused.
    """

    def __init__(self, sealer: Any, converting: bool = False) -> None:
        self.sealer = sealer
        self.converting = converting

    def encode(self, data: bytes, name: str) -> bytes:
        return self.sealer.seal(data, name.encode("utf-8"))

    def decode(self, raw: bytes, name: str) -> bytes:
        if not looks_sealed(raw):
            if self.converting:
                return raw
            raise ValueError("it is not encrypted, but this database is")
        return self.sealer.open(raw, name.encode("utf-8"))  # SealBroken is a ValueError

    def __repr__(self) -> str:
        return "SealedCodec(<key not shown>)"


def key_path(root: Path) -> Path:
    return Path(root) / KEY_FILE


def is_encrypted(root: Path) -> bool:
    return key_path(root).exists()


def unlock(root: Path, passphrase: str) -> SealedCodec:
    """The codec for an encrypted database; `CryptoError` for a wrong passphrase."""
    from assistant.records.crypto import CryptoError, Sealer

    try:
        stored = json.loads(key_path(root).read_bytes())
        header, state = stored["key"], stored["state"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CryptoError(f"{key_path(root)} is damaged ({exc}); it was not changed") from None
    return SealedCodec(Sealer.unlock(header, passphrase), converting=state == "converting")


def encrypt_database(
    root: Path, passphrase: str, cost: tuple[int, int, int] | None = None
) -> SealedCodec:
    """Seal every document and backup of a plain database with a new key.

    The key file is written first (marked `converting`), then each file is sealed
    atomically, then the key file is marked done: a crash part way leaves a
    database that opens with the passphrase and finishes the job.
    """
    from assistant.records.crypto import DEFAULT_COST, CryptoError, Sealer

    if is_encrypted(root):
        raise CryptoError(f"{root} is already encrypted")
    check_new_passphrase(passphrase)
    left = leftovers(root)
    if left:
        names = ", ".join(str(p) for p in left[:3]) + (" …" if len(left) > 3 else "")
        raise CryptoError(
            f"{len(left)} file(s) of interrupted writes hold plain text and cannot be "
            f"encrypted: {names}; remove them first (reunify encrypt asks to)"
        )
    sealer, header = Sealer.create(passphrase, cost or DEFAULT_COST)
    codec = SealedCodec(sealer, converting=True)
    write_atomic(key_path(root), dumps({"key": header, "state": "converting"}))
    finish_encryption(root, codec)
    return codec


#: The shortest passphrase a new key accepts.
MIN_PASSPHRASE = 8


def check_new_passphrase(passphrase: str) -> None:
    """A new passphrase has at least 8 characters and is not only spaces."""
    from assistant.records.crypto import CryptoError

    if len(passphrase) < MIN_PASSPHRASE or not passphrase.strip():
        raise CryptoError(
            f"a passphrase needs at least {MIN_PASSPHRASE} characters, not only spaces; "
            "nothing was changed"
        )


def leftovers(root: Path) -> list[Path]:
    """Plain-text files that encryption cannot seal as they are: temporary files of
    writes that were cut short, and the staging folder of a restore."""
    found: list[Path] = []
    for folder in (root, root / "cases", root / "backups"):
        if folder.is_dir():
            found += sorted(p for p in folder.glob(".*.tmp") if p.is_file())
    stage = root / ".restore"
    if stage.is_dir():
        found += sorted(p for p in stage.rglob("*") if p.is_file())
    return found


def damaged_copies(root: Path) -> list[Path]:
    """Copies of damaged files kept aside (`*.damaged-<time>`): they hold case data."""
    found = sorted(root.glob("*.damaged-*"))
    if (root / "cases").is_dir():
        found += sorted((root / "cases").glob("*.damaged-*"))
    return [p for p in found if p.is_file()]


def finish_encryption(root: Path, codec: SealedCodec) -> None:
    """Seal whatever is still plain, then mark the key file done. A damaged file is
    sealed as it is (its bytes, unread), so no plain text is left behind."""
    from assistant.records.answer_log import SUFFIX, read_log, write_log
    from assistant.records.backups import backups, database_files
    from assistant.records.permissions import drop_caches

    for path in [*database_files(root), *backups(root), *damaged_copies(root)]:
        if path.name.endswith(SUFFIX):
            try:
                write_log(path, read_log(path, codec), codec)  # every line sealed
                continue
            except DamagedFileError:
                pass  # sealed whole below; reading it says it is damaged
        raw = path.read_bytes()
        if looks_sealed(raw):
            continue
        name = "backup" if path.parent.name == "backups" else path.name
        write_atomic(path, codec.encode(raw, name))
    drop_caches(root)  # kept in plain text before: worked out again, sealed
    stored = json.loads(key_path(root).read_bytes())
    write_atomic(key_path(root), dumps({"key": stored["key"], "state": "sealed"}))
    codec.converting = False
