"""Helpers for the manifest tests: damaged files and manifests edited by hand or by an attacker."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.unit.formats.helpers import vector
from tests.unit.integrity.conftest import NAME
from toolchain.api.workspace import Workspace
from toolchain.ceremony.transcript import Record, append_record, file_hashes, read_transcript
from toolchain.formats.zkey import open_zkey
from toolchain.hashing import hash_file
from toolchain.integrity import lock as manifest_lock
from toolchain.integrity import verify as manifest_verify
from toolchain.integrity.model import kind_of, manifest_path, ptau_id
from toolchain.integrity.report import Report
from toolchain.paths import Project


def flip_byte(path: Path) -> None:
    """Invert one byte in the middle of a file."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def edit_manifest(project: Project, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply `change` to the decoded artifacts/manifest.json and write it back."""
    path = manifest_path(project)
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def forge(project: Project, art_id: str, path: Path) -> None:
    """Lock `art_id` as `path` hashes now, links to it included: what a careful attacker does."""
    hashes = file_hashes(path)

    def change(data: dict[str, Any]) -> None:
        art = data["artifacts"][art_id]
        art.update(size=hashes.size, sha256=hashes.sha256, blake2b=hashes.blake2b)
        ptau = kind_of(art_id) == "ptau"
        link = f"blake2b:{hashes.blake2b}" if ptau else f"sha256:{hashes.sha256}"
        for other in data["artifacts"].values():
            if art_id in other["inputs"]:
                other["inputs"][art_id] = link

    edit_manifest(project, change)


def failing(report: Report) -> dict[str, str]:
    """artifact id → detail of every failing row."""
    return {row.artifact: row.detail for row in report.failures}


def row_of(report: Report, art_id: str) -> tuple[str, str]:
    """(status, detail) of one artifact's row."""
    (row,) = [row for row in report.rows if row.artifact == art_id]
    return row.status, row.detail


def solidity(constants: dict[str, int], n_public: int) -> str:
    """The parts of snarkjs's verifier template that check_verifier reads."""
    lines = [f"    uint256 constant {name} = {value};" for name, value in constants.items()]
    signature = f"function verifyProof(uint[2] calldata _pA, uint[{n_public}] calldata _pubSignals)"
    return "\n".join([*lines, signature, "    uint16 constant pVk = 0;"])


def write_transcript(path: Path, circuit: str, r1cs_sha: str, ptau_b2: str) -> list[Record]:
    """The multiplier/poly vector chain (setup, two contributions, beacon) as a transcript."""
    steps = (
        ("0000", "setup"),
        ("0001", "contribution"),
        ("0002", "contribution"),
        ("final", "beacon"),
    )
    previous = ""
    for index, (step, kind) in enumerate(steps):
        mpc = open_zkey(vector(circuit, f"{circuit}_{step}.zkey")).read_mpc_params()
        digest = (mpc.contributions[-1].transcript if mpc.contributions else mpc.cs_hash).hex()
        inputs = {"r1cs_sha256": r1cs_sha, "ptau_blake2b": ptau_b2} if index == 0 else {}
        file = file_hashes(vector(circuit, f"{circuit}_{step}.zkey"))
        record = Record(index, kind, f"p{index}", digest, previous, file, inputs=inputs)
        append_record(path, record)
        previous = digest
    return read_transcript(path)


def lock(ws: Workspace, ptau: Path | None) -> Report:
    """`zkt artifacts lock` on the vector project."""
    return manifest_lock.lock(ws.project, ws.registry, ws.tools, ptau)


def verify(ws: Workspace, ptau: Path | None = None) -> Report:
    """`zkt artifacts verify` on the vector project (no --rebuild)."""
    return manifest_verify.verify(ws.project, ws.registry, ws.tools, ptau=ptau)


def ptau_ref(ptau: Path) -> str:
    """The manifest id of this ptau: ptau/ and the first 16 hex digits of its blake2b."""
    return ptau_id(hash_file(ptau, "blake2b"))


def transcript(ws: Workspace, ptau: Path) -> Path:
    """The vector chain recorded as multiplier_2's ceremony transcript."""
    path = ws.project.transcript(NAME)
    path.parent.mkdir(parents=True)
    write_transcript(
        path, "multiplier", hash_file(ws.project.r1cs(NAME)), hash_file(ptau, "blake2b")
    )
    return path
