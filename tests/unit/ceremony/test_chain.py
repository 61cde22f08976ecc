"""The rollback rules: a candidate extends the accepted chain by exactly one contribution.

Synthetic lists first, then the committed snarkjs-made ptau and zkey chains (tests/vectors).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.unit.formats.helpers import vector
from toolchain.ceremony.chain import (
    check_extends,
    check_mpc_extends,
    check_ptau_extends,
    check_same_circuit,
    label,
)
from toolchain.errors import VerificationError
from toolchain.formats.curve_codec import ContributionParams
from toolchain.formats.ptau import PtauFile, open_ptau
from toolchain.formats.zkey import MpcParams, ZkeyContribution, open_zkey


@dataclass(frozen=True)
class Fake:
    """A contribution reduced to what the rules look at: a name and some key material."""

    params: ContributionParams
    key: int


def fake(name: str | None, key: int) -> Fake:
    return Fake(ContributionParams(0, name, None, None), key)


ACCEPTED = [fake("alice", 1), fake("bob", 2)]


def test_one_new_contribution_is_returned() -> None:
    assert check_extends(ACCEPTED, [*ACCEPTED, fake("carol", 3)], "c.ptau") == fake("carol", 3)


def test_the_first_contribution_extends_genesis() -> None:
    assert check_extends([], [fake("alice", 1)], "c.ptau") == fake("alice", 1)


def test_a_chain_rebuilt_from_genesis_with_the_same_names_is_refused() -> None:
    rebuilt = [fake("alice", 1), fake("bob", 20), fake("mallory", 3)]
    with pytest.raises(
        VerificationError,
        match=r"c.ptau: contribution 2 \(bob\) differs from the accepted one: the chain was"
        " rebuilt, not extended",
    ):
        check_extends(ACCEPTED, rebuilt, "c.ptau")


def test_a_changed_name_alone_is_a_different_contribution() -> None:
    with pytest.raises(VerificationError, match=r"contribution 1 \(eve\) differs"):
        check_extends(ACCEPTED, [fake("eve", 1), fake("bob", 2), fake("carol", 3)], "c.ptau")


def test_nothing_new_is_refused() -> None:
    with pytest.raises(VerificationError, match="nothing new: the same 2 contributions"):
        check_extends(ACCEPTED, list(ACCEPTED), "c.ptau")


def test_several_at_once_are_refused() -> None:
    more = [*ACCEPTED, fake("carol", 3), fake(None, 4)]
    with pytest.raises(VerificationError, match=r"2 contributions at once \(carol, unnamed\)"):
        check_extends(ACCEPTED, more, "c.ptau")


def test_dropped_contributions_are_refused() -> None:
    with pytest.raises(VerificationError, match="1 contributions, the accepted file has 2"):
        check_extends(ACCEPTED, ACCEPTED[:1], "c.ptau")


def test_label_names_unnamed_contributions() -> None:
    assert label(fake(None, 1)) == "unnamed" and label(fake("bob", 1)) == "bob"


def test_same_circuit() -> None:
    check_same_circuit(b"\x01" * 64, b"\x01" * 64, "k.zkey")
    with pytest.raises(VerificationError, match=r"k\.zkey: circuit hash 0202020202020202…"):
        check_same_circuit(b"\x01" * 64, b"\x02" * 64, "k.zkey")


def test_mpc_params_compare_circuit_hash_first() -> None:
    accepted = MpcParams(b"\x01" * 64, [])
    with pytest.raises(VerificationError, match="circuit hash"):
        check_mpc_extends(accepted, MpcParams(b"\x02" * 64, []), "k.zkey")


# The committed snarkjs chains: pot4_0000 (new) → 0001 → 0002 → beacon → final (prepared);
# <c>_0000.zkey (setup) → 0001 → 0002 → final (beacon).


def ptau(step: str) -> PtauFile:
    return open_ptau(vector("ptau", f"pot4_{step}.ptau"))


def check_zkey_extends(previous: Path, current: Path) -> ZkeyContribution:
    """check_mpc_extends on two keys' section 10, named as the acceptance checks name them."""
    mpcs = [open_zkey(path).read_mpc_params() for path in (previous, current)]
    return check_mpc_extends(*mpcs, str(current))


def test_ptau_vectors_extend_one_step_at_a_time() -> None:
    added = check_ptau_extends(ptau("0001"), ptau("0002"))
    assert added.params.name == "Second contribution"
    beacon = check_ptau_extends(ptau("0002"), ptau("beacon"))
    assert beacon.params.is_beacon


@pytest.mark.parametrize(
    ("previous", "current", "message"),
    [
        ("0000", "0002", "2 contributions at once"),
        ("0002", "0001", "contributions were dropped"),
        ("beacon", "final", "nothing new"),
    ],
)
def test_ptau_vectors_refused(previous: str, current: str, message: str) -> None:
    with pytest.raises(VerificationError, match=message):
        check_ptau_extends(ptau(previous), ptau(current))


def test_zkey_vectors_extend_one_step_at_a_time() -> None:
    for circuit in ("multiplier", "poly"):
        first, second = (vector(circuit, f"{circuit}_{i}.zkey") for i in ("0001", "0002"))
        assert (
            check_zkey_extends(first, second)
            == open_zkey(second).read_mpc_params().contributions[-1]
        )


def test_zkey_of_another_circuit_is_refused() -> None:
    with pytest.raises(VerificationError, match="a key for another circuit"):
        check_zkey_extends(
            vector("poly", "poly_0001.zkey"), vector("multiplier", "multiplier_0002.zkey")
        )


def test_zkey_from_setup_to_final_is_three_at_once() -> None:
    with pytest.raises(VerificationError, match="3 contributions at once"):
        check_zkey_extends(
            vector("multiplier", "multiplier_0000.zkey"),
            vector("multiplier", "multiplier_final.zkey"),
        )
