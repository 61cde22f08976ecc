"""Signed receipts: the coordinator's Ed25519 key, kept for the life of the ceremony.

The key is created once in the data directory (PKCS#8 PEM, mode 0600, written atomically) and
read at every start, so receipts issued before a restart keep verifying; a key file others may
read is refused. A receipt is signed over a domain tag and its canonical JSON (sorted keys, no
spaces); anyone verifies it with the 32-byte public key the ceremony publishes.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import ValidationError

from toolchain.coordinator.protocol import Receipt, SignedReceipt
from toolchain.errors import ConfigError, FormatError, VerificationError
from toolchain.fsutil import write_atomic
from toolchain.textlimits import JsonRefusal, load_json

DOMAIN = b"zk-toolchain ceremony receipt v1\n"
KEY_FILE = "coordinator_ed25519.pem"
MAX_RECEIPT_BYTES = 16_384


def load_or_create_key(data_dir: Path) -> Ed25519PrivateKey:
    """The coordinator's signing key from `data_dir`, created (0600) on the first start only."""
    path = data_dir / KEY_FILE
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_atomic(path, pem, private=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"{path}: mode {mode:o} lets others read the signing key (chmod 600)")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: not a PEM Ed25519 private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path}: not an Ed25519 key")
    return key


def public_key_hex(key: Ed25519PrivateKey) -> str:
    """The raw 32-byte public key, hex: what the ceremony publishes."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def signed_bytes(receipt: Receipt) -> bytes:
    """What the signature covers: the domain tag and the receipt's canonical JSON."""
    body = json.dumps(receipt.model_dump(), sort_keys=True, separators=(",", ":"))
    return DOMAIN + body.encode()


def sign(key: Ed25519PrivateKey, receipt: Receipt) -> SignedReceipt:
    """`receipt` signed by the coordinator; its public key must be the one it names."""
    if receipt.coordinator_public_key != public_key_hex(key):
        raise ValueError("a receipt names the key that signs it")
    return SignedReceipt(receipt=receipt, signature=key.sign(signed_bytes(receipt)).hex())


def verify(signed: SignedReceipt, public_key: str) -> Receipt:
    """The receipt, once its signature verifies under `public_key` (hex) and names that key."""
    what = f"receipt {signed.receipt.circuit} #{signed.receipt.index}"
    if signed.receipt.coordinator_public_key.lower() != public_key.lower():
        raise VerificationError(f"{what}: signed by another coordinator key")
    try:
        pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        pub.verify(bytes.fromhex(signed.signature), signed_bytes(signed.receipt))
    except (ValueError, InvalidSignature):
        raise VerificationError(f"{what}: the signature does not verify") from None
    return signed.receipt


def read_receipt(path: Path) -> SignedReceipt:
    """A receipt file, parsed within the untrusted-JSON limits; FormatError if it is not one."""
    try:
        data = load_json(path.read_bytes(), max_depth=4, max_bytes=MAX_RECEIPT_BYTES)
        return SignedReceipt.model_validate(data)
    except (JsonRefusal, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise FormatError(f"{path}: not a signed receipt: {first}") from None


def write_receipt(path: Path, signed: SignedReceipt) -> None:
    """A receipt file, as `read_receipt` reads it (pretty JSON, atomic)."""
    write_atomic(path, (signed.model_dump_json(indent=2) + "\n").encode())
