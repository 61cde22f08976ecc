"""Proving-key points in mcl's own layout: a .zkey point section read into one C array.

A .zkey stores each coordinate as mcl does (Montgomery form with 2^256, 32 bytes little-endian),
so a section of affine points becomes an array of mcl's Jacobian structs by copying the
coordinates into place, a few strided C-level copies for the whole section, and adding z:
Montgomery 1 for a point, 0 for the identity (all-zero bytes in the file). No point becomes a
Python object, and the engine hands the array to mcl's MSM as it is (`PointTable.address`).

Checked here: the size, and every coordinate below p. Not checked: that each point is on its
curve, which costs more than the proof (mcl's check of a G1 point is a scalar multiplication).
A key with a point off its curve still never yields a proof: the native backend verifies every
proof it makes against the key before it keeps it.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import TypeVar, overload

from toolchain.errors import InvalidValueError
from toolchain.native.curve import G1Affine, G2Affine
from toolchain.native.field import P

AffT = TypeVar("AffT", G1Affine, G2Affine)

_LIMB_BYTES = 8
_FP_LIMBS = 4
_P_TOP_LIMB = P >> 192
_MONT_ONE_LIMBS = tuple(((1 << 256) % P >> (64 * i)) & (2**64 - 1) for i in range(_FP_LIMBS))


class PointTable(Sequence[AffT]):
    """Points as one array of mcl structs; indexing decodes a point (for tests and tools)."""

    def __init__(self, structs: bytearray, struct_size: int, decode: Callable[[bytes], AffT]):
        """Keep the structs (never resized: mcl reads them by address) and their decoder."""
        self.structs = structs
        self.struct_size = struct_size
        self._decode: Callable[[bytes], AffT] = decode

    def __len__(self) -> int:
        """The number of points."""
        return len(self.structs) // self.struct_size

    @overload
    def __getitem__(self, index: int) -> AffT: ...

    @overload
    def __getitem__(self, index: slice) -> list[AffT]: ...

    def __getitem__(self, index: int | slice) -> AffT | list[AffT]:
        """The affine point(s) at `index`."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(f"point {index} of {len(self)}")
        start = (index % len(self)) * self.struct_size
        return self._decode(bytes(self.structs[start : start + self.struct_size]))


def point_structs(raw: bytes, coordinates: int, where: str) -> bytearray:
    """The mcl structs of a section of affine points with `coordinates` Fp values each (G1: 2,
    G2: 4), z = 1 (G2: 1 + 0·u) or 0 for the identity; InvalidValueError naming the first
    point with a coordinate >= p."""
    point_limbs = coordinates * _FP_LIMBS
    struct_limbs = point_limbs + coordinates // 2 * _FP_LIMBS
    count, extra = divmod(len(raw), point_limbs * _LIMB_BYTES)
    if extra:
        kind = "G1" if coordinates == 2 else "G2"
        raise InvalidValueError(f"{where}: {len(raw)} bytes is not a whole number of {kind} points")
    source = memoryview(raw).cast("Q")
    _check_canonical(source, point_limbs, where)
    out = bytearray(count * struct_limbs * _LIMB_BYTES)
    target = memoryview(out).cast("Q")
    for limb in range(point_limbs):
        target[limb::struct_limbs] = source[limb::point_limbs]
    for limb, value in enumerate(_MONT_ONE_LIMBS):
        target[point_limbs + limb :: struct_limbs] = array("Q", [value]) * count
    for index in _identities(raw, point_limbs * _LIMB_BYTES):
        z = (index * struct_limbs + point_limbs) * _LIMB_BYTES
        out[z : z + _FP_LIMBS * _LIMB_BYTES] = bytes(_FP_LIMBS * _LIMB_BYTES)
    return out


def _check_canonical(limbs: memoryview, point_limbs: int, where: str) -> None:
    """InvalidValueError naming the first point with a coordinate >= p (top limbs first: only a
    coordinate whose top limb reaches p's is compared in full)."""
    tops = range(_FP_LIMBS - 1, point_limbs, _FP_LIMBS)
    if all(max(limbs[top::point_limbs], default=0) < _P_TOP_LIMB for top in tops):
        return
    for index in range(len(limbs) // point_limbs):
        point = limbs[index * point_limbs : (index + 1) * point_limbs].tolist()
        for first in range(0, point_limbs, _FP_LIMBS):
            value = sum(limb << (64 * i) for i, limb in enumerate(point[first : first + 4]))
            if value >= P:
                raise InvalidValueError(f"{where}: point {index} has a coordinate >= p")


def _identities(raw: bytes, point_bytes: int) -> list[int]:
    """The indices of the all-zero points (the identity), found by C-level searches."""
    zero = bytes(point_bytes)
    found, start = [], raw.find(zero)
    while start != -1:
        if start % point_bytes == 0:
            found.append(start // point_bytes)
            start = raw.find(zero, start + point_bytes)
        else:  # a run of zeros across two points: look again from the next boundary
            start = raw.find(zero, start - start % point_bytes + point_bytes)
    return found
