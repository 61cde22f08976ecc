"""BN254 field constants and scalar-field helpers (plain ints, no I/O).

Elements are Python ints in canonical form (0 <= x < modulus). Montgomery form, used by the
snarkjs binary files, is x·2^256 mod m for both fields; `to_mont` / `from_mont` convert.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from toolchain.errors import InvalidValueError

# Base field of BN254 (coordinates of G1/G2 points).
P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
# Scalar field of BN254 (circuit signals, witness values, exponents).
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617

# r - 1 = 2^28 · t with t odd: NTT domains go up to 2^28 points.
TWO_ADICITY = 28
# The smallest quadratic non-residue of r; ffjavascript and wasmcurves search 2, 3, ... for it
# and set w[28] = 5^t, so using 5 makes root_of_unity(k) equal snarkjs's Fr.w[k].
NON_RESIDUE_R = 5
# Montgomery radix exponent: both fields are stored in four 64-bit limbs.
MONT_BITS = 256


def _build_roots() -> tuple[int, ...]:
    """Return w[0..28] with w[28] = 5^t and w[k-1] = w[k]², as ffjavascript builds them."""
    roots = [pow(NON_RESIDUE_R, (R - 1) >> TWO_ADICITY, R)]
    for _ in range(TWO_ADICITY):
        roots.append(roots[-1] * roots[-1] % R)
    return tuple(reversed(roots))


_ROOTS = _build_roots()


def root_of_unity(k: int) -> int:
    """Return the primitive 2^k-th root of unity of r that snarkjs calls Fr.w[k]."""
    if not 0 <= k <= TWO_ADICITY:
        raise ValueError(f"no 2^{k}-th root of unity: r has 2-adicity {TWO_ADICITY}")
    return _ROOTS[k]


def inverse(x: int, modulus: int = R) -> int:
    """Return x⁻¹ mod modulus; zero has no inverse."""
    if x % modulus == 0:
        raise ZeroDivisionError(f"0 has no inverse modulo {modulus}")
    return pow(x, -1, modulus)


def batch_inverse(values: Sequence[int], modulus: int = R) -> list[int]:
    """Invert every value with one modular inversion (Montgomery's trick)."""
    prefix = [1] * (len(values) + 1)
    for i, value in enumerate(values):
        prefix[i + 1] = prefix[i] * value % modulus
    acc = inverse(prefix[-1], modulus)
    result = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        result[i] = acc * prefix[i] % modulus
        acc = acc * values[i] % modulus
    return result


@cache
def _mont_radix_inverse(modulus: int) -> int:
    """Return 2^-256 mod modulus."""
    return pow(1 << MONT_BITS, -1, modulus)


def to_mont(x: int, modulus: int) -> int:
    """Return the Montgomery form x·2^256 mod modulus."""
    return (x << MONT_BITS) % modulus


def from_mont(x: int, modulus: int) -> int:
    """Return the normal form of a Montgomery value, rejecting a non-canonical x >= modulus."""
    # A decoded x + modulus would alias x silently; files must hold canonical values.
    if not 0 <= x < modulus:
        raise InvalidValueError(f"Montgomery value {x} is not below the modulus {modulus}")
    return x * _mont_radix_inverse(modulus) % modulus


def parse_scalar(value: int) -> int:
    """Return value as a scalar of r, rejecting negatives and values >= r instead of reducing."""
    if not 0 <= value < R:
        raise InvalidValueError(f"scalar {value} is out of range: it must satisfy 0 <= s < r")
    return value
