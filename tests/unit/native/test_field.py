"""Tests for toolchain.native.field: roots of unity, inversion, Montgomery form, scalar parsing."""

from __future__ import annotations

import random

import pytest

from toolchain.errors import InvalidValueError
from toolchain.native.field import (
    MONT_BITS,
    TWO_ADICITY,
    P,
    R,
    batch_inverse,
    from_mont,
    inverse,
    parse_scalar,
    root_of_unity,
    to_mont,
)

# snarkjs's Fr.w[28] and Fr.w[8] for bn128, as printed by ffjavascript's Fr.toString.
SNARKJS_W28 = 19103219067921713944291392827692070036145651957329286315305642004821462161904
SNARKJS_W8 = 3478517300119284901893091970156912948790432420133812234316178878452092729974


def test_two_adicity_of_r() -> None:
    assert (R - 1) % (1 << TWO_ADICITY) == 0
    assert ((R - 1) >> TWO_ADICITY) % 2 == 1


@pytest.mark.parametrize("k", range(TWO_ADICITY + 1))
def test_root_of_unity_has_order_exactly_2_to_k(k: int) -> None:
    w = root_of_unity(k)
    assert pow(w, 1 << k, R) == 1
    if k > 0:
        assert pow(w, 1 << (k - 1), R) == R - 1


def test_roots_match_snarkjs() -> None:
    assert root_of_unity(TWO_ADICITY) == SNARKJS_W28
    assert root_of_unity(8) == SNARKJS_W8


def test_root_of_unity_beyond_two_adicity_is_rejected() -> None:
    with pytest.raises(ValueError, match="2-adicity"):
        root_of_unity(TWO_ADICITY + 1)


@pytest.mark.parametrize("modulus", [R, P])
def test_inverse(rng: random.Random, modulus: int) -> None:
    for _ in range(20):
        x = rng.randrange(1, modulus)
        assert x * inverse(x, modulus) % modulus == 1


def test_inverse_of_zero_raises() -> None:
    with pytest.raises(
        ZeroDivisionError,
        match=rf"^0 has no inverse modulo {R}$",
    ):
        inverse(0)
    with pytest.raises(
        ZeroDivisionError,
        match=rf"^0 has no inverse modulo {R}$",
    ):
        inverse(R)


def test_batch_inverse_matches_single_inverses(rng: random.Random) -> None:
    values = [rng.randrange(1, R) for _ in range(50)]
    assert batch_inverse(values) == [inverse(v) for v in values]
    assert batch_inverse([]) == []


def test_batch_inverse_rejects_zero() -> None:
    with pytest.raises(
        ZeroDivisionError,
        match=rf"^0 has no inverse modulo {R}$",
    ):
        batch_inverse([3, 0, 5])


@pytest.mark.parametrize("modulus", [R, P])
def test_montgomery_round_trip(rng: random.Random, modulus: int) -> None:
    assert to_mont(1, modulus) == (1 << MONT_BITS) % modulus
    for _ in range(20):
        x = rng.randrange(modulus)
        assert to_mont(x, modulus) == x * 2**256 % modulus
        assert from_mont(to_mont(x, modulus), modulus) == x


@pytest.mark.parametrize("modulus", [R, P])
def test_from_mont_rejects_non_canonical_values(modulus: int) -> None:
    with pytest.raises(InvalidValueError, match="not below the modulus"):
        from_mont(modulus, modulus)
    with pytest.raises(
        InvalidValueError,
        match=rf"^Montgomery value -1 is not below the modulus {modulus}$",
    ):
        from_mont(-1, modulus)


@pytest.mark.parametrize("value", [0, 1, R - 1])
def test_parse_scalar_accepts_range(value: int) -> None:
    assert parse_scalar(value) == value


@pytest.mark.parametrize("value", [R, R + 5, 2**256, -1])
def test_parse_scalar_rejects_out_of_range_naming_the_value(value: int) -> None:
    with pytest.raises(InvalidValueError, match=str(value)):
        parse_scalar(value)
