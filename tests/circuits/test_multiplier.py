"""multiplier: the output c is the product of the private factors, mod r."""

from __future__ import annotations

import pytest

from toolchain.native.field import R
from toolchain.pytest_plugin import CircuitFactory

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("name", "example", "product"),
    [
        ("multiplier_2", "valid", 33),
        ("multiplier_2", "valid_field_wrap", R - 2),
        ("multiplier_3", "valid", 42),
    ],
)
def test_example_inputs_give_their_product(
    circuit: CircuitFactory, name: str, example: str, product: int
) -> None:
    multiplier = circuit(name)
    multiplier.expect_pass(multiplier.inputs(example), outputs={"c": product})


@pytest.mark.parametrize("factors", [[0, 5, 7], [1, 1, 1], [R - 1, R - 1, 2], [2**200, 3**100, 5]])
def test_the_output_is_the_product_mod_r(circuit: CircuitFactory, factors: list[int]) -> None:
    product = factors[0] * factors[1] * factors[2] % R
    circuit("multiplier_3").expect_pass({"factors": factors}, outputs={"c": product})


def test_a_missing_factor_is_refused(circuit: CircuitFactory) -> None:
    multiplier = circuit("multiplier_2")
    multiplier.expect_fail(
        multiplier.inputs("invalid_missing_factor"),
        kind="input",
        match='"factors" expects 2 values, got 1',
    )


def test_a_factor_outside_the_field_is_refused(circuit: CircuitFactory) -> None:
    circuit("multiplier_2").expect_fail(
        {"factors": [R, 1]}, kind="input", match="not below the field modulus r"
    )


def test_the_constraints_bind_the_product(circuit: CircuitFactory) -> None:
    multiplier = circuit("multiplier_3")
    witness = multiplier.expect_pass(multiplier.inputs("valid"))
    (broken,) = multiplier.expect_unsatisfied(witness.with_signal("c", 43))
    assert broken.signals["main.c"] == 43
    multiplier.expect_unsatisfied(witness.with_signal("factors[0]", 3))
