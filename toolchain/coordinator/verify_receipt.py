"""A participant's receipt checked against the ceremony: `zkt ceremony verify-receipt`.

A receipt proves the coordinator accepted a contribution only if its Ed25519 signature verifies
under the ceremony's published key, the receipt names that key, and the contribution it names
is in the chain: the same index, participant, contribution hash, previous hash and key file
sha256 as the transcript. The chain comes either from a published directory (its ceremony.json,
transcript.jsonl and key files) or from the running coordinator (GET /pubkey, /transcript).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from toolchain.ceremony.transcript import Record
from toolchain.coordinator import receipts
from toolchain.coordinator.client import Coordinator
from toolchain.coordinator.protocol import Receipt, TranscriptEntry
from toolchain.coordinator.published import read_published, recorded_chain, recorded_key
from toolchain.errors import VerificationError


def expected_from_record(ceremony: str, circuit: str, record: Record) -> dict[str, object]:
    """What a receipt for transcript `record` of `circuit` must say."""
    return {
        "ceremony": ceremony,
        "circuit": circuit,
        "index": record.index,
        "participant": record.name,
        "contribution_hash": record.contribution_hash,
        "previous_hash": record.previous_hash,
        "file_sha256": record.file.sha256,
    }


def expected_from_entry(ceremony: str, circuit: str, entry: TranscriptEntry) -> dict[str, object]:
    """What a receipt for the coordinator's transcript `entry` of `circuit` must say."""
    return {
        "ceremony": ceremony,
        "circuit": circuit,
        "index": entry.index,
        "participant": entry.participant,
        "contribution_hash": entry.contribution_hash,
        "previous_hash": entry.previous_hash,
        "file_sha256": entry.sha256,
    }


def check_fields(receipt: Receipt, expected: Mapping[str, object], source: str) -> None:
    """Every field in `expected` is what the receipt says (VerificationError naming the first
    that differs, and `source`, where the expected value comes from)."""
    for field, want in expected.items():
        got = getattr(receipt, field)
        if got != want:
            raise VerificationError(
                f"receipt {receipt.circuit} #{receipt.index}: {field} is {_short(got)},"
                f" {source} says {_short(want)}"
            )


def _short(value: object) -> str:
    text = str(value)
    return f"{text[:16]}…" if len(text) > 24 else repr(text) if isinstance(value, str) else text


def check_against_published(path: Path, directory: Path) -> Receipt:
    """The receipt at `path`, checked against published directory `directory`: signed by its
    coordinator key, and naming a contribution of its chain and that contribution's key file."""
    info = read_published(directory)
    receipt = receipts.verify(receipts.read_receipt(path), info.coordinator_public_key)
    what = f"receipt {receipt.circuit} #{receipt.index}"
    if receipt.circuit not in info.circuits:
        raise VerificationError(f"{what}: {directory} has no circuit {receipt.circuit!r}")
    records = recorded_chain(directory, receipt.circuit)
    record = next((r for r in records if r.index == receipt.index), None)
    if record is None or record.kind != "contribution":
        raise VerificationError(
            f"{what}: contribution {receipt.index} is not in the published chain"
            f" (its last key is {records[-1].index})"
        )
    expected = expected_from_record(info.ceremony, receipt.circuit, record)
    check_fields(receipt, expected, "the transcript")
    recorded_key(directory, receipt.circuit, record)
    return receipt


def check_against_server(path: Path, coordinator: Coordinator) -> Receipt:
    """The receipt at `path`, checked against the running coordinator's current chain: signed
    by its key (GET /pubkey), and naming a contribution of GET /transcript/{circuit}."""
    public_key = coordinator.public_key()
    receipt = receipts.verify(receipts.read_receipt(path), public_key)
    ceremony = coordinator.ceremony().ceremony
    entries = coordinator.transcript(receipt.circuit)
    entry = next((e for e in entries if e.index == receipt.index), None)
    if entry is None or entry.kind != "contribution":
        raise VerificationError(
            f"receipt {receipt.circuit} #{receipt.index}: contribution {receipt.index} is not in"
            f" the coordinator's chain (its last key is {entries[-1].index if entries else None})"
        )
    expected = expected_from_entry(ceremony, receipt.circuit, entry)
    check_fields(receipt, expected, "the coordinator's transcript")
    return receipt
