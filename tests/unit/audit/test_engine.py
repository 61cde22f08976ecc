"""The audit engine on hand-made R1CS: each propagation rule proves what it should and no more,
the search forges where it can, the solver's models are checked, and unknown stays unknown."""

from __future__ import annotations

import time

import pytest

from toolchain.audit.propagate import determined
from toolchain.audit.search import _forgery, search
from toolchain.audit.system import System
from toolchain.audit.verdict import UNDER_CONSTRAINED, UNIQUE, UNKNOWN, audit
from toolchain.errors import WitnessError
from toolchain.formats.r1cs import Constraint, R1cs, R1csHeader
from toolchain.native.field import R, inverse

ONE = 0


def _system(n_wires: int, outputs: int, inputs: int, constraints: list[Constraint]) -> System:
    """Wire 0 is 1, then `outputs` output wires, `inputs` private inputs, then intermediates."""
    header = R1csHeader(32, R, n_wires, outputs, 0, inputs, n_wires, len(constraints))
    r1cs = R1cs(header, constraints, list(range(n_wires)))
    return System(
        r1cs, frozenset(range(1 + outputs, 1 + outputs + inputs)), tuple(range(1, 1 + outputs))
    )


def test_a_constraint_linear_in_one_unknown_determines_it() -> None:
    # wire 1 (out) = 3·x + 1, written 1 × (3x + 1) = out; x is wire 2.
    system = _system(3, 1, 1, [({ONE: 1}, {2: 3, ONE: 1}, {1: 1})])
    assert determined(system) == {0, 1, 2}


def test_a_product_of_determined_sides_determines_the_other() -> None:
    system = _system(3, 1, 1, [({2: 1}, {2: 1}, {1: 1})])  # out = x·x
    assert 1 in determined(system)


def test_a_factor_that_may_be_zero_determines_nothing() -> None:
    # x·y = x fixes y only where x ≠ 0: not for every input, so not determined.
    system = _system(3, 1, 1, [({2: 1}, {1: 1}, {2: 1})])
    assert 1 not in determined(system)


def test_a_non_zero_constant_product_determines_the_other_factor() -> None:
    # x·y = 1 forces x ≠ 0, so y = 1/x for every input; x·y = 0 does not.
    assert 1 in determined(_system(3, 1, 1, [({2: 1}, {1: 1}, {ONE: 1})]))
    assert 1 not in determined(_system(3, 1, 1, [({2: 1}, {1: 1}, {})]))


def _bits(weights: list[int], binary: bool = True) -> System:
    """Outputs b_i (wires 1..n), input x (wire n+1): Σ w_i·b_i = x, each b_i ∈ {0, 1}."""
    n = len(weights)
    constraints: list[Constraint] = [
        ({ONE: 1}, {i + 1: w for i, w in enumerate(weights)}, {n + 1: 1})
    ]
    if binary:
        constraints += [({b: 1}, {b: 1, ONE: R - 1}, {}) for b in range(1, n + 1)]
    return _system(n + 2, n, 1, constraints)


def test_a_binary_decomposition_determines_its_bits() -> None:
    assert determined(_bits([1, 2, 4, 8])) >= {1, 2, 3, 4}
    assert determined(_bits([3 * 8, 3 * 2, 3, 3 * 4])) >= {1, 2, 3, 4}  # any order, common factor
    third = inverse(3)
    assert determined(_bits([third, 2 * third, 4 * third])) >= {1, 2, 3}  # scaled by 1/3 mod r


@pytest.mark.parametrize(
    "weights, binary",
    [([1, 2, 4, 8], False), ([1, 2, 2, 8], True), ([1, 2, 3], True), ([1, 1 << 253], True)],
)
def test_what_is_not_a_binary_decomposition_determines_nothing(
    weights: list[int], binary: bool
) -> None:
    # no bit constraints; a repeated weight; a weight that is no power of two; a sum that wraps
    assert not determined(_bits(weights, binary)) & set(range(1, len(weights) + 1))


def _is_zero(with_check: bool) -> System:
    """out (1), in (2), inv (3): −in·inv = out − 1, and in·out = 0 when `with_check`."""
    constraints: list[Constraint] = [({2: R - 1}, {3: 1}, {1: 1, ONE: R - 1})]
    if with_check:
        constraints.append(({2: 1}, {1: 1}, {}))
    return _system(4, 1, 1, constraints)


def test_the_is_zero_pattern_determines_out_but_not_inv() -> None:
    assert determined(_is_zero(True)) == {0, 1, 2}
    assert determined(_is_zero(False)) == {0, 2}


def _witness(x: int) -> list[int]:
    inv = inverse(x) if x else 0
    return [1, (1 - x * inv) % R, x, inv]


def test_the_verdicts() -> None:
    deadline = 2.0
    assert audit(_is_zero(True), _witness(5), deadline).status == UNIQUE
    broken = audit(_is_zero(False), _witness(5), deadline)
    assert broken.status == UNDER_CONSTRAINED and broken.forgery is not None
    assert _is_zero(False).satisfied(broken.forgery.witness)
    assert broken.forgery.witness[1] != 0 and broken.forgery.witness[2] == 5
    # in = 0: out is 1 whatever inv, but propagation cannot prove it for every input.
    undecided = audit(_is_zero(False), _witness(0), deadline)
    assert undecided.status == UNKNOWN and undecided.undetermined_outputs == (1,)


def test_a_witness_that_breaks_the_circuit_is_refused() -> None:
    with pytest.raises(WitnessError, match="does not satisfy"):
        audit(_is_zero(True), [1, 1, 5, 0], 1.0)


def test_the_solver_finds_what_guesses_miss() -> None:
    # (out − 5)(out − 7) = 0 with the honest out = 5: only 7 forges, and no guess tries it.
    system = _system(2, 1, 0, [({1: 1, ONE: R - 5}, {1: 1, ONE: R - 7}, {})])
    outcome = search(system, [1, 5], frozenset({1}), (1,), time.monotonic() + 5)
    assert outcome.forgery is not None and outcome.forgery.method == "solver"
    assert outcome.forgery.witness == (1, 7)


def test_the_solver_can_prove_no_second_value_for_this_input() -> None:
    system = _system(3, 1, 1, [({2: 1}, {1: 1}, {2: 1})])  # x·y = x, x = 5: y = 1 only
    outcome = search(system, [1, 1, 5], frozenset({1}), (1,), time.monotonic() + 5)
    assert outcome.forgery is None and outcome.stopped == "solver-unsat"


def test_a_candidate_is_believed_only_once_every_constraint_holds() -> None:
    system = _is_zero(True)
    relevant = [0, 1]
    assert _forgery(system, _witness(5), [1, 1, 5, 0], (1,), relevant, "solver") is None
