"""Encodings shared by .zkey and .ptau: BN254 points and the contribution parameter block.

Points are affine, little-endian, Montgomery form:

    G1 point   64 bytes   x ‖ y
    G2 point  128 bytes   x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1
    each coordinate: 32 bytes little-endian of v·2^256 mod p (Montgomery form)
    the point at infinity: all zero bytes

Points decode to native.curve's plain affine tuples, the identity being all zeros there too
(G1_IDENTITY, G2_IDENTITY). Decoding checks that each coordinate is canonical (< p) and that the
point is on its curve; subgroup membership is not checked here (the verifier's and the ceremony
checks' job: it costs a scalar multiplication per G2 point).

What snarkjs hashes (and writes to challenge files) is big-endian and uncompressed, G2
coefficients c1 before c0 (`encode_*_uncompressed`); response files compress points to x and a
sign bit (`encode_*_compressed`).

A contribution (phase 1 and phase 2 alike) ends with:

    type       u32   0 = contribution, 1 = beacon
    length     u32   bytes of parameters that follow
    parameters in strictly increasing id order, each id u8 then:
               1 name               u8 length, UTF-8 bytes
               2 numIterationsExp   u8
               3 beaconHash         u8 length, bytes
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from toolchain.errors import FormatError, InvalidValueError, TruncatedFileError
from toolchain.formats.binfile import BinFile
from toolchain.native.curve import (
    G1_IDENTITY,
    G2_IDENTITY,
    G1Affine,
    G2Affine,
    is_on_curve_g1,
    is_on_curve_g2,
)
from toolchain.native.field import P
from toolchain.native.hash_to_curve import is_negative_fp, is_negative_fp2

G1_SIZE = 64
G2_SIZE = 128

_MONT = pow(2, 256, P)
_MONT_INV = pow(_MONT, -1, P)


def parse_g1_array(data: bytes, where: str, first: int = 0) -> list[G1Affine]:
    """Decode a buffer of G1 points; errors name `where` and the index (counting from `first`)."""
    if len(data) % G1_SIZE:
        raise InvalidValueError(f"{where}: {len(data)} bytes is not a whole number of G1 points")
    view = memoryview(data)
    return [
        _g1(
            int.from_bytes(view[pos : pos + 32], "little"),
            int.from_bytes(view[pos + 32 : pos + 64], "little"),
            where,
            first + pos // G1_SIZE,
        )
        for pos in range(0, len(data), G1_SIZE)
    ]


def parse_g2_array(data: bytes, where: str, first: int = 0) -> list[G2Affine]:
    """Decode a buffer of G2 points; errors name `where` and the index (counting from `first`)."""
    if len(data) % G2_SIZE:
        raise InvalidValueError(f"{where}: {len(data)} bytes is not a whole number of G2 points")
    view = memoryview(data)
    return [
        _g2(
            [int.from_bytes(view[pos + i : pos + i + 32], "little") for i in range(0, 128, 32)],
            where,
            first + pos // G2_SIZE,
        )
        for pos in range(0, len(data), G2_SIZE)
    ]


def parse_g1(data: bytes, where: str) -> G1Affine:
    """Decode exactly one G1 point."""
    if len(data) != G1_SIZE:
        raise InvalidValueError(f"{where}: a G1 point needs {G1_SIZE} bytes, got {len(data)}")
    return _g1(int.from_bytes(data[:32], "little"), int.from_bytes(data[32:], "little"), where)


def parse_g2(data: bytes, where: str) -> G2Affine:
    """Decode exactly one G2 point."""
    if len(data) != G2_SIZE:
        raise InvalidValueError(f"{where}: a G2 point needs {G2_SIZE} bytes, got {len(data)}")
    return _g2([int.from_bytes(data[i : i + 32], "little") for i in range(0, 128, 32)], where)


def _g1(xm: int, ym: int, where: str, index: int | None = None) -> G1Affine:
    if not (xm or ym):
        return G1_IDENTITY
    point = (xm * _MONT_INV % P, ym * _MONT_INV % P)
    if xm >= P or ym >= P or not is_on_curve_g1(point):
        raise _bad_point(where, index, xm >= P or ym >= P)
    return point


def _g2(raw: list[int], where: str, index: int | None = None) -> G2Affine:
    if not any(raw):
        return G2_IDENTITY
    x0, x1, y0, y1 = (v * _MONT_INV % P for v in raw)
    point = ((x0, x1), (y0, y1))
    if max(raw) >= P or not is_on_curve_g2(point):
        raise _bad_point(where, index, max(raw) >= P)
    return point


def _bad_point(where: str, index: int | None, out_of_range: bool) -> InvalidValueError:
    label = where if index is None else f"{where}: point {index}"
    problem = "has a coordinate >= p" if out_of_range else "is not on the curve"
    return InvalidValueError(f"{label} {problem}")


def _encode_fq(value: int) -> bytes:
    return (value * _MONT % P).to_bytes(32, "little")


def encode_g1(point: G1Affine) -> bytes:
    """The 64-byte Montgomery encoding of a G1 point (the identity encodes as zeros)."""
    return _encode_fq(point[0]) + _encode_fq(point[1])


def encode_g2(point: G2Affine) -> bytes:
    """The 128-byte Montgomery encoding of a G2 point (the identity encodes as zeros)."""
    (x0, x1), (y0, y1) = point
    return b"".join(_encode_fq(v) for v in (x0, x1, y0, y1))


def encode_g1_uncompressed(point: G1Affine) -> bytes:
    """ffjavascript's toRprUncompressed, what snarkjs hashes: x ‖ y, big-endian."""
    return point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")


def encode_g2_uncompressed(point: G2Affine) -> bytes:
    """ffjavascript's toRprUncompressed for G2: each coordinate c1 before c0, big-endian."""
    (x0, x1), (y0, y1) = point
    return b"".join(v.to_bytes(32, "big") for v in (x1, x0, y1, y0))


def encode_g1_compressed(point: G1Affine) -> bytes:
    """ffjavascript's toRprCompressed: x big-endian, 0x80 when y > (p−1)/2, 0x40 for identity."""
    if point == G1_IDENTITY:
        return b"\x40" + bytes(31)
    flag = 0x80 if is_negative_fp(point[1]) else 0
    raw = point[0].to_bytes(32, "big")
    return bytes([raw[0] | flag]) + raw[1:]


def encode_g2_compressed(point: G2Affine) -> bytes:
    """toRprCompressed for G2: x.c1 ‖ x.c0 big-endian, the sign taken from y as in Fp2."""
    if point == G2_IDENTITY:
        return b"\x40" + bytes(63)
    flag = 0x80 if is_negative_fp2(point[1]) else 0
    raw = point[0][1].to_bytes(32, "big") + point[0][0].to_bytes(32, "big")
    return bytes([raw[0] | flag]) + raw[1:]


def resolve_count(start: int, count: int | None, total: int) -> int:
    """The number of points to read from `start` (None: to the end); the range must fit `total`."""
    count = total - start if count is None else count
    if start < 0 or count < 0 or start + count > total:
        raise ValueError(f"points {start}..{start + count} are outside 0..{total}")
    return count


def read_g1_range(container: BinFile, section_id: int, start: int, count: int) -> list[G1Affine]:
    """Decode `count` G1 points of a section, from point index `start`."""
    with open(container.path, "rb") as fh:
        data = container.read_range(fh, section_id, start * G1_SIZE, count * G1_SIZE)
    return parse_g1_array(data, f"{container.path}: section {section_id}", start)


def read_g2_range(container: BinFile, section_id: int, start: int, count: int) -> list[G2Affine]:
    """Decode `count` G2 points of a section, from point index `start`."""
    with open(container.path, "rb") as fh:
        data = container.read_range(fh, section_id, start * G2_SIZE, count * G2_SIZE)
    return parse_g2_array(data, f"{container.path}: section {section_id}", start)


class ByteCursor:
    """Reads a section payload front to back; running past its end is a TruncatedFileError."""

    def __init__(self, data: bytes, where: str) -> None:
        self.data = data
        self.where = where
        self.pos = 0

    def take(self, n: int) -> bytes:
        """The next `n` bytes."""
        if n > self.remaining():
            raise TruncatedFileError(
                f"{self.where}: needs {n} bytes at offset {self.pos}, {self.remaining()} left"
            )
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def u32(self) -> int:
        """The next little-endian u32."""
        value: int = struct.unpack("<I", self.take(4))[0]
        return value

    def g1(self, what: str) -> G1Affine:
        """The next G1 point; `what` names it in errors."""
        return parse_g1(self.take(G1_SIZE), f"{self.where}: {what}")

    def g2(self, what: str) -> G2Affine:
        """The next G2 point; `what` names it in errors."""
        return parse_g2(self.take(G2_SIZE), f"{self.where}: {what}")

    def remaining(self) -> int:
        """Bytes not read yet."""
        return len(self.data) - self.pos


@dataclass(frozen=True)
class ContributionParams:
    """The trailer of a contribution: its type and the optional name and beacon parameters."""

    type: int
    name: str | None
    num_iterations_exp: int | None
    beacon_hash: bytes | None

    @property
    def is_beacon(self) -> bool:
        """Whether this contribution was made by a beacon (type 1)."""
        return self.type == 1


def parse_contribution_params(cursor: ByteCursor) -> ContributionParams:
    """Read type, parameter length and the parameters; reject unknown or unsorted ids."""
    kind = cursor.u32()
    block = ByteCursor(cursor.take(cursor.u32()), f"{cursor.where}: parameters")
    found: dict[int, bytes] = {}
    while block.remaining():
        param = block.take(1)[0]
        if found and param <= max(found):
            raise FormatError(f"{block.where}: parameter {param} is out of order or repeated")
        if param not in (1, 2, 3):
            raise FormatError(f"{block.where}: unknown parameter id {param}")
        found[param] = block.take(1) if param == 2 else block.take(block.take(1)[0])
    return _contribution_params(kind, found, block.where)


def _contribution_params(kind: int, found: dict[int, bytes], where: str) -> ContributionParams:
    if kind not in (0, 1):
        raise FormatError(f"{where}: unknown contribution type {kind}")
    # A beacon (type 1) records both its iteration exponent and its hash; a contribution neither.
    if found.keys() & {2, 3} != ({2, 3} if kind == 1 else set()):
        raise FormatError(f"{where}: type {kind} does not match its beacon parameters")
    try:
        name = found[1].decode("utf-8") if 1 in found else None
    except UnicodeDecodeError:
        raise FormatError(f"{where}: contribution name is not UTF-8") from None
    exp = found[2][0] if 2 in found else None
    return ContributionParams(kind, name, exp, found.get(3))
