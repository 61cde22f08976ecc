"""Helpers for the format tests: the committed vectors, snarkjs logs, and damaged copies."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from toolchain.formats.binfile import read_binfile, write_binfile

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
CIRCUITS = ("multiplier", "poly")

Sections = list[tuple[int, bytes]]


def vector(*parts: str) -> Path:
    """Path of a committed vector file."""
    return VECTORS.joinpath(*parts)


def split_sections(path: Path) -> tuple[bytes, int, Sections]:
    """Magic, version and (id, payload) sections of an iden3 container, in file order."""
    magic = path.read_bytes()[:4]
    container = read_binfile(path, magic, (1, 2))
    order = sorted(container.sections, key=lambda s: container.sections[s].offset)
    with open(path, "rb") as fh:
        return magic, container.version, [(sid, container.read(fh, sid)) for sid in order]


def rebuild(out: Path, magic: bytes, version: int, sections: Sections) -> Path:
    """Write a container made of the given parts to `out`."""
    with open(out, "wb") as fh:
        write_binfile(fh, magic, version, sections)
    return out


def replace_section(sections: Sections, section_id: int, payload: bytes) -> Sections:
    """The same sections with one payload swapped."""
    return [(sid, payload if sid == section_id else data) for sid, data in sections]


def log_hashes(text: str, title: str) -> list[bytes]:
    """The 64-byte hashes snarkjs logs as four tab-indented lines after each `title` line."""
    pattern = re.compile(re.escape(title) + r"[^\n]*\n((?:\t\t[0-9a-f ]+\n){4})")
    return [bytes.fromhex(re.sub(r"\s", "", m.group(1))) for m in pattern.finditer(text)]


def blake2b_512(data: bytes) -> bytes:
    """BLAKE2b with a 64-byte digest, as snarkjs hashes transcripts."""
    return hashlib.blake2b(data, digest_size=64).digest()
