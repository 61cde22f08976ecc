"""Multi-pairing check Π e(P_i, Q_i) == 1 with a single final exponentiation (py_ecc inside).

py_ecc's optimized_bn128 computes each Miller loop; their product is raised to (p^12 − 1)/r
once instead of once per pair, and that exponentiation costs more than a Miller loop.
Points arrive in this package's plain-int affine form, already validated (`parse_g1`,
`parse_g2`: py_ecc checks the curve equation but not the G2 subgroup); they become py_ecc
field objects only here, at the boundary.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc.fields import optimized_bn128_FQ as FQ
from py_ecc.fields import optimized_bn128_FQ2 as FQ2
from py_ecc.fields import optimized_bn128_FQ12 as FQ12
from py_ecc.optimized_bn128.optimized_pairing import final_exponentiate, pairing

from toolchain.errors import InvalidValueError
from toolchain.native.curve import G1_IDENTITY, G2_IDENTITY, G1Affine, G2Affine

PyEccG1 = tuple[FQ, FQ, FQ]
PyEccG2 = tuple[FQ2, FQ2, FQ2]


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
