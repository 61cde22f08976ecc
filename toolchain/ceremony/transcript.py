"""Append-only ceremony transcripts: one JSON record per line, each hash-linked to the one before.

Every accepted contribution (phase 1 or phase 2) appends a record: its index, kind (setup,
contribution, beacon, prepare), contributor name, contribution hash, the previous contribution's
hash, the hashes of the file it produced, the tool versions, the time and its inputs' hashes.
`record_link` is the sha256 of the previous line's bytes, so editing or dropping an earlier line
breaks the chain;
`append_record` refuses a record that does not extend the last one (index + 1, previous hash).
Entropy never appears here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from toolchain.errors import FormatError, IntegrityError
from toolchain.fsutil import write_atomic
from toolchain.hashing import hash_file
from toolchain.textlimits import load_json

GENESIS_LINK = "0" * 64
MAX_RECORD_DEPTH = 8  # a record nests 2 deep (its file's hashes, its inputs' hashes)


@dataclass(frozen=True)
class FileHashes:
    """Where a produced file was and what it hashed to."""

    path: str
    size: int
    sha256: str
    blake2b: str


@dataclass(frozen=True)
class Record:
    """One accepted step of a ceremony."""

    index: int
    kind: str
    name: str
    contribution_hash: str
    previous_hash: str
    file: FileHashes
    tools: dict[str, str] = field(default_factory=dict)
    time: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # e.g. the ptau and r1cs hashes
    record_link: str = GENESIS_LINK


def file_hashes(path: Path, relative_to: Path | None = None) -> FileHashes:
    """Size, sha256 and blake2b-512 of a file (streamed), with its path as recorded."""
    shown = path.relative_to(relative_to) if relative_to else path
    return FileHashes(
        path=shown.as_posix(),
        size=path.stat().st_size,
        sha256=hash_file(path, "sha256"),
        blake2b=hash_file(path, "blake2b"),
    )


def now() -> str:
    """The current UTC time, ISO 8601, second precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def read_transcript(path: Path) -> list[Record]:
    """Every record, checking that each line links to the one before (IntegrityError if not)."""
    if not path.exists():
        return []
    records: list[Record] = []
    link = GENESIS_LINK
    for number, line in enumerate(path.read_bytes().splitlines(keepends=True), start=1):
        record = _parse_line(path, number, line)
        if record.record_link != link:
            raise IntegrityError(f"{path}:{number}: transcript chain broken (record_link)")
        records.append(record)
        link = hashlib.sha256(line).hexdigest()
    return records


def _parse_line(path: Path, number: int, line: bytes) -> Record:
    try:
        data = load_json(line, max_depth=MAX_RECORD_DEPTH)
        data["file"] = FileHashes(**data["file"])
        return Record(**data)
    except (ValueError, TypeError, KeyError) as exc:  # JsonRefusal is a ValueError
        raise FormatError(f"{path}:{number}: not a transcript record: {exc}") from exc


def append_record(path: Path, record: Record) -> Record:
    """Append `record` (its index and link filled in) after checking it extends the last one."""
    existing = path.read_bytes() if path.exists() else b""
    records = read_transcript(path)
    _check_extends(path, records, record)
    last_line = existing.splitlines(keepends=True)[-1] if existing else b""
    link = hashlib.sha256(last_line).hexdigest() if existing else GENESIS_LINK
    linked = Record(**{**asdict(record), "file": record.file, "record_link": link})
    line = json.dumps(asdict(linked), sort_keys=True).encode() + b"\n"
    write_atomic(path, existing + line)
    return linked


def _check_extends(path: Path, records: list[Record], record: Record) -> None:
    expected_index = records[-1].index + 1 if records else record.index
    if record.index != expected_index:
        raise IntegrityError(f"{path}: record {record.index} does not follow {expected_index - 1}")
    if records and record.previous_hash != records[-1].contribution_hash:
        raise IntegrityError(
            f"{path}: record {record.index} builds on {record.previous_hash[:16]}…, the last"
            f" accepted contribution is {records[-1].contribution_hash[:16]}…"
        )
