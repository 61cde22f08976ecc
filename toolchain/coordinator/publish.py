"""`zkt ceremony finalize --coordinator`: close the served ceremony and publish it.

Refused until every circuit has min_contributions accepted, and (before anything changes) when
the project's local layout is not a prefix of what finalize writes: a local transcript that
differs from the coordinator's chain, a recorded key that is not the one its record and the
coordinator name, or artifacts that are not this chain's beacon key. Then
the database says closed (the server answers ceremony_closed from then on), every chain is
re-verified, and each circuit's accepted keys become the project's own ceremony layout
(build/NAME/ceremony/NAME_NNNN.zkey and ceremony/transcripts/NAME.jsonl records) so that the
existing local code applies the committed beacon, verifies the whole chain (snarkjs too) and
exports artifacts/NAME/; the manifest is locked again through the api. Last, the published
directory anyone verifies:

    DIR/ceremony.json, coordinator.pub, README.md, phase1.ptau
    DIR/<circuit>/circuit.r1cs, <circuit>_NNNN.zkey (every key, the beacon's last),
                  transcript.jsonl (paths relative to DIR), receipts/<circuit>_NNNN.json

Every step is resumable: run again after a crash, finalize skips what is already done and
checked and redoes the rest; the published directory is rewritten. What a previous run left is
never trusted as it is:
- every recorded key (build/NAME/ceremony/NAME_NNNN.zkey) is hashed again and must be what its
  record says and, up to the beacon, the key the coordinator accepted (step.sha256); else an
  IntegrityError naming the circuit and the file, before anything changes;
- a beacon already applied is kept (its record and key were checked above);
- artifacts already exported from the beacon key (final.zkey hashes to the beacon's record):
  the beacon key is checked natively against the coordinator's last accepted key and the
  committed beacon, then verification_key.json and verifier.sol are always exported again from
  it (they are cheap to derive; comparing would cost the same export), and a file that differed
  is reported; so a stale or tampered verification key or verifier is never locked;
- an export cut short (final.zkey is the beacon key, the rest missing) is exported again in full.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

from toolchain import __version__
from toolchain.api import ceremony as api_ceremony
from toolchain.api.artifacts import lock_artifacts
from toolchain.api.workspace import Workspace
from toolchain.api.zkey import export_zkey
from toolchain.build import Reporter
from toolchain.ceremony import checks
from toolchain.ceremony.phase2 import read_key
from toolchain.ceremony.transcript import Record, append_record, file_hashes, read_transcript
from toolchain.coordinator import receipts
from toolchain.coordinator.db import Step
from toolchain.coordinator.protocol import SignedReceipt
from toolchain.coordinator.published import (
    CEREMONY_FILE,
    PUBLIC_KEY_FILE,
    PtauReference,
    PublishedCeremony,
)
from toolchain.coordinator.serve import data_dir, open_coordinator
from toolchain.coordinator.service import Coordinator
from toolchain.errors import IntegrityError, UsageError
from toolchain.fsutil import write_atomic
from toolchain.hashing import hash_file

AGAIN = "then run `zkt ceremony finalize --coordinator` again"


def finalize(ws: Workspace, data: Path | None, out: Path | None, report: Reporter) -> Path:
    """Close the ceremony, finalize every circuit through the local ceremony code, lock the
    manifest and write the published directory (returned)."""
    coordinator = open_coordinator(ws, data)
    _check_enough(coordinator)
    for circuit in coordinator.settings.circuits:
        _check_local_layout(ws, coordinator, circuit)
        check_recorded_keys(ws, coordinator, circuit)
    close(coordinator, report)
    for circuit in coordinator.settings.circuits:
        finalize_circuit(ws, coordinator, circuit, report)
    lock_artifacts(ws, None, report)
    folder = out if out is not None else data_dir(ws, data) / "published"
    _publish(ws, coordinator, folder)
    return folder


def _check_enough(coordinator: Coordinator) -> None:
    minimum = coordinator.settings.min_contributions
    short = [
        f"{state.name} has {state.contributions}"
        for state in map(coordinator.circuit_state, coordinator.settings.circuits)
        if state.contributions < minimum
    ]
    if short:
        raise UsageError(
            f"not enough contributions to finalize: {', '.join(short)}; min_contributions is"
            f" {minimum}"
        )


def _check_local_layout(ws: Workspace, coordinator: Coordinator, circuit: str) -> None:
    """UsageError unless the local transcript is a prefix of the coordinator's chain (then its
    beacon) and artifacts/NAME/final.zkey, if any, is that beacon's key."""
    records, steps = api_ceremony.transcript(ws, circuit), coordinator.db.steps(circuit)
    extra = records[len(steps) :]
    ours = all(
        r.contribution_hash == s.contribution_hash for r, s in zip(records, steps, strict=False)
    )
    if not ours or len(extra) > 1 or any(r.kind != "beacon" for r in extra):
        raise UsageError(
            f"{circuit}: {ws.project.transcript(circuit)} is not the coordinator's chain: move"
            f" the local ceremony of {circuit} away, {AGAIN}"
        )
    final = ws.project.zkey(circuit)
    if final.is_file() and not (extra and _is_key_of(final, extra[0])):
        raise UsageError(
            f"{circuit}: {final} is not this ceremony's final key: move {final.parent} away,"
            f" {AGAIN}"
        )


def close(coordinator: Coordinator, report: Reporter) -> None:
    """The database says closed: the server accepts nothing more (again: nothing changes)."""
    with coordinator.db.transaction():
        coordinator.db.set_meta("closed", "1")
    report("ceremony closed: the coordinator accepts nothing more")


def finalize_circuit(
    ws: Workspace, coordinator: Coordinator, circuit: str, report: Reporter
) -> None:
    """The chain re-verified and written locally, the beacon applied and the artifacts exported,
    each step skipped when a previous run already did it (and what it left checked)."""
    steps = coordinator.verify_chain(circuit)
    write_local_chain(ws, coordinator, circuit, steps)
    last = api_ceremony.transcript(ws, circuit)[-1]
    if last.kind != "beacon":
        last = api_ceremony.beacon(ws, circuit)
    project = ws.project
    if _is_key_of(project.zkey(circuit), last):
        if project.vkey(circuit).is_file() and project.verifier_sol(circuit).is_file():
            _check_beacon(ws, coordinator.store.path(steps[-1].sha256), last)
            export_again(ws, circuit, report)
            return
        project.zkey(circuit).unlink()  # an export cut short: exported again below
    api_ceremony.finalize(ws, circuit, None, report)
    report(f"{circuit}: beacon applied, chain verified, artifacts exported")


def check_recorded_keys(ws: Workspace, coordinator: Coordinator, circuit: str) -> None:
    """IntegrityError naming the first key a previous run recorded that no longer hashes to its
    record or, up to the beacon, to the key the coordinator accepted (`_check_local_layout`
    already matched the records to the chain)."""
    records, steps = api_ceremony.transcript(ws, circuit), coordinator.db.steps(circuit)
    for record, step in zip(records, steps, strict=False):
        if record.file.sha256 != step.sha256:
            raise IntegrityError(
                f"{circuit}: record {record.index} of {ws.project.transcript(circuit)} names key"
                f" sha256 {record.file.sha256[:16]}…, the coordinator accepted"
                f" {step.sha256[:16]}…: the transcript changed since finalize last ran: restore"
                f" it, {AGAIN}"
            )
        store = coordinator.store.path(step.sha256)
        _check_key(ws, circuit, record, f"key {step.idx} as the coordinator accepted it",
                   f"copy {store} over it")  # fmt: skip
    for beacon in records[len(steps) :]:
        _check_key(ws, circuit, beacon, "the beacon key recorded", "restore it")


def _check_key(ws: Workspace, circuit: str, record: Record, wanted: str, advice: str) -> None:
    key = ws.project.root / record.file.path
    found = hash_file(key) if key.is_file() else None
    if found != record.file.sha256:
        what = "is missing" if found is None else f"has sha256 {found[:16]}…"
        raise IntegrityError(
            f"{circuit}: {record.file.path} {what}, not {wanted} ({record.file.sha256[:16]}…):"
            f" {advice}, {AGAIN}"
        )


def _check_beacon(ws: Workspace, accepted: Path, beacon: Record) -> None:
    """The recorded beacon key extends the coordinator's last accepted key by the beacon
    ceremony.toml commits (native checks; what the run that exported it verified)."""
    config = api_ceremony.ceremony_config(ws)
    key = read_key(ws.project.root / beacon.file.path)
    checks.accept_step(read_key(accepted), key, config.ceremony.min_contributions)
    checks.check_beacon_committed(key.mpc, config.beacon, key.name)


def export_again(ws: Workspace, circuit: str, report: Reporter) -> None:
    """verification_key.json and verifier.sol derived again from the verified final.zkey,
    over what is there; a file that differed is reported."""
    project = ws.project
    exported = (project.vkey(circuit), project.verifier_sol(circuit))
    before = [hash_file(path) for path in exported]
    export_zkey(ws.tools, project.zkey(circuit), project.zkey(circuit).parent, force=True)
    for path, old in zip(exported, before, strict=True):
        if hash_file(path) != old:
            report(f"WARNING: {circuit}: {path} was not what final.zkey gives: exported again")
    report(f"{circuit}: already exported from its beacon key (checked, exported again)")


def _is_key_of(path: Path, record: Record) -> bool:
    return path.is_file() and hash_file(path) == record.file.sha256


def write_local_chain(
    ws: Workspace, coordinator: Coordinator, circuit: str, steps: list[Step]
) -> None:
    """The accepted keys after the initial one as the project's ceremony keys and records
    (those already recorded are left as they are)."""
    project = ws.project
    recorded = len(read_transcript(project.transcript(circuit)))
    for step in steps[recorded:]:
        key = project.ceremony_key(circuit, step.idx)
        _copy(coordinator.store.path(step.sha256), key)
        record = Record(
            index=step.idx,
            kind=step.kind,
            name=step.participant,
            contribution_hash=step.contribution_hash,
            previous_hash=step.previous_hash,
            file=file_hashes(key, project.root),
            tools={"zk-toolchain": __version__},
            time=step.time,
            inputs={"coordinator_public_key": coordinator.public_key},
        )
        append_record(project.transcript(circuit), record)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(source, partial)
    partial.replace(target)


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        _copy(source, target)


def _publish(ws: Workspace, coordinator: Coordinator, folder: Path) -> None:
    config = api_ceremony.ceremony_config(ws)
    circuits = coordinator.settings.circuits
    ptau = api_ceremony.setup_ptau(ws, circuits[0], None)
    _link_or_copy(ptau, folder / "phase1.ptau")
    for circuit in circuits:
        _publish_circuit(ws, coordinator, circuit, folder)
    info = PublishedCeremony(
        ceremony=config.ceremony.name,
        coordinator_public_key=coordinator.public_key,
        min_contributions=config.ceremony.min_contributions,
        beacon=config.beacon,
        ptau=PtauReference(file="phase1.ptau", blake2b=hash_file(ptau, "blake2b")),
        circuits=list(circuits),
    )
    write_atomic(folder / CEREMONY_FILE, (info.model_dump_json(indent=2) + "\n").encode())
    write_atomic(folder / PUBLIC_KEY_FILE, f"{coordinator.public_key}\n".encode())
    write_atomic(folder / "README.md", _readme(config.ceremony.name, coordinator.public_key))


def _publish_circuit(ws: Workspace, coordinator: Coordinator, circuit: str, folder: Path) -> None:
    project, target = ws.project, folder / circuit
    _link_or_copy(project.r1cs(circuit), target / "circuit.r1cs")
    transcript = target / "transcript.jsonl"
    transcript.unlink(missing_ok=True)
    for record in read_transcript(project.transcript(circuit)):
        name = f"{circuit}/{circuit}_{record.index:04d}.zkey"
        _link_or_copy(project.root / record.file.path, folder / name)
        append_record(transcript, replace(record, file=replace(record.file, path=name)))
    for step in coordinator.db.steps(circuit):
        if step.receipt is not None:
            signed = SignedReceipt.model_validate_json(step.receipt)
            path = target / "receipts" / f"{circuit}_{step.idx:04d}.json"
            receipts.write_receipt(path, signed)


def _readme(ceremony: str, public_key: str) -> bytes:
    return f"""# {ceremony}: the published phase-2 ceremony

Every key the coordinator accepted, in order, for each circuit (`CIRCUIT/CIRCUIT_NNNN.zkey`;
the last one is the public beacon's), the hash-linked transcript of each chain, the receipt the
coordinator signed for every participant's contribution, the circuits' r1cs and the phase-1
ptau the initial keys were made from.

Coordinator receipt key (Ed25519, raw, hex): `{public_key}` (also in `coordinator.pub`).

To verify everything (rebuilds each initial key from r1cs + ptau, checks every step and the
beacon, checks every receipt's signature):

    zkt ceremony verify-transcript .

To check one participant's receipt against this directory:

    zkt ceremony verify-receipt CIRCUIT/receipts/CIRCUIT_NNNN.json --transcript .
""".encode()
