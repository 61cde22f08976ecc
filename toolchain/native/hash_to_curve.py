"""snarkjs's hash-to-curve: field elements and BN254 points drawn from a ChaCha stream (pure).

ffjavascript's `fromRng` reads 256 random bits (top two masked) as a Montgomery-form element,
retrying above the modulus; a point takes a random x, then a bit choosing the sign of y, and a
G2 point is multiplied by the cofactor to reach the order-r subgroup. `hashToG2` keys the stream
with a digest.
"""

from __future__ import annotations

from toolchain.native import curve
from toolchain.native.chacha import ChaCha, chacha_from_digest
from toolchain.native.curve import B_G1, B_G2, Fp2, G1Affine, G2Affine
from toolchain.native.field import P, R, from_mont

# ffjavascript's bn128 cofactorG2 (0x30644e…9fa8d): fromRng multiplies by it to reach order r.
COFACTOR_G2 = 2 * P - R
_MASK_254 = (1 << 254) - 1


def element_from_rng(rng: ChaCha, modulus: int) -> int:
    """ffjavascript's Field.fromRng: 256 masked bits below the modulus, read as Montgomery form."""
    while True:
        v = sum(rng.next_u64() << (64 * i) for i in range(4)) & _MASK_254
        if v < modulus:
            return from_mont(v, modulus)


def fr_from_rng(rng: ChaCha) -> int:
    """A scalar drawn as snarkjs's Fr.fromRng."""
    return element_from_rng(rng, R)


def is_negative_fp(v: int) -> bool:
    """ffjavascript's sign of an Fp element: above (p−1)/2."""
    return v > (P - 1) // 2


def is_negative_fp2(v: Fp2) -> bool:
    """The sign of an Fp2 element: c1's, or c0's when c1 is zero."""
    return is_negative_fp(v[1]) if v[1] else is_negative_fp(v[0])


def sqrt_fp(a: int) -> int | None:
    """A square root in Fp (p ≡ 3 mod 4), or None for a non-residue."""
    root = pow(a, (P + 1) // 4, P)
    return root if root * root % P == a else None


def sqrt_fp2(a: Fp2) -> Fp2 | None:
    """A square root in Fp2 for p ≡ 3 mod 4 (Adj and Rodríguez-Henríquez, algorithm 9)."""
    a1 = curve.pow_fp2(a, (P - 3) // 4)
    alpha = curve.mul_fp2(curve.square_fp2(a1), a)
    if curve.mul_fp2(curve.conj_fp2(alpha), alpha) == (P - 1, 0):
        return None
    x0 = curve.mul_fp2(a1, a)
    if alpha == (P - 1, 0):
        root = curve.mul_fp2((0, 1), x0)
    else:
        root = curve.mul_fp2(curve.pow_fp2(curve.add_fp2((1, 0), alpha), (P - 1) // 2), x0)
    return root if curve.square_fp2(root) == a else None


def g1_from_rng(rng: ChaCha) -> G1Affine:
    """A G1 point drawn as ffjavascript's G1.fromRng: x, then a bit choosing the sign of y."""
    while True:
        x = element_from_rng(rng, P)
        greatest = rng.next_bool()
        y = sqrt_fp((x * x * x + B_G1) % P)
        if y is not None:
            return x, (P - y) % P if is_negative_fp(y) != greatest else y


def g2_from_rng(rng: ChaCha) -> G2Affine:
    """A G2 point drawn as ffjavascript's G2.fromRng, multiplied by the cofactor."""
    while True:
        x = (element_from_rng(rng, P), element_from_rng(rng, P))
        greatest = rng.next_bool()
        y = sqrt_fp2(curve.add_fp2(curve.mul_fp2(curve.square_fp2(x), x), B_G2))
        if y is not None:
            break
    if is_negative_fp2(y) != greatest:
        y = curve.neg_fp2(y)
    cleared = curve.mul_g2(curve.from_affine_g2((x, y)), COFACTOR_G2)
    return curve.to_affine_g2(cleared)


def hash_to_g2(digest: bytes) -> G2Affine:
    """snarkjs's hashToG2: a ChaCha stream keyed by the first 32 bytes (big-endian words)."""
    return g2_from_rng(chacha_from_digest(digest))
