"""poseidon_preimage: knowledge of private field elements whose Poseidon hash is the public hash."""

from __future__ import annotations

import pytest

from toolchain.pytest_plugin import CircuitFactory

pytestmark = pytest.mark.integration

VALID = [
    ("poseidon_preimage_1", "valid"),
    ("poseidon_preimage_1", "valid_zero"),
    ("poseidon_preimage_2", "valid"),
    ("poseidon_preimage_2", "valid_large"),
]
INVALID = [
    ("poseidon_preimage_1", "invalid_wrong_preimage"),
    ("poseidon_preimage_2", "invalid_swapped_preimage"),
    ("poseidon_preimage_2", "invalid_wrong_hash"),
]


@pytest.mark.parametrize(("name", "example"), VALID)
def test_a_true_preimage_passes(circuit: CircuitFactory, name: str, example: str) -> None:
    preimage = circuit(name)
    preimage.expect_pass(preimage.inputs(example))


@pytest.mark.parametrize(("name", "example"), INVALID)
def test_a_wrong_preimage_fails_the_hash_check(
    circuit: CircuitFactory, name: str, example: str
) -> None:
    preimage = circuit(name)
    preimage.expect_fail(preimage.inputs(example), kind="witness", match="PoseidonPreimage")


def test_each_preimage_element_matters(circuit: CircuitFactory) -> None:
    preimage = circuit("poseidon_preimage_2")
    valid = preimage.inputs("valid")
    preimage.expect_fail({**valid, "preimage": ["1", "3"]}, kind="witness")
    preimage.expect_fail({**valid, "preimage": ["0", "2"]}, kind="witness")


@pytest.mark.parametrize("name", ["poseidon_preimage_1", "poseidon_preimage_2"])
def test_the_constraints_bind_the_hash_and_the_preimage(circuit: CircuitFactory, name: str) -> None:
    preimage = circuit(name)
    witness = preimage.expect_pass(preimage.inputs("valid"))
    broken = preimage.expect_unsatisfied(witness.with_signal("hash", witness.signal("hash") + 1))
    assert any("main.hash" in b.signals for b in broken)
    preimage.expect_unsatisfied(witness.with_signal("preimage[0]", 43))
