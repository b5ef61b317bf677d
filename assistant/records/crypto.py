"""Optional encryption at rest: a key from a passphrase, and sealed bytes.

A `Sealer` holds an AES-256-GCM key derived from the user's passphrase with
scrypt. `Sealer.create` makes a new key and returns, with it, a small header
(a JSON-ready dict) holding only what is needed to derive the key again and to
check a passphrase: the scrypt cost, the salt and a sealed check value. The
passphrase and the key are never put in the header, in an error message or in
`repr()`.

A sealed blob is `MAGIC`, a fresh 12-byte nonce, then the ciphertext and its
16-byte tag. The caller's `context` (the file's relative name) is bound to the
blob as associated data, so a sealed file cannot be swapped for another one:
opening it under a different name fails just as a tampered file does.

Passphrases are compared after Unicode NFC normalisation, so the same text
typed on different systems gives the same key.
"""

from __future__ import annotations

import base64
import binascii
import os
import unicodedata
from typing import Any, NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

__all__ = [
    "DEFAULT_COST",
    "MAGIC",
    "MIN_PASSPHRASE_LENGTH",
    "CryptoError",
    "HeaderError",
    "SealBroken",
    "Sealer",
    "WrongPassphrase",
    "is_sealed",
]

MAGIC = b"RNFY-SEALED-1\n"
"""The first bytes of every sealed blob."""

DEFAULT_COST: tuple[int, int, int] = (2**15, 8, 1)
"""The scrypt cost (n, r, p) for new keys: about 32 MiB and a tenth of a second."""

MIN_PASSPHRASE_LENGTH = 8

HEADER_FORMAT = "reunify-key"
HEADER_VERSION = 1
KDF = "scrypt"
CIPHER = "AES-256-GCM"

SALT_SIZE = 16
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16

# Limits on the scrypt cost a header may ask for, so that a damaged or hostile
# key file cannot make unlocking use gigabytes of memory or run for minutes.
MIN_N = 2**10
MAX_N = 2**20
MAX_R = 32
MAX_P = 16
MAX_MEMORY = 256 * 2**20  # scrypt uses about 128 * n * r bytes

# The fixed token sealed into the header's "check" value. The check and the
# data are sealed with different associated data, so neither can stand in for
# the other.
_CHECK_TOKEN = b"reunify key check v1"
_CHECK_AAD = b"K"
_DATA_AAD = b"D"


class CryptoError(ValueError):
    """Encryption at rest failed; the message never holds a passphrase or key."""


class WrongPassphrase(CryptoError):
    """The passphrase does not open this key header."""

    def __init__(self, message: str = "wrong passphrase: nothing was read or changed") -> None:
        super().__init__(message)


class SealBroken(CryptoError):
    """Sealed data that cannot be opened: altered, damaged, cut short or not sealed at all."""

    def __init__(
        self,
        message: str = "the sealed data was altered or damaged: it cannot be opened",
    ) -> None:
        super().__init__(message)


class HeaderError(CryptoError):
    """A key header that is malformed; `field` names the field that is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"key header field {field!r} is wrong: {problem}")


def is_sealed(raw: bytes) -> bool:
    """Whether `raw` starts like a sealed blob (it may still fail to open)."""
    return bytes(raw[: len(MAGIC)]) == MAGIC


def _normalise(passphrase: str) -> bytes:
    if not isinstance(passphrase, str):
        raise TypeError(f"the passphrase must be a str, not {type(passphrase).__name__}")
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _cost_problem(name: str, value: object, n: object = None) -> str:
    """What is wrong with one scrypt cost value, or "" if it is fine."""
    if not isinstance(value, int) or isinstance(value, bool):
        return f"should be an integer, not {type(value).__name__}"
    if name == "n":
        if value < MIN_N or value > MAX_N or value & (value - 1):
            return f"should be a power of two from {MIN_N} to {MAX_N}, not {value}"
    elif name == "r":
        if not 1 <= value <= MAX_R:
            return f"should be from 1 to {MAX_R}, not {value}"
        if isinstance(n, int) and 128 * n * value > MAX_MEMORY:
            return f"n={n} with r={value} needs more than {MAX_MEMORY // 2**20} MiB"
    elif not 1 <= value <= MAX_P:
        return f"should be from 1 to {MAX_P}, not {value}"
    return ""


def _derive(passphrase: bytes, salt: bytes, n: int, r: int, p: int) -> AESGCM:
    key = Scrypt(salt=salt, length=KEY_SIZE, n=n, r=r, p=p).derive(passphrase)
    return AESGCM(key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Sealer:
    """Seals and opens bytes with one AES-256-GCM key derived from a passphrase.

    Make one with `Sealer.create` (a new key) or `Sealer.unlock` (an existing
    header). The key is held only inside the cipher object; it cannot be
    printed, read back from an attribute or pickled.
    """

    __slots__ = ("_aead",)

    def __init__(self, aead: AESGCM) -> None:
        """Wrap a ready cipher; use `create` or `unlock` rather than this."""
        if not isinstance(aead, AESGCM):
            raise TypeError("a Sealer is made with Sealer.create or Sealer.unlock")
        self._aead = aead

    @classmethod
    def create(
        cls, passphrase: str, cost: tuple[int, int, int] = DEFAULT_COST
    ) -> tuple[Sealer, dict[str, Any]]:
        """A new key from `passphrase`, and the header to store so it can be unlocked again.

        `cost` is scrypt's (n, r, p). The header holds no secret: only the cost,
        a random salt and a sealed check value used to test a passphrase.
        """
        secret = _normalise(passphrase)
        if not passphrase:
            raise CryptoError("the passphrase is empty")
        if len(unicodedata.normalize("NFC", passphrase)) < MIN_PASSPHRASE_LENGTH:
            raise CryptoError(
                f"the passphrase is too short: use at least {MIN_PASSPHRASE_LENGTH} characters"
            )
        try:
            n, r, p = cost
        except (TypeError, ValueError):
            raise CryptoError("the scrypt cost should be three integers (n, r, p)") from None
        for name, value in (("n", n), ("r", r), ("p", p)):
            problem = _cost_problem(name, value, n=n)
            if problem:
                raise CryptoError(f"the scrypt cost {name} {problem}")
        salt = os.urandom(SALT_SIZE)
        sealer = cls(_derive(secret, salt, n, r, p))
        header = {
            "format": HEADER_FORMAT,
            "version": HEADER_VERSION,
            "kdf": KDF,
            "n": n,
            "r": r,
            "p": p,
            "salt": _b64(salt),
            "cipher": CIPHER,
            "check": _b64(sealer._seal(_CHECK_TOKEN, _CHECK_AAD)),
        }
        return sealer, header

    @classmethod
    def unlock(cls, header: dict[str, Any], passphrase: str) -> Sealer:
        """The key described by `header`, if `passphrase` is the right one.

        Raises `HeaderError` (naming the field) for a malformed header, before
        any key is derived, and `WrongPassphrase` if the passphrase does not
        open the header's check value.
        """
        secret = _normalise(passphrase)
        n, r, p, salt, check = _read_header(header)
        sealer = cls(_derive(secret, salt, n, r, p))
        try:
            token = sealer._open(check, _CHECK_AAD)
        except SealBroken:
            raise WrongPassphrase() from None
        if token != _CHECK_TOKEN:
            raise WrongPassphrase()
        return sealer

    def seal(self, data: bytes, context: bytes = b"") -> bytes:
        """`MAGIC` + a fresh nonce + the encrypted `data`, bound to `context`.

        Pass the same `context` (the file's relative name) to `open`.
        """
        return self._seal(data, _DATA_AAD + _as_bytes(context, "context"))

    def open(self, blob: bytes, context: bytes = b"") -> bytes:
        """The data sealed in `blob` with this key and `context`.

        Raises `SealBroken` if the blob is not sealed, is cut short, was
        altered, was sealed with another key or under another context.
        """
        return self._open(blob, _DATA_AAD + _as_bytes(context, "context"))

    def _seal(self, data: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        return MAGIC + nonce + self._aead.encrypt(nonce, _as_bytes(data, "data"), MAGIC + aad)

    def _open(self, blob: bytes, aad: bytes) -> bytes:
        blob = _as_bytes(blob, "blob")
        if not is_sealed(blob):
            raise SealBroken(
                "the data is not sealed (it does not start with the sealed-file marker): "
                "it was altered or damaged"
            )
        if len(blob) < len(MAGIC) + NONCE_SIZE + TAG_SIZE:
            raise SealBroken("the sealed data is cut short: it was altered or damaged")
        nonce = blob[len(MAGIC) : len(MAGIC) + NONCE_SIZE]
        try:
            return self._aead.decrypt(nonce, blob[len(MAGIC) + NONCE_SIZE :], MAGIC + aad)
        except InvalidTag:
            raise SealBroken() from None

    def __repr__(self) -> str:
        return f"Sealer({CIPHER}, key not shown)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Sealer holds a key and cannot be pickled or copied")


def _as_bytes(value: object, name: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"{name} must be bytes, not {type(value).__name__}")


def _field(header: dict[str, Any], name: str, kind: type) -> Any:
    if name not in header:
        raise HeaderError(name, "it is missing")
    value = header[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise HeaderError(
            name,
            f"should be {'an integer' if kind is int else 'a string'}, not {type(value).__name__}",
        )
    return value


def _expect(header: dict[str, Any], name: str, wanted: str | int) -> None:
    value = _field(header, name, type(wanted))
    if value != wanted:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise HeaderError(name, f"should be {wanted!r}, not {shown}")


def _base64_field(header: dict[str, Any], name: str) -> bytes:
    text = _field(header, name, str)
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise HeaderError(name, "it is not valid base64") from None


def _read_header(header: dict[str, Any]) -> tuple[int, int, int, bytes, bytes]:
    """Check every field of a key header; the scrypt cost, salt and check value."""
    if not isinstance(header, dict):
        raise HeaderError("header", f"should be a JSON object, not {type(header).__name__}")
    _expect(header, "format", HEADER_FORMAT)
    _expect(header, "version", HEADER_VERSION)
    _expect(header, "kdf", KDF)
    n = _field(header, "n", int)
    r = _field(header, "r", int)
    p = _field(header, "p", int)
    for name, value in (("n", n), ("r", r), ("p", p)):
        problem = _cost_problem(name, value, n=n)
        if problem:
            raise HeaderError(name, problem)
    salt = _base64_field(header, "salt")
    if len(salt) != SALT_SIZE:
        raise HeaderError("salt", f"should be {SALT_SIZE} bytes, not {len(salt)}")
    _expect(header, "cipher", CIPHER)
    check = _base64_field(header, "check")
    if not is_sealed(check) or len(check) < len(MAGIC) + NONCE_SIZE + TAG_SIZE:
        raise HeaderError("check", "it is not a sealed value")
    return n, r, p, salt, check
