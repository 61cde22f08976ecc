"""Reader and writer for .wtns witness files (iden3 container, magic b"wtns", version 2).

Sections:
    1 header   n8 u32 (32), prime (n8 bytes LE, BN254 r), n_witness u32
    2 values   n_witness × n8 bytes, little-endian, normal form (not Montgomery), each < r

Witness[0] is the constant 1. The writer produces the bytes `snarkjs wtns calculate` writes:
header, then sections 1 and 2 in that order. A witness holds the private inputs, so the file is
created readable by its owner only (0600, from mkstemp).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

from toolchain.errors import FormatError, InvalidValueError
from toolchain.formats.binfile import BinFile, read_binfile, write_binfile
from toolchain.fsutil import atomic_open
from toolchain.native.field import R

N8 = 32
_HEADER_TAIL = struct.Struct("<I")


def read_wtns(path: Path) -> list[int]:
    """Read a .wtns file, checking its prime, sizes and that every value is below r."""
    container = read_binfile(Path(path), b"wtns", (2,), required=(1, 2))
    with open(container.path, "rb") as fh:
        n_witness = _parse_header(container, container.read(fh, 1))
        sec = container.section(2)
        if sec.size != n_witness * N8:
            raise FormatError(
                f"{container.path}: {sec.size} bytes of values for {n_witness} witness values"
            )
        return _parse_values(container, container.read(fh, 2))


def write_wtns(path: Path, values: Sequence[int]) -> None:
    """Write values as a .wtns file atomically (temp file in the same directory, fsync, rename)."""
    sections = [(1, _encode_header(len(values))), (2, _encode_values(values))]
    with atomic_open(Path(path), private=True) as fh:
        write_binfile(fh, b"wtns", 2, sections)


def _parse_header(container: BinFile, data: bytes) -> int:
    if len(data) != 4 + N8 + _HEADER_TAIL.size:
        raise FormatError(f"{container.path}: wtns header is {len(data)} bytes, expected 40")
    (n8,) = struct.unpack_from("<I", data, 0)
    if n8 != N8:
        raise FormatError(f"{container.path}: field element size {n8}, expected {N8}")
    prime = int.from_bytes(data[4 : 4 + N8], "little")
    if prime != R:
        raise FormatError(f"{container.path}: prime {prime} is not BN254's scalar field r")
    (n_witness,) = _HEADER_TAIL.unpack_from(data, 4 + N8)
    if n_witness == 0:
        raise FormatError(f"{container.path}: empty witness")
    return int(n_witness)


def _parse_values(container: BinFile, data: bytes) -> list[int]:
    values = [int.from_bytes(data[i : i + N8], "little") for i in range(0, len(data), N8)]
    for index, value in enumerate(values):
        if value >= R:
            raise InvalidValueError(f"{container.path}: witness[{index}] = {value} is not below r")
    # A witness whose first wire is not the constant 1 cannot satisfy any circom circuit.
    if values[0] != 1:
        raise InvalidValueError(f"{container.path}: witness[0] is {values[0]}, expected 1")
    return values


def _encode_header(n_witness: int) -> bytes:
    return struct.pack("<I", N8) + R.to_bytes(N8, "little") + _HEADER_TAIL.pack(n_witness)


def _encode_values(values: Sequence[int]) -> bytes:
    for index, value in enumerate(values):
        if not 0 <= value < R:
            raise InvalidValueError(f"witness[{index}] = {value} is not in [0, r)")
    return b"".join(value.to_bytes(N8, "little") for value in values)
