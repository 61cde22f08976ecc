"""The iden3 binary container shared by .r1cs, .wtns, .zkey and .ptau.

Layout (little-endian):

    magic      4 bytes   e.g. b"r1cs", b"wtns", b"zkey", b"ptau"
    version    u32       r1cs 1, wtns 2, zkey 1, ptau 1
    n_sections u32
    then n_sections times: id u32, size u64, `size` bytes of payload

The section table is read and checked against the file size before any payload is read,
so a corrupted size can never make a reader allocate or seek past the end.
"""

from __future__ import annotations

import os
import struct
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from toolchain.errors import FormatError, TruncatedFileError

_HEADER = struct.Struct("<4sII")
_SECTION = struct.Struct("<IQ")


@dataclass(frozen=True)
class Section:
    """One section of the container: its id, payload offset in the file and payload size."""

    id: int
    offset: int
    size: int


@dataclass(frozen=True)
class BinFile:
    """A parsed container: path, magic, version and its section table (payloads not read)."""

    path: Path
    magic: bytes
    version: int
    sections: dict[int, Section]
    file_size: int

    def section(self, section_id: int) -> Section:
        """The section with this id, or a FormatError naming it."""
        try:
            return self.sections[section_id]
        except KeyError:
            raise FormatError(f"{self.path}: missing section {section_id}") from None

    def read(self, fh: BinaryIO, section_id: int) -> bytes:
        """The whole payload of one section (sizes were already checked against the file)."""
        sec = self.section(section_id)
        fh.seek(sec.offset)
        data = fh.read(sec.size)
        if len(data) != sec.size:
            raise TruncatedFileError(f"{self.path}: section {section_id} is cut short")
        return data

    def read_range(self, fh: BinaryIO, section_id: int, start: int, length: int) -> bytes:
        """`length` payload bytes of one section from byte `start`; the range must lie inside it."""
        sec = self.section(section_id)
        if start < 0 or length < 0 or start + length > sec.size:
            raise ValueError(
                f"{self.path}: bytes {start}..{start + length} are outside section {section_id}"
            )
        fh.seek(sec.offset + start)
        data = fh.read(length)
        if len(data) != length:
            raise TruncatedFileError(f"{self.path}: section {section_id} is cut short")
        return data


class OpenedFile:
    """A container file opened once for reads at offsets from any thread (`os.pread`), closed
    when the last `FileSection` that reads it is gone."""

    def __init__(self, path: Path) -> None:
        """Open `path` for reading (OSError as `open` raises it)."""
        self.path = path
        self.fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self.fd)


@dataclass(frozen=True)
class FileSection:
    """One section's payload, read from the opened file at each `read`: nothing of it is kept
    in memory (the page cache keeps it). The file's inode stays the one opened: a key replaced
    by a rename is not seen; one changed in place is (its readers check what they read)."""

    opened: OpenedFile
    section: Section

    def __len__(self) -> int:
        """The payload's size in bytes."""
        return self.section.size

    def read(self, start: int, end: int) -> bytes:
        """Payload bytes [start, end); TruncatedFileError if the file is now shorter."""
        if not 0 <= start <= end <= self.section.size:
            raise ValueError(f"bytes {start}..{end} are outside section {self.section.id}")
        data = os.pread(self.opened.fd, end - start, self.section.offset + start)
        if len(data) != end - start:
            path, number = self.opened.path, self.section.id
            raise TruncatedFileError(f"{path}: section {number} is cut short since it was read")
        return data


def read_binfile(
    path: Path, magic: bytes, versions: tuple[int, ...], required: tuple[int, ...] = ()
) -> BinFile:
    """Parse and check the container header and section table of `path`."""
    path = Path(path)
    with open(path, "rb") as fh:
        file_size = fh.seek(0, 2)
        fh.seek(0)
        head = fh.read(_HEADER.size)
        if len(head) < _HEADER.size:
            raise TruncatedFileError(f"{path}: {file_size} bytes is too short for a {magic!r} file")
        got_magic, version, n_sections = _HEADER.unpack(head)
        if got_magic != magic:
            raise FormatError(f"{path}: not a {magic.decode()} file (magic {got_magic!r})")
        if version not in versions:
            raise FormatError(f"{path}: unsupported {magic.decode()} version {version}")
        sections = _read_section_table(fh, path, n_sections, file_size)
    for section_id in required:
        if section_id not in sections:
            raise FormatError(f"{path}: missing section {section_id}")
    return BinFile(path, magic, version, sections, file_size)


def _read_section_table(
    fh: BinaryIO, path: Path, n_sections: int, file_size: int
) -> dict[int, Section]:
    """Walk the section headers, checking each size against the bytes left in the file."""
    if n_sections > (file_size - _HEADER.size) // _SECTION.size:
        raise TruncatedFileError(f"{path}: claims {n_sections} sections, file is too short")
    sections: dict[int, Section] = {}
    pos = _HEADER.size
    for _ in range(n_sections):
        fh.seek(pos)
        raw = fh.read(_SECTION.size)
        if len(raw) < _SECTION.size:
            raise TruncatedFileError(f"{path}: section table cut short at byte {pos}")
        section_id, size = _SECTION.unpack(raw)
        pos += _SECTION.size
        if size > file_size - pos:
            raise TruncatedFileError(
                f"{path}: section {section_id} claims {size} bytes, only {file_size - pos} remain"
            )
        if section_id in sections:
            raise FormatError(f"{path}: duplicate section {section_id}")
        sections[section_id] = Section(section_id, pos, size)
        pos += size
    return sections


def write_binfile(
    fh: BinaryIO, magic: bytes, version: int, sections: list[tuple[int, bytes]]
) -> None:
    """Write a complete container to an open binary file."""
    fh.write(_HEADER.pack(magic, version, len(sections)))
    for section_id, payload in sections:
        fh.write(_SECTION.pack(section_id, len(payload)))
        fh.write(payload)
