"""Shared fixtures for the BN254 arithmetic tests: seeded randomness, off-subgroup G2 points, and
one `engine` fixture that runs a test over every arithmetic engine."""

from __future__ import annotations

import os
import random
from collections.abc import Callable

import pytest

from toolchain.native.curve import B_G2, Fp2, G2Affine, add_fp2, mul_fp2, square_fp2
from toolchain.native.engine import Engine, PureEngine, mcl_unavailable_reason
from toolchain.native.engine_mcl import MclEngine
from toolchain.native.field import P

ENGINES = ("pure", "mcl")


def _sqrt_fp(a: int) -> int | None:
    """Return a square root of a in Fp (p ≡ 3 mod 4), or None."""
    s = pow(a, (P + 1) // 4, P)
    return s if s * s % P == a % P else None


def _sqrt_fp2(a: Fp2) -> Fp2 | None:
    """Return a square root in Fp2 through the norm map, or None."""
    a0, a1 = a
    norm_root = _sqrt_fp((a0 * a0 + a1 * a1) % P)
    if norm_root is None:
        return None
    half = pow(2, -1, P)
    for candidate in ((a0 + norm_root) * half % P, (a0 - norm_root) * half % P):
        x0 = _sqrt_fp(candidate)
        if x0:
            root = (x0, a1 * pow(2 * x0, -1, P) % P)
            assert square_fp2(root) == (a0 % P, a1 % P)
            return root
    # a1 = 0 and a0 a non-residue: the root is purely imaginary.
    x1 = _sqrt_fp(-a0 % P)
    return None if x1 is None else (0, x1)


def _twist_point(start: int) -> G2Affine:
    """Return the first point on y² = x³ + b2 with x = (start + i, 1): try-and-increment, no
    cofactor clearing, so it is (all but certainly) outside the order-r subgroup."""
    x0 = start
    while True:
        x = (x0 % P, 1)
        y = _sqrt_fp2(add_fp2(mul_fp2(square_fp2(x), x), B_G2))
        if y is not None:
            return x, y
        x0 += 1


@pytest.fixture
def rng() -> random.Random:
    """Return a fixed-seed random generator so failures reproduce."""
    return random.Random(20240601)


@pytest.fixture
def make_twist_point() -> Callable[[int], G2Affine]:
    """Return a factory of twist points outside G2 (try-and-increment from a start x)."""
    return _twist_point


def mcl_required() -> bool:
    """Return whether a missing mcl engine must fail the run (CI, or ZKT_REQUIRE_MCL=1)."""
    return os.environ.get("ZKT_REQUIRE_MCL") == "1" or bool(os.environ.get("CI"))


def skip_or_fail_without_mcl() -> None:
    """Skip the test when mcl cannot load, or fail it where mcl is required."""
    reason = mcl_unavailable_reason()
    if reason is None:
        return
    if mcl_required():
        pytest.fail(f"the mcl engine is required here (CI or ZKT_REQUIRE_MCL=1): {reason}")
    pytest.skip(reason)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Return each engine in turn: pure in this process (no MSM workers), then mcl on 2 threads."""
    if request.param == "pure":
        return PureEngine(workers=1)
    skip_or_fail_without_mcl()
    return MclEngine(workers=2)


@pytest.fixture
def mcl_engine() -> MclEngine:
    """Return the mcl engine alone, for the tests about mcl itself (skip or fail as above)."""
    skip_or_fail_without_mcl()
    return MclEngine(workers=2)
