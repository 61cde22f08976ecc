"""Tests for toolchain.native.polynomial: NTT against naive evaluation, and the witness map."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import gmpy2
import pytest

from toolchain.native import polynomial
from toolchain.native.field import TWO_ADICITY, R, root_of_unity
from toolchain.native.polynomial import _odd_coset_shift, h_evaluations, intt, ntt


def evaluate(coefficients: Sequence[int], x: int) -> int:
    """Return the polynomial's value at x by Horner's rule."""
    acc = 0
    for c in reversed(coefficients):
        acc = (acc * x + c) % R
    return acc


def random_values(rng: random.Random, n: int) -> list[int]:
    """Return n random elements of Fr."""
    return [rng.randrange(R) for _ in range(n)]


@pytest.mark.parametrize("k", [0, 1, 2, 3, 6])
def test_ntt_matches_naive_evaluation(rng: random.Random, k: int) -> None:
    n = 1 << k
    coefficients = random_values(rng, n)
    w = root_of_unity(k)
    expected = [evaluate(coefficients, pow(w, i, R)) for i in range(n)]
    assert ntt(coefficients) == expected


@pytest.mark.parametrize("k", [0, 1, 4, 9, 12])
def test_intt_inverts_ntt(rng: random.Random, k: int) -> None:
    values = random_values(rng, 1 << k)
    assert intt(ntt(values)) == values
    assert ntt(intt(values)) == values


@pytest.mark.parametrize("n", [0, 3, 12])
def test_ntt_rejects_sizes_that_are_not_powers_of_two(n: int) -> None:
    with pytest.raises(ValueError, match="power of two"):
        ntt([1] * n)


@pytest.mark.parametrize("k", [0, 1, 3, 5])
def test_h_evaluations_match_naive_product_at_odd_points(rng: random.Random, k: int) -> None:
    n = 1 << k
    a, b, c = random_values(rng, n), random_values(rng, n), random_values(rng, n)
    pa, pb, pc = intt(a), intt(b), intt(c)
    w2n = root_of_unity(k + 1)
    odd_points = [pow(w2n, 2 * i + 1, R) for i in range(n)]
    expected = [(evaluate(pa, x) * evaluate(pb, x) - evaluate(pc, x)) % R for x in odd_points]
    assert h_evaluations(a, b, c) == expected


def test_h_evaluations_of_a_satisfied_system_determine_h(rng: random.Random) -> None:
    """With C = A∘B on the domain, the odd values are h·Z with Z = x^n − 1 = −2 there."""
    n = 8
    a, b = random_values(rng, n), random_values(rng, n)
    c = [x * y % R for x, y in zip(a, b, strict=True)]
    values = h_evaluations(a, b, c)
    # Rebuild A·B − C from its values on the 2n domain (zero at the even points).
    full = [0] * (2 * n)
    full[1::2] = values
    product = intt(full)
    # Dividing by x^n − 1 leaves no remainder: coefficients satisfy p_i = −h_i and p_(i+n) = h_i.
    assert all((product[i] + product[i + n]) % R == 0 for i in range(n))


def test_h_evaluations_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="lengths differ"):
        h_evaluations([1, 2], [1, 2], [1])


@pytest.mark.parametrize("gmp", [True, False])
def test_h_evaluations_empty_the_lists_they_take(
    rng: random.Random, monkeypatch: pytest.MonkeyPatch, gmp: bool
) -> None:
    monkeypatch.setattr(polynomial, "HAVE_GMPY2", gmp and polynomial.HAVE_GMPY2)
    a, b, c = (random_values(rng, 16) for _ in range(3))
    assert len(h_evaluations(a, b, c)) == 16
    assert a == b == c == []


def test_h_evaluations_refuse_a_list_passed_twice() -> None:
    """Each list is emptied as it is moved: the same list twice would be moved empty."""
    values, other = [1, 2], [3, 4]
    for args in ([values, values, other], [values, other, values], [other, values, values]):
        with pytest.raises(
            ValueError,
            match=r"^A, B, C must be three distinct lists: each is emptied as it is moved$",
        ):
            h_evaluations(*args)
    assert values == [1, 2]


def test_maximal_domain_falls_back_to_the_coset_of_25() -> None:
    assert _odd_coset_shift(TWO_ADICITY) == 25
    assert _odd_coset_shift(3) == root_of_unity(4)


def by_convolution(values: list[int]) -> list[int]:
    """The values at the odd coset by the half-size convolutions, as h_evaluations moves them
    (on a copy: the move empties the list it is given)."""
    shift = _odd_coset_shift(len(values).bit_length() - 1)
    return reduced(polynomial._to_coset_by_convolution(list(values), shift), len(values))


def reduced(moved: list[Any], n: int) -> list[int]:
    """The values a move returns, each checked below its slot's bound, mod r."""
    bound = 1 << 8 * polynomial._slot(max(n.bit_length() - 1, 1))
    assert all(0 <= value < bound for value in moved)
    return [int(value) % R for value in moved]


def by_ntt(values: list[int]) -> list[int]:
    """The values at the odd coset by an inverse NTT, the shift and an NTT (on a copy)."""
    return polynomial._to_odd_points_by_ntt(list(values))


@pytest.mark.parametrize("k", [0, 1, 2, 3, 5, 10, 12])
def test_convolution_and_ntts_move_to_the_odd_coset_alike(rng: random.Random, k: int) -> None:
    n = 1 << k
    values = random_values(rng, n)
    expected = by_ntt(values)
    assert by_convolution(values) == expected
    # the largest sums (r − 1 + r − 1) and differences (r − 1 + r − 0) the slots must hold
    for extreme in ([R - 1] * n, [R - 1] * (n - n // 2) + [0] * (n // 2)):
        assert by_convolution(extreme) == by_ntt(extreme)
    unreduced = [value + R * (i % 3 - 1) for i, value in enumerate(values)]  # some < 0, some ≥ r
    assert by_convolution(unreduced) == expected
    # the zero polynomial: no slot of the product is nonzero, yet every value comes back
    assert by_convolution([0] * n) == [0] * n


@pytest.mark.parametrize("k", [0, 1, 3, 6])
def test_convolution_to_the_coset_of_25_matches_naive_evaluation(
    rng: random.Random, k: int
) -> None:
    """The maximal domain's coset 25·H, tried on small domains."""
    values = random_values(rng, 1 << k)
    coefficients = intt(values)
    w = root_of_unity(k)
    expected = [evaluate(coefficients, 25 * pow(w, i, R) % R) for i in range(1 << k)]
    assert reduced(polynomial._to_coset_by_convolution(values, 25), 1 << k) == expected


def test_h_evaluations_without_gmpy2_match_those_with_it(
    rng: random.Random, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = (random_values(rng, 64) for _ in range(3))
    with_gmpy2 = h_evaluations(list(a), list(b), list(c))
    monkeypatch.setattr(polynomial, "HAVE_GMPY2", False)
    assert h_evaluations(a, b, c) == with_gmpy2


def test_a_moves_product_runs_without_the_gil_and_leaves_the_context_as_it_was(
    rng: random.Random,
) -> None:
    """`_product` multiplies under gmpy2's allow_release_gil (GMP then lets go of the GIL for
    the MSM threads); the caller's context keeps its own setting, which would otherwise cost
    every small operation after it a release and a re-take."""
    seen: list[bool] = []

    class Packed:
        """A packed integer that notes the context it is multiplied under."""

        def __init__(self, value: object) -> None:
            self.value = value

        def __mul__(self, kernel: object) -> object:
            seen.append(gmpy2.get_context().allow_release_gil)
            return self.value * kernel  # type: ignore[operator]

    x, y = gmpy2.mpz(rng.getrandbits(4096)), gmpy2.mpz(rng.getrandbits(4096))
    assert polynomial._product(Packed(x), y) == x * y
    assert seen == [True] and gmpy2.get_context().allow_release_gil is False
