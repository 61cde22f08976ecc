"""Each relation check accepts the snarkjs-made vectors and refuses a file from elsewhere."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.unit.formats.helpers import vector
from tests.unit.integrity.helpers import solidity, write_transcript
from toolchain.config import read_registry
from toolchain.errors import IntegrityError
from toolchain.formats.ptau import PtauFile, open_ptau
from toolchain.formats.r1cs import R1cs, R1csHeader, read_r1cs
from toolchain.formats.zkey import ZkeyFile, open_zkey
from toolchain.hashing import hash_file
from toolchain.integrity import checks
from toolchain.native.groth16 import Coefficient
from toolchain.render.templates import render_entry


def zkey(circuit: str, step: str = "final") -> ZkeyFile:
    return open_zkey(vector(circuit, f"{circuit}_{step}.zkey"))


def r1cs(circuit: str) -> R1cs:
    return read_r1cs(vector(circuit, f"{circuit}.r1cs"))


def header(constraints: int, outputs: int, inputs: int) -> R1csHeader:
    return R1csHeader(32, 0, 10, outputs, inputs, 0, 0, constraints)


def test_domain_size_follows_zkey_new() -> None:
    assert checks.domain_size(header(0, 0, 0)) == 2
    assert checks.domain_size(header(1, 0, 0)) == 2
    assert checks.domain_size(header(1, 1, 0)) == 4
    assert checks.domain_size(header(4, 2, 1)) == 8
    assert checks.domain_size(header(1021, 1, 2)) == 2048


@pytest.mark.parametrize("circuit", ["multiplier", "poly"])
def test_vectors_pass_every_zkey_relation(circuit: str) -> None:
    key = zkey(circuit)
    assert "header matches r1cs" in checks.check_zkey_shape(key, r1cs(circuit).header)
    assert "coefficients match r1cs" in checks.check_coefficients(key, r1cs(circuit))
    assert "alpha/beta" in checks.check_zkey_ptau(key, open_ptau(vector("ptau", "pot4_final.ptau")))
    assert checks.check_vkey(vector(circuit, "verification_key.json"), key)


def test_a_key_for_another_circuit_is_refused() -> None:
    with pytest.raises(IntegrityError, match="set up for another circuit"):
        checks.check_zkey_shape(zkey("poly"), r1cs("multiplier").header)
    with pytest.raises(IntegrityError, match="set up for other constraints"):
        checks.check_coefficients(zkey("poly"), r1cs("multiplier"))


def test_one_changed_r1cs_coefficient_is_found() -> None:
    original = r1cs("poly")
    (a, b, c), *rest = original.constraints
    signal = next(iter(b))
    changed = dataclasses.replace(original, constraints=[(a, {**b, signal: 5}, c), *rest])
    with pytest.raises(IntegrityError, match=r"coefficient \d+ is Coefficient\(matrix=1"):
        checks.check_coefficients(zkey("poly"), changed)


def test_expected_coefficients_order() -> None:
    # two constraints over wires 0..3 with one public output (wire 1)
    circuit = R1cs(header(2, 1, 0), [({2: 7}, {3: 1}, {1: 1}), ({1: 2, 2: 3}, {0: 4}, {})], [])
    assert list(checks.expected_coefficients(circuit)) == [
        Coefficient(0, 0, 2, 7),
        Coefficient(1, 0, 3, 1),
        Coefficient(0, 1, 1, 2),
        Coefficient(0, 1, 2, 3),
        Coefficient(1, 1, 0, 4),
        Coefficient(0, 2, 0, 1),
        Coefficient(0, 3, 1, 1),
    ]


def test_a_key_from_another_ptau_is_refused() -> None:
    # pot4_0000 is the ceremony's start: its alpha and beta are not the final ones.
    with pytest.raises(IntegrityError, match="alpha1, beta1, beta2 differ from the ptau's"):
        checks.check_zkey_ptau(zkey("multiplier"), open_ptau(vector("ptau", "pot4_0000.ptau")))


def test_a_verification_key_of_another_circuit_is_refused() -> None:
    with pytest.raises(IntegrityError, match="differs from the key derived from"):
        checks.check_vkey(vector("poly", "verification_key.json"), zkey("multiplier"))


def test_verifier_constants_are_the_keys(tmp_path: Path) -> None:
    key = zkey("poly")
    constants = checks.verifier_constants(key)
    assert {"alphax", "betax1", "gammay2", "deltax2", "IC0x", "IC3y"} <= constants.keys()
    assert "IC4x" not in constants
    assert constants["betax1"] == key.header.beta_g2[0][1]  # Fp2 as (c1, c0) for the EVM
    sol = tmp_path / "verifier.sol"
    sol.write_text(solidity(constants, 3))
    assert "constants are poly_final.zkey's key" in checks.check_verifier(sol, key)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: {**c, "deltax1": c["deltax1"] + 1}, "constants deltax1 differ"),
        (lambda c: {k: v for k, v in c.items() if k != "IC3y"}, "constants IC3y differ"),
        (lambda c: {**c, "IC4x": 1, "IC4y": 2}, "constants IC4x, IC4y differ"),
    ],
)
def test_verifier_with_other_constants_is_refused(
    tmp_path: Path, edit: Callable[[dict[str, int]], dict[str, int]], message: str
) -> None:
    sol = tmp_path / "verifier.sol"
    sol.write_text(solidity(edit(checks.verifier_constants(zkey("poly"))), 3))
    with pytest.raises(IntegrityError, match=message):
        checks.check_verifier(sol, zkey("poly"))


def test_verifier_for_another_number_of_signals_is_refused(tmp_path: Path) -> None:
    sol = tmp_path / "verifier.sol"
    sol.write_text(solidity(checks.verifier_constants(zkey("poly")), 2))
    with pytest.raises(IntegrityError, match=r"takes \[2\] public signals, poly_final.zkey has 3"):
        checks.check_verifier(sol, zkey("poly"))


def locked_hashes(circuit: str) -> tuple[str, str, str]:
    """sha256 of the final key and the r1cs, blake2b of the ptau."""
    return (
        hash_file(vector(circuit, f"{circuit}_final.zkey")),
        hash_file(vector(circuit, f"{circuit}.r1cs")),
        hash_file(vector("ptau", "pot4_final.ptau"), "blake2b"),
    )


def test_transcript_ending_at_the_final_key_passes(tmp_path: Path) -> None:
    final_sha, r1cs_sha, ptau_b2 = locked_hashes("poly")
    records = write_transcript(tmp_path / "poly.jsonl", "poly", r1cs_sha, ptau_b2)
    note = checks.check_transcript(records, zkey("poly"), final_sha, r1cs_sha, ptau_b2)
    assert note == "4 records ending at poly_final.zkey"


def test_transcript_of_another_key_or_input_is_refused(tmp_path: Path) -> None:
    final_sha, r1cs_sha, ptau_b2 = locked_hashes("poly")
    records = write_transcript(tmp_path / "poly.jsonl", "poly", r1cs_sha, ptau_b2)
    other_sha = hash_file(vector("multiplier", "multiplier_final.zkey"))
    with pytest.raises(IntegrityError, match=r"last record \(.*poly_final.zkey\) is not multi"):
        checks.check_transcript(records, zkey("multiplier"), other_sha, r1cs_sha, ptau_b2)
    earlier_sha = hash_file(vector("poly", "poly_0002.zkey"))
    with pytest.raises(IntegrityError, match=r"is not poly_0002\.zkey"):
        checks.check_transcript(records, zkey("poly", "0002"), earlier_sha, r1cs_sha, ptau_b2)
    with pytest.raises(IntegrityError, match="its setup used r1cs_sha256"):
        checks.check_transcript(records, zkey("poly"), final_sha, "0" * 64, ptau_b2)
    with pytest.raises(IntegrityError, match="its setup used ptau_blake2b"):
        checks.check_transcript(records, zkey("poly"), final_sha, r1cs_sha, "0" * 128)
    with pytest.raises(IntegrityError, match="no records"):
        checks.check_transcript([], zkey("poly"), final_sha, r1cs_sha, ptau_b2)


def test_transcript_with_a_forged_head_is_refused(tmp_path: Path) -> None:
    final_sha, r1cs_sha, ptau_b2 = locked_hashes("poly")
    *records, last = write_transcript(tmp_path / "poly.jsonl", "poly", r1cs_sha, ptau_b2)
    forged = dataclasses.replace(last, contribution_hash=hashlib.blake2b(b"x").hexdigest())
    with pytest.raises(IntegrityError, match=r"last contribution hash is not poly_final\.zkey's"):
        checks.check_transcript([*records, forged], zkey("poly"), final_sha, r1cs_sha, ptau_b2)
    skipped = dataclasses.replace(last, index=7)
    with pytest.raises(IntegrityError, match=r"records 7 contributions, poly_final\.zkey has 3"):
        checks.check_transcript([*records, skipped], zkey("poly"), final_sha, r1cs_sha, ptau_b2)


def test_rendered_source_must_match_the_registry() -> None:
    entry = read_registry(REPO / "circuits" / "circuits.toml").get("multiplier_2")
    text = render_entry(REPO / "templates", entry).text
    sha = hashlib.sha256(text.encode()).hexdigest()
    assert checks.check_rendered(REPO / "templates", entry, sha).endswith("multiplier.circom.j2")
    with pytest.raises(IntegrityError, match="template or the parameters changed"):
        checks.check_rendered(REPO / "templates", entry, "0" * 64)


def test_a_ptau_too_small_for_the_key_is_refused() -> None:
    key, ptau = zkey("multiplier"), open_ptau(vector("ptau", "pot4_final.ptau"))
    assert key.header.power == 2

    def of_power(power: int) -> PtauFile:
        return dataclasses.replace(ptau, header=dataclasses.replace(ptau.header, power=power))

    assert "(power 2)" in checks.check_zkey_ptau(key, of_power(2))
    with pytest.raises(IntegrityError, match=r"^the ptau has power 1, the key's domain needs 2$"):
        checks.check_zkey_ptau(key, of_power(1))
