"""membership: a Semaphore-style identity in a Merkle group, with a per-scope nullifier hash."""

from __future__ import annotations

import pytest

from toolchain.pytest_plugin import CircuitFactory

pytestmark = pytest.mark.integration

NAMES = ["membership_4", "membership_20"]
# From circuits/inputs/README.md (computed by gen_inputs.js with circomlibjs, not by the circuit).
NULLIFIER_HASHES = {
    "valid": 3144205555150611734438490616836310300039128368582961568186253754473190786585,
    "valid_other_member": (
        17309114443177841947439057427473956754344841238422015149101872829882651980514
    ),
    "valid_other_scope": (
        7268920085887444466811491338916359722974397641282287437352944168497828617517
    ),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("example", NULLIFIER_HASHES)
def test_a_member_passes_with_the_expected_nullifier_hash(
    circuit: CircuitFactory, name: str, example: str
) -> None:
    membership = circuit(name)
    membership.expect_pass(
        membership.inputs(example), outputs={"nullifierHash": NULLIFIER_HASHES[example]}
    )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("example", "check"),
    [
        ("invalid_wrong_trapdoor", "Membership"),
        ("invalid_not_member", "Membership"),
        ("invalid_wrong_root", "Membership"),
        ("invalid_path_index_not_bit", "OrderPair"),
    ],
)
def test_a_non_member_or_a_bad_path_fails(
    circuit: CircuitFactory, name: str, example: str, check: str
) -> None:
    membership = circuit(name)
    membership.expect_fail(membership.inputs(example), kind="witness", match=check)


@pytest.mark.parametrize("name", NAMES)
def test_reusing_identity_and_scope_reuses_the_nullifier_hash(
    circuit: CircuitFactory, name: str
) -> None:
    # A second signal by the same member in the same scope is detectable: same nullifierHash.
    membership = circuit(name)
    first = membership.expect_pass(membership.inputs("valid"))
    again = membership.inputs("valid")
    again["signalHash"] = "12345"
    second = membership.expect_pass(again)
    assert second.signal("nullifierHash") == first.signal("nullifierHash")


@pytest.mark.parametrize("name", NAMES)
def test_another_scope_or_member_gives_another_nullifier_hash(
    circuit: CircuitFactory, name: str
) -> None:
    membership = circuit(name)
    hashes = {
        membership.expect_pass(membership.inputs(example)).signal("nullifierHash")
        for example in NULLIFIER_HASHES
    }
    assert len(hashes) == len(NULLIFIER_HASHES)


def test_the_nullifier_hash_does_not_depend_on_the_tree(circuit: CircuitFactory) -> None:
    small, large = (circuit(name).witness(circuit(name).inputs("valid")) for name in NAMES)
    assert small.signal("nullifierHash") == large.signal("nullifierHash")


@pytest.mark.parametrize("name", NAMES)
def test_the_constraints_bind_every_public_signal(circuit: CircuitFactory, name: str) -> None:
    membership = circuit(name)
    witness = membership.expect_pass(membership.inputs("valid"))
    public = ("nullifierHash", "root", "externalNullifier", "signalHash")
    assert membership.public_signals == public
    for signal in public:
        broken = membership.expect_unsatisfied(
            witness.with_signal(signal, witness.signal(signal) + 1)
        )
        assert any(f"main.{signal}" in b.signals for b in broken), signal


def test_the_constraints_bind_the_identity(circuit: CircuitFactory) -> None:
    membership = circuit("membership_4")
    witness = membership.expect_pass(membership.inputs("valid"))
    for secret in ("identityNullifier", "identityTrapdoor"):
        membership.expect_unsatisfied(witness.with_signal(secret, witness.signal(secret) + 1))
