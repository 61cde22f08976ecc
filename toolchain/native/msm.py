"""Multi-scalar multiplication Σ k_i·P_i on G1 and G2 (Pippenger buckets, batch-affine adds).

The scalars are cut into signed c-bit digits, and each point goes to bucket |digit| of each
window (negated for a negative digit). Every bucket of every window is then summed at once by
pairwise affine additions whose denominators share one inversion per round (Montgomery's
trick): about 6 multiplications an addition instead of ~11 for a mixed Jacobian one, which is
what pure Python pays for. The running sums Σ k·S_k of all windows are batched the same way.

Field elements are Python ints, or gmpy2 `mpz` values when gmpy2 is importable: mpz behaves as
an int here (same operators) and multiplies/reduces 254-bit numbers ~2.5x faster. Results come
back as plain-int Jacobian points. Points are trusted (validated by `parse_g1` / `parse_g2`);
scalars are checked to be in [0, r).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Generic, TypeVar, cast

from toolchain.native.curve import (
    G1_IDENTITY,
    G1_JACOBIAN_IDENTITY,
    G2_IDENTITY,
    G2_JACOBIAN_IDENTITY,
    G1Affine,
    G1Jacobian,
    G2Affine,
    G2Jacobian,
    add_g1,
    add_g2,
    double_g1,
    double_g2,
    from_affine_g1,
    from_affine_g2,
    to_affine_g1,
    to_affine_g2,
)
from toolchain.native.field import P, R, parse_scalar

try:
    import gmpy2

    HAVE_GMPY2 = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_GMPY2 = False

# Internal affine points are flat tuples of (possibly mpz) ints: (x, y) for G1 and
# (x0, x1, y0, y1) for G2; None stands for the identity.
PtT = TypeVar("PtT", bound=tuple[int, ...])
JacT = TypeVar("JacT")
AffT = TypeVar("AffT")

# Below this many points a second process costs more than it saves (fork + pickling).
MIN_POINTS_PER_WORKER = 1 << 11


@dataclass(frozen=True)
class _Arith:
    """Base-field arithmetic backend: ints, or gmpy2 mpz duck-typed as ints."""

    p: int
    to_num: Callable[[int], int]
    invert: Callable[[int], int]


def _select_arith(use_gmpy2: bool) -> _Arith:
    """Return the gmpy2 backend if requested (and importable), else plain ints."""
    if use_gmpy2:
        if not HAVE_GMPY2:
            raise ValueError("use_gmpy2=True but gmpy2 is not importable")
        p_mpz = gmpy2.mpz(P)
        return _Arith(p_mpz, gmpy2.mpz, lambda x: gmpy2.invert(x, p_mpz))
    return _Arith(P, int, lambda x: pow(x, -1, P))


def _batch_invert(values: list[int], ar: _Arith) -> list[int]:
    """Invert non-zero values with one inversion (Montgomery's trick)."""
    if not values:
        return []
    p = ar.p
    prefix = list(accumulate(values, lambda a, b: a * b % p))
    acc = ar.invert(prefix[-1])
    out = [acc] * len(values)
    for i in range(len(values) - 1, 0, -1):
        out[i] = acc * prefix[i - 1] % p
        acc = acc * values[i] % p
    out[0] = acc
    return out


def _mask_equal_x(denominators: list[int]) -> list[int]:
    """Return the indices whose denominator is 0 (equal x), set to 1 so the batch inverts."""
    if 0 not in denominators:
        return []
    special = [i for i, d in enumerate(denominators) if d == 0]
    for i in special:
        denominators[i] = 1
    return special


# --- G1 kernel ------------------------------------------------------------------------------

G1Flat = tuple[int, int]
G2Flat = tuple[int, int, int, int]


def _add_slow_g1(a: G1Flat, b: G1Flat, ar: _Arith) -> G1Flat | None:
    """Add two G1 points with equal x (a doubling or P + (−P)) through Jacobian code."""
    total = add_g1(from_affine_g1((int(a[0]), int(a[1]))), from_affine_g1((int(b[0]), int(b[1]))))
    if total[2] == 0:
        return None
    x, y = to_affine_g1(total)
    return ar.to_num(x), ar.to_num(y)


def _add_pairs_g1(lefts: list[G1Flat], rights: list[G1Flat], ar: _Arith) -> list[G1Flat | None]:
    """Return lefts[i] + rights[i] for every i, sharing one field inversion."""
    p = ar.p
    dxs = [(b[0] - a[0]) % p for a, b in zip(lefts, rights, strict=True)]
    special = _mask_equal_x(dxs)
    out: list[G1Flat | None] = []
    for (x1, y1), (x2, y2), inv in zip(lefts, rights, _batch_invert(dxs, ar), strict=True):
        lam = (y2 - y1) * inv % p
        x3 = (lam * lam - x1 - x2) % p
        out.append((x3, (lam * (x1 - x3) - y1) % p))
    for i in special:
        out[i] = _add_slow_g1(lefts[i], rights[i], ar)
    return out


def _neg_g1(pt: G1Flat, ar: _Arith) -> G1Flat:
    """Return −pt for an affine point."""
    return pt[0], (ar.p - pt[1]) % ar.p


def _import_g1(pt: G1Affine, ar: _Arith) -> G1Flat:
    """Return an affine G1 point in kernel form."""
    return ar.to_num(pt[0]), ar.to_num(pt[1])


def _export_g1(pt: G1Flat | None) -> G1Jacobian:
    """Return a kernel point as a plain-int Jacobian point."""
    return G1_JACOBIAN_IDENTITY if pt is None else (int(pt[0]), int(pt[1]), 1)


# --- G2 kernel ------------------------------------------------------------------------------


def _add_slow_g2(a: G2Flat, b: G2Flat, ar: _Arith) -> G2Flat | None:
    """Add two G2 points with equal x (a doubling or P + (−P)) through Jacobian code."""
    total = add_g2(from_affine_g2(_unflatten_g2(a)), from_affine_g2(_unflatten_g2(b)))
    if total[2] == (0, 0):
        return None
    return _import_g2(to_affine_g2(total), ar)


def _add_pairs_g2(lefts: list[G2Flat], rights: list[G2Flat], ar: _Arith) -> list[G2Flat | None]:
    """Return lefts[i] + rights[i] for every i; 1/dx = conj(dx)/norm(dx) shares one inversion."""
    p = ar.p
    dx0 = [(b[0] - a[0]) % p for a, b in zip(lefts, rights, strict=True)]
    dx1 = [(b[1] - a[1]) % p for a, b in zip(lefts, rights, strict=True)]
    # p ≡ 3 mod 4, so a0² + a1² = 0 only for a0 = a1 = 0: a zero norm means equal x.
    norms = [(a * a + b * b) % p for a, b in zip(dx0, dx1, strict=True)]
    special = _mask_equal_x(norms)
    out: list[G2Flat | None] = []
    rows = zip(lefts, rights, dx0, dx1, _batch_invert(norms, ar), strict=True)
    for (ax0, ax1, ay0, ay1), (bx0, bx1, by0, by1), d0, d1, n_inv in rows:
        i0 = d0 * n_inv % p
        i1 = -d1 * n_inv % p
        dy0 = by0 - ay0
        dy1 = by1 - ay1
        l0 = (dy0 * i0 - dy1 * i1) % p
        l1 = (dy0 * i1 + dy1 * i0) % p
        x0 = ((l0 + l1) * (l0 - l1) - ax0 - bx0) % p
        x1 = (2 * l0 * l1 - ax1 - bx1) % p
        t0 = ax0 - x0
        t1 = ax1 - x1
        out.append((x0, x1, (l0 * t0 - l1 * t1 - ay0) % p, (l0 * t1 + l1 * t0 - ay1) % p))
    for i in special:
        out[i] = _add_slow_g2(lefts[i], rights[i], ar)
    return out


def _neg_g2(pt: G2Flat, ar: _Arith) -> G2Flat:
    """Return −pt for an affine point."""
    p = ar.p
    return pt[0], pt[1], (p - pt[2]) % p, (p - pt[3]) % p


def _import_g2(pt: G2Affine, ar: _Arith) -> G2Flat:
    """Return an affine G2 point in kernel form."""
    (x0, x1), (y0, y1) = pt
    return ar.to_num(x0), ar.to_num(x1), ar.to_num(y0), ar.to_num(y1)


def _unflatten_g2(pt: G2Flat) -> G2Affine:
    """Return a kernel G2 point as a plain-int affine point."""
    return (int(pt[0]), int(pt[1])), (int(pt[2]), int(pt[3]))


def _export_g2(pt: G2Flat | None) -> G2Jacobian:
    """Return a kernel point as a plain-int Jacobian point."""
    return G2_JACOBIAN_IDENTITY if pt is None else from_affine_g2(_unflatten_g2(pt))


# --- the group-generic bucket method ----------------------------------------------------------


@dataclass(frozen=True)
class _Group(Generic[AffT, PtT, JacT]):
    """The kernels and Jacobian operations the bucket method needs for one group."""

    add_pairs: Callable[[list[PtT], list[PtT], _Arith], list[PtT | None]]
    neg: Callable[[PtT, _Arith], PtT]
    import_point: Callable[[AffT, _Arith], PtT]
    export_point: Callable[[PtT | None], JacT]
    identity: AffT
    jacobian_identity: JacT
    add: Callable[[JacT, JacT], JacT]
    double: Callable[[JacT], JacT]


_G1: _Group[G1Affine, G1Flat, G1Jacobian] = _Group(
    _add_pairs_g1, _neg_g1, _import_g1, _export_g1,
    G1_IDENTITY, G1_JACOBIAN_IDENTITY, add_g1, double_g1,
)  # fmt: skip
_G2: _Group[G2Affine, G2Flat, G2Jacobian] = _Group(
    _add_pairs_g2, _neg_g2, _import_g2, _export_g2,
    G2_IDENTITY, G2_JACOBIAN_IDENTITY, add_g2, double_g2,
)  # fmt: skip


@cache
def _window_count(c: int) -> int:
    """Return how many signed c-bit digits cover every scalar below r plus the digit offsets."""
    count = 1
    while (R - 1) + _digit_offset(c, count) >= 1 << (c * count):
        count += 1
    return count


@cache
def _digit_offset(c: int, count: int) -> int:
    """Return Σ 2^(c−1)·2^(c·w) over the windows: adding it makes every digit carry-free."""
    return sum((1 << (c - 1)) << (c * w) for w in range(count))


def choose_window(n: int) -> int:
    """Return the digit width c minimising windows·(n + 2^c) batch-affine additions."""
    # Each window costs about n additions into buckets plus 2·2^(c−1) for its running sums.
    return min(range(2, 21), key=lambda c: _window_count(c) * (n + (1 << c)))


def _signed_digits(scalars: list[int], c: int) -> list[list[int]]:
    """Return, per window, each scalar's digit in [−2^(c−1), 2^(c−1)), least significant first.

    Adding 2^(c−1) to every window up front and subtracting it from each extracted digit gives
    the signed recoding without a carry chain, so each window is one list comprehension.
    """
    count = _window_count(c)
    shifted = [s + _digit_offset(c, count) for s in scalars]
    mask = (1 << c) - 1
    half = 1 << (c - 1)
    return [[((s >> (c * w)) & mask) - half for s in shifted] for w in range(count)]


def _fill_buckets(
    group: _Group[AffT, PtT, JacT], points: list[PtT], digits: list[list[int]], c: int, ar: _Arith
) -> list[list[PtT]]:
    """Return the buckets of all windows: bucket w·2^(c−1) + |d| − 1 gets ±P for digit d."""
    negated = [group.neg(pt, ar) for pt in points]
    half = 1 << (c - 1)
    buckets: list[list[PtT]] = [[] for _ in range(len(digits) * half)]
    for w, window in enumerate(digits):
        base = w * half - 1
        for d, pt, neg_pt in zip(window, points, negated, strict=True):
            if d > 0:
                buckets[base + d].append(pt)
            elif d < 0:
                buckets[base - d].append(neg_pt)
    return buckets


def _add_many(
    group: _Group[AffT, PtT, JacT], lefts: list[PtT | None], rights: list[PtT | None], ar: _Arith
) -> list[PtT | None]:
    """Return lefts[i] + rights[i] where None is the identity, batching the full pairs."""
    out = [b if a is None else a for a, b in zip(lefts, rights, strict=True)]
    full: list[int] = []
    full_lefts: list[PtT] = []
    full_rights: list[PtT] = []
    for i, (a, b) in enumerate(zip(lefts, rights, strict=True)):
        if a is not None and b is not None:
            full.append(i)
            full_lefts.append(a)
            full_rights.append(b)
    for i, total in zip(full, group.add_pairs(full_lefts, full_rights, ar), strict=True):
        out[i] = total
    return out


def _sum_buckets(
    group: _Group[AffT, PtT, JacT], buckets: list[list[PtT]], ar: _Arith
) -> list[PtT | None]:
    """Return the sum of every bucket, adding neighbours pairwise across all buckets per round."""
    result = [b[0] if b else None for b in buckets]
    where = [i for i, b in enumerate(buckets) if len(b) > 1]
    work = [buckets[i] for i in where]
    while work:
        sums = group.add_pairs(
            [pt for b in work for pt in b[0 : len(b) - 1 : 2]],
            [pt for b in work for pt in b[1::2]],
            ar,
        )
        counts = [len(b) >> 1 for b in work]
        starts = accumulate(counts[:-1], initial=0)
        # Each bucket keeps its pair sums and, for an odd length, its last point.
        merged = [
            sums[s : s + k] + b[2 * k :] for b, s, k in zip(work, starts, counts, strict=True)
        ]
        if None in sums:  # some P + (−P) vanished
            merged = [[pt for pt in b if pt is not None] for b in merged]
        where, work = _split_finished(where, cast("list[list[PtT]]", merged), result)
    return result


def _split_finished(
    where: list[int], work: list[list[PtT]], result: list[PtT | None]
) -> tuple[list[int], list[list[PtT]]]:
    """Store buckets reduced to one point (or none) in result; return those still to sum."""
    next_where: list[int] = []
    next_work: list[list[PtT]] = []
    for i, b in zip(where, work, strict=True):
        if len(b) > 1:
            next_where.append(i)
            next_work.append(b)
        else:
            result[i] = b[0] if b else None
    return next_where, next_work


def _weigh_buckets(
    group: _Group[AffT, PtT, JacT], sums: list[PtT | None], windows: int, ar: _Arith
) -> list[PtT | None]:
    """Return Σ_k k·S_k for each window by running sums, batched across the windows."""
    half = len(sums) // windows
    running: list[PtT | None] = [None] * windows
    totals: list[PtT | None] = [None] * windows
    for k in range(half - 1, -1, -1):
        running = _add_many(group, running, [sums[w * half + k] for w in range(windows)], ar)
        totals = _add_many(group, totals, running, ar)
    return totals


def _combine_windows(group: _Group[AffT, PtT, JacT], totals: list[PtT | None], c: int) -> JacT:
    """Return Σ_w 2^(c·w)·T_w by Horner's rule in Jacobian coordinates."""
    acc = group.jacobian_identity
    for total in reversed(totals):
        for _ in range(c):
            acc = group.double(acc)
        acc = group.add(acc, group.export_point(total))
    return acc


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its previous state afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _msm_serial(
    group: _Group[AffT, PtT, JacT], points: Sequence[AffT], scalars: Sequence[int], use_gmpy2: bool
) -> JacT:
    """Return Σ k_i·P_i in this process (zero scalars and identity points already dropped)."""
    if not points:
        return group.jacobian_identity
    ar = _select_arith(use_gmpy2)
    c = choose_window(len(points))
    digits = _signed_digits(list(scalars), c)
    # The bucket rounds allocate ~10^6 short-lived acyclic tuples; the collections they would
    # trigger cost ~20% of the run and can free nothing.
    with _gc_paused():
        flat = [group.import_point(pt, ar) for pt in points]
        sums = _sum_buckets(group, _fill_buckets(group, flat, digits, c, ar), ar)
        return _combine_windows(group, _weigh_buckets(group, sums, len(digits), ar), c)


def _msm_chunk_g1(
    points: Sequence[G1Affine], scalars: Sequence[int], use_gmpy2: bool
) -> G1Jacobian:
    """Run one worker's share of a G1 MSM (module-level so it pickles)."""
    return _msm_serial(_G1, points, scalars, use_gmpy2)


def _msm_chunk_g2(
    points: Sequence[G2Affine], scalars: Sequence[int], use_gmpy2: bool
) -> G2Jacobian:
    """Run one worker's share of a G2 MSM (module-level so it pickles)."""
    return _msm_serial(_G2, points, scalars, use_gmpy2)


def _drop_trivial_terms(
    identity: AffT, points: Sequence[AffT], scalars: Sequence[int]
) -> tuple[list[AffT], list[int]]:
    """Check lengths and scalar ranges; drop terms with a zero scalar or an identity point."""
    if len(points) != len(scalars):
        raise ValueError(f"MSM needs one scalar per point: {len(points)} points, {len(scalars)}")
    kept = [(pt, parse_scalar(k)) for pt, k in zip(points, scalars, strict=True)]
    kept = [(pt, k) for pt, k in kept if k and pt != identity]
    return [pt for pt, _ in kept], [k for _, k in kept]


def _split_work(n: int, workers: int) -> int:
    """Return how many processes to use: 1 without fork or when chunks would be too small."""
    # Only fork: spawn and forkserver re-import the caller's __main__ in every worker, which
    # breaks scripts without a main guard, and they pay the imports again.
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(workers, n // MIN_POINTS_PER_WORKER))


def _msm(
    group: _Group[AffT, PtT, JacT],
    chunk: Callable[[Sequence[AffT], Sequence[int], bool], JacT],
    points: Sequence[AffT],
    scalars: Sequence[int],
    workers: int,
    use_gmpy2: bool | None,
) -> JacT:
    """Return Σ k_i·P_i, split over `workers` processes when each gets enough points."""
    kept_points, kept_scalars = _drop_trivial_terms(group.identity, points, scalars)
    gmp = HAVE_GMPY2 if use_gmpy2 is None else use_gmpy2
    workers = _split_work(len(kept_points), workers)
    if workers == 1:
        return chunk(kept_points, kept_scalars, gmp)
    step = -(-len(kept_points) // workers)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(chunk, kept_points[i : i + step], kept_scalars[i : i + step], gmp)
            for i in range(0, len(kept_points), step)
        ]
        partials = [f.result() for f in futures]
    total = group.jacobian_identity
    for partial in partials:
        total = group.add(total, partial)
    return total


def msm_g1(
    points: Sequence[G1Affine],
    scalars: Sequence[int],
    *,
    workers: int = 1,
    use_gmpy2: bool | None = None,
) -> G1Jacobian:
    """Return Σ scalars[i]·points[i] in G1 (affine inputs, identity (0, 0) allowed)."""
    return _msm(_G1, _msm_chunk_g1, points, scalars, workers, use_gmpy2)


def msm_g2(
    points: Sequence[G2Affine],
    scalars: Sequence[int],
    *,
    workers: int = 1,
    use_gmpy2: bool | None = None,
) -> G2Jacobian:
    """Return Σ scalars[i]·points[i] in G2 (affine inputs, all-zero identity allowed)."""
    return _msm(_G2, _msm_chunk_g2, points, scalars, workers, use_gmpy2)


# --- fixed base: many scalars times one point ---------------------------------------------------

FIXED_BASE_BITS = 8


def _fixed_base_table(group: _Group[AffT, PtT, JacT], base: AffT, ar: _Arith) -> list[list[PtT]]:
    """table[w][d − 1] = d·2^(8w)·base for every window w and digit 1 ≤ d < 256."""
    windows = -(-R.bit_length() // FIXED_BASE_BITS)
    first = group.import_point(base, ar)
    table: list[list[PtT]] = []
    for _ in range(windows):
        row = [first]
        for _ in range((1 << FIXED_BASE_BITS) - 2):
            # first, 2·first, 3·first...: 254 batch rounds of one pair each would be slower
            # than this plain chain, and the table is built once per call.
            (nxt,) = group.add_pairs([row[-1]], [first], ar)
            assert nxt is not None  # d·P with 0 < d < 256 < r is never the identity
            row.append(nxt)
        table.append(row)
        half = row[(1 << (FIXED_BASE_BITS - 1)) - 1]  # 128·first: doubled, the next window's base
        (doubled,) = group.add_pairs([half], [half], ar)
        assert doubled is not None
        first = doubled
    return table


def _batch_mul_serial(
    group: _Group[AffT, PtT, JacT], base: AffT, scalars: Sequence[int], use_gmpy2: bool
) -> list[PtT | None]:
    """Every k·base, with all accumulators advanced together one window per round."""
    ar = _select_arith(use_gmpy2)
    with _gc_paused():
        table = _fixed_base_table(group, base, ar)
        acc: list[PtT | None] = [None] * len(scalars)
        mask = (1 << FIXED_BASE_BITS) - 1
        for w, row in enumerate(table):
            shift = FIXED_BASE_BITS * w
            picks = [(i, (k >> shift) & mask) for i, k in enumerate(scalars)]
            _add_window(group, acc, [(i, row[d - 1]) for i, d in picks if d], ar)
    return acc


def _add_window(
    group: _Group[AffT, PtT, JacT], acc: list[PtT | None], terms: list[tuple[int, PtT]], ar: _Arith
) -> None:
    """acc[i] += point for each (i, point); one shared inversion for all the real additions."""
    pending = [(i, pt) for i, pt in terms if acc[i] is not None]
    for i, pt in terms:
        if acc[i] is None:
            acc[i] = pt
    if pending:
        lefts = [cast(PtT, acc[i]) for i, _ in pending]
        sums = group.add_pairs(lefts, [pt for _, pt in pending], ar)
        for (i, _), total in zip(pending, sums, strict=True):
            acc[i] = total


def _batch_mul_chunk_g1(base: G1Affine, scalars: Sequence[int], use_gmpy2: bool) -> list[G1Affine]:
    """One worker's share of a G1 fixed-base batch (module-level so it pickles)."""
    return [_export_affine_g1(pt) for pt in _batch_mul_serial(_G1, base, scalars, use_gmpy2)]


def _batch_mul_chunk_g2(base: G2Affine, scalars: Sequence[int], use_gmpy2: bool) -> list[G2Affine]:
    """One worker's share of a G2 fixed-base batch (module-level so it pickles)."""
    return [_export_affine_g2(pt) for pt in _batch_mul_serial(_G2, base, scalars, use_gmpy2)]


def _export_affine_g1(pt: G1Flat | None) -> G1Affine:
    return G1_IDENTITY if pt is None else (int(pt[0]), int(pt[1]))


def _export_affine_g2(pt: G2Flat | None) -> G2Affine:
    return G2_IDENTITY if pt is None else _unflatten_g2(pt)


def _batch_mul(
    chunk: Callable[[AffT, Sequence[int], bool], list[AffT]],
    base: AffT,
    scalars: Sequence[int],
    workers: int,
    use_gmpy2: bool | None,
) -> list[AffT]:
    checked = [parse_scalar(k) for k in scalars]
    gmp = HAVE_GMPY2 if use_gmpy2 is None else use_gmpy2
    workers = _split_work(len(checked), workers)
    if workers == 1:
        return chunk(base, checked, gmp)
    step = -(-len(checked) // workers)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(chunk, base, checked[i : i + step], gmp)
            for i in range(0, len(checked), step)
        ]
        return [pt for future in futures for pt in future.result()]


def batch_mul_g1(
    base: G1Affine, scalars: Sequence[int], *, workers: int = 1, use_gmpy2: bool | None = None
) -> list[G1Affine]:
    """[k·base for k in scalars] in G1, affine (fixed-base windows, batch-affine additions)."""
    return _batch_mul(_batch_mul_chunk_g1, base, scalars, workers, use_gmpy2)


def batch_mul_g2(
    base: G2Affine, scalars: Sequence[int], *, workers: int = 1, use_gmpy2: bool | None = None
) -> list[G2Affine]:
    """[k·base for k in scalars] in G2, affine (fixed-base windows, batch-affine additions)."""
    return _batch_mul(_batch_mul_chunk_g2, base, scalars, workers, use_gmpy2)
