"""R1CS satisfaction on a hand-built constraint system, its signals named through a .sym file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import exactly
from toolchain.errors import WitnessError
from toolchain.formats.r1cs import Constraint, R1cs, R1csHeader
from toolchain.formats.sym import Symbols, read_sym
from toolchain.native.field import R
from toolchain.witness.constraints import Unsatisfied, check_constraints, evaluate

# Wires: 0 the constant 1, 1 out (output), 2 x, 3 y (private inputs), 4 z, 5 d.
#   0: x · y = z
#   1: (z + 1) · 1 = out
#   2: (x - y) · 1 = d          (the coefficient -1 is r - 1: d wraps below zero)
CONSTRAINTS: list[Constraint] = [
    ({2: 1}, {3: 1}, {4: 1}),
    ({4: 1, 0: 1}, {0: 1}, {1: 1}),
    ({2: 1, 3: R - 1}, {0: 1}, {5: 1}),
]
SYM = """\
1,1,0,main.out
2,2,0,main.x
3,3,0,main.y
4,4,0,main.z
5,4,1,main.mul.out
6,5,0,main.d
"""
X, Y = 3, 5
VALID = [1, X * Y + 1, X, Y, X * Y, R - 2]


def _r1cs(constraints: list[Constraint], n_wires: int) -> R1cs:
    header = R1csHeader(32, R, n_wires, 1, 0, 2, n_wires, len(constraints))
    return R1cs(header, constraints, list(range(n_wires)))


@pytest.fixture
def r1cs() -> R1cs:
    return _r1cs(CONSTRAINTS, len(VALID))


@pytest.fixture
def symbols(tmp_path: Path) -> Symbols:
    path = tmp_path / "circuit.sym"
    path.write_text(SYM)
    return read_sym(path)


def _with(wire: int, value: int) -> list[int]:
    witness = list(VALID)
    witness[wire] = value
    return witness


def test_a_valid_witness_satisfies_every_constraint(r1cs: R1cs, symbols: Symbols) -> None:
    assert check_constraints(r1cs, VALID, symbols) == []


def test_evaluate_reduces_mod_r() -> None:
    assert evaluate({2: 1, 3: R - 1}, VALID) == R - 2
    assert evaluate({}, VALID) == 0


def test_a_wrong_output_breaks_its_constraint_with_values_and_names(
    r1cs: R1cs, symbols: Symbols
) -> None:
    (broken,) = check_constraints(r1cs, _with(1, 99), symbols)
    assert broken == Unsatisfied(
        index=1,
        a=X * Y + 1,
        b=1,
        c=99,
        signals={"main.out": 99, "main.z": X * Y, "main.mul.out": X * Y},
    )


def test_every_broken_constraint_is_reported_in_order(r1cs: R1cs, symbols: Symbols) -> None:
    broken = check_constraints(r1cs, _with(2, X + 1), symbols)
    assert [b.index for b in broken] == [0, 2]
    assert broken[1].signals == {"main.x": X + 1, "main.y": Y, "main.d": R - 2}


def test_without_a_sym_signals_are_named_by_wire(r1cs: R1cs) -> None:
    (broken,) = check_constraints(r1cs, _with(5, 0))
    assert broken.signals == {"wire 2": X, "wire 3": Y, "wire 5": 0}


def test_the_message_names_the_constraint_sides_and_signals(r1cs: R1cs, symbols: Symbols) -> None:
    (broken,) = check_constraints(r1cs, _with(1, 99), symbols)
    assert str(broken) == (
        f"constraint 1: A·w × B·w ≠ C·w ({X * Y + 1} × 1 ≠ 99 mod r);"
        f" signals: main.out = 99, main.z = {X * Y}, main.mul.out = {X * Y}"
    )


def test_the_message_shows_the_first_eight_signals_of_a_wide_constraint() -> None:
    # (w1 + ... + w10) · 1 = 0 with every wire 1.
    wide = _r1cs([({wire: 1 for wire in range(1, 11)}, {0: 1}, {})], 11)
    (broken,) = check_constraints(wide, [1] * 11)
    assert len(broken.signals) == 10
    assert str(broken).endswith("wire 8 = 1, and 2 more")


@pytest.mark.parametrize(
    ("witness", "message"),
    [
        (VALID[:-1], "the witness has 5 values for 6 wires"),
        ([2, *VALID[1:]], "wire 0 must be the constant 1, not 2"),
        (_with(3, R), f"wire 3: {R} is not a field element in [0, r)"),
        (_with(4, -1), "wire 4: -1 is not a field element in [0, r)"),
    ],
)
def test_what_is_no_witness_is_refused(r1cs: R1cs, witness: list[int], message: str) -> None:
    with pytest.raises(WitnessError, match=exactly(message)):
        check_constraints(r1cs, witness)
