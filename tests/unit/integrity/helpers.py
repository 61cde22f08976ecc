"""Helpers for the manifest tests: damaged files and manifests edited by hand or by an attacker."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.unit.formats.helpers import vector
from toolchain.ceremony.transcript import Record, append_record, file_hashes, read_transcript
from toolchain.formats.zkey import open_zkey
from toolchain.integrity.model import kind_of, manifest_path
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
