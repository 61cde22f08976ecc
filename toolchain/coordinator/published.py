"""The published directory of a finished ceremony, read as untrusted input.

    DIR/ceremony.json                       `PublishedCeremony`
    DIR/coordinator.pub                     the coordinator's public key, hex, one line
    DIR/phase1.ptau                         the ptau the setup used (ceremony.json names it)
    DIR/<circuit>/circuit.r1cs
    DIR/<circuit>/<circuit>_NNNN.zkey       every accepted key, 0000 the initial one
    DIR/<circuit>/transcript.jsonl          hash-linked records (ceremony/transcript.py)
    DIR/<circuit>/receipts/<circuit>_NNNN.json   the signed receipt of each contribution

Names from ceremony.json and paths from the transcript are checked before they are joined to
DIR: a circuit is a registry name, each record's file is the key its index names, nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from toolchain.ceremony.transcript import Record, file_hashes, read_transcript
from toolchain.config import BeaconOptions
from toolchain.errors import FormatError, IntegrityError
from toolchain.textlimits import JsonRefusal, load_json

CEREMONY_FILE = "ceremony.json"
PUBLIC_KEY_FILE = "coordinator.pub"
MAX_CEREMONY_BYTES = 1 << 20


# Circuit names become folder names: registry names only (config.CircuitEntry's rule).
CircuitName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class PtauReference(BaseModel):
    """The ptau every circuit's setup used: a file in DIR and its blake2b-512."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
    blake2b: str = Field(pattern=r"^[0-9a-f]{128}$")


class PublishedCeremony(BaseModel):
    """DIR/ceremony.json: what a verifier needs to know before it reads anything else."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ceremony: str
    coordinator_public_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    min_contributions: int = Field(ge=1)
    beacon: BeaconOptions
    ptau: PtauReference
    circuits: list[CircuitName] = Field(min_length=1)


def read_published(directory: Path) -> PublishedCeremony:
    """DIR/ceremony.json, parsed within the untrusted-JSON limits (FormatError if it is not)."""
    path = directory / CEREMONY_FILE
    if not path.is_file():
        raise IntegrityError(f"{directory}: no {CEREMONY_FILE}: not a published ceremony")
    try:
        data = load_json(path.read_bytes(), max_depth=4, max_bytes=MAX_CEREMONY_BYTES)
        return PublishedCeremony.model_validate(data)
    except (JsonRefusal, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise FormatError(f"{path}: not a published ceremony: {first}") from None


def key_path(directory: Path, circuit: str, index: int) -> Path:
    """Where key `index` of `circuit` is."""
    return directory / circuit / f"{circuit}_{index:04d}.zkey"


def receipt_path(directory: Path, circuit: str, index: int) -> Path:
    """Where the receipt of contribution `index` of `circuit` is."""
    return directory / circuit / "receipts" / f"{circuit}_{index:04d}.json"


def recorded_chain(directory: Path, circuit: str) -> list[Record]:
    """`circuit`'s transcript: hash-linked lines, indices 0, 1, …, each record building on the
    one before, the first the setup (IntegrityError otherwise)."""
    path = directory / circuit / "transcript.jsonl"
    records = read_transcript(path)
    if not records or records[0].kind != "setup":
        raise IntegrityError(f"{path}: no setup record: not a published transcript")
    for number, record in enumerate(records):
        if record.index != number:
            raise IntegrityError(f"{path}: record {number} has index {record.index}")
        if number and record.previous_hash != records[number - 1].contribution_hash:
            raise IntegrityError(
                f"{path}: record {number} builds on {record.previous_hash[:16]}…, record"
                f" {number - 1} is {records[number - 1].contribution_hash[:16]}…"
            )
    return records


def recorded_key(directory: Path, circuit: str, record: Record) -> Path:
    """The key file `record` names, once its path, size and hashes are the recorded ones."""
    key = key_path(directory, circuit, record.index)
    expected = key.relative_to(directory).as_posix()
    if record.file.path != expected:
        raise IntegrityError(
            f"{circuit}: record {record.index} names {record.file.path!r}, not {expected!r}"
        )
    if not key.is_file():
        raise IntegrityError(f"{circuit}: {key} is missing")
    if file_hashes(key, directory) != record.file:
        raise IntegrityError(f"{circuit}: {key} differs from the transcript (size or hashes)")
    return key
