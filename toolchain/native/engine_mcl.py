"""The mcl engine: BN254 arithmetic in herumi's mcl (C++), from the `mclbn256` wheel, via ctypes.

mcl knows more than one curve called BN254, and the wheel initialises the wrong one for us
(MCL_BN254: y² = x³ + 2 over another p) when it is imported. `load_mcl` re-initialises the
library for Ethereum's alt_bn128, the circom/snarkjs curve (MCL_BN_SNARK1), and refuses to
serve an engine unless mcl then reports our p and r and prints our generators back from the
structs we built (which also proves the memory layout below). The curve is a global of the C
library: a later `mclBn_init` for another curve by anyone in the process breaks every mcl
engine, so each `MclEngine` re-checks the curve type when created.

Values cross into C as raw mcl structs, not through mcl's string or serialise formats (one C
call per value): an Fp or Fr element is four little-endian 64-bit limbs in Montgomery form
(v·2^256 mod m, as in .zkey files); a G1 point is Jacobian (x, y, z) and a G2 point
(x.c0, x.c1, y.c0, y.c1, z.c0, z.c1); an affine point gets z = 1 and the identity is all zero.

Validation stays ours: `parse_g1` / `parse_g2` are the pure `curve` checks, every scalar is
checked to be in [0, r), and field inverses and NTTs stay in Python ints (mcl has no NTT, and
its Fr through ctypes costs more per operation than an int). Large MSMs and batches are cut into
chunks run on threads: ctypes releases the GIL during each C call, so chunks use every core
while the next chunk is encoded in Python. An MSM's chunks are also capped
(`G1_MSM_MAX_POINTS`, `G2_MSM_MAX_POINTS`): mcl's scratch grows with the points of one call.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from threading import Lock
from typing import Any, Generic, TypeVar, cast

from toolchain.errors import ToolError
from toolchain.native import curve, field
from toolchain.native.curve import G1_IDENTITY, G2_IDENTITY, G1Affine, G2Affine
from toolchain.native.engine import PythonFieldOps, usable_cpus
from toolchain.native.field import P, R
from toolchain.native.groth16 import PointLayout, SectionBytes
from toolchain.native.mcl_points import PointTable, point_table

# mcl/curve_type.h: MCL_BN_SNARK1 is alt_bn128 (MCL_BN254 = 0 is a different curve).
MCL_BN_SNARK1 = 4
# mclBn_init's ABI check: MCLBN_FP_UNIT_SIZE + 10·MCLBN_FR_UNIT_SIZE, both 4 limbs here.
_COMPILED_TIME_VAR = 4 + 10 * 4
# mcl's ioMode for getStr: decimal; a point prints as "0" (identity) or "1 x y".
_IO_DEC = 10

_FP_BYTES = 32
_G1_BYTES = 3 * _FP_BYTES
_G2_BYTES = 6 * _FP_BYTES
_GT_LIMBS = 12 * 4  # GT is in Fp12
_MONT_P = (1 << 256) % P
_MONT_P_INV = pow(_MONT_P, -1, P)
_MONT_R = (1 << 256) % R
_MONT_ONE = _MONT_P.to_bytes(_FP_BYTES, "little")
_ZERO_FP = bytes(_FP_BYTES)

# Scalars encoded per block (`encode_scalars_scaled`): a block's bytes objects are its transient.
_ENCODE_BLOCK = 1 << 12
# Below this many terms per chunk a thread costs more than it saves.
MIN_TERMS_PER_CHUNK = 1 << 11
# The most points one mulVec call sums, per group. mcl's scratch grows with the points of a
# call (≈ 250 bytes a G1 point, ≈ 870 a G2 point: a 2^16-point G2 call peaks at +56 MiB), and
# the table makes the structs of a call's points for it (96 bytes a G1 point, 192 a G2 point),
# so an MSM is summed in pieces of at most 2^14 points, one C call each: ≈ 5.5 MiB a G1 piece,
# ≈ 17 MiB a G2 piece. Smaller pieces cost time: a 2^16 G1 MSM in 2^14-point pieces takes
# ≈ 10% more CPU than in one call, a G2 MSM ≈ 15%; keys up to 2^14 sum each MSM in one call.
G1_MSM_MAX_POINTS = 1 << 14
G2_MSM_MAX_POINTS = 1 << 14

_CFunc = Callable[..., Any]
AffT = TypeVar("AffT", G1Affine, G2Affine)
T = TypeVar("T")


def _bind(library: Any, name: str, restype: Any, *argtypes: Any) -> _CFunc:
    """Return the C function `name` with its own prototype (the wheel's CDLL object has none)."""
    address = ctypes.cast(getattr(library, name), ctypes.c_void_p).value
    prototype: Any = ctypes.CFUNCTYPE(restype, *argtypes)
    function: _CFunc = prototype(address)
    return function


def _to_mont_fp(value: int) -> bytes:
    """Return an Fp element as mcl stores it: Montgomery form, 32 bytes little-endian."""
    return (value * _MONT_P % P).to_bytes(_FP_BYTES, "little")


def _from_mont_fp(raw: bytes) -> int:
    """Return the Fp element stored in 32 raw bytes."""
    return int.from_bytes(raw, "little") * _MONT_P_INV % P


def encode_g1(pt: G1Affine) -> bytes:
    """Return an affine G1 point as a raw mcl G1 struct (the identity as zeros)."""
    x, y = pt
    if pt == G1_IDENTITY:
        return bytes(_G1_BYTES)
    return _to_mont_fp(x) + _to_mont_fp(y) + _MONT_ONE


def encode_g2(pt: G2Affine) -> bytes:
    """Return an affine G2 point as a raw mcl G2 struct (the identity as zeros)."""
    (x0, x1), (y0, y1) = pt
    if pt == G2_IDENTITY:
        return bytes(_G2_BYTES)
    coordinates = b"".join(map(_to_mont_fp, (x0, x1, y0, y1)))
    return coordinates + _MONT_ONE + _ZERO_FP


def decode_g1(raw: bytes) -> G1Affine:
    """Return the affine point of a normalised raw G1 struct (z = 0 is the identity)."""
    if raw[2 * _FP_BYTES :] == _ZERO_FP:
        return G1_IDENTITY
    return _from_mont_fp(raw[:_FP_BYTES]), _from_mont_fp(raw[_FP_BYTES : 2 * _FP_BYTES])


def decode_g2(raw: bytes) -> G2Affine:
    """Return the affine point of a normalised raw G2 struct (z = 0 is the identity)."""
    if raw[4 * _FP_BYTES :] == bytes(2 * _FP_BYTES):
        return G2_IDENTITY
    x0, x1, y0, y1 = (
        _from_mont_fp(raw[i : i + _FP_BYTES]) for i in range(0, 4 * _FP_BYTES, _FP_BYTES)
    )
    return (x0, x1), (y0, y1)


def encode_scalar(k: int) -> ctypes.Array[ctypes.c_uint64]:
    """Return a checked scalar as a raw mcl Fr struct (Montgomery form)."""
    raw = (field.parse_scalar(k) * _MONT_R % R).to_bytes(_FP_BYTES, "little")
    return (ctypes.c_uint64 * 4).from_buffer_copy(raw)


def encode_scalars_scaled(scalars: Sequence[int]) -> ctypes.Array[ctypes.c_uint64]:
    """Return checked scalars as Fr structs that mcl reads as k·2^-256 mod r (see `_UNSCALE`).

    mcl takes a struct's limbs to be Montgomery form, so the plain limbs of k stand for
    k·2^-256. Skipping the conversion saves a multiplication mod r per scalar (4x faster
    encoding); the caller multiplies by 2^256 once: the MSM's sum, or the batch's base.
    """
    if scalars and (min(scalars) < 0 or max(scalars) >= R):
        for k in scalars:
            field.parse_scalar(k)  # raises, naming the first scalar out of range
    encoded = (ctypes.c_uint64 * (4 * len(scalars)))()
    target = memoryview(encoded).cast("B")
    # A block at a time: no scalar's bytes object outlives its block.
    for start in range(0, len(scalars), _ENCODE_BLOCK):
        block = scalars[start : start + _ENCODE_BLOCK]
        raw = b"".join([k.to_bytes(_FP_BYTES, "little") for k in block])
        target[start * _FP_BYTES : start * _FP_BYTES + len(raw)] = raw
    return encoded


# The scalar 2^256 mod r: undoes the 2^-256 that `encode_scalars_scaled` leaves in a result.
_UNSCALE = encode_scalar((1 << 256) % R)


@dataclass(frozen=True)
class _Group(Generic[AffT]):
    """One of G1 and G2: its struct size, codecs and mcl functions."""

    size: int
    identity: AffT
    encode: Callable[[AffT], bytes]
    decode: Callable[[bytes], AffT]
    add: _CFunc
    neg: _CFunc
    mul: _CFunc
    mul_vec: _CFunc
    normalize: _CFunc
    is_valid: _CFunc
    get_str: _CFunc

    def struct_array(self, count: int, raw: bytes | None = None) -> ctypes.Array[ctypes.c_uint64]:
        """Return an array of `count` structs, zeroed or copied from raw."""
        array_type = ctypes.c_uint64 * (self.size // 8 * count)
        return array_type() if raw is None else array_type.from_buffer_copy(raw)

    def pack(self, points: Sequence[AffT]) -> ctypes.Array[ctypes.c_uint64]:
        """Return the points as a C array of structs."""
        return self.struct_array(len(points), b"".join(map(self.encode, points)))

    def unpack(self, structs: ctypes.Array[ctypes.c_uint64]) -> list[AffT]:
        """Return every struct of the array as an affine point, normalising in place."""
        address = ctypes.addressof(structs)
        for offset in range(0, ctypes.sizeof(structs), self.size):
            self.normalize(address + offset, address + offset)
        raw = bytes(structs)
        return [self.decode(raw[i : i + self.size]) for i in range(0, len(raw), self.size)]

    def to_str(self, point: AffT) -> str:
        """Return mcl's decimal text for a point, to check our struct layout against."""
        buffer = ctypes.create_string_buffer(1024)
        length = self.get_str(buffer, len(buffer), self.pack([point]), _IO_DEC)
        return buffer.raw[:length].decode()


@dataclass(frozen=True)
class Mcl:
    """The loaded mcl library with the C functions the engine calls."""

    library: Any
    g1: _Group[G1Affine]
    g2: _Group[G2Affine]
    init: _CFunc
    curve_type: _CFunc
    miller_loop_vec: _CFunc
    final_exp: _CFunc
    gt_is_one: _CFunc

    def init_alt_bn128(self) -> bool:
        """(Re-)initialise mcl's process-global curve as alt_bn128; return whether it worked."""
        return int(self.init(MCL_BN_SNARK1, _COMPILED_TIME_VAR)) == 0

    def order(self, which: str) -> int:
        """Return mcl's "Field" (p) or "Curve" (r) order, from mclBn_get{which}Order."""
        size = ctypes.c_size_t
        getter = _bind(self.library, f"mclBn_get{which}Order", size, ctypes.c_char_p, size)
        buffer = ctypes.create_string_buffer(128)
        length = getter(buffer, len(buffer))
        return int(buffer.raw[:length])

    def version(self) -> str:
        """Return mcl's version, e.g. "1.61" (mclBn_getVersion gives 0x161)."""
        packed = int(_bind(self.library, "mclBn_getVersion", ctypes.c_int)())
        return f"{packed >> 8:x}.{packed & 0xFF:02x}"


def _bind_group(
    library: Any, prefix: str, identity: AffT, codec: tuple[Callable[[AffT], bytes], Any]
) -> _Group[AffT]:
    """Return a group with its codec and its mcl functions (mclBnG1_* or mclBnG2_*)."""
    vp, size, i32 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    return _Group(
        size=len(codec[0](identity)),
        identity=identity,
        encode=codec[0],
        decode=codec[1],
        add=_bind(library, f"{prefix}_add", None, vp, vp, vp),
        neg=_bind(library, f"{prefix}_neg", None, vp, vp),
        mul=_bind(library, f"{prefix}_mul", None, vp, vp, vp),
        mul_vec=_bind(library, f"{prefix}_mulVec", None, vp, vp, vp, size),
        normalize=_bind(library, f"{prefix}_normalize", None, vp, vp),
        is_valid=_bind(library, f"{prefix}_isValid", i32, vp),
        get_str=_bind(library, f"{prefix}_getStr", size, ctypes.c_char_p, size, vp, i32),
    )


def _bind_library(library: Any) -> Mcl:
    """Return the Mcl bindings of the wheel's loaded library."""
    vp, size, i32 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    return Mcl(
        library=library,
        g1=_bind_group(library, "mclBnG1", G1_IDENTITY, (encode_g1, decode_g1)),
        g2=_bind_group(library, "mclBnG2", G2_IDENTITY, (encode_g2, decode_g2)),
        init=_bind(library, "mclBn_init", i32, i32, i32),
        curve_type=_bind(library, "mclBn_getCurveType", i32),
        miller_loop_vec=_bind(library, "mclBn_millerLoopVec", None, vp, vp, vp, size),
        final_exp=_bind(library, "mclBn_finalExp", None, vp, vp),
        gt_is_one=_bind(library, "mclBnGT_isOne", i32, vp),
    )


def _point_text(coordinates: Sequence[int]) -> str:
    """Return how mcl prints an affine point in decimal: "1 x y" (G2: "1 x.c0 x.c1 y.c0 y.c1")."""
    return " ".join(map(str, (1, *coordinates)))


def check_curve(mcl: Mcl) -> None:
    """ToolError unless mcl is on alt_bn128 and reads our structs as our generators."""
    found = (mcl.curve_type(), mcl.order("Field"))
    if found != (MCL_BN_SNARK1, P) or mcl.order("Curve") != R:
        raise ToolError(f"mcl is not on alt_bn128 (curve type, p): {found}")
    (x0, x1), (y0, y1) = curve.G2_GENERATOR
    expected = (_point_text(curve.G1_GENERATOR), _point_text((x0, x1, y0, y1)))
    if (mcl.g1.to_str(curve.G1_GENERATOR), mcl.g2.to_str(curve.G2_GENERATOR)) != expected:
        raise ToolError("mcl reads our generator structs as other points: layout mismatch")
    valid = mcl.g1.is_valid(mcl.g1.pack([curve.G1_GENERATOR]))
    if not valid or not mcl.g2.is_valid(mcl.g2.pack([curve.G2_GENERATOR])):
        raise ToolError("mcl rejects the alt_bn128 generators: wrong curve")


_LOADING = Lock()


def load_mcl() -> Mcl:
    """Return mcl initialised for alt_bn128 and checked, loaded once per process (a caller on
    another thread waits for the load under way: `api.warmup` starts it on a thread); ToolError
    if unavailable or wrong, raised again to every caller."""
    with _LOADING:
        return _loaded_mcl()


@cache
def _loaded_mcl() -> Mcl:
    """`load_mcl` without the lock: the one load, kept (a failed load is not kept)."""
    from toolchain.native.mcl_library import load_library  # the wheel's libraries, cached

    try:
        library = load_library()
    except (ImportError, OSError) as exc:  # OSError: the embedded library failed to load
        raise ToolError(
            f"the mcl engine needs the mclbn256 wheel ({exc}): pip install 'zk-toolchain[fast]'"
        ) from exc
    mcl = _bind_library(library)
    if not mcl.init_alt_bn128():
        raise ToolError("mclBn_init(MCL_BN_SNARK1) failed: this mcl build lacks alt_bn128")
    check_curve(mcl)
    return mcl


def ensure_alt_bn128(mcl: Mcl) -> None:
    """Re-initialise mcl for alt_bn128 if something in the process switched its curve."""
    if mcl.curve_type() != MCL_BN_SNARK1 and not mcl.init_alt_bn128():
        raise ToolError("mcl was switched to another curve and cannot be switched back")


def chunk_bounds(
    n: int, workers: int, most: int | None = None, per_worker: int = 2
) -> list[tuple[int, int]]:
    """Return [start, end) ranges cutting n terms into chunks for `workers` threads, each of at
    most `most` terms (None: no limit), all about the same size.

    Two chunks a worker by default: one is encoded (holding the GIL) while another runs in C.
    A key's table needs only its scalars encoded, which is quick, so its MSMs take one a worker
    (`per_worker=1`): fewer, longer mulVec calls, ≈ 10 ms less CPU on a 2^14 proof's H."""
    count = min(per_worker * workers, n // MIN_TERMS_PER_CHUNK) if workers > 1 else 1
    if most is not None:
        count = max(count, -(-n // most))
    if count <= 1:
        return [(0, n)]
    step = -(-n // count)
    return [(start, min(n, start + step)) for start in range(0, n, step)]


def _map_chunks(
    work: Callable[[int, int], T],
    n: int,
    workers: int,
    most: int | None = None,
    per_worker: int = 2,
) -> list[T]:
    """Return [work(start, end) for every chunk of range(n)] (`chunk_bounds`), on threads when
    there are several chunks and workers."""
    bounds = chunk_bounds(n, workers, most, per_worker)
    if len(bounds) == 1 or workers <= 1:
        return [work(lo, hi) for lo, hi in bounds]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda bound: work(*bound), bounds))


class MclLayout:
    """A .zkey's point sections as tables read a piece at a time into mcl structs
    (`mcl_points`)."""

    def g1(self, section: SectionBytes, where: str) -> PointTable[G1Affine]:
        """The G1 points of one section."""
        return point_table(section, 2, where, decode_g1)

    def g2(self, section: SectionBytes, where: str) -> PointTable[G2Affine]:
        """The G2 points of one section."""
        return point_table(section, 4, where, decode_g2)


class MclEngine(PythonFieldOps):
    """The Engine on mcl: G1/G2 arithmetic, MSMs and pairings in C; checks and NTTs in Python."""

    name = "mcl"
    key_layout: PointLayout | None = MclLayout()

    def __init__(self, *, workers: int | None = None) -> None:
        """Load mcl (ToolError if missing) and keep the thread count (None: every usable core)."""
        self.mcl = load_mcl()
        ensure_alt_bn128(self.mcl)
        self.workers = usable_cpus() if workers is None else workers

    def concurrent_msms(self) -> tuple[int, MclEngine]:
        """As many MSMs at once as there are workers, each whole on one thread (mcl releases the
        GIL): splitting one MSM into chunks costs ~15% more work than summing it in one call."""
        return (self.workers, MclEngine(workers=1)) if self.workers > 1 else (1, self)

    def add_g1(self, a: G1Affine, b: G1Affine) -> G1Affine:
        """Return a + b in G1."""
        return _add(self.mcl.g1, a, b)

    def neg_g1(self, a: G1Affine) -> G1Affine:
        """Return −a in G1."""
        return _neg(self.mcl.g1, a)

    def mul_g1(self, a: G1Affine, k: int) -> G1Affine:
        """Return k·a in G1 for a scalar 0 <= k < r."""
        return _mul(self.mcl.g1, a, k)

    def msm_g1(self, points: Sequence[G1Affine], scalars: Sequence[int]) -> G1Affine:
        """Return Σ scalars[i]·points[i] in G1."""
        return _msm(self.mcl.g1, points, scalars, self.workers)

    def msm_parts_g1(
        self, points: Sequence[G1Affine], scalars: Sequence[int]
    ) -> list[Callable[[], G1Affine]]:
        """`msm_g1` as parts of at most G1_MSM_MAX_POINTS points, each summed in one C call."""
        return _msm_parts(self.mcl.g1, points, scalars)

    def batch_mul_g1(self, base: G1Affine, scalars: Sequence[int]) -> list[G1Affine]:
        """Return [k·base for k in scalars] in G1."""
        return _batch_mul(self.mcl.g1, base, scalars, self.workers)

    def add_g2(self, a: G2Affine, b: G2Affine) -> G2Affine:
        """Return a + b in G2."""
        return _add(self.mcl.g2, a, b)

    def mul_g2(self, a: G2Affine, k: int) -> G2Affine:
        """Return k·a in G2 for a scalar 0 <= k < r."""
        return _mul(self.mcl.g2, a, k)

    def msm_g2(self, points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
        """Return Σ scalars[i]·points[i] in G2."""
        return _msm(self.mcl.g2, points, scalars, self.workers)

    def msm_parts_g2(
        self, points: Sequence[G2Affine], scalars: Sequence[int]
    ) -> list[Callable[[], G2Affine]]:
        """`msm_g2` as parts of at most G2_MSM_MAX_POINTS points, each summed in one C call."""
        return _msm_parts(self.mcl.g2, points, scalars)

    def batch_mul_g2(self, base: G2Affine, scalars: Sequence[int]) -> list[G2Affine]:
        """Return [k·base for k in scalars] in G2."""
        return _batch_mul(self.mcl.g2, base, scalars, self.workers)

    def pairing_check(self, pairs: Sequence[tuple[G1Affine, G2Affine]]) -> bool:
        """Return True iff Π e(P_i, Q_i) == 1: mcl's Miller loops, one final exponentiation."""
        # e(O, Q) = e(P, O) = 1: such pairs contribute nothing, as in the pure engine.
        kept = [(p, q) for p, q in pairs if p != G1_IDENTITY and q != G2_IDENTITY]
        if not kept:
            return True
        gt = (ctypes.c_uint64 * _GT_LIMBS)()
        g1s, g2s = self.mcl.g1.pack([p for p, _ in kept]), self.mcl.g2.pack([q for _, q in kept])
        self.mcl.miller_loop_vec(gt, g1s, g2s, len(kept))
        self.mcl.final_exp(gt, gt)
        return bool(self.mcl.gt_is_one(gt))


def _add(group: _Group[AffT], a: AffT, b: AffT) -> AffT:
    """Return a + b."""
    structs = group.pack([a, b])
    group.add(structs, structs, ctypes.addressof(structs) + group.size)
    return group.unpack(structs)[0]


def _neg(group: _Group[AffT], a: AffT) -> AffT:
    """Return −a."""
    structs = group.pack([a])
    group.neg(structs, structs)
    return group.unpack(structs)[0]


def _mul(group: _Group[AffT], a: AffT, k: int) -> AffT:
    """Return k·a for a checked scalar."""
    structs = group.pack([a])
    group.mul(structs, structs, encode_scalar(k))
    return group.unpack(structs)[0]


def _msm_chunk(group: _Group[AffT], points: Sequence[AffT], scalars: Sequence[int]) -> bytes:
    """Return the raw struct of 2^-256·Σ k_i·P_i over one chunk (encoded here, summed in C)."""
    total = group.struct_array(1)
    group.mul_vec(total, group.pack(points), encode_scalars_scaled(scalars), len(points))
    return bytes(total)


def _sum_scaled(group: _Group[AffT], raw: bytes) -> AffT:
    """Return 2^256 times the sum of the raw structs concatenated in raw."""
    structs = group.struct_array(len(raw) // group.size, raw)
    for offset in range(group.size, len(raw), group.size):
        group.add(structs, structs, ctypes.addressof(structs) + offset)
    total = group.struct_array(1, bytes(structs)[: group.size])
    group.mul(total, total, _UNSCALE)
    return group.unpack(total)[0]


def _msm(group: _Group[AffT], points: Sequence[AffT], scalars: Sequence[int], workers: int) -> AffT:
    """Return Σ k_i·P_i, chunks on threads, the partial sums added in C (over a key's table,
    one chunk a worker: only its scalars are encoded, see `chunk_bounds`)."""
    chunk, n, per_worker = _chunker(group, points, scalars)
    chunks = _map_chunks(chunk, n, workers, _max_points(group), per_worker)
    return _sum_scaled(group, b"".join(chunks))


def _msm_parts(
    group: _Group[AffT], points: Sequence[AffT], scalars: Sequence[int]
) -> list[Callable[[], AffT]]:
    """Σ k_i·P_i as parts of at most `_max_points(group)` points (the chunks one thread would
    sum), each a call that returns its own sum."""
    chunk, n, _ = _chunker(group, points, scalars)
    return [
        partial(_part_sum, group, chunk, lo, hi)
        for lo, hi in chunk_bounds(n, 1, _max_points(group), per_worker=1)
    ]


def _part_sum(group: _Group[AffT], chunk: Callable[[int, int], bytes], lo: int, hi: int) -> AffT:
    return _sum_scaled(group, chunk(lo, hi))


def _chunker(
    group: _Group[AffT], points: Sequence[AffT], scalars: Sequence[int]
) -> tuple[Callable[[int, int], bytes], int, int]:
    """The raw sum of the terms [lo, hi) as a function of (lo, hi), how many terms there are
    (over a table without its identities, the points it keeps) and the chunks a worker should
    take (`chunk_bounds`: one over a table, whose chunks encode only their scalars)."""
    if len(points) != len(scalars):
        raise ValueError(f"MSM needs one scalar per point: {len(points)} points, {len(scalars)}")
    if isinstance(points, PointTable):
        table = cast(PointTable[AffT], points)
        return partial(_table_chunk, group, table, scalars), table.stored, 1
    return lambda lo, hi: _msm_chunk(group, points[lo:hi], scalars[lo:hi]), len(points), 2


def _max_points(group: _Group[AffT]) -> int:
    """The most points one mulVec call of this group sums."""
    return G2_MSM_MAX_POINTS if group.size == _G2_BYTES else G1_MSM_MAX_POINTS


def _table_chunk(
    group: _Group[AffT], table: PointTable[AffT], scalars: Sequence[int], lo: int, hi: int
) -> bytes:
    """The raw struct of 2^-256·Σ over a key's table points [lo, hi): their structs made and
    their scalars (of the points it keeps) encoded as the chunk starts, one C call."""
    summed = (
        scalars[lo:hi] if table.kept is None else list(map(scalars.__getitem__, table.kept[lo:hi]))
    )
    total = group.struct_array(1)
    structs = table.structs(lo, hi)
    points = (ctypes.c_char * len(structs)).from_buffer(structs)
    group.mul_vec(total, points, encode_scalars_scaled(summed), hi - lo)
    return bytes(total)


def _batch_mul_chunk(
    group: _Group[AffT], base: ctypes.Array[ctypes.c_uint64], scalars: Sequence[int]
) -> list[AffT]:
    """Return k·base for each scalar of one chunk (base a struct, scalars checked here)."""
    encoded = encode_scalars_scaled(scalars)
    out = group.struct_array(len(scalars))
    out_address, scalar_address = ctypes.addressof(out), ctypes.addressof(encoded)
    for i in range(len(scalars)):
        group.mul(out_address + i * group.size, base, scalar_address + i * _FP_BYTES)
    return group.unpack(out)


def _batch_mul(group: _Group[AffT], base: AffT, scalars: Sequence[int], workers: int) -> list[AffT]:
    """Return [k·base for k in scalars], chunks on threads."""
    base_struct = group.pack([base])
    group.mul(base_struct, base_struct, _UNSCALE)  # (2^256·base)·(k·2^-256) = k·base

    def chunk(lo: int, hi: int) -> list[AffT]:
        return _batch_mul_chunk(group, base_struct, scalars[lo:hi])

    return [point for part in _map_chunks(chunk, len(scalars), workers) for point in part]
