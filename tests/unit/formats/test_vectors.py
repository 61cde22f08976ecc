"""The committed snarkjs vectors agree with each other when read by our own readers."""

from __future__ import annotations

import pytest

from tests.unit.formats.helpers import CIRCUITS, vector
from toolchain.formats.ptau import open_ptau
from toolchain.formats.r1cs import read_r1cs_header
from toolchain.formats.snarkjs_json import read_public, read_verification_key
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import open_zkey


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_witness_r1cs_zkey_and_public_signals_agree(circuit: str) -> None:
    r1cs = read_r1cs_header(vector(circuit, f"{circuit}.r1cs"))
    zkey = open_zkey(vector(circuit, f"{circuit}_final.zkey")).header
    witness = read_wtns(vector(circuit, "witness.wtns"))
    public = read_public(vector(circuit, "public.json"))
    assert zkey.n_vars == r1cs.n_wires == len(witness)
    assert zkey.n_public == r1cs.n_public == len(public)
    assert witness[1 : 1 + len(public)] == public
    assert read_verification_key(vector(circuit, "verification_key.json")).n_public == len(public)
    # snarkjs sizes the domain for the constraints plus one binding row per public signal.
    assert zkey.domain_size >= r1cs.n_constraints + r1cs.n_public + 1


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_setup_took_alpha_and_beta_from_the_ptau(circuit: str) -> None:
    ptau = open_ptau(vector("ptau", "pot4_final.ptau"))
    zkey = open_zkey(vector(circuit, f"{circuit}_0000.zkey")).header
    assert zkey.alpha_g1 == ptau.read_alpha_tau_g1(0, 1)[0]
    assert zkey.beta_g1 == ptau.read_beta_tau_g1(0, 1)[0]
    assert zkey.beta_g2 == ptau.read_beta_g2()
