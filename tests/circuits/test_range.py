"""range: a private `bits`-bit value lies in the public interval [lo, hi]."""

from __future__ import annotations

import pytest

from toolchain.native.field import R
from toolchain.pytest_plugin import CircuitFactory

pytestmark = pytest.mark.integration

BITS = {"range_32": 32, "range_64": 64}


@pytest.mark.parametrize("name", BITS)
@pytest.mark.parametrize("example", ["valid", "valid_equal_bounds", "valid_max"])
def test_a_value_in_range_passes(circuit: CircuitFactory, name: str, example: str) -> None:
    range_check = circuit(name)
    range_check.expect_pass(range_check.inputs(example))


@pytest.mark.parametrize("name", BITS)
@pytest.mark.parametrize(
    ("example", "check"),
    [
        ("invalid_below_lo", "Range"),
        ("invalid_above_hi", "Range"),
        ("invalid_value_too_wide", "Num2Bits"),
        ("invalid_value_negative", "Num2Bits"),
        ("invalid_bound_too_wide", "Num2Bits"),
    ],
)
def test_a_value_or_bound_out_of_range_fails(
    circuit: CircuitFactory, name: str, example: str, check: str
) -> None:
    range_check = circuit(name)
    range_check.expect_fail(range_check.inputs(example), kind="witness", match=check)


@pytest.mark.parametrize("name", BITS)
def test_the_bounds_are_inclusive(circuit: CircuitFactory, name: str) -> None:
    range_check = circuit(name)
    lo, hi = 18, 65535
    for value in (lo, lo + 1, hi - 1, hi):
        range_check.expect_pass({"value": value, "lo": lo, "hi": hi})
    for value in (0, lo - 1, hi + 1, 2 ** BITS[name] - 1):
        range_check.expect_fail({"value": value, "lo": lo, "hi": hi}, kind="witness")


def test_a_value_outside_the_field_is_refused(circuit: CircuitFactory) -> None:
    circuit("range_32").expect_fail(
        {"value": R + 5, "lo": 0, "hi": 10}, kind="input", match="not below the field modulus r"
    )


@pytest.mark.parametrize("name", BITS)
def test_the_constraints_bind_the_value_and_the_bounds(circuit: CircuitFactory, name: str) -> None:
    range_check = circuit(name)
    witness = range_check.expect_pass(range_check.inputs("valid"))
    lo, hi = witness.signal("lo"), witness.signal("hi")
    assert range_check.public_signals == ("lo", "hi")
    # Values that break the range: the bit decompositions and comparisons no longer add up.
    for bad in (lo - 1, hi + 1, -1):
        range_check.expect_unsatisfied(witness.with_signal("value", bad))
    range_check.expect_unsatisfied(witness.with_signal("lo", lo + 1))
    range_check.expect_unsatisfied(witness.with_signal("hi", hi - 1))
