"""A published ceremony directory laid out from a local ceremony, as `finalize --coordinator`
lays out its own (CEREMONY.md), with receipts signed by a test key: what the verifiers read."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from toolchain.api import ceremony as ceremony_api
from toolchain.api.workspace import Workspace
from toolchain.ceremony.transcript import Record, append_record, file_hashes
from toolchain.coordinator import receipts
from toolchain.coordinator.protocol import Receipt
from toolchain.coordinator.published import key_path, receipt_path
from toolchain.hashing import hash_file

CEREMONY = "zk-toolchain example circuits"


def receipt_for(key: Ed25519PrivateKey, circuit: str, record: Record) -> receipts.SignedReceipt:
    """The receipt a coordinator signs when it accepts `record`."""
    receipt = Receipt(
        ceremony=CEREMONY,
        circuit=circuit,
        index=record.index,
        participant=record.name,
        contribution_hash=record.contribution_hash,
        previous_hash=record.previous_hash,
        file_sha256=record.file.sha256,
        time=record.time,
        coordinator_public_key=receipts.public_key_hex(key),
    )
    return receipts.sign(key, receipt)


def publish_chain(out: Path, circuit: str, keys: list[Path], records: list[Record]) -> list[Record]:
    """Copy `keys` to out/CIRCUIT/ and write its transcript from `records` (paths, links anew)."""
    folder = out / circuit
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "transcript.jsonl").unlink(missing_ok=True)
    published = []
    for record, key in zip(records, keys, strict=True):
        dest = key_path(out, circuit, record.index)
        shutil.copyfile(key, dest)
        moved = replace(record, file=file_hashes(dest, out))
        published.append(append_record(folder / "transcript.jsonl", moved))
    return published


def publish(
    ws: Workspace, circuits: list[str], ptau: Path, key: Ed25519PrivateKey, out: Path
) -> Path:
    """`out` laid out from the finished local ceremonies of `circuits` in `ws`."""
    config = ceremony_api.ceremony_config(ws)
    out.mkdir(parents=True)
    shutil.copyfile(ptau, out / "phase1.ptau")
    (out / "coordinator.pub").write_text(receipts.public_key_hex(key) + "\n")
    for circuit in circuits:
        records = ceremony_api.transcript(ws, circuit)
        keys = [ws.project.root / r.file.path for r in records]
        (out / circuit / "receipts").mkdir(parents=True)
        shutil.copyfile(ws.project.r1cs(circuit), out / circuit / "circuit.r1cs")
        for record in publish_chain(out, circuit, keys, records):
            if record.kind == "contribution":
                signed = receipt_for(key, circuit, record)
                receipts.write_receipt(receipt_path(out, circuit, record.index), signed)
    info = {
        "ceremony": CEREMONY,
        "coordinator_public_key": receipts.public_key_hex(key),
        "min_contributions": config.ceremony.min_contributions,
        "beacon": config.beacon.model_dump(),
        "ptau": {"file": "phase1.ptau", "blake2b": hash_file(ptau, "blake2b")},
        "circuits": circuits,
    }
    (out / "ceremony.json").write_text(json.dumps(info, indent=2) + "\n")
    return out


def edit_json(path: Path, **changes: object) -> None:
    """Rewrite JSON file `path` with top-level `changes`."""
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, **changes}, indent=2) + "\n")
