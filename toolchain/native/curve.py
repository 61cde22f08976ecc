"""BN254 G1 over Fp and G2 over Fp2 in Jacobian coordinates, with plain ints; point validation.

G1: y² = x³ + 3 over Fp (cofactor 1). G2: the sextic twist y² = x³ + 3/(9+u) over
Fp2 = Fp[u]/(u² + 1); an Fp2 element c0 + c1·u is the tuple (c0, c1), as in py_ecc and in
snarkjs's x.c0‖x.c1 encoding. Jacobian (X, Y, Z) stands for (X/Z², Y/Z³); Z = 0 is the identity.
Affine points are tuples, with the identity written all-zero ((0, 0) and ((0, 0), (0, 0))) as
the snarkjs files write it; neither is on its curve, so the encoding is unambiguous.

py_ecc reduces coordinates mod p and never checks the G2 subgroup: untrusted points enter only
through `parse_g1` / `parse_g2`.
"""

from __future__ import annotations

from functools import lru_cache

from toolchain.errors import InvalidValueError
from toolchain.native.field import P

Fp2 = tuple[int, int]
G1Affine = tuple[int, int]
G2Affine = tuple[Fp2, Fp2]
G1Jacobian = tuple[int, int, int]
G2Jacobian = tuple[Fp2, Fp2, Fp2]

FP2_ZERO: Fp2 = (0, 0)
FP2_ONE: Fp2 = (1, 0)

B_G1 = 3
# 3/(9+u) = 3·(9−u)/82, the twist's constant.
B_G2: Fp2 = (27 * pow(82, -1, P) % P, -3 * pow(82, -1, P) % P)

G1_IDENTITY: G1Affine = (0, 0)
G2_IDENTITY: G2Affine = (FP2_ZERO, FP2_ZERO)
G1_GENERATOR: G1Affine = (1, 2)
G2_GENERATOR: G2Affine = (
    (
        10857046999023057135944570762232829481370756359578518086990519993285655852781,
        11559732032986387107991004021392285783925812861821192530917403151452391805634,
    ),
    (
        8495653923123431417604973247489272438418190587263600148770280649306958101930,
        4082367875863433681332203403145435568316851327593401208105741076214120093531,
    ),
)
G1_JACOBIAN_IDENTITY: G1Jacobian = (1, 1, 0)
G2_JACOBIAN_IDENTITY: G2Jacobian = (FP2_ONE, FP2_ONE, FP2_ZERO)

# The BN parameter x: p = 36x⁴ + 36x³ + 24x² + 6x + 1 and r = 36x⁴ + 36x³ + 18x² + 6x + 1.
BN_X = 4965661367192848881
# ξ = 9 + u, the non-residue that defines the twist.
XI: Fp2 = (9, 1)


# --- Fp2 -------------------------------------------------------------------------------------


def add_fp2(a: Fp2, b: Fp2) -> Fp2:
    """Return a + b in Fp2."""
    return (a[0] + b[0]) % P, (a[1] + b[1]) % P


def sub_fp2(a: Fp2, b: Fp2) -> Fp2:
    """Return a − b in Fp2."""
    return (a[0] - b[0]) % P, (a[1] - b[1]) % P


def neg_fp2(a: Fp2) -> Fp2:
    """Return −a in Fp2."""
    return -a[0] % P, -a[1] % P


def mul_fp2(a: Fp2, b: Fp2) -> Fp2:
    """Return a·b in Fp2 (u² = −1)."""
    a0, a1 = a
    b0, b1 = b
    return (a0 * b0 - a1 * b1) % P, (a0 * b1 + a1 * b0) % P


def square_fp2(a: Fp2) -> Fp2:
    """Return a² in Fp2."""
    a0, a1 = a
    return (a0 + a1) * (a0 - a1) % P, 2 * a0 * a1 % P


def scale_fp2(a: Fp2, k: int) -> Fp2:
    """Return k·a for an integer k."""
    return a[0] * k % P, a[1] * k % P


def conj_fp2(a: Fp2) -> Fp2:
    """Return the conjugate c0 − c1·u, which is also a^p (the Frobenius map)."""
    return a[0], -a[1] % P


def pow_fp2(a: Fp2, e: int) -> Fp2:
    """Return a^e in Fp2 for e >= 0."""
    acc = FP2_ONE
    for bit in bin(e)[2:]:
        acc = square_fp2(acc)
        if bit == "1":
            acc = mul_fp2(acc, a)
    return acc


def inv_fp2(a: Fp2) -> Fp2:
    """Return a⁻¹ in Fp2 as conj(a)/norm(a)."""
    a0, a1 = a
    norm = (a0 * a0 + a1 * a1) % P
    if norm == 0:
        raise ZeroDivisionError("0 has no inverse in Fp2")
    norm_inv = pow(norm, -1, P)
    return a0 * norm_inv % P, -a1 * norm_inv % P


_PSI_X = pow_fp2(XI, (P - 1) // 3)
_PSI_Y = pow_fp2(XI, (P - 1) // 2)


# --- G1 --------------------------------------------------------------------------------------


def from_affine_g1(pt: G1Affine) -> G1Jacobian:
    """Return the Jacobian form of an affine G1 point (all-zero means identity)."""
    if pt == G1_IDENTITY:
        return G1_JACOBIAN_IDENTITY
    return pt[0], pt[1], 1


def to_affine_g1(pt: G1Jacobian) -> G1Affine:
    """Return the affine form of a Jacobian G1 point; the identity becomes (0, 0)."""
    x, y, z = pt
    if z == 0:
        return G1_IDENTITY
    z_inv = pow(z, -1, P)
    z_inv2 = z_inv * z_inv % P
    return x * z_inv2 % P, y * z_inv2 * z_inv % P


def neg_g1(pt: G1Jacobian) -> G1Jacobian:
    """Return −pt."""
    return pt[0], -pt[1] % P, pt[2]


def double_g1(pt: G1Jacobian) -> G1Jacobian:
    """Return 2·pt (dbl-2009-l, a = 0); Y = 0 or Z = 0 gives Z3 = 0, the identity."""
    x, y, z = pt
    a = x * x % P
    b = y * y % P
    c = b * b % P
    d = 4 * x * b % P
    e = 3 * a
    x3 = (e * e - 2 * d) % P
    return x3, (e * (d - x3) - 8 * c) % P, 2 * y * z % P


def add_g1(p1: G1Jacobian, p2: G1Jacobian) -> G1Jacobian:
    """Return p1 + p2, handling the identity, p1 = p2 and p1 = −p2."""
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if z1 == 0:
        return p2
    if z2 == 0:
        return p1
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    u1 = x1 * z2z2 % P
    s1 = y1 * z2 * z2z2 % P
    h = (x2 * z1z1 - u1) % P
    rr = (y2 * z1 * z1z1 - s1) % P
    if h == 0:
        return double_g1(p1) if rr == 0 else G1_JACOBIAN_IDENTITY
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (rr * rr - hhh - 2 * v) % P
    return x3, (rr * (v - x3) - s1 * hhh) % P, z1 * z2 * h % P


def mul_g1(pt: G1Jacobian, k: int) -> G1Jacobian:
    """Return k·pt by double-and-add; k is not reduced mod r (r·pt is a subgroup test)."""
    if k < 0:
        return mul_g1(neg_g1(pt), -k)
    acc = G1_JACOBIAN_IDENTITY
    for bit in bin(k)[2:]:
        acc = double_g1(acc)
        if bit == "1":
            acc = add_g1(acc, pt)
    return acc


def eq_g1(p1: G1Jacobian, p2: G1Jacobian) -> bool:
    """Return whether two Jacobian G1 points are the same point."""
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if z1 == 0 or z2 == 0:
        return z1 == z2 == 0
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    return (x1 * z2z2 - x2 * z1z1) % P == 0 and (y1 * z2 * z2z2 - y2 * z1 * z1z1) % P == 0


def is_on_curve_g1(pt: G1Affine) -> bool:
    """Return whether an affine point is the identity or satisfies y² = x³ + 3."""
    x, y = pt
    return pt == G1_IDENTITY or (y * y - x * x * x - B_G1) % P == 0


# --- G2 --------------------------------------------------------------------------------------


def from_affine_g2(pt: G2Affine) -> G2Jacobian:
    """Return the Jacobian form of an affine G2 point (all-zero means identity)."""
    if pt == G2_IDENTITY:
        return G2_JACOBIAN_IDENTITY
    return pt[0], pt[1], FP2_ONE


def to_affine_g2(pt: G2Jacobian) -> G2Affine:
    """Return the affine form of a Jacobian G2 point; the identity becomes all-zero."""
    x, y, z = pt
    if z == FP2_ZERO:
        return G2_IDENTITY
    z_inv = inv_fp2(z)
    z_inv2 = square_fp2(z_inv)
    return mul_fp2(x, z_inv2), mul_fp2(y, mul_fp2(z_inv2, z_inv))


def neg_g2(pt: G2Jacobian) -> G2Jacobian:
    """Return −pt."""
    return pt[0], neg_fp2(pt[1]), pt[2]


def double_g2(pt: G2Jacobian) -> G2Jacobian:
    """Return 2·pt (dbl-2009-l over Fp2)."""
    x, y, z = pt
    a = square_fp2(x)
    b = square_fp2(y)
    c = square_fp2(b)
    d = scale_fp2(mul_fp2(x, b), 4)
    e = scale_fp2(a, 3)
    x3 = sub_fp2(square_fp2(e), scale_fp2(d, 2))
    y3 = sub_fp2(mul_fp2(e, sub_fp2(d, x3)), scale_fp2(c, 8))
    return x3, y3, scale_fp2(mul_fp2(y, z), 2)


def add_g2(p1: G2Jacobian, p2: G2Jacobian) -> G2Jacobian:
    """Return p1 + p2, handling the identity, p1 = p2 and p1 = −p2."""
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if z1 == FP2_ZERO:
        return p2
    if z2 == FP2_ZERO:
        return p1
    z1z1 = square_fp2(z1)
    z2z2 = square_fp2(z2)
    u1 = mul_fp2(x1, z2z2)
    s1 = mul_fp2(y1, mul_fp2(z2, z2z2))
    h = sub_fp2(mul_fp2(x2, z1z1), u1)
    rr = sub_fp2(mul_fp2(y2, mul_fp2(z1, z1z1)), s1)
    if h == FP2_ZERO:
        return double_g2(p1) if rr == FP2_ZERO else G2_JACOBIAN_IDENTITY
    hh = square_fp2(h)
    hhh = mul_fp2(h, hh)
    v = mul_fp2(u1, hh)
    x3 = sub_fp2(sub_fp2(square_fp2(rr), hhh), scale_fp2(v, 2))
    y3 = sub_fp2(mul_fp2(rr, sub_fp2(v, x3)), mul_fp2(s1, hhh))
    return x3, y3, mul_fp2(mul_fp2(z1, z2), h)


def mul_g2(pt: G2Jacobian, k: int) -> G2Jacobian:
    """Return k·pt by double-and-add; k is not reduced mod r (r·pt is a subgroup test)."""
    if k < 0:
        return mul_g2(neg_g2(pt), -k)
    acc = G2_JACOBIAN_IDENTITY
    for bit in bin(k)[2:]:
        acc = double_g2(acc)
        if bit == "1":
            acc = add_g2(acc, pt)
    return acc


def eq_g2(p1: G2Jacobian, p2: G2Jacobian) -> bool:
    """Return whether two Jacobian G2 points are the same point."""
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if z1 == FP2_ZERO or z2 == FP2_ZERO:
        return z1 == z2 == FP2_ZERO
    z1z1 = square_fp2(z1)
    z2z2 = square_fp2(z2)
    same_x = mul_fp2(x1, z2z2) == mul_fp2(x2, z1z1)
    return same_x and mul_fp2(y1, mul_fp2(z2, z2z2)) == mul_fp2(y2, mul_fp2(z1, z1z1))


def is_on_curve_g2(pt: G2Affine) -> bool:
    """Return whether an affine point is the identity or satisfies y² = x³ + 3/(9+u)."""
    x, y = pt
    rhs = add_fp2(mul_fp2(square_fp2(x), x), B_G2)
    return pt == G2_IDENTITY or square_fp2(y) == rhs


def psi_g2(pt: G2Jacobian) -> G2Jacobian:
    """Return ψ(pt) = untwist∘Frobenius∘twist: (conj(x)·ξ^((p−1)/3), conj(y)·ξ^((p−1)/2))."""
    x, y, z = pt
    # conj(X)·γx over conj(Z)² is conj(X/Z²)·γx, so the Jacobian form needs no inversion.
    return mul_fp2(conj_fp2(x), _PSI_X), mul_fp2(conj_fp2(y), _PSI_Y), conj_fp2(z)


@lru_cache(maxsize=64)
def is_in_subgroup_g2(pt: G2Affine) -> bool:
    """Return whether an on-curve G2 point lies in the order-r subgroup, remembered for the last
    64 points by value: the check (≈ 2.5 ms in Python) is most of a verify on mcl, a verifier
    checks many proofs against one key, and `zkt verify` checks a proof's B when it reads the
    file and again in `verify_proof`.

    Tests [x+1]Q + ψ([x]Q) + ψ²([x]Q) == ψ³([2x]Q), equivalent to r·Q = O on the BN254 twist
    (El Housni, Guillevic, Piellard, eprint 2022/348, §3 and §5.1; gnark-crypto's
    IsInSubGroup). Its 63-bit scalar made it 4-8x faster than multiplying by r here; the unit
    tests compare it with r·Q on subgroup points and on points with a component of every
    prime order dividing the cofactor.
    """
    q = from_affine_g2(pt)
    xq = mul_g2(q, BN_X)
    psi_xq = psi_g2(xq)
    psi2_xq = psi_g2(psi_xq)
    lhs = add_g2(add_g2(add_g2(xq, q), psi_xq), psi2_xq)
    return eq_g2(lhs, double_g2(psi_g2(psi2_xq)))


# --- parsing untrusted coordinates ----------------------------------------------------------


def _check_coordinates(group: str, coordinates: tuple[int, ...]) -> None:
    """Reject coordinates outside [0, p) instead of reducing them as py_ecc does."""
    for value in coordinates:
        if not 0 <= value < P:
            raise InvalidValueError(f"{group} coordinate >= p (or negative): {value}")


def parse_g1(x: int, y: int) -> G1Affine:
    """Return the G1 point (x, y) after checking range and curve; (0, 0) is the identity."""
    _check_coordinates("G1", (x, y))
    pt = (x, y)
    if not is_on_curve_g1(pt):
        raise InvalidValueError(f"G1 point not on curve: ({x}, {y})")
    # G1 has cofactor 1: every curve point is in the order-r group.
    return pt


def parse_g2(x: Fp2, y: Fp2) -> G2Affine:
    """Return the G2 point after checking range, curve and subgroup; all-zero is the identity."""
    _check_coordinates("G2", (*x, *y))
    pt = (x, y)
    if not is_on_curve_g2(pt):
        raise InvalidValueError(f"G2 point not on curve: ({x}, {y})")
    if not is_in_subgroup_g2(pt):
        raise InvalidValueError(f"G2 point not in the prime-order subgroup: ({x}, {y})")
    return pt
