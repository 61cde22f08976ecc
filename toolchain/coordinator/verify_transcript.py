"""The independent verifier of a published ceremony: `zkt ceremony verify-transcript DIR`.

Anyone runs it with the pinned snarkjs and nothing from the coordinator but its published
directory (layout in published.py). For each circuit, in order:

1. the transcript: hash-linked lines, each record building on the one before, every key file
   with the size and hashes its record gives;
2. the initial key: `snarkjs groth16 setup` from circuit.r1cs and the ptau (whose blake2b
   ceremony.json pins) rebuilds it byte for byte, in a temporary directory;
3. every step natively, pairwise: the acceptance checks the coordinator runs on each upload
   (ceremony/checks.py), and each key's contributions as the transcript records them;
4. every contribution's receipt: signed with ceremony.json's coordinator key, naming the
   record's circuit, index, participant, hashes and key file;
5. the last key: `snarkjs zkey verify` replays the whole chain from r1cs + ptau, with at least
   min_contributions real contributions and the committed beacon last.

Any fault raises (VerificationError, IntegrityError or FormatError, one line); nothing is
written outside the temporary directory, which is removed either way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolchain.ceremony import checks, phase2
from toolchain.ceremony.transcript import Record
from toolchain.coordinator import receipts
from toolchain.coordinator.published import (
    PUBLIC_KEY_FILE,
    PublishedCeremony,
    read_published,
    receipt_path,
    recorded_chain,
    recorded_key,
)
from toolchain.coordinator.verify_receipt import check_fields, expected_from_record
from toolchain.errors import IntegrityError, UsageError, VerificationError
from toolchain.formats.zkey import ZkeyContribution
from toolchain.hashing import hash_file
from toolchain.runner.tools import Tools

Reporter = Callable[[str], None]


@dataclass(frozen=True)
class Verified:
    """One verified step after the setup: a contribution or the beacon."""

    circuit: str
    index: int
    participant: str
    contribution_hash: str

    def line(self) -> str:
        """What verify-transcript prints for it."""
        return (
            f"{self.circuit}  {self.index:>4}  {self.participant:<24}"
            f"  {self.contribution_hash[:16]}  OK"
        )


def verify_published(
    directory: Path, tools: Tools, ptau: Path | None = None, report: Reporter = lambda _: None
) -> list[Verified]:
    """Every circuit of the published `directory`, verified; each circuit's steps are reported
    (`Verified.line`) once the whole circuit holds."""
    info = read_published(directory)
    check_public_key_file(directory, info)
    source = published_ptau(directory, info, ptau)
    verified: list[Verified] = []
    with tempfile.TemporaryDirectory(prefix="zkt-verify-") as work:
        for circuit in info.circuits:
            steps = verify_circuit(directory, info, tools, source, circuit, Path(work))
            for step in steps:
                report(step.line())
            verified += steps
    return verified


def check_public_key_file(directory: Path, info: PublishedCeremony) -> None:
    """DIR/coordinator.pub is the key ceremony.json names."""
    path = directory / PUBLIC_KEY_FILE
    if not path.is_file():
        raise IntegrityError(f"{directory}: no {PUBLIC_KEY_FILE}")
    if path.read_text(errors="replace").strip().lower() != info.coordinator_public_key:
        raise IntegrityError(f"{path}: not the coordinator key ceremony.json names")


def published_ptau(directory: Path, info: PublishedCeremony, explicit: Path | None) -> Path:
    """The ptau to verify against (`explicit`, else the published one): its blake2b must be the
    one ceremony.json pins."""
    path = explicit if explicit is not None else directory / info.ptau.file
    if not path.is_file():
        error = UsageError if explicit is not None else IntegrityError
        raise error(f"{path}: no such ptau file")
    found = hash_file(path, "blake2b")
    if found != info.ptau.blake2b:
        raise IntegrityError(
            f"{path}: blake2b {found[:16]}…, the ceremony was set up on {info.ptau.blake2b[:16]}…"
            " (ceremony.json)"
        )
    return path


def verify_circuit(
    directory: Path, info: PublishedCeremony, tools: Tools, ptau: Path, circuit: str, work: Path
) -> list[Verified]:
    """One circuit's chain, steps 1 to 5 of the module docstring."""
    records = recorded_chain(directory, circuit)
    keys = [recorded_key(directory, circuit, record) for record in records]
    r1cs = directory / circuit / "circuit.r1cs"
    check_initial_key(tools, r1cs, ptau, keys[0], work)
    check_steps(circuit, records, keys, info.min_contributions)
    check_receipts(directory, info, circuit, records)
    checks.accept_final(tools, r1cs, ptau, keys[-1], info.beacon, info.min_contributions)
    return [Verified(circuit, r.index, r.name, r.contribution_hash) for r in records[1:]]


def check_initial_key(tools: Tools, r1cs: Path, ptau: Path, initial: Path, work: Path) -> None:
    """`groth16 setup` from `r1cs` and `ptau` makes exactly the published initial key."""
    if not r1cs.is_file():
        raise IntegrityError(f"{r1cs} is missing")
    phase2.check_verify_inputs(initial, r1cs, ptau)
    rebuilt = phase2.new_zkey(tools, r1cs, ptau, work / initial.name)
    if hash_file(rebuilt) != hash_file(initial):
        raise VerificationError(
            f"{initial.name} is not the initial key groth16 setup makes from"
            f" {r1cs.parent.name}/{r1cs.name} and {ptau.name}"
        )


def check_steps(circuit: str, records: list[Record], keys: list[Path], minimum: int) -> None:
    """Each key extends the one before by one contribution the coordinator could accept, and
    holds the contributions the transcript records, named as recorded."""
    previous = phase2.read_key(keys[0])
    checks.check_matches_transcript(records[:1], previous.mpc, f"{circuit}: {previous.name}")
    for number in range(1, len(records)):
        current = phase2.read_key(keys[number])
        added = checks.accept_step(previous, current, minimum)
        checks.check_matches_transcript(
            records[: number + 1], current.mpc, f"{circuit}: {current.name}"
        )
        check_record_kind(circuit, records[number], added)
        previous = current


def check_record_kind(circuit: str, record: Record, added: ZkeyContribution) -> None:
    """The record says what the key holds: the beacon, or a contribution under its name."""
    what = f"{circuit}: record {record.index}"
    if added.params.is_beacon:
        if record.kind != "beacon":
            raise VerificationError(f"{what} is a {record.kind!r}, the key holds the beacon")
        return
    if record.kind != "contribution" or record.name != added.params.name:
        raise VerificationError(
            f"{what} is a {record.kind!r} by {record.name!r}, the key holds a contribution"
            f" named {added.params.name!r}"
        )


def check_receipts(
    directory: Path, info: PublishedCeremony, circuit: str, records: list[Record]
) -> None:
    """Every contribution has its receipt, signed by the coordinator key, naming it."""
    for record in records:
        if record.kind != "contribution":
            continue
        path = receipt_path(directory, circuit, record.index)
        if not path.is_file():
            raise IntegrityError(
                f"{circuit}: contribution {record.index} by {record.name} has no receipt"
                f" ({path.relative_to(directory)} is missing)"
            )
        receipt = receipts.verify(receipts.read_receipt(path), info.coordinator_public_key)
        check_fields(
            receipt, expected_from_record(info.ceremony, circuit, record), "the transcript"
        )
