"""Tests for toolchain.native.msm: Pippenger against the naive sum, edge cases, both backends."""

from __future__ import annotations

import random

import pytest

from toolchain.errors import InvalidValueError
from toolchain.native import msm as msm_module
from toolchain.native.curve import (
    G1_GENERATOR,
    G1_IDENTITY,
    G2_GENERATOR,
    G2_IDENTITY,
    G1Affine,
    G1Jacobian,
    G2Affine,
    G2Jacobian,
    add_g1,
    add_g2,
    eq_g1,
    eq_g2,
    from_affine_g1,
    from_affine_g2,
    mul_g1,
    mul_g2,
    neg_g1,
    to_affine_g1,
    to_affine_g2,
)
from toolchain.native.field import R
from toolchain.native.msm import (
    HAVE_GMPY2,
    batch_mul_g1,
    batch_mul_g2,
    choose_window,
    msm_g1,
    msm_g2,
)

BACKENDS = [False, True] if HAVE_GMPY2 else [False]


def g1_points(rng: random.Random, n: int) -> tuple[list[G1Affine], list[int]]:
    """Return n random G1 points and their discrete logs."""
    logs = [rng.randrange(1, R) for _ in range(n)]
    base = from_affine_g1(G1_GENERATOR)
    return [to_affine_g1(mul_g1(base, k)) for k in logs], logs


def g1_chain(n: int, step: int) -> tuple[list[G1Affine], list[int]]:
    """Return the points (1 + i·step)·G1 cheaply, by repeated addition, with their logs."""
    step_point = mul_g1(from_affine_g1(G1_GENERATOR), step)
    acc = from_affine_g1(G1_GENERATOR)
    points = []
    for _ in range(n):
        points.append(to_affine_g1(acc))
        acc = add_g1(acc, step_point)
    return points, [(1 + i * step) % R for i in range(n)]


def g2_points(rng: random.Random, n: int) -> tuple[list[G2Affine], list[int]]:
    """Return n random G2 points and their discrete logs."""
    logs = [rng.randrange(1, R) for _ in range(n)]
    base = from_affine_g2(G2_GENERATOR)
    return [to_affine_g2(mul_g2(base, k)) for k in logs], logs


def expected_g1(logs: list[int], scalars: list[int]) -> G1Jacobian:
    """Return (Σ log_i·s_i)·G1: the naive sum, computed on the exponents."""
    return mul_g1(
        from_affine_g1(G1_GENERATOR), sum(a * b for a, b in zip(logs, scalars, strict=True)) % R
    )


def expected_g2(logs: list[int], scalars: list[int]) -> G2Jacobian:
    """Return (Σ log_i·s_i)·G2."""
    return mul_g2(
        from_affine_g2(G2_GENERATOR), sum(a * b for a, b in zip(logs, scalars, strict=True)) % R
    )


@pytest.mark.parametrize("use_gmpy2", BACKENDS)
@pytest.mark.parametrize("n", [0, 1, 2, 5, 33, 300])
def test_msm_g1_matches_naive_sum(rng: random.Random, n: int, use_gmpy2: bool) -> None:
    points, logs = g1_chain(n, rng.randrange(1, R))
    scalars = [rng.randrange(R) for _ in range(n)]
    assert eq_g1(msm_g1(points, scalars, use_gmpy2=use_gmpy2), expected_g1(logs, scalars))


def test_msm_g1_matches_sum_of_scalar_multiplications(rng: random.Random) -> None:
    points, _ = g1_points(rng, 6)
    scalars = [rng.randrange(R) for _ in points]
    naive = from_affine_g1(G1_IDENTITY)
    for pt, k in zip(points, scalars, strict=True):
        naive = add_g1(naive, mul_g1(from_affine_g1(pt), k))
    assert eq_g1(msm_g1(points, scalars), naive)


@pytest.mark.parametrize("use_gmpy2", BACKENDS)
@pytest.mark.parametrize("n", [0, 1, 4, 40])
def test_msm_g2_matches_naive_sum(rng: random.Random, n: int, use_gmpy2: bool) -> None:
    points, logs = g2_points(rng, n)
    scalars = [rng.randrange(R) for _ in range(n)]
    assert eq_g2(msm_g2(points, scalars, use_gmpy2=use_gmpy2), expected_g2(logs, scalars))


@pytest.mark.parametrize("use_gmpy2", BACKENDS)
def test_msm_g1_handles_zero_scalars_identities_and_small_scalars(
    rng: random.Random, use_gmpy2: bool
) -> None:
    points, logs = g1_points(rng, 8)
    points[2] = G1_IDENTITY
    logs[2] = 0
    scalars = [0, 1, rng.randrange(R), 2, R - 1, 0, 3, 1]
    assert eq_g1(msm_g1(points, scalars, use_gmpy2=use_gmpy2), expected_g1(logs, scalars))
    assert msm_g1(points, [0] * 8)[2] == 0
    assert msm_g1([G1_IDENTITY] * 3, [5, 6, 7])[2] == 0


@pytest.mark.parametrize("use_gmpy2", BACKENDS)
def test_msm_g1_cancellations_and_doublings_inside_buckets(
    rng: random.Random, use_gmpy2: bool
) -> None:
    """Equal points with equal scalars meet in every bucket: P + P and P + (−P) both occur."""
    (pt,), (log,) = g1_points(rng, 1)
    neg = to_affine_g1(neg_g1(from_affine_g1(pt)))
    k = rng.randrange(R)
    doubled = msm_g1([pt, pt, pt, pt], [k] * 4, use_gmpy2=use_gmpy2)
    assert eq_g1(doubled, expected_g1([log], [4 * k % R]))
    cancelled = msm_g1([pt, neg, pt, neg], [k] * 4, use_gmpy2=use_gmpy2)
    assert cancelled[2] == 0
    mixed = msm_g1([pt, neg, pt], [k, k, k], use_gmpy2=use_gmpy2)
    assert eq_g1(mixed, expected_g1([log], [k]))


@pytest.mark.parametrize("use_gmpy2", BACKENDS)
def test_msm_g2_cancellations_and_identities(rng: random.Random, use_gmpy2: bool) -> None:
    (pt,), (log,) = g2_points(rng, 1)
    neg = to_affine_g2(mul_g2(from_affine_g2(pt), R - 1))
    k = rng.randrange(R)
    total = msm_g2([pt, pt, neg, G2_IDENTITY, pt], [k, k, k, 9, 0], use_gmpy2=use_gmpy2)
    assert eq_g2(total, expected_g2([log], [k]))
    assert eq_g2(msm_g2([pt, pt], [k, k]), add_g2(expected_g2([log], [k]), expected_g2([log], [k])))


def test_msm_splits_over_worker_processes(
    rng: random.Random, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(msm_module, "MIN_POINTS_PER_WORKER", 16)
    points, logs = g1_chain(100, rng.randrange(1, R))
    scalars = [rng.randrange(R) for _ in points]
    assert eq_g1(msm_g1(points, scalars, workers=2), expected_g1(logs, scalars))
    g2_pts, g2_logs = g2_points(rng, 40)
    g2_scalars = [rng.randrange(R) for _ in g2_pts]
    assert eq_g2(msm_g2(g2_pts, g2_scalars, workers=2), expected_g2(g2_logs, g2_scalars))


@pytest.mark.parametrize("bad", [R, R + 1, -1])
def test_msm_rejects_scalars_out_of_range(bad: int) -> None:
    with pytest.raises(InvalidValueError, match=str(bad)):
        msm_g1([G1_GENERATOR], [bad])
    with pytest.raises(
        InvalidValueError, match=rf"^scalar {bad} is out of range: it must satisfy 0 <= s < r$"
    ):
        msm_g2([G2_GENERATOR], [bad])


def test_msm_rejects_length_mismatch() -> None:
    with pytest.raises(ValueError, match="one scalar per point"):
        msm_g1([G1_GENERATOR, G1_GENERATOR], [1])


def test_window_grows_with_the_number_of_points() -> None:
    widths = [choose_window(1 << k) for k in range(0, 21, 2)]
    assert widths == sorted(widths)
    assert widths[0] >= 2
    assert widths[-1] <= 20


def test_msm_asked_for_gmpy2_without_it_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(msm_module, "HAVE_GMPY2", False)
    with pytest.raises(ValueError, match="gmpy2 is not importable"):
        msm_g1([G1_GENERATOR], [3], use_gmpy2=True)
    assert eq_g1(msm_g1([G1_GENERATOR], [3]), mul_g1(from_affine_g1(G1_GENERATOR), 3))


def test_batch_mul_matches_scalar_multiplication(rng: random.Random) -> None:
    scalars = [rng.randrange(R) for _ in range(12)] + [0, 1, 255, 256, R - 1]
    expected_g1 = [to_affine_g1(mul_g1(from_affine_g1(G1_GENERATOR), k)) for k in scalars]
    expected_g2 = [to_affine_g2(mul_g2(from_affine_g2(G2_GENERATOR), k)) for k in scalars]
    for gmp in (False, HAVE_GMPY2):
        assert batch_mul_g1(G1_GENERATOR, scalars, use_gmpy2=gmp) == expected_g1
        assert batch_mul_g2(G2_GENERATOR, scalars, use_gmpy2=gmp) == expected_g2


def test_batch_mul_refuses_scalar_not_below_r() -> None:
    with pytest.raises(
        InvalidValueError, match=rf"^scalar {R} is out of range: it must satisfy 0 <= s < r$"
    ):
        batch_mul_g1(G1_GENERATOR, [R])
