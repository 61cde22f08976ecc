"""Tests for toolchain.native.engine_pure: the pure engine's operations."""

from __future__ import annotations

import random

import pytest

from toolchain.errors import InvalidValueError
from toolchain.native.curve import G1_GENERATOR, G1_IDENTITY, G2_GENERATOR, G2_IDENTITY
from toolchain.native.engine import Engine
from toolchain.native.engine_pure import PureEngine
from toolchain.native.field import R


def test_pure_engine_operations_agree(rng: random.Random) -> None:
    engine: Engine = PureEngine()
    a, b = rng.randrange(1, R), rng.randrange(1, R)
    pa, pb = engine.mul_g1(G1_GENERATOR, a), engine.mul_g1(G1_GENERATOR, b)
    assert engine.add_g1(pa, pb) == engine.mul_g1(G1_GENERATOR, (a + b) % R)
    assert engine.add_g1(pa, engine.neg_g1(pa)) == G1_IDENTITY
    assert engine.msm_g1([pa, pb], [b, a]) == engine.mul_g1(G1_GENERATOR, 2 * a * b % R)
    qa, qb = engine.mul_g2(G2_GENERATOR, a), engine.mul_g2(G2_GENERATOR, b)
    assert engine.add_g2(qa, qb) == engine.mul_g2(G2_GENERATOR, (a + b) % R)
    assert engine.msm_g2([qa, qb], [1, R - 1]) == engine.add_g2(qa, engine.mul_g2(qb, R - 1))
    assert engine.mul_g2(qa, 0) == G2_IDENTITY
    assert engine.pairing_check([(pa, qb), (engine.neg_g1(pb), qa)])
    assert engine.parse_g1(*pa) == pa
    assert engine.parse_g2(*qa) == qa


def test_pure_engine_field_and_polynomial_operations(rng: random.Random) -> None:
    engine = PureEngine()
    x = rng.randrange(1, R)
    assert x * engine.inverse_fr(x) % R == 1
    assert engine.batch_inverse_fr([x, 2]) == [engine.inverse_fr(x), engine.inverse_fr(2)]
    values = [rng.randrange(R) for _ in range(8)]
    assert engine.intt(engine.ntt(values)) == values
    c = [u * v % R for u, v in zip(values, values, strict=True)]
    assert len(engine.h_evaluations(list(values), list(values), c)) == 8


def test_pure_engine_rejects_scalars_out_of_range() -> None:
    engine = PureEngine(use_gmpy2=False)
    with pytest.raises(
        InvalidValueError,
        match=(
            r"^scalar "
            r"21888242871839275222246405745257275088548364400416034343698204186575808495617 is "
            r"out of range: it must satisfy 0 <= s < r$"
        ),
    ):
        engine.mul_g1(G1_GENERATOR, R)
    with pytest.raises(
        InvalidValueError, match=r"^scalar \-1 is out of range: it must satisfy 0 <= s < r$"
    ):
        engine.mul_g2(G2_GENERATOR, -1)
    with pytest.raises(
        InvalidValueError,
        match=rf"^scalar {R} is out of range: it must satisfy 0 <= s < r$",
    ):
        engine.msm_g1([G1_GENERATOR], [R])
