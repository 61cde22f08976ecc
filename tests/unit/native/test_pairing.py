"""Tests for toolchain.native.pairing: bilinearity, a Groth16-shaped check, and failures."""

from __future__ import annotations

import random

import pytest

from toolchain.errors import InvalidValueError
from toolchain.native.curve import (
    G1_GENERATOR,
    G1_IDENTITY,
    G2_GENERATOR,
    G2_IDENTITY,
    G1Affine,
    G2Affine,
    from_affine_g1,
    from_affine_g2,
    mul_g1,
    mul_g2,
    to_affine_g1,
    to_affine_g2,
)
from toolchain.native.field import R, inverse
from toolchain.native.pairing import pairing_check


def g1(k: int) -> G1Affine:
    """Return k·G1."""
    return to_affine_g1(mul_g1(from_affine_g1(G1_GENERATOR), k))


def g2(k: int) -> G2Affine:
    """Return k·G2."""
    return to_affine_g2(mul_g2(from_affine_g2(G2_GENERATOR), k))


def test_bilinearity(rng: random.Random) -> None:
    a, b = rng.randrange(1, R), rng.randrange(1, R)
    # e(aP, bQ) = e(abP, Q)  ⇔  e(aP, bQ)·e(−abP, Q) = 1
    assert pairing_check([(g1(a), g2(b)), (g1(-a * b % R), G2_GENERATOR)])


def test_check_fails_when_exponents_do_not_balance(rng: random.Random) -> None:
    a, b = rng.randrange(1, R), rng.randrange(1, R)
    assert not pairing_check([(g1(a), g2(b)), (g1((-a * b - 1) % R), G2_GENERATOR)])
    assert not pairing_check([(G1_GENERATOR, G2_GENERATOR)])


def test_groth16_shaped_check_with_four_pairs(rng: random.Random) -> None:
    """e(−A, B)·e(α, β)·e(L, γ)·e(C, δ) = 1 when a·b = α·β + l·γ + c·δ."""
    a, b, alpha, beta, l_, gamma, delta = (rng.randrange(1, R) for _ in range(7))
    c = (a * b - alpha * beta - l_ * gamma) * inverse(delta) % R
    pairs = [
        (g1(R - a), g2(b)),
        (g1(alpha), g2(beta)),
        (g1(l_), g2(gamma)),
        (g1(c), g2(delta)),
    ]
    assert pairing_check(pairs)
    pairs[3] = (g1(c + 1), g2(delta))
    assert not pairing_check(pairs)


def test_identity_pairs_contribute_nothing(rng: random.Random) -> None:
    assert pairing_check([])
    assert pairing_check([(G1_IDENTITY, G2_GENERATOR), (G1_GENERATOR, G2_IDENTITY)])
    a = rng.randrange(1, R)
    pairs = [(g1(a), G2_GENERATOR), (G1_IDENTITY, g2(5)), (g1(R - a), G2_GENERATOR)]
    assert pairing_check(pairs)


def test_off_curve_input_raises_our_error() -> None:
    with pytest.raises(InvalidValueError, match="not on curve"):
        pairing_check([((1, 3), G2_GENERATOR)])
