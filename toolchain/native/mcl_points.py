"""Proving-key points in mcl's own layout: a .zkey point section read into one C array.

A .zkey stores each coordinate as mcl does (Montgomery form with 2^256, 32 bytes little-endian),
so a section of affine points becomes an array of mcl's Jacobian structs by copying the
coordinates into place, a few strided C-level copies for the whole section, and adding z:
Montgomery 1 for a point, 0 for the identity (all-zero bytes in the file). No point becomes a
Python object, and the engine hands the array to mcl's MSM as it is (`PointTable.address`).

A section where the identity is common (B1 and B2 hold it for every signal that no
constraint's B uses: a third of hash_chain's) is stored without it (`SPARSE_SHARE`): the table
keeps the positions of the points it stores (`PointTable.kept`), and an MSM over it sums only
those, with the scalars at the same positions. The identity adds nothing to a sum, so the sum
is the same, for less work and memory.

Checked here: the size, and every coordinate below p. Not checked: that each point is on its
curve, which costs more than the proof (mcl's check of a G1 point is a scalar multiplication).
A key with a point off its curve still never yields a proof: the native backend verifies every
proof it makes against the key before it keeps it.
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

AffT = TypeVar("AffT", G1Affine, G2Affine)

_LIMB_BYTES = 8
_FP_LIMBS = 4
_P_TOP_LIMB = P >> 192
_MONT_ONE_LIMBS = tuple(((1 << 256) % P >> (64 * i)) & (2**64 - 1) for i in range(_FP_LIMBS))
# A section is stored without its identity points once they are at least this share of it: below,
# gathering the scalars of the points kept costs about what skipping the others saves.
SPARSE_SHARE = 1 / 16


class PointTable(Sequence[AffT]):
    """Points as one array of mcl structs; indexing decodes a point (for tests and tools).

    `kept`: the positions of the stored points when the section's identities were left out
    (None: every position is stored); a position not kept is the identity."""

    def __init__(
        self,
        structs: bytearray,
        struct_size: int,
        decode: Callable[[bytes], AffT],
        kept: array[int] | None = None,
        count: int | None = None,
    ):
        """Keep the structs (never resized: mcl reads them by address), their decoder, and with
        `kept` the section's whole point count."""
        self.structs = structs
        self.struct_size = struct_size
        self._decode: Callable[[bytes], AffT] = decode
        self.kept = kept
        self._count = len(structs) // struct_size if count is None else count

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
        start = stored * self.struct_size
        return self._decode(bytes(self.structs[start : start + self.struct_size]))

    def _stored(self, position: int) -> int | None:
        """Where the point at `position` is stored, or None for an identity left out."""
        if self.kept is None:
            return position
        stored = bisect_left(self.kept, position)
        found = stored < len(self.kept) and self.kept[stored] == position
        return stored if found else None


def point_table(
    raw: bytes, coordinates: int, where: str, decode: Callable[[bytes], AffT]
) -> PointTable[AffT]:
    """A section of affine points with `coordinates` Fp values each (G1: 2, G2: 4) as a table of
    mcl structs, its identities left out when they are at least `SPARSE_SHARE` of it;
    InvalidValueError naming a part point or the first point with a coordinate >= p."""
    point_bytes = coordinates * _FP_LIMBS * _LIMB_BYTES
    count, extra = divmod(len(raw), point_bytes)
    if extra:
        kind = "G1" if coordinates == 2 else "G2"
        raise InvalidValueError(f"{where}: {len(raw)} bytes is not a whole number of {kind} points")
    _check_canonical(memoryview(raw).cast("Q"), coordinates * _FP_LIMBS, where)
    struct_size = point_bytes + coordinates // 2 * _FP_LIMBS * _LIMB_BYTES
    identities = _identities(raw, point_bytes)
    if not identities or len(identities) < count * SPARSE_SHARE:
        return PointTable(point_structs(raw, coordinates, identities), struct_size, decode)
    runs = _runs_between(identities, count)
    kept = array("I", chain.from_iterable(range(start, end) for start, end in runs))
    stored = b"".join(raw[start * point_bytes : end * point_bytes] for start, end in runs)
    return PointTable(point_structs(stored, coordinates, []), struct_size, decode, kept, count)


def _runs_between(identities: list[int], count: int) -> list[tuple[int, int]]:
    """The [start, end) runs of positions in range(count) between the (sorted) identities."""
    runs, start = [], 0
    for identity in identities:
        if identity > start:
            runs.append((start, identity))
        start = identity + 1
    return [*runs, (start, count)] if start < count else runs


def point_structs(raw: bytes, coordinates: int, identities: list[int]) -> bytearray:
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
