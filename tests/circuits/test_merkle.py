"""merkle: inclusion of a private leaf in a Poseidon Merkle tree with a public root."""

from __future__ import annotations

import pytest

from toolchain.pytest_plugin import CircuitFactory

pytestmark = pytest.mark.integration

DEPTHS = {"merkle_4": 4, "merkle_20": 20}


@pytest.mark.parametrize("name", DEPTHS)
@pytest.mark.parametrize("example", ["valid", "valid_first_leaf", "valid_last_leaf"])
def test_a_true_path_passes(circuit: CircuitFactory, name: str, example: str) -> None:
    merkle = circuit(name)
    merkle.expect_pass(merkle.inputs(example))


@pytest.mark.parametrize(
    ("name", "example"),
    [
        ("merkle_4", "invalid_wrong_path"),
        ("merkle_4", "invalid_wrong_leaf"),
        ("merkle_4", "invalid_wrong_side"),
        ("merkle_20", "invalid_wrong_path"),
        ("merkle_20", "invalid_wrong_root"),
    ],
)
def test_a_wrong_path_leaf_or_root_fails_the_root_check(
    circuit: CircuitFactory, name: str, example: str
) -> None:
    merkle = circuit(name)
    merkle.expect_fail(merkle.inputs(example), kind="witness", match="MerkleInclusion")


@pytest.mark.parametrize("name", DEPTHS)
def test_a_wrong_sibling_at_any_level_fails(circuit: CircuitFactory, name: str) -> None:
    merkle = circuit(name)
    for level in range(DEPTHS[name]):
        inputs = merkle.inputs("valid")
        path = inputs["pathElements"]
        assert isinstance(path, list)
        path[level] = str(int(path[level]) + 1)
        merkle.expect_fail(inputs, kind="witness", match="MerkleInclusion")


def test_flipping_any_path_bit_fails(circuit: CircuitFactory) -> None:
    merkle = circuit("merkle_4")
    for level in range(4):
        inputs = merkle.inputs("valid")
        bits = inputs["pathIndices"]
        assert isinstance(bits, list)
        bits[level] = str(1 - int(bits[level]))
        merkle.expect_fail(inputs, kind="witness", match="MerkleInclusion")


def test_a_path_index_that_is_not_a_bit_fails_the_bit_check(circuit: CircuitFactory) -> None:
    merkle = circuit("merkle_4")
    merkle.expect_fail(
        merkle.inputs("invalid_path_index_not_bit"), kind="witness", match="OrderPair"
    )


@pytest.mark.parametrize("name", DEPTHS)
def test_the_constraints_bind_the_root(circuit: CircuitFactory, name: str) -> None:
    merkle = circuit(name)
    witness = merkle.expect_pass(merkle.inputs("valid"))
    assert merkle.public_signals == ("root",)
    broken = merkle.expect_unsatisfied(witness.with_signal("root", witness.signal("root") + 1))
    assert any("main.root" in b.signals for b in broken)


def test_the_constraints_reject_a_path_index_that_is_not_a_bit(circuit: CircuitFactory) -> None:
    merkle = circuit("merkle_4")
    witness = merkle.expect_pass(merkle.inputs("valid"))
    broken = merkle.expect_unsatisfied(witness.with_signal("pathIndices[1]", 2))
    assert any("main.pathIndices[1]" in b.signals for b in broken)
