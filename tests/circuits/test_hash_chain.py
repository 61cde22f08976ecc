"""hash_chain: benchmark chains of Poseidon(2) sized just under 2^10, 2^12 and 2^14 constraints."""

from __future__ import annotations

import pytest

from toolchain.ceremony.ptau_fetch import pick_power
from toolchain.pytest_plugin import CircuitFactory

pytestmark = pytest.mark.integration

# From circuits/inputs/README.md (computed by gen_inputs.js with circomlibjs, not by the circuit).
EXAMPLES = ("valid", "valid_other_seed")
OUTPUTS = {
    "hash_chain_1k": (
        17340405777802369874894111710846975400205585046057929017501117106014105127067,
        3690832301152212086735392023197908618207055466012528201377429196458940686360,
    ),
    "hash_chain_4k": (
        3361305146144151844566530598212420114311429827909321915241915347627228969314,
        2291816492431001867290367579924420730522002846177143492221190322061414418267,
    ),
    "hash_chain_16k": (
        14817580568154270103855593581419199550888813860846270210331327942645493146683,
        20815596663069125127316448524506231690065196200202583398435912468344964115521,
    ),
}
POWERS = {"hash_chain_1k": 10, "hash_chain_4k": 12, "hash_chain_16k": 14}


@pytest.mark.parametrize("name", OUTPUTS)
@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=EXAMPLES)
def test_the_seeds_give_the_expected_chain_end(
    circuit: CircuitFactory, name: str, index: int
) -> None:
    chain = circuit(name)
    chain.expect_pass(chain.inputs(EXAMPLES[index]), outputs={"out": OUTPUTS[name][index]})


@pytest.mark.parametrize("name", POWERS)
def test_the_setup_just_fits_its_power_of_two(circuit: CircuitFactory, name: str) -> None:
    header = circuit(name).header
    assert pick_power(header.n_constraints, header.n_public) == POWERS[name]


def test_the_seed_order_matters(circuit: CircuitFactory) -> None:
    chain = circuit("hash_chain_1k")
    forward = chain.expect_pass({"a": 1, "b": 2}).signal("out")
    assert chain.expect_pass({"a": 2, "b": 1}).signal("out") != forward


def test_a_missing_seed_is_refused(circuit: CircuitFactory) -> None:
    circuit("hash_chain_1k").expect_fail({"a": 1}, kind="input", match='missing input signals: "b"')


@pytest.mark.parametrize("name", OUTPUTS)
def test_the_constraints_bind_the_chain_end(circuit: CircuitFactory, name: str) -> None:
    chain = circuit(name)
    witness = chain.expect_pass(chain.inputs("valid"))
    (broken,) = chain.expect_unsatisfied(witness.with_signal("out", witness.signal("out") + 1))
    assert "main.out" in broken.signals
    chain.expect_unsatisfied(witness.with_signal("a", 2))
