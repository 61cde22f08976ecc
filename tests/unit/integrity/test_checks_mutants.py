"""Relation checks pinned to the letter, and against files snarkjs wrote (not our own rendering).

Written against the survivors of `nox -s mutate` (docs/mutation.md): the verifier test rendered
its Solidity from `verifier_constants` itself, so a renamed constant went unnoticed; refusals
matched by a fragment let a mutant change the rest of the message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, exactly
from tests.unit.formats.helpers import vector
from tests.unit.integrity.helpers import write_transcript
from toolchain.config import CircuitEntry, read_registry
from toolchain.errors import IntegrityError
from toolchain.formats.r1cs import read_r1cs
from toolchain.formats.zkey import ZkeyFile, open_zkey
from toolchain.hashing import hash_file
from toolchain.integrity import checks
from toolchain.native.curve import G1_IDENTITY
from toolchain.native.field import P, R

ARTIFACTS = REPO / "artifacts"


def committed(name: str) -> tuple[Path, ZkeyFile]:
    """A committed circuit's verifier.sol and final.zkey, both written by snarkjs."""
    return ARTIFACTS / name / "verifier.sol", open_zkey(ARTIFACTS / name / "final.zkey")


def entry(**fields: object) -> CircuitEntry:
    registry = read_registry(REPO / "circuits" / "circuits.toml")
    return registry.get("multiplier_2").model_copy(update=fields)


# --- check_hand_written ---------------------------------------------------------------------


def test_hand_written_refusals_name_both_sides() -> None:
    templated = entry()
    with pytest.raises(
        IntegrityError,
        match=exactly(
            "locked as hand-written circuits/src/m.circom, but circuits.toml now renders it"
            " from template multiplier"
        ),
    ):
        checks.check_hand_written(templated, "circuits/src/m.circom")
    moved = entry(template=None, source="circuits/src/other.circom")
    with pytest.raises(
        IntegrityError,
        match=exactly(
            "locked as circuits/src/m.circom, but circuits.toml now says circuits/src/other.circom"
        ),
    ):
        checks.check_hand_written(moved, "circuits/src/m.circom")
    assert (
        checks.check_hand_written(moved, moved.source) == "hand-written circuits/src/other.circom"
    )


def test_a_rendered_lock_refuses_a_now_hand_written_entry() -> None:
    moved = entry(template=None, source="circuits/src/m.circom")
    with pytest.raises(
        IntegrityError,
        match=exactly(
            "locked as rendered from a template, but circuits.toml now says hand-written"
            " circuits/src/m.circom"
        ),
    ):
        checks.check_rendered(REPO / "templates", moved, "0" * 64)


def test_a_changed_rendering_names_the_template() -> None:
    message = (
        "circuits.toml + templates/multiplier.circom.j2 now render to other bytes: the template"
        " or the parameters changed since locking"
    )
    with pytest.raises(IntegrityError, match=exactly(message)):
        checks.check_rendered(REPO / "templates", entry(), "0" * 64)


# --- check_verifier against snarkjs's own verifier.sol --------------------------------------


@pytest.mark.parametrize("name", ["merkle_4", "membership_4"])
def test_snarkjs_verifiers_hold_exactly_the_keys_constants(name: str) -> None:
    sol, key = committed(name)
    constants = checks.verifier_constants(key)
    assert (constants["r"], constants["q"]) == (R, P)
    written = dict(re.findall(r"uint256\s+constant\s+(\w+)\s*=\s*(\d+)", sol.read_text()))
    assert {k: int(v) for k, v in written.items()} == constants
    assert (
        checks.check_verifier(sol, key)
        == f"constants are final.zkey's key ({len(constants)} checked)"
    )


def test_the_point_at_infinity_is_written_as_zero_one() -> None:
    # snarkjs's template writes an IC point at infinity as x = 0, y = 1.
    assert checks._g1_constants("IC3", G1_IDENTITY) == {"IC3x": 0, "IC3y": 1}
    assert checks._g1_constants("IC3", (1, 2)) == {"IC3x": 1, "IC3y": 2}


def test_a_verifier_with_a_non_utf8_byte_is_still_checked(tmp_path: Path) -> None:
    source, key = committed("merkle_4")
    sol = tmp_path / "verifier.sol"
    sol.write_bytes(source.read_bytes().replace(b"// SPDX", b"// \xff SPDX", 1))
    assert b"\xff" in sol.read_bytes()
    assert checks.check_verifier(sol, key).startswith("constants are final.zkey's key")


def test_many_wrong_constants_are_named_six_at_most(tmp_path: Path) -> None:
    source, key = committed("merkle_4")
    text = re.sub(r"(constant (?:beta|gamma)\w+\s*=\s*)\d+", r"\g<1>7", source.read_text())
    sol = tmp_path / "verifier.sol"
    sol.write_text(text)
    with pytest.raises(
        IntegrityError,
        match=exactly(
            "constants betax1, betax2, betay1, betay2, gammax1, gammax2 differ from"
            " final.zkey's key"
        ),
    ):
        checks.check_verifier(sol, key)


def test_a_verifier_without_the_public_signal_argument_is_refused(tmp_path: Path) -> None:
    source, key = committed("merkle_4")
    sol = tmp_path / "verifier.sol"
    sol.write_text(source.read_text().replace("calldata _pubSignals", "calldata _signals"))
    with pytest.raises(IntegrityError, match=exactly("takes no public signals, final.zkey has 1")):
        checks.check_verifier(sol, key)


# --- check_transcript -----------------------------------------------------------------------


def hashes(step: str) -> tuple[str, str, str]:
    """sha256 of poly's key at `step` and of its r1cs, blake2b of the ptau."""
    return (
        hash_file(vector("poly", f"poly_{step}.zkey")),
        hash_file(vector("poly", "poly.r1cs")),
        hash_file(vector("ptau", "pot4_final.ptau"), "blake2b"),
    )


def test_a_transcript_of_the_setup_alone_ends_at_the_setup_key(tmp_path: Path) -> None:
    # No contribution yet: the head is the key's cs_hash.
    setup_sha, r1cs_sha, ptau_b2 = hashes("0000")
    first, *_ = write_transcript(tmp_path / "poly.jsonl", "poly", r1cs_sha, ptau_b2)
    key = open_zkey(vector("poly", "poly_0000.zkey"))
    note = checks.check_transcript([first], key, setup_sha, r1cs_sha, ptau_b2)
    assert note == "1 records ending at poly_0000.zkey"


def test_an_empty_transcript_is_refused() -> None:
    with pytest.raises(IntegrityError, match=exactly("the transcript has no records")):
        checks.check_transcript([], open_zkey(vector("poly", "poly_final.zkey")), *hashes("final"))


@pytest.mark.parametrize("key", ["r1cs_sha256", "ptau_blake2b"])
def test_other_setup_inputs_show_the_recorded_prefix(tmp_path: Path, key: str) -> None:
    final_sha, r1cs_sha, ptau_b2 = hashes("final")
    records = write_transcript(tmp_path / "poly.jsonl", "poly", r1cs_sha, ptau_b2)
    recorded = records[0].inputs[key]
    locked = {"r1cs_sha256": r1cs_sha, "ptau_blake2b": ptau_b2}
    locked[key] = "f" * len(recorded)
    with pytest.raises(
        IntegrityError,
        match=exactly(f"its setup used {key} {recorded[:16]}…, not the locked one"),
    ):
        checks.check_transcript(
            records,
            open_zkey(vector("poly", "poly_final.zkey")),
            final_sha,
            locked["r1cs_sha256"],
            locked["ptau_blake2b"],
        )


# --- check_real_contributions ---------------------------------------------------------------


def test_the_beacon_is_named_only_when_the_key_has_one() -> None:
    final, open_key = (open_zkey(vector("poly", f"poly_{step}.zkey")) for step in ("final", "0002"))
    note = "2 real phase-2 contribution(s) + the beacon (at least 2 required)"
    assert checks.check_real_contributions(final, 2) == note
    assert checks.check_real_contributions(open_key, 1) == (
        "2 real phase-2 contribution(s) (at least 1 required)"
    )
    with pytest.raises(
        IntegrityError,
        match=exactly(
            "poly_final.zkey: 2 real contributions (the beacon excluded), at least 3 needed"
            " (min_contributions): a key with fewer trusts too few people"
        ),
    ):
        checks.check_real_contributions(final, 3)


# --- a key for other constraints --------------------------------------------------------------


def test_a_key_of_another_circuit_names_both_shapes() -> None:
    key, other = (
        open_zkey(vector("poly", "poly_final.zkey")),
        read_r1cs(vector("multiplier", "multiplier.r1cs")),
    )
    shape = (key.header.n_vars, key.header.n_public, key.header.domain_size)
    want = (other.header.n_wires, other.header.n_public, checks.domain_size(other.header))
    with pytest.raises(
        IntegrityError,
        match=exactly(
            f"zkey header (n_vars, n_public, domain) = {shape}, the r1cs gives {want}:"
            " the key was set up for another circuit"
        ),
    ):
        checks.check_zkey_shape(key, other.header)
    with pytest.raises(
        IntegrityError,
        match=exactly(
            f"zkey has {key.n_coefficients} coefficients, the r1cs gives 4:"
            " the key was set up for other constraints"
        ),
    ):
        checks.check_coefficients(key, other)
