"""What the phase-1 and phase-2 verifiers share: sameRatio, G2 subgroup checks, random scalars.

sameRatio(a1, b1, a2, b2) means e(a1, b2) = e(b1, a2), one pairing check. snarkjs's is refused
when any point is the identity (the ratio would be undefined); so is ours. Whole point sections
are compared through random linear combinations: one wrong point passes with probability
2^-RANDOM_BITS.
"""

from __future__ import annotations

import secrets

from toolchain.errors import InvalidValueError, VerificationError
from toolchain.native.curve import G1_IDENTITY, G2_IDENTITY, G1Affine, G2Affine
from toolchain.native.engine import Engine

RANDOM_BITS = 128
CHUNK_POINTS = 1 << 16


def same_ratio(engine: Engine, a1: G1Affine, b1: G1Affine, a2: G2Affine, b2: G2Affine) -> bool:
    """e(a1, b2) = e(b1, a2) with no identity point: b1/a1 and b2/a2 share a discrete log."""
    if G1_IDENTITY in (a1, b1) or G2_IDENTITY in (a2, b2):
        return False
    return engine.pairing_check([(a1, b2), (engine.neg_g1(b1), a2)])


def check_in_g2(engine: Engine, point: G2Affine, what: str) -> None:
    """VerificationError unless `point` is in the order-r subgroup of G2."""
    # Pairings on points off the order-r subgroup are not bilinear: the ratios would mean nothing.
    try:
        engine.parse_g2(*point)
    except InvalidValueError:
        raise VerificationError(f"{what} is not in the G2 subgroup", code="invalid_point") from None


def random_scalars(count: int) -> list[int]:
    """`count` random RANDOM_BITS-bit coefficients for a random linear combination."""
    return [secrets.randbits(RANDOM_BITS) for _ in range(count)]
