"""Multi-pairing check Π e(P_i, Q_i) == 1 with a single final exponentiation (py_ecc inside).

py_ecc's optimized_bn128 computes each Miller loop; their product is raised to (p^12 − 1)/r
once instead of once per pair, and that exponentiation costs more than a Miller loop.
Points arrive in this package's plain-int affine form, already validated (`parse_g1`,
`parse_g2`: py_ecc checks the curve equation but not the G2 subgroup); they become py_ecc
field objects only here, at the boundary.

`snarkjs_pairing` is the pairing value snarkjs stores as vk_alphabeta_12: py_ecc's optimal ate
pairing raised to 2x(6x² + 3x + 1), x the BN parameter (ffjavascript's final exponentiation
computes that fixed power of the usual one), nested as ffjavascript's toObject nests an Fp12:
Fp12 = Fp6[w]/(w² − v), Fp6 = Fp2[v]/(v³ − (9 + u)).
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc.fields import optimized_bn128_FQ as FQ
from py_ecc.fields import optimized_bn128_FQ2 as FQ2
from py_ecc.fields import optimized_bn128_FQ12 as FQ12
from py_ecc.optimized_bn128.optimized_pairing import final_exponentiate, pairing

from toolchain.errors import InvalidValueError
from toolchain.native.curve import BN_X, G1_IDENTITY, G2_IDENTITY, Fp2, G1Affine, G2Affine
from toolchain.native.field import P

Fp6 = tuple[Fp2, Fp2, Fp2]
Fp12 = tuple[Fp6, Fp6]
PyEccG1 = tuple[FQ, FQ, FQ]
PyEccG2 = tuple[FQ2, FQ2, FQ2]

_SNARKJS_GT_EXPONENT = 2 * BN_X * (6 * BN_X * BN_X + 3 * BN_X + 1)


def _to_py_ecc_g1(pt: G1Affine) -> PyEccG1:
    """Return a non-identity affine G1 point as py_ecc projective coordinates."""
    return FQ(pt[0]), FQ(pt[1]), FQ.one()


def _to_py_ecc_g2(pt: G2Affine) -> PyEccG2:
    """Return a non-identity affine G2 point as py_ecc projective coordinates."""
    (x0, x1), (y0, y1) = pt
    return FQ2((x0, x1)), FQ2((y0, y1)), FQ2.one()


def _miller_loop_product(pairs: Sequence[tuple[G1Affine, G2Affine]]) -> FQ12:
    """Return the product of the Miller loops f(P_i, Q_i), skipping pairs with an identity."""
    product = FQ12.one()
    for p_g1, q_g2 in pairs:
        # e(O, Q) = e(P, O) = 1: the factor is 1 and py_ecc's loop would only return one().
        if p_g1 == G1_IDENTITY or q_g2 == G2_IDENTITY:
            continue
        try:
            factor = pairing(_to_py_ecc_g2(q_g2), _to_py_ecc_g1(p_g1), final_exponentiate=False)
        except ValueError as exc:  # py_ecc's only complaint: a point off its curve
            raise InvalidValueError(f"pairing input point not on curve: {exc}") from exc
        product *= factor
    return product


def pairing_check(pairs: Sequence[tuple[G1Affine, G2Affine]]) -> bool:
    """Return True iff Π e(P_i, Q_i) is 1 in GT, using one final exponentiation."""
    return bool(final_exponentiate(_miller_loop_product(pairs)) == FQ12.one())


def snarkjs_pairing(p_g1: G1Affine, q_g2: G2Affine) -> Fp12:
    """e(P, Q) as ffjavascript computes and nests it (both points finite and on their curves)."""
    value = pairing(_to_py_ecc_g2(q_g2), _to_py_ecc_g1(p_g1)) ** _SNARKJS_GT_EXPONENT
    return _to_tower([int(c) for c in value.coeffs])


def _to_tower(c: list[int]) -> Fp12:
    """Re-nest py_ecc's Fp[w]/(w¹² − 18w⁶ + 82) element in the tower (u = w⁶ − 9, v = w²)."""

    # Σ (a + b·u)·w^k = Σ (a − 9b)·w^k + b·w^(k+6), with w^k = v^j·w^i for k = 2j + i.
    def fp2(k: int) -> Fp2:
        return (c[k] + 9 * c[k + 6]) % P, c[k + 6]

    return (fp2(0), fp2(2), fp2(4)), (fp2(1), fp2(3), fp2(5))
