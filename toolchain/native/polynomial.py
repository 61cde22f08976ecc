"""Radix-2 NTT over the scalar field r and snarkjs's Groth16 witness map (lists of ints).

`ntt(a)[i] = Σ_j a[j]·w^(i·j)` with w = root_of_unity(log2 n), the same roots and order as
snarkjs's `Fr.fft`, so evaluations line up with the Lagrange bases in .zkey/.ptau files.

The witness map moves A, B and C from the domain to its odd coset. With gmpy2 (the `gmp`
extra) each move is two convolutions on the half domain (one radix-2 step) with kernels cached
per domain, each done as one big multiplication of packed integers (Kronecker substitution,
GMP's FFT): a few C-level passes instead of the ~20 Python-level operations per value of an
inverse NTT and an NTT, which stay as the path without gmpy2. Both compute the same field
values exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache, partial
from typing import Any

from toolchain.native.field import (
    NON_RESIDUE_R,
    TWO_ADICITY,
    R,
    batch_inverse,
    inverse,
    root_of_unity,
)
from toolchain.native.stages import Stages, untimed

try:
    import gmpy2

    HAVE_GMPY2 = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_GMPY2 = False


def _log2_size(n: int) -> int:
    """Return k with n = 2^k, rejecting sizes that are not a power of two or too large."""
    k = n.bit_length() - 1
    if n < 1 or n != 1 << k or k > TWO_ADICITY:
        raise ValueError(f"NTT size {n} is not a power of two up to 2^{TWO_ADICITY}")
    return k


@cache
def _bit_reversal(n: int) -> tuple[int, ...]:
    """Return the bit-reversal permutation of range(n) for a power of two n."""
    rev = [0]
    while len(rev) < n:
        rev = [2 * x for x in rev] + [2 * x + 1 for x in rev]
    return tuple(rev)


def _powers(base: int, count: int) -> list[int]:
    """Return [1, base, base², ...] of length count, mod r."""
    out = [1] * count
    for i in range(1, count):
        out[i] = out[i - 1] * base % R
    return out


@lru_cache(maxsize=8)
def _domain_powers(k: int, count: int) -> tuple[int, ...]:
    """Return the first `count` powers of the 2^k-th root of unity, computed once per domain."""
    return tuple(_powers(root_of_unity(k), count))


def _butterfly_blocks(a: list[int], m: int, twiddles: Sequence[int]) -> None:
    """Run one DIT stage block by block: few long blocks (the late stages)."""
    half = m // 2
    for k in range(0, len(a), m):
        lo = a[k : k + half]
        hi = [x * w % R for x, w in zip(a[k + half : k + m], twiddles, strict=True)]
        a[k : k + half] = [(x + y) % R for x, y in zip(lo, hi, strict=True)]
        a[k + half : k + m] = [(x - y) % R for x, y in zip(lo, hi, strict=True)]


def _butterfly_strides(a: list[int], m: int, twiddles: Sequence[int]) -> None:
    """Run one DIT stage twiddle by twiddle over strided slices: many short blocks."""
    half = m // 2
    for j, w in enumerate(twiddles):
        lo = a[j::m]
        hi = [x * w % R for x in a[j + half :: m]]
        a[j::m] = [(x + y) % R for x, y in zip(lo, hi, strict=True)]
        a[j + half :: m] = [(x - y) % R for x, y in zip(lo, hi, strict=True)]


def ntt(values: Sequence[int]) -> list[int]:
    """Evaluate the polynomial with these coefficients on the size-n domain of r."""
    n = len(values)
    k = _log2_size(n)
    a = [values[i] for i in _bit_reversal(n)]
    all_twiddles = _domain_powers(k, n // 2)
    m = 2
    while m <= n:
        twiddles = all_twiddles[:: n // m]
        # Python-level iterations are min(blocks, half): pick the loop that has fewer.
        if m // 2 >= n // m:
            _butterfly_blocks(a, m, twiddles)
        else:
            _butterfly_strides(a, m, twiddles)
        m *= 2
    return a


def intt(values: Sequence[int]) -> list[int]:
    """Interpolate the coefficients of the polynomial with these evaluations on the domain."""
    n = len(values)
    # Evaluating at w^-i is evaluating at w^(n-i): reuse the forward transform, then reorder.
    a = ntt(values)
    n_inv = inverse(n)
    return [a[-i % n] * n_inv % R for i in range(n)]


def _odd_coset_shift(k: int) -> int:
    """Return the factor that moves a size-2^k domain onto the odd points of the 2^(k+1) one."""
    # snarkjs: `inc = power === Fr.s ? Fr.shift : Fr.w[power+1]` (shift = nqr² = 25); at the
    # maximal size there is no doubled domain and it falls back to the coset 25·H.
    if k == TWO_ADICITY:
        return NON_RESIDUE_R * NON_RESIDUE_R % R
    return root_of_unity(k + 1)


def _to_odd_points_by_ntt(evaluations: list[int]) -> list[int]:
    """The values at the odd coset by an inverse NTT, the shift's powers and an NTT; empties
    `evaluations` once interpolated."""
    coefficients = intt(evaluations)
    evaluations.clear()
    powers = _powers(_odd_coset_shift(_log2_size(len(coefficients))), len(coefficients))
    return ntt([c * s % R for c, s in zip(coefficients, powers, strict=True)])


def _pack(values: Sequence[Any], slot: int) -> Any:
    """Return the values (each in [0, 2^(8·slot))) as one gmpy2 integer, `slot` bytes each, the
    first lowest (gmpy2's C-level pack: three times faster from gmpy2 integers than from ints)."""
    return gmpy2.pack(list(values), 8 * slot)


def _kernel_values(k: int, shift: int) -> list[Any]:
    """The convolution kernel that moves values on the 2^k domain H to the coset shift·H.

    For f of degree < n known on H = {ω^j}, f(s·ω^i) = Σ_j f(ω^j)·L_j(s·ω^i), and the Lagrange
    basis gives L_j(s·ω^i) = ((s^n − 1)/n) / (s·ω^(i−j) − 1) (s·ω^d ≠ 1: the coset misses H).
    So the values at the coset are the cyclic convolution of the values on H with
    K[d] = ((s^n − 1)/n) / (s·ω^d − 1).
    """
    n = 1 << k
    scale = (pow(shift, n, R) - 1) * inverse(n) % R
    if n > 1 and shift * shift % R == root_of_unity(k):
        return _odd_coset_kernel(k, shift, scale)
    denominators = [(shift * w - 1) % R for w in _domain_powers(k, n)]
    return [scale * x % R for x in batch_inverse(denominators)]


def _odd_coset_kernel(k: int, shift: int, scale: int) -> list[Any]:
    """K for the odd coset (s² = ω), half of it inverted: with z = s·ω^d = s^(2d+1),
    s·ω^(n−1−d) = s^(−2d−1) = 1/z, and 1/(1/z − 1) = −1 − 1/(z − 1), so
    K[n−1−d] = −scale − K[d].

    In gmpy2 integers (the kernel is only used with gmpy2): `batch_inverse` runs on them in a
    third of the time it takes on Python ints."""
    r, omega = gmpy2.mpz(R), gmpy2.mpz(root_of_unity(k))
    denominators, z = [], gmpy2.mpz(shift)
    for _ in range((1 << k) // 2):
        denominators.append(z - 1)  # s·ω^d − 1
        z = z * omega % r
    half = [scale * x % r for x in batch_inverse(denominators, r)]
    return half + [(-scale - x) % r for x in reversed(half)]


def _slot(k: int) -> int:
    """Bytes per packed value in a move on the 2^k domain: its slots stay below 3·2^k·r²."""
    return (2 * R.bit_length() + k + 2) // 8 + 1


@lru_cache(maxsize=4)
def _half_kernels(k: int, shift: int) -> tuple[Any, Any]:
    """The two packed kernels, h = 2^(k−1) slots each, that move values on the 2^k domain H
    (k ≥ 1) to the coset shift·H by two convolutions on the half domain H² (computed once per
    domain).

    With f(x) = f_e(x²) + x·f_o(x²) and v_j = f(ω^j) (ω^h = −1), f_e(ω^2j) = (v_j + v_j+h)/2
    and f_o(ω^2j) = (v_j − v_j+h)/(2ω^j); and for i < h, f(s·ω^i) = E_i + T_i and
    f(s·ω^(i+h)) = E_i − T_i, with E_i = f_e(s²·ω^2i) and T_i = s·ω^i·f_o(s²·ω^2i). E moves
    f_e from H² to s²·H²: the cyclic convolution of v_j + v_j+h with K'/2, K' the half
    domain's kernel (`_kernel_values`). T_i = Σ_j (v_j − v_j+h)·(s/2)·ω^(i−j)·K'[(i−j) mod h]
    and ω^(i−j) = −ω^(i−j+h) for i < j: the negacyclic convolution of v_j − v_j+h with
    (s/2)·ω^m·K'[m]. Neither needs a twiddle per value at prove time.
    """
    half = _kernel_values(k - 1, shift * shift % R)
    r, inv2, omega = gmpy2.mpz(R), gmpy2.mpz(inverse(2)), gmpy2.mpz(root_of_unity(k))
    twisted, twist = [], gmpy2.mpz(shift) * inv2 % r
    for x in half:
        twisted.append(x * twist % r)  # (s/2)·ω^m·K'[m]
        twist = twist * omega % r
    slot = _slot(k)
    return _pack([x * inv2 % r for x in half], slot), _pack(twisted, slot)


def prepare_odd_coset(n: int) -> None:
    """Compute the odd-coset kernels of the n domain now (they are cached), e.g. on a thread
    while the witness is computed; nothing to do without gmpy2 (the NTT path needs none)."""
    k = _log2_size(n)
    if HAVE_GMPY2 and k > 0:
        _half_kernels(k, _odd_coset_shift(k))


def _to_coset_by_convolution(evaluations: list[int], shift: int) -> list[Any]:
    """The values at the coset shift·H as gmpy2 integers, each congruent to its value mod r
    and below 2^(8·`_slot`) (not reduced: see `_unpacked`), by a cyclic and a
    negacyclic convolution of half the size (`_half_kernels`), each one big multiplication of
    packed integers. Empties `evaluations` once they are packed (their ints are freed early).

    Every step but the last is on whole packed integers, slot by slot without carries (the
    sums and differences below 2r, the products' slots below 2^k·r², at most 3·2^k·r² in
    the end, see `_slot`); the last unpacks.
    """
    n = len(evaluations)
    k = _log2_size(n)
    if min(evaluations) < 0 or max(evaluations) >= R:
        evaluations[:] = [value % R for value in evaluations]
    if n == 1:  # a constant: the same value everywhere
        return [gmpy2.mpz(evaluations.pop())]
    h, slot = n // 2, _slot(k)
    # Each packed integer is deleted once used: a move is the witness map's peak of memory.
    total, difference = _sum_and_difference(evaluations, slot)
    even_kernel, twisted_kernel = _half_kernels(k, shift)
    bits = 8 * slot * h
    even = _folded(_product(total, even_kernel), bits)
    del total
    ceiling = _pack([gmpy2.mpz(n * R * R)] * h, slot)  # above every product's slot, ≡ 0 mod r
    twisted = _folded(_product(difference, twisted_kernel), bits, ceiling)
    del difference
    high = even + (ceiling << 1) - twisted
    del ceiling
    low = even + twisted
    del even, twisted
    values = _unpacked(low, slot, h)
    del low
    return values + _unpacked(high, slot, h)


def _product(packed: Any, kernel: Any) -> Any:
    """packed·kernel, GMP's multiplication run without the GIL (most of a move's time): the
    MSM threads beside the witness map take it meanwhile to encode their scalars. Only here:
    releasing it for each small operation would cost more than it frees."""
    with gmpy2.context(allow_release_gil=True):
        return packed * kernel


def _sum_and_difference(evaluations: list[int], slot: int) -> tuple[Any, Any]:
    """The packed v_j + v_j+h and v_j + r − v_j+h (no slot negative), h = n/2; empties
    `evaluations` once packed."""
    h = len(evaluations) // 2
    lo, hi = _pack(evaluations[:h], slot), _pack(evaluations[h:], slot)
    evaluations.clear()
    return lo + hi, lo + _pack([gmpy2.mpz(R)] * h, slot) - hi


def _folded(linear: Any, bits: int, ceiling: Any = None) -> Any:
    """The cyclic convolution from the linear product of two h-slot integers (slot i plus
    slot i + h), or with a ceiling the negacyclic one (slot i plus ceiling minus slot i + h)."""
    high = linear >> bits
    low = gmpy2.f_mod_2exp(linear, bits)
    del linear
    return low + high if ceiling is None else low + (ceiling - high)


def _unpacked(packed: Any, slot: int, count: int) -> list[Any]:
    """The `count` values of a packed integer's `slot`-byte slots, not reduced: the witness
    map's products and differences reduce what they make, which costs less than reducing
    each value first (about a quarter of the 2^14 moves' time outside the big products)."""
    values: list[Any] = gmpy2.unpack(packed, 8 * slot)
    return values + [gmpy2.mpz(0)] * (count - len(values))  # unpack stops at the top nonzero slot


def _mover(n: int) -> tuple[Callable[[list[int]], list[Any]], str, Any]:
    """How h_evaluations moves a list to the odd points (emptying it), that stage's name, and
    the modulus of its products: with gmpy2, gmpy2 integers from the moves on (the products
    are twice as fast on them)."""
    if HAVE_GMPY2:
        move = partial(_to_coset_by_convolution, shift=_odd_coset_shift(_log2_size(n)))
        return move, "poly: to the odd coset ×3 (convolution)", gmpy2.mpz(R)
    return _to_odd_points_by_ntt, "poly: to the odd coset ×3 (iNTT, shift, NTT)", R


def h_evaluations(a: list[int], b: list[int], c: list[int], stages: Stages = untimed) -> list[int]:
    """Return A·B − C at the odd points w_2n^(2i+1), from A, B, C evaluated on the n domain.

    This is snarkjs's witness map (groth16_prove.js: ifft, batchApplyKey(1, Fr.w[power+1]),
    fft, joinABC), not libsnark's/arkworks': those divide A·B − C by Z on a coset g·H to get
    the coefficients of h for an H query of τ^i·Z(τ)/δ. Here A·B − C (degree < 2n) vanishes on
    the n domain, i.e. on the even points of the 2n domain, so its odd-point values determine it;
    zkey section 9 holds the odd-index Lagrange points L_2i+1(τ)/δ of the 2n domain, and the
    MSM of these values with it is (A·B − C)(τ)/δ = h(τ)·Z(τ)/δ with no division by Z.
    Each of A, B, C is moved to the odd points by convolutions (with gmpy2) or by an inverse
    NTT, the coset shift and an NTT; `stages` times the moves and the products.

    Takes the three lists over: each is emptied as it is moved (pass copies to keep them), and
    A·B is taken before C is moved, so that at most two lists of values live beside a move.
    """
    if not len(a) == len(b) == len(c):
        raise ValueError(f"A, B, C lengths differ: {len(a)}, {len(b)}, {len(c)}")
    if a is b or b is c or a is c:
        raise ValueError("A, B, C must be three distinct lists: each is emptied as it is moved")
    move, moving, modulus = _mover(len(a))
    with stages(moving):
        a_odd = move(a)
        b_odd = move(b)
    with stages("poly: A·B−C"):
        a_odd[:] = [x * y % modulus for x, y in zip(a_odd, b_odd, strict=True)]
        del b_odd
    with stages(moving):
        c_odd = move(c)
    with stages("poly: A·B−C"):
        return [int((x - z) % modulus) for x, z in zip(a_odd, c_odd, strict=True)]
