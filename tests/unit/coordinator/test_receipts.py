"""Receipts: one key for the life of the ceremony, signatures that catch any edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from toolchain.coordinator import receipts
from toolchain.coordinator.protocol import Receipt
from toolchain.errors import ConfigError, FormatError, VerificationError


def _receipt(public_key: str, **changes: object) -> Receipt:
    fields: dict[str, object] = {
        "ceremony": "test",
        "circuit": "multiplier_2",
        "index": 1,
        "participant": "alice",
        "contribution_hash": "ab" * 64,
        "previous_hash": "cd" * 64,
        "file_sha256": "ef" * 32,
        "time": "2026-12-01T00:00:00+00:00",
        "coordinator_public_key": public_key,
    }
    return Receipt.model_validate(fields | changes)


def test_the_key_is_created_once_private_and_survives_a_restart(tmp_path: Path) -> None:
    first = receipts.load_or_create_key(tmp_path)
    assert os.stat(tmp_path / receipts.KEY_FILE).st_mode & 0o777 == 0o600
    again = receipts.load_or_create_key(tmp_path)
    assert receipts.public_key_hex(again) == receipts.public_key_hex(first)
    signed = receipts.sign(first, _receipt(receipts.public_key_hex(first)))
    assert receipts.verify(signed, receipts.public_key_hex(again)) == signed.receipt


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    receipts.load_or_create_key(tmp_path)
    os.chmod(tmp_path / receipts.KEY_FILE, 0o644)
    with pytest.raises(ConfigError, match=r"mode 644 lets others read the signing key"):
        receipts.load_or_create_key(tmp_path)


def test_a_key_file_that_is_not_a_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / receipts.KEY_FILE).write_bytes(b"not a key")
    os.chmod(tmp_path / receipts.KEY_FILE, 0o600)
    with pytest.raises(ConfigError, match=r"not a PEM Ed25519 private key"):
        receipts.load_or_create_key(tmp_path)


@pytest.mark.parametrize(
    "field, value",
    [("index", 2), ("participant", "mallory"), ("file_sha256", "00" * 32), ("circuit", "x")],
)
def test_any_edited_field_breaks_the_signature(tmp_path: Path, field: str, value: object) -> None:
    key = receipts.load_or_create_key(tmp_path)
    pub = receipts.public_key_hex(key)
    signed = receipts.sign(key, _receipt(pub))
    forged = signed.model_copy(update={"receipt": _receipt(pub, **{field: value})})
    with pytest.raises(VerificationError, match=r"the signature does not verify"):
        receipts.verify(forged, pub)


def test_a_receipt_from_another_coordinator_is_refused(tmp_path: Path) -> None:
    ours = receipts.load_or_create_key(tmp_path / "a")
    theirs = receipts.load_or_create_key(tmp_path / "b")
    signed = receipts.sign(theirs, _receipt(receipts.public_key_hex(theirs)))
    with pytest.raises(VerificationError, match=r"signed by another coordinator key"):
        receipts.verify(signed, receipts.public_key_hex(ours))


def test_receipt_files_round_trip_and_garbage_is_a_format_error(tmp_path: Path) -> None:
    key = receipts.load_or_create_key(tmp_path)
    signed = receipts.sign(key, _receipt(receipts.public_key_hex(key)))
    receipts.write_receipt(tmp_path / "r.json", signed)
    assert receipts.read_receipt(tmp_path / "r.json") == signed
    (tmp_path / "bad.json").write_text('{"receipt": {}, "signature": "00", "extra": 1}')
    with pytest.raises(FormatError, match=r"bad.json: not a signed receipt"):
        receipts.read_receipt(tmp_path / "bad.json")
    (tmp_path / "deep.json").write_text("[" * 100 + "]" * 100)
    with pytest.raises(FormatError, match=r"nested deeper than 4 levels"):
        receipts.read_receipt(tmp_path / "deep.json")
