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
    parse_document,
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
    sealer, header = Sealer.create(passphrase, cost or DEFAULT_COST)
    codec = SealedCodec(sealer, converting=True)
    write_atomic(key_path(root), dumps({"key": header, "state": "converting"}))
    finish_encryption(root, codec)
    return codec


def finish_encryption(root: Path, codec: SealedCodec) -> None:
    """Seal whatever is still plain, then mark the key file done."""
    from assistant.records.answer_log import SUFFIX, read_log, write_log
    from assistant.records.backups import backups, database_files

    for path in [*database_files(root), *backups(root)]:
        if path.name.endswith(SUFFIX):
            write_log(path, read_log(path, codec), codec)  # every line sealed
            continue
        raw = path.read_bytes()
        if looks_sealed(raw):
            continue
        name = "backup" if path.parent.name == "backups" else path.name
        if name != "backup":
            try:
                parse_document(path, raw)
            except DamagedFileError:
                continue  # a damaged file is left as it is, for the user to see
        write_atomic(path, codec.encode(raw, name))
    stored = json.loads(key_path(root).read_bytes())
    write_atomic(key_path(root), dumps({"key": stored["key"], "state": "sealed"}))
    codec.converting = False
