"""Phase-2 acceptance on the committed snarkjs-made chain: each check passes the real keys and
refuses, with its own reason, the key it exists for (snarkjs itself accepts most of them).
accept_final, which starts snarkjs, is tested in tests/integration/ceremony/test_accept_final.py."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tests.unit.ceremony.helpers import (
    FINAL,
    FIRST,
    INITIAL,
    SECOND,
    committed_beacon,
    extend,
    mpc_of,
)
from tests.unit.formats.helpers import vector
from tests.unit.integrity.helpers import write_transcript
from toolchain.ceremony import checks
from toolchain.ceremony.phase2 import read_key
from toolchain.errors import VerificationError
from toolchain.native.engine import Engine

# --- a contribution that changes nothing ----------------------------------------------------


def test_initial_key_has_no_contribution() -> None:
    with pytest.raises(
        VerificationError,
        match=r"^multiplier_0000\.zkey: no phase-2 contribution \(delta equals gamma\): proofs"
        " could be forged$",
    ):
        checks.check_key_has_contribution(read_key(INITIAL))


def test_contribution_with_secret_one_is_refused(engine: Engine, tmp_path: Path) -> None:
    # A valid proof of knowledge of the secret 1: delta stays the generator, equal to gamma.
    key = extend(engine, INITIAL, tmp_path / "one.zkey", rescale=True, k=1)
    assert len(mpc_of(key).contributions) == 1
    with pytest.raises(
        VerificationError, match=r"^one\.zkey: no phase-2 contribution \(delta equals gamma\)"
    ):
        checks.accept_contribution(INITIAL, key)


def test_a_real_contribution_is_accepted(engine: Engine, tmp_path: Path) -> None:
    key = extend(engine, SECOND, tmp_path / "third.zkey", rescale=True)
    added = checks.accept_contribution(SECOND, key, min_contributions=3)
    assert added == mpc_of(key).contributions[-1]


# --- counting real contributions and the beacon ---------------------------------------------


def test_real_contributions_leave_out_the_beacon() -> None:
    assert [checks.real_contributions(mpc_of(k)) for k in (INITIAL, FIRST, FINAL)] == [0, 1, 2]


@pytest.mark.parametrize(
    ("key", "minimum", "message"),
    [
        (FINAL, 3, "2 real contributions (the beacon excluded), at least 3 needed"),
        (FIRST, 2, "1 real contribution (the beacon excluded), at least 2 needed"),
        (INITIAL, 0, "0 real contributions (the beacon excluded), at least 1 needed"),
    ],
)
def test_too_few_real_contributions(key: Path, minimum: int, message: str) -> None:
    with pytest.raises(
        VerificationError,
        match=rf"^k: {re.escape(message)} \(min_contributions\): a key with fewer trusts too few"
        " people$",
    ):
        checks.check_min_contributions(mpc_of(key), minimum, "k")


def test_enough_real_contributions_pass() -> None:
    checks.check_min_contributions(mpc_of(FINAL), 2, "k")
    checks.check_min_contributions(mpc_of(FIRST), 0, "k")


def test_nothing_may_follow_the_beacon(engine: Engine, tmp_path: Path) -> None:
    key = extend(engine, FINAL, tmp_path / "after.zkey", rescale=True)
    with pytest.raises(
        VerificationError,
        match=r"^multiplier_final\.zkey: the chain is closed: contribution 3 is the beacon, the"
        " last step of a ceremony$",
    ):
        checks.accept_contribution(FINAL, key)


def test_beacon_closes_only_after_enough_contributions() -> None:
    checks.check_beacon_may_close(mpc_of(SECOND), 2, "k")
    with pytest.raises(
        VerificationError,
        match=r"^k: 2 real contributions \(the beacon excluded\), at least 3 needed"
        r" \(min_contributions\): a key with fewer trusts too few people before the beacon"
        " closes the chain$",
    ):
        checks.check_beacon_may_close(mpc_of(SECOND), 3, "k")


def test_the_committed_beacon_passes() -> None:
    checks.check_beacon_committed(mpc_of(FINAL), committed_beacon(), "k")


@pytest.mark.parametrize(
    "change", [{"iterations_exp": 11}, {"hash": "ab" * 32}], ids=["iterations", "hash"]
)
def test_another_beacon_is_refused(change: dict[str, object]) -> None:
    beacon = committed_beacon(**change)
    with pytest.raises(
        VerificationError,
        match=rf"^k: beacon differs from the one committed in ceremony\.toml"
        rf" \({beacon.hash[:16]}…, 2\^{beacon.iterations_exp} iterations\)$",
    ):
        checks.check_beacon_committed(mpc_of(FINAL), beacon, "k")


@pytest.mark.parametrize("key", [INITIAL, SECOND], ids=["empty", "open"])
def test_a_chain_without_the_beacon_is_refused(key: Path) -> None:
    with pytest.raises(VerificationError, match=r"^k: the chain does not end with the beacon$"):
        checks.check_beacon_committed(mpc_of(key), committed_beacon(), "k")


# --- the transcript ------------------------------------------------------------------------


def test_chain_matches_its_transcript(tmp_path: Path) -> None:
    records = write_transcript(tmp_path / "t.jsonl", "multiplier", "0" * 64, "0" * 128)
    checks.check_matches_transcript(records, mpc_of(FINAL), "k")
    with pytest.raises(VerificationError, match=r"^k: 2 contributions, the transcript records 3$"):
        checks.check_matches_transcript(records, mpc_of(SECOND), "k")


@pytest.mark.parametrize(("index", "step"), [(0, "the circuit hash"), (2, "contribution 2")])
def test_a_substituted_chain_is_refused(tmp_path: Path, index: int, step: str) -> None:
    records = write_transcript(tmp_path / "t.jsonl", "multiplier", "0" * 64, "0" * 128)
    records[index] = dataclasses.replace(records[index], contribution_hash="ab" * 64)
    found = mpc_of(FINAL)
    got = (found.cs_hash if index == 0 else found.contributions[index - 1].transcript).hex()
    with pytest.raises(
        VerificationError,
        match=rf"^k: {step} is {got[:16]}…, the transcript records abababababababab…: the chain"
        " was rebuilt or substituted$",
    ):
        checks.check_matches_transcript(records, found, "k")


def test_the_beacon_is_accepted_after_enough_contributions() -> None:
    added = checks.accept_contribution(SECOND, FINAL, min_contributions=2)
    assert added.params.is_beacon and added == mpc_of(FINAL).contributions[-1]
    with pytest.raises(
        VerificationError,
        match=r"^multiplier_final\.zkey: 2 real contributions \(the beacon excluded\), at least 3"
        r" needed \(min_contributions\): a key with fewer trusts too few people before the beacon"
        " closes the chain$",
    ):
        checks.accept_contribution(SECOND, FINAL, min_contributions=3)


def test_a_closed_chain_takes_no_second_beacon() -> None:
    with pytest.raises(
        VerificationError,
        match=r"^k: the chain is closed: contribution 3 is the beacon, the last step of a"
        " ceremony$",
    ):
        checks.check_beacon_may_close(mpc_of(FINAL), 1, "k")


def test_a_beacon_after_one_contribution_is_accepted_by_default(
    engine: Engine, tmp_path: Path
) -> None:
    # The defaults (min_contributions=1) are what `zkt zkey` and local steps use.
    key = extend(engine, FIRST, tmp_path / "beacon.zkey", rescale=True, beacon=(bytes(32), 0))
    assert checks.accept_contribution(FIRST, key).params.is_beacon
    assert checks.accept_step(read_key(FIRST), read_key(key)).params.is_beacon


def test_key_of_another_circuit_is_refused_by_name() -> None:
    with pytest.raises(
        VerificationError,
        match=r"^multiplier_0001\.zkey: circuit hash [0-9a-f]{16}… differs from the accepted key's"
        " [0-9a-f]{16}…: a key for another circuit or initial setup$",
    ):
        checks.accept_contribution(vector("poly", "poly_0000.zkey"), FIRST)
