"""Shared fixtures for the BN254 arithmetic tests: seeded randomness, off-subgroup G2 points, and
one `engine` fixture that runs a test over every arithmetic engine."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from tests.unit.native.helpers import twist_point
from toolchain.native.curve import G2Affine
from toolchain.native.engine import Engine


@pytest.fixture
def rng() -> random.Random:
    """Return a fixed-seed random generator so failures reproduce."""
    return random.Random(20240601)


@pytest.fixture
def make_twist_point() -> Callable[[int], G2Affine]:
    """Return a factory of twist points outside G2 (try-and-increment from a start x)."""
    return twist_point


@pytest.fixture
def engine(each_engine: Engine) -> Engine:
    """Each arithmetic engine in turn (tests/unit/conftest.py's `each_engine`)."""
    return each_engine
