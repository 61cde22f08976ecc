"""Proving-key points for mcl's MSM: a .zkey point section read a piece at a time and made into
mcl's structs only while that piece is summed.

A .zkey stores each coordinate as mcl does (Montgomery form with 2^256, 32 bytes little-endian),
so a piece of a section's affine points becomes an array of mcl's Jacobian structs by copying
the coordinates into place, a few strided C-level copies, and adding z: Montgomery 1 for a point,
0 for the identity (all-zero bytes in the file). No point becomes a Python object. The table
keeps no point at all: it reads each piece from its `SectionBytes` (the key's open file, where
`formats.zkey` reads it: the page cache keeps the bytes, not the process) when the MSM sums it
(`PointTable.structs`), so a key in memory is its header, coefficients and identity positions,
and a struct (1.5 times its point: z) lives only as long as its piece.

A section where the identity is common (B1 and B2 hold it for every signal that no
constraint's B uses: a third of hash_chain's) is summed without it (`SPARSE_SHARE`): the table
keeps the positions of the other points (`PointTable.kept`), and an MSM over it sums only
those, with the scalars at the same positions. The identity adds nothing to a sum, so the sum
is the same, for less work.

Checked when the table is made, reading the section once in pieces: the size, and every
coordinate below p. Checked as each piece is read: the size (a file cut short since). Not
checked: that each point is on its curve, which costs more than the proof (mcl's check of a G1
point is a scalar multiplication), nor the coordinates again at each proof. A key with a point
off its curve, or changed in place after it was read, still never yields a proof: the native
backend verifies every proof it makes against the key before it keeps it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import chain
from typing import TypeVar, overload

from toolchain.errors import InvalidValueError
from toolchain.native.curve import G1Affine, G2Affine
from toolchain.native.field import P
from toolchain.native.groth16 import SectionBytes

AffT = TypeVar("AffT", G1Affine, G2Affine)

_LIMB_BYTES = 8
_FP_LIMBS = 4
_P_TOP_LIMB = P >> 192
_MONT_ONE_LIMBS = tuple(((1 << 256) % P >> (64 * i)) & (2**64 - 1) for i in range(_FP_LIMBS))
# A section is stored without its identity points once they are at least this share of it: below,
# gathering the scalars of the points kept costs about what skipping the others saves.
SPARSE_SHARE = 1 / 16
# Points read from a section at a time where no MSM piece sets the size: checking it, and
# gathering the points a table sums from a stretch that holds identities too.
READ_POINTS = 1 << 14


class PointTable(Sequence[AffT]):
    """A section's points, read from `section` a piece at a time and made into mcl structs
    (`structs`); indexing decodes a point (for tests and tools).

    `kept`: the positions of the points summed when the section's identities are left out
    (None: every position is summed, its identities with z = 0). `identities`: the positions of
    the identity points, sorted."""

    def __init__(
        self,
        section: SectionBytes,
        coordinates: int,
        decode: Callable[[bytes], AffT],
        identities: array[int],
    ):
        """Keep the section, its decoder and its identities; leave them out of the points summed
        when they are at least `SPARSE_SHARE` of the section."""
        self.section = section
        self.coordinates = coordinates
        self.point_size = coordinates * _FP_LIMBS * _LIMB_BYTES
        self.struct_size = self.point_size + coordinates // 2 * _FP_LIMBS * _LIMB_BYTES
        self._decode: Callable[[bytes], AffT] = decode
        self._count = len(section) // self.point_size
        self.identities = identities
        self.kept: array[int] | None = None
        if identities and len(identities) >= self._count * SPARSE_SHARE:
            runs = _runs_between(identities, self._count)
            self.kept = array("I", chain.from_iterable(range(start, end) for start, end in runs))
        self.stored = self._count if self.kept is None else len(self.kept)

    def __len__(self) -> int:
        """The number of points, the identities left out included."""
        return self._count

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
        stored = self._stored(index % len(self))
        if stored is None:
            return self._decode(bytes(self.struct_size))  # z = 0: the identity
        return self._decode(bytes(self.structs(stored, stored + 1)))

    def structs(self, start: int, end: int) -> bytearray:
        """The mcl structs of the summed points [start, end) (positions, or with `kept` indices
        into it), read from the section now."""
        if self.kept is None:
            raw = self._read(start, end)
            return point_structs(raw, self.coordinates, _between(self.identities, start, end))
        if start == end:
            return bytearray()
        first, last = self.kept[start], self.kept[end - 1] + 1
        pieces: list[memoryview] = []
        for piece_start in range(first, last, READ_POINTS):
            piece_end = min(last, piece_start + READ_POINTS)
            piece = memoryview(self._read(piece_start, piece_end))
            gaps = _between(self.identities, piece_start, piece_end)
            runs = _runs_between(gaps, piece_end - piece_start)
            pieces.extend(piece[a * self.point_size : b * self.point_size] for a, b in runs)
        return point_structs(b"".join(pieces), self.coordinates, [])

    def _read(self, start: int, end: int) -> bytes:
        """The bytes of the points at positions [start, end)."""
        return self.section.read(start * self.point_size, end * self.point_size)

    def _stored(self, position: int) -> int | None:
        """Where the point at `position` is among those summed, or None for an identity left
        out."""
        if self.kept is None:
            return position
        stored = bisect_left(self.kept, position)
        found = stored < len(self.kept) and self.kept[stored] == position
        return stored if found else None


def point_table(
    section: SectionBytes, coordinates: int, where: str, decode: Callable[[bytes], AffT]
) -> PointTable[AffT]:
    """A section of affine points with `coordinates` Fp values each (G1: 2, G2: 4) as a table,
    read once here in pieces to check it and find its identities; InvalidValueError naming a
    part point or the first point with a coordinate >= p."""
    point_bytes = coordinates * _FP_LIMBS * _LIMB_BYTES
    count, extra = divmod(len(section), point_bytes)
    if extra:
        kind = "G1" if coordinates == 2 else "G2"
        raise InvalidValueError(
            f"{where}: {len(section)} bytes is not a whole number of {kind} points"
        )
    identities = array("I")
    for start in range(0, count, READ_POINTS):
        raw = section.read(start * point_bytes, min(count, start + READ_POINTS) * point_bytes)
        _check_canonical(memoryview(raw).cast("Q"), coordinates * _FP_LIMBS, where, start)
        identities.extend(start + found for found in _identities(raw, point_bytes))
    return PointTable(section, coordinates, decode, identities)


def _between(sorted_positions: Sequence[int], start: int, end: int) -> list[int]:
    """The positions in [start, end), made relative to start."""
    first, last = bisect_left(sorted_positions, start), bisect_left(sorted_positions, end)
    return [position - start for position in sorted_positions[first:last]]


def _runs_between(identities: Sequence[int], count: int) -> list[tuple[int, int]]:
    """The [start, end) runs of positions in range(count) between the (sorted) identities."""
    runs, start = [], 0
    for identity in identities:
        if identity > start:
            runs.append((start, identity))
        start = identity + 1
    return [*runs, (start, count)] if start < count else runs


def point_structs(raw: bytes | memoryview, coordinates: int, identities: list[int]) -> bytearray:
    """The mcl structs of whole affine points with `coordinates` Fp values each, coordinates
    checked: z = 1 (G2: 1 + 0·u), 0 at the `identities` (the all-zero points)."""
    point_limbs = coordinates * _FP_LIMBS
    struct_limbs = point_limbs + coordinates // 2 * _FP_LIMBS
    count = len(raw) // (point_limbs * _LIMB_BYTES)
    source = memoryview(raw).cast("Q")
    out = bytearray(count * struct_limbs * _LIMB_BYTES)
    target = memoryview(out).cast("Q")
    for limb in range(point_limbs):
        target[limb::struct_limbs] = source[limb::point_limbs]
    for limb, value in enumerate(_MONT_ONE_LIMBS):
        target[point_limbs + limb :: struct_limbs] = array("Q", [value]) * count
    for index in identities:
        z = (index * struct_limbs + point_limbs) * _LIMB_BYTES
        out[z : z + _FP_LIMBS * _LIMB_BYTES] = bytes(_FP_LIMBS * _LIMB_BYTES)
    return out


def _check_canonical(limbs: memoryview, point_limbs: int, where: str, base: int = 0) -> None:
    """InvalidValueError naming the first point (numbered from `base`) with a coordinate >= p
    (top limbs first: only a coordinate whose top limb reaches p's is compared in full)."""
    tops = range(_FP_LIMBS - 1, point_limbs, _FP_LIMBS)
    if all(max(limbs[top::point_limbs], default=0) < _P_TOP_LIMB for top in tops):
        return
    for index in range(len(limbs) // point_limbs):
        point = limbs[index * point_limbs : (index + 1) * point_limbs].tolist()
        for first in range(0, point_limbs, _FP_LIMBS):
            value = sum(limb << (64 * i) for i, limb in enumerate(point[first : first + 4]))
            if value >= P:
                raise InvalidValueError(f"{where}: point {base + index} has a coordinate >= p")


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
