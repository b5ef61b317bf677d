"""Sealing bytes with a passphrase-derived key (issue 6: optional encryption at rest)."""

from __future__ import annotations

import base64
import copy
import json
import pickle
import unicodedata
from typing import Any

import pytest
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from assistant.records.crypto import (
    DEFAULT_COST,
    MAGIC,
    CryptoError,
    HeaderError,
    SealBroken,
    Sealer,
    WrongPassphrase,
    is_sealed,
)

FAST = (2**10, 8, 1)
PASSPHRASE = "correct horse battery staple"
DOCUMENT = json.dumps({"_default": {"1": {"ref": "LA-2026-0042"}}}).encode()
NAME = b"cases.json"


@pytest.fixture
def made() -> tuple[Sealer, dict[str, Any]]:
    return Sealer.create(PASSPHRASE, FAST)


def derived_key(header: dict[str, Any], passphrase: str) -> bytes:
    """The key as scrypt gives it, worked out here independently of the module."""
    kdf = Scrypt(
        salt=base64.b64decode(header["salt"]),
        length=32,
        n=header["n"],
        r=header["r"],
        p=header["p"],
    )
    return kdf.derive(passphrase.encode("utf-8"))


def test_default_cost() -> None:
    """issue 6: optional encryption at rest — new keys use scrypt n=2**15, r=8, p=1."""
    assert DEFAULT_COST == (2**15, 8, 1)


def test_round_trip(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — sealed data opens to what was sealed."""
    sealer, _header = made
    blob = sealer.seal(DOCUMENT, NAME)
    assert is_sealed(blob)
    assert blob.startswith(MAGIC)
    assert DOCUMENT not in blob
    assert sealer.open(blob, NAME) == DOCUMENT
    assert sealer.open(sealer.seal(b"")) == b""


def test_round_trip_through_unlock(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — the stored header and passphrase give the key back."""
    sealer, header = made
    blob = sealer.seal(DOCUMENT, NAME)
    stored = json.loads(json.dumps(header))
    again = Sealer.unlock(stored, PASSPHRASE)
    assert again.open(blob, NAME) == DOCUMENT
    assert sealer.open(again.seal(DOCUMENT, NAME), NAME) == DOCUMENT


def test_passphrase_is_unicode_normalised() -> None:
    """issue 6: optional encryption at rest — the same text typed two ways unlocks the key."""
    composed = unicodedata.normalize("NFC", "café crème brûlée")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    _sealer, header = Sealer.create(composed, FAST)
    Sealer.unlock(header, decomposed)


@pytest.mark.parametrize("wrong", ["correct horse battery stapl", "", PASSPHRASE.upper()])
def test_wrong_passphrase(made: tuple[Sealer, dict[str, Any]], wrong: str) -> None:
    """issue 6: optional encryption at rest — a wrong passphrase is refused, saying so."""
    _sealer, header = made
    with pytest.raises(WrongPassphrase) as caught:
        Sealer.unlock(header, wrong)
    assert str(caught.value) == "wrong passphrase: nothing was read or changed"
    assert isinstance(caught.value, CryptoError)
    assert isinstance(caught.value, ValueError)
    assert PASSPHRASE not in str(caught.value)
    assert caught.value.__cause__ is None


def test_flipped_bit_is_refused(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — a single flipped bit anywhere breaks the seal."""
    sealer, _header = made
    blob = sealer.seal(DOCUMENT, NAME)
    for position in (len(MAGIC), len(MAGIC) + 5, len(MAGIC) + 12, len(blob) // 2, len(blob) - 1):
        damaged = bytearray(blob)
        damaged[position] ^= 0x01
        with pytest.raises(SealBroken, match="altered or damaged"):
            sealer.open(bytes(damaged), NAME)


@pytest.mark.parametrize("keep", [0, 5, len(MAGIC), len(MAGIC) + 12, len(MAGIC) + 27, -1])
def test_truncated_blob_is_refused(made: tuple[Sealer, dict[str, Any]], keep: int) -> None:
    """issue 6: optional encryption at rest — a sealed file cut short cannot be opened."""
    sealer, _header = made
    blob = sealer.seal(DOCUMENT, NAME)
    with pytest.raises(SealBroken, match="altered or damaged"):
        sealer.open(blob[:keep], NAME)


def test_different_context_is_refused(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — a sealed file cannot stand in for another."""
    sealer, _header = made
    blob = sealer.seal(DOCUMENT, NAME)
    for other in (b"sessions.json", b"", b"cases.json ", NAME.upper()):
        with pytest.raises(SealBroken, match="altered or damaged"):
            sealer.open(blob, other)
    with pytest.raises(SealBroken):
        sealer.open(sealer.seal(DOCUMENT), NAME)


def test_plain_json_is_refused(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — plain JSON is not taken for sealed data."""
    sealer, _header = made
    assert not is_sealed(DOCUMENT)
    with pytest.raises(SealBroken, match="altered or damaged"):
        sealer.open(DOCUMENT, NAME)
    with pytest.raises(SealBroken):
        sealer.open(b"", NAME)


def test_another_key_is_refused(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — one key's data will not open with another."""
    sealer, _header = made
    other, _ = Sealer.create(PASSPHRASE, FAST)  # same passphrase, fresh salt: another key
    with pytest.raises(SealBroken):
        other.open(sealer.seal(DOCUMENT, NAME), NAME)


def test_check_value_cannot_stand_in_for_data(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — the header's check value is not openable as data."""
    sealer, header = made
    check = base64.b64decode(header["check"])
    for context in (b"", b"K", NAME):
        with pytest.raises(SealBroken):
            sealer.open(check, context)


def test_header_shape(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — the header holds the documented fields only."""
    _sealer, header = made
    assert set(header) == {"format", "version", "kdf", "n", "r", "p", "salt", "cipher", "check"}
    assert header["format"] == "reunify-key"
    assert header["version"] == 1
    assert header["kdf"] == "scrypt"
    assert (header["n"], header["r"], header["p"]) == FAST
    assert header["cipher"] == "AES-256-GCM"
    assert len(base64.b64decode(header["salt"], validate=True)) == 16
    assert is_sealed(base64.b64decode(header["check"], validate=True))


def test_fresh_salt_per_key() -> None:
    """issue 6: optional encryption at rest — two keys from one passphrase differ."""
    _a, first = Sealer.create(PASSPHRASE, FAST)
    _b, second = Sealer.create(PASSPHRASE, FAST)
    assert first["salt"] != second["salt"]
    assert first["check"] != second["check"]


def test_header_holds_no_secret(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — neither passphrase nor key is in the header."""
    _sealer, header = made
    text = json.dumps(header)
    key = derived_key(header, PASSPHRASE)
    assert len(key) == 32
    for secret in (
        PASSPHRASE,
        base64.b64encode(PASSPHRASE.encode()).decode(),
        base64.b64encode(key).decode(),
        base64.b64encode(key).decode().rstrip("="),
        base64.urlsafe_b64encode(key).decode().rstrip("="),
        key.hex(),
        key.hex().upper(),
    ):
        assert secret not in text
    assert key not in text.encode()
    for value in header.values():
        if isinstance(value, str):
            try:
                decoded = base64.b64decode(value, validate=True)
            except ValueError:
                continue
            assert key not in decoded
            assert PASSPHRASE.encode() not in decoded


def test_repr_shows_no_secret(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — repr() of a sealer hides passphrase and key."""
    sealer, header = made
    key = derived_key(header, PASSPHRASE)
    for shown in (repr(sealer), str(sealer), f"{sealer!r}", repr([sealer])):
        assert "key not shown" in shown or "Sealer" in shown
        assert PASSPHRASE not in shown
        assert key.hex() not in shown
        assert base64.b64encode(key).decode() not in shown
        assert repr(key) not in shown
    assert not hasattr(sealer, "__dict__")


def test_sealer_cannot_be_pickled_or_copied(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — the key cannot leak out through pickle."""
    sealer, _header = made
    with pytest.raises(TypeError):
        pickle.dumps(sealer)
    with pytest.raises(TypeError):
        copy.copy(sealer)


def test_two_seals_differ(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — each seal uses a fresh nonce."""
    sealer, _header = made
    first = sealer.seal(DOCUMENT, NAME)
    second = sealer.seal(DOCUMENT, NAME)
    assert first != second
    nonce = slice(len(MAGIC), len(MAGIC) + 12)
    assert first[nonce] != second[nonce]
    assert sealer.open(first, NAME) == sealer.open(second, NAME) == DOCUMENT


def test_empty_passphrase_is_refused() -> None:
    """issue 6: optional encryption at rest — an empty passphrase is refused at create."""
    with pytest.raises(CryptoError) as caught:
        Sealer.create("", FAST)
    assert str(caught.value) == "the passphrase is empty"


@pytest.mark.parametrize("short", ["Q", "1234567", "Zqw#kP9"])
def test_short_passphrase_is_refused(short: str) -> None:
    """issue 6: optional encryption at rest — a passphrase under 8 characters is refused."""
    with pytest.raises(CryptoError, match=r"too short.*at least 8 characters") as caught:
        Sealer.create(short, FAST)
    assert short not in str(caught.value)
    Sealer.create("12345678", FAST)  # eight is enough


def test_passphrase_must_be_text() -> None:
    """issue 6: optional encryption at rest — a passphrase given as bytes is a programming error."""
    with pytest.raises(TypeError):
        Sealer.create(PASSPHRASE.encode(), FAST)  # type: ignore[arg-type]


@pytest.mark.parametrize("cost", [(1000, 8, 1), (2**10, 0, 1), (2**10, 8, 0), (2**30, 8, 1)])
def test_bad_cost_is_refused(cost: tuple[int, int, int]) -> None:
    """issue 6: optional encryption at rest — an unusable scrypt cost is refused at create."""
    with pytest.raises(CryptoError, match="scrypt cost"):
        Sealer.create(PASSPHRASE, cost)


def without(header: dict[str, Any], field: str) -> dict[str, Any]:
    return {k: v for k, v in header.items() if k != field}


def changed(header: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    return {**header, field: value}


FIELDS = ["format", "version", "kdf", "n", "r", "p", "salt", "cipher", "check"]

BAD_VALUES: list[tuple[str, Any]] = [
    # wrong type
    ("format", 1),
    ("version", "1"),
    ("version", True),
    ("version", 1.0),
    ("kdf", None),
    ("n", "1024"),
    ("n", 1024.0),
    ("r", [8]),
    ("p", True),
    ("salt", 16),
    ("salt", b"AAAAAAAAAAAAAAAAAAAAAA=="),
    ("cipher", {"name": "AES-256-GCM"}),
    ("check", None),
    # wrong value
    ("format", "reunify-backup"),
    ("version", 2),
    ("kdf", "argon2id"),
    ("kdf", "pbkdf2"),
    ("n", 1000),
    ("n", 2),
    ("n", 2**40),
    ("r", 0),
    ("r", 2**10),
    ("p", 0),
    ("p", -1),
    ("cipher", "AES-128-CBC"),
    # bad base64 or wrong length
    ("salt", "not base64!"),
    ("salt", "QUJD"),  # 3 bytes, not 16
    ("salt", "é" * 24),
    ("check", "%%%%"),
    ("check", base64.b64encode(b"not a sealed value").decode()),
]


@pytest.mark.parametrize("field", FIELDS)
def test_missing_header_field(made: tuple[Sealer, dict[str, Any]], field: str) -> None:
    """issue 6: optional encryption at rest — a missing header field is named."""
    _sealer, header = made
    with pytest.raises(HeaderError, match=f"'{field}'") as caught:
        Sealer.unlock(without(header, field), PASSPHRASE)
    assert caught.value.field == field
    assert "missing" in str(caught.value)


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_malformed_header_field(
    made: tuple[Sealer, dict[str, Any]], field: str, value: Any
) -> None:
    """issue 6: optional encryption at rest — a malformed header field is named, not guessed at."""
    _sealer, header = made
    with pytest.raises(HeaderError, match=f"'{field}'") as caught:
        Sealer.unlock(changed(header, field, value), PASSPHRASE)
    assert caught.value.field == field
    assert isinstance(caught.value, CryptoError)
    assert PASSPHRASE not in str(caught.value)


@pytest.mark.parametrize("header", [None, [], "reunify-key", 42])
def test_header_not_an_object(header: Any) -> None:
    """issue 6: optional encryption at rest — a header that is not a JSON object is refused."""
    with pytest.raises(HeaderError, match="'header'"):
        Sealer.unlock(header, PASSPHRASE)


def test_tampered_check_reads_as_wrong_passphrase(made: tuple[Sealer, dict[str, Any]]) -> None:
    """issue 6: optional encryption at rest — a well-formed header that does not open is refused."""
    _sealer, header = made
    check = bytearray(base64.b64decode(header["check"]))
    check[-1] ^= 0x01
    with pytest.raises(WrongPassphrase):
        Sealer.unlock(changed(header, "check", base64.b64encode(check).decode()), PASSPHRASE)
    other_salt = base64.b64encode(bytes(16)).decode()
    with pytest.raises(WrongPassphrase):
        Sealer.unlock(changed(header, "salt", other_salt), PASSPHRASE)
