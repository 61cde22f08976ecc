"""Tests for toolchain.native.curve against py_ecc, and point validation with hostile inputs."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from py_ecc.bn128 import bn128_curve as bn128
from py_ecc.fields import optimized_bn128_FQ as FQ
from py_ecc.fields import optimized_bn128_FQ2 as FQ2
from py_ecc.optimized_bn128 import optimized_curve as ob

from toolchain.errors import InvalidValueError
from toolchain.native.curve import (
    B_G2,
    BN_X,
    G1_GENERATOR,
    G1_IDENTITY,
    G1_JACOBIAN_IDENTITY,
    G2_GENERATOR,
    G2_IDENTITY,
    G2_JACOBIAN_IDENTITY,
    G1Affine,
    G2Affine,
    add_g1,
    add_g2,
    double_g1,
    double_g2,
    eq_g1,
    eq_g2,
    from_affine_g1,
    from_affine_g2,
    is_in_subgroup_g2,
    is_on_curve_g1,
    is_on_curve_g2,
    mul_g1,
    mul_g2,
    neg_g1,
    neg_g2,
    parse_g1,
    parse_g2,
    psi_g2,
    to_affine_g1,
    to_affine_g2,
)
from toolchain.native.field import P, R

# #E'(Fp2) = r·h on the twist, h = 2p − r = the product of these primes (found by Pollard rho).
TWIST_COFACTOR_PRIMES = (
    10069,
    5864401,
    1875725156269,
    197620364512881247228717050342013327560683201906968909,
)

MakeTwistPoint = Callable[[int], G2Affine]


def py_ecc_g1(k: int) -> G1Affine:
    """Return k·G1 computed by py_ecc, as plain ints."""
    x, y = ob.normalize(ob.multiply(ob.G1, k))
    return int(x), int(y)


def py_ecc_g2(k: int) -> G2Affine:
    """Return k·G2 computed by py_ecc, as plain ints."""
    x, y = ob.normalize(ob.multiply(ob.G2, k))
    return (int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1]))


def py_ecc_g2_times(pt: G2Affine, k: int) -> bool:
    """Return whether py_ecc finds k·pt to be the identity (an oracle independent of ours)."""
    (x0, x1), (y0, y1) = pt
    z = ob.multiply((FQ2((x0, x1)), FQ2((y0, y1)), FQ2.one()), k)[2]
    return bool(z == FQ2.zero())


def g1(k: int) -> G1Affine:
    """Return k·G1 with our code."""
    return to_affine_g1(mul_g1(from_affine_g1(G1_GENERATOR), k))


def g2(k: int) -> G2Affine:
    """Return k·G2 with our code."""
    return to_affine_g2(mul_g2(from_affine_g2(G2_GENERATOR), k))


def test_generators_and_twist_constant_match_py_ecc() -> None:
    assert tuple(int(c) for c in bn128.G1) == G1_GENERATOR
    assert tuple(tuple(int(v) for v in c.coeffs) for c in bn128.G2) == G2_GENERATOR
    assert tuple(int(v) for v in bn128.b2.coeffs) == B_G2
    assert is_on_curve_g1(G1_GENERATOR)
    assert is_on_curve_g2(G2_GENERATOR)


def test_bn_parameter_generates_p_and_r() -> None:
    x = BN_X
    assert 36 * x**4 + 36 * x**3 + 24 * x**2 + 6 * x + 1 == P
    assert 36 * x**4 + 36 * x**3 + 18 * x**2 + 6 * x + 1 == R


def test_twist_cofactor_factorisation() -> None:
    product = 1
    for prime in TWIST_COFACTOR_PRIMES:
        product *= prime
    assert product == 2 * P - R


def test_scalar_multiplication_matches_py_ecc(rng: random.Random) -> None:
    for k in [1, 2, 3, R - 1, *(rng.randrange(R) for _ in range(4))]:
        assert g1(k) == py_ecc_g1(k)
    for k in [1, 2, R - 1, rng.randrange(R)]:
        assert g2(k) == py_ecc_g2(k)


def test_g1_group_laws(rng: random.Random) -> None:
    a, b, c = (rng.randrange(1, R) for _ in range(3))
    pa, pb, pc = (mul_g1(from_affine_g1(G1_GENERATOR), k) for k in (a, b, c))
    assert to_affine_g1(add_g1(pa, pb)) == py_ecc_g1((a + b) % R)
    assert eq_g1(add_g1(pa, pb), add_g1(pb, pa))
    assert eq_g1(add_g1(add_g1(pa, pb), pc), add_g1(pa, add_g1(pb, pc)))
    assert eq_g1(add_g1(pa, pa), double_g1(pa))
    assert to_affine_g1(double_g1(pa)) == py_ecc_g1(2 * a % R)
    assert eq_g1(add_g1(pa, G1_JACOBIAN_IDENTITY), pa)
    assert eq_g1(add_g1(G1_JACOBIAN_IDENTITY, pa), pa)
    assert add_g1(pa, neg_g1(pa))[2] == 0
    assert to_affine_g1(neg_g1(pa)) == py_ecc_g1(R - a)
    assert eq_g1(mul_g1(pa, b), mul_g1(pb, a))
    assert eq_g1(mul_g1(pa, -1), neg_g1(pa))
    assert mul_g1(pa, R)[2] == 0
    assert mul_g1(pa, 0)[2] == 0


def test_g2_group_laws(rng: random.Random) -> None:
    a, b = (rng.randrange(1, R) for _ in range(2))
    pa, pb = (mul_g2(from_affine_g2(G2_GENERATOR), k) for k in (a, b))
    assert to_affine_g2(add_g2(pa, pb)) == py_ecc_g2((a + b) % R)
    assert eq_g2(add_g2(pa, pb), add_g2(pb, pa))
    assert eq_g2(add_g2(pa, pa), double_g2(pa))
    assert eq_g2(add_g2(pa, G2_JACOBIAN_IDENTITY), pa)
    assert add_g2(pa, neg_g2(pa))[2] == (0, 0)
    assert to_affine_g2(neg_g2(pa)) == py_ecc_g2(R - a)
    assert eq_g2(mul_g2(pa, b), mul_g2(pb, a))
    assert mul_g2(pa, R)[2] == (0, 0)


def test_equality_ignores_the_jacobian_representative(rng: random.Random) -> None:
    x, y, z = mul_g1(from_affine_g1(G1_GENERATOR), rng.randrange(1, R))
    lam = rng.randrange(2, P)
    assert eq_g1((x, y, z), (x * lam**2 % P, y * lam**3 % P, z * lam % P))
    assert not eq_g1((x, y, z), G1_JACOBIAN_IDENTITY)
    assert eq_g1(G1_JACOBIAN_IDENTITY, (5, 7, 0))
    assert eq_g2(G2_JACOBIAN_IDENTITY, ((5, 1), (7, 0), (0, 0)))


def test_affine_identity_round_trips() -> None:
    assert to_affine_g1(from_affine_g1(G1_IDENTITY)) == G1_IDENTITY
    assert to_affine_g2(from_affine_g2(G2_IDENTITY)) == G2_IDENTITY
    assert to_affine_g1(from_affine_g1(G1_GENERATOR)) == G1_GENERATOR
    assert to_affine_g2(from_affine_g2(G2_GENERATOR)) == G2_GENERATOR


def test_psi_is_multiplication_by_p_on_g2(rng: random.Random) -> None:
    q = mul_g2(from_affine_g2(G2_GENERATOR), rng.randrange(1, R))
    assert is_on_curve_g2(to_affine_g2(psi_g2(q)))
    assert eq_g2(psi_g2(q), mul_g2(q, P % R))


def test_subgroup_check_accepts_g2_points(rng: random.Random) -> None:
    for k in [1, 2, R - 1, rng.randrange(R)]:
        assert is_in_subgroup_g2(g2(k))
    assert is_in_subgroup_g2(G2_IDENTITY)


def test_subgroup_check_rejects_twist_points(make_twist_point: MakeTwistPoint) -> None:
    for start in (1, 1000, 2**200):
        q = make_twist_point(start)
        assert is_on_curve_g2(q)
        assert not py_ecc_g2_times(q, R)  # the independent oracle: r·Q ≠ O
        assert not is_in_subgroup_g2(q)


@pytest.mark.parametrize("prime", TWIST_COFACTOR_PRIMES)
def test_subgroup_check_rejects_every_small_torsion_component(
    make_twist_point: MakeTwistPoint, prime: int
) -> None:
    """Q + T with T of order ℓ | h is where a shortcut test could go wrong; r·Q is the oracle."""
    cofactor = 2 * P - R
    torsion = mul_g2(from_affine_g2(make_twist_point(7)), R * (cofactor // prime))
    assert torsion[2] != (0, 0)
    assert mul_g2(torsion, prime)[2] == (0, 0)
    hostile = to_affine_g2(add_g2(from_affine_g2(g2(12345)), torsion))
    assert mul_g2(from_affine_g2(hostile), R)[2] != (0, 0)
    assert not is_in_subgroup_g2(hostile)
    assert not is_in_subgroup_g2(to_affine_g2(torsion))


def test_parse_g1_accepts_points_and_identity(rng: random.Random) -> None:
    pt = g1(rng.randrange(1, R))
    assert parse_g1(*pt) == pt
    assert parse_g1(0, 0) == G1_IDENTITY


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (1, 2 + P, "coordinate >= p"),  # py_ecc would reduce this to the generator
        (P, 2, "coordinate >= p"),
        (-1, 2, "coordinate >= p"),
        (1, 3, "point not on curve"),
        (0, 1, "point not on curve"),
    ],
)
def test_parse_g1_rejects_hostile_points(x: int, y: int, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        parse_g1(x, y)


def test_parse_g2_accepts_points_and_identity(rng: random.Random) -> None:
    pt = g2(rng.randrange(1, R))
    assert parse_g2(*pt) == pt
    assert parse_g2((0, 0), (0, 0)) == G2_IDENTITY


def test_parse_g2_rejects_coordinates_at_or_above_p() -> None:
    (x0, x1), y = G2_GENERATOR
    with pytest.raises(InvalidValueError, match="coordinate >= p"):
        parse_g2((x0 + P, x1), y)
    with pytest.raises(InvalidValueError, match="coordinate >= p"):
        parse_g2((x0, x1), (y[0], y[1] + P))


def test_parse_g2_rejects_off_curve_points() -> None:
    x, (y0, y1) = G2_GENERATOR
    with pytest.raises(InvalidValueError, match="point not on curve"):
        parse_g2(x, (y0, (y1 + 1) % P))


def test_parse_g2_rejects_points_outside_the_subgroup(make_twist_point: MakeTwistPoint) -> None:
    x, y = make_twist_point(42)
    with pytest.raises(InvalidValueError, match="G2 point not in the prime-order subgroup"):
        parse_g2(x, y)


def test_py_ecc_does_not_check_what_we_check(make_twist_point: MakeTwistPoint) -> None:
    """Documents why validation is ours: py_ecc takes a non-subgroup point as on-curve."""
    (x0, x1), (y0, y1) = make_twist_point(42)
    assert ob.is_on_curve((FQ2((x0, x1)), FQ2((y0, y1)), FQ2.one()), ob.b2)
    assert FQ(1 + P) == FQ(1)
