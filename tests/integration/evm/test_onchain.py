"""Every exported Solidity verifier on an in-process EVM (py-evm): verifyProof answers true for
valid proofs from every prover, false for a changed public input, an input + r and another
circuit's proof; its gas; and the pitfall of a too-low gas limit (false, not a revert).

One test file on purpose: xdist runs a file in one worker, so the verifiers are compiled and
deployed once (session fixtures in conftest.py), and the proofs are made once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.evm.chain import parse_calldata
from tests.integration.evm.conftest import (
    GROTH16,
    PROTOCOLS,
    UNIVERSAL,
    Deployed,
    GasFn,
    Key,
    ProofFn,
    valid_inputs,
)
from tests.integration.helpers import zkt
from toolchain.api.prove import prove
from toolchain.api.workspace import Workspace
from toolchain.backends.rapidsnark import RapidsnarkBackend
from toolchain.native.field import R

# Every backend that proves: rapidsnark only where it is installed (it is not on CI's machine).
# The native backend on mcl: its pure engine writes the same proofs (tests/unit/native).
PROVERS = [("snarkjs", None), ("native", "mcl")]
PROVERS += [("rapidsnark", None)] if RapidsnarkBackend().available() else []
VERIFIERS: list[Key] = [("groth16", n) for n in GROTH16] + [
    (p, n) for p in PROTOCOLS for n in UNIVERSAL
]
PROOF_WORDS = {"groth16": 8, "plonk": 24, "fflonk": 24}  # numbers before the public signals
# Gas of one verifyProof transaction (21k and calldata included), as measured here.
GROTH16_BASE, GROTH16_PER_INPUT = (205_000, 220_000), (6_500, 8_000)
UNIVERSAL_GAS = {"plonk": (280_000, 305_000), "fflonk": (205_000, 225_000)}


def _other(key: Key) -> str:
    """The next circuit of the same protocol (another circuit's proof comes from it)."""
    names = GROTH16 if key[0] == "groth16" else UNIVERSAL
    return names[(names.index(key[1]) + 1) % len(names)]


@pytest.mark.parametrize("prover", PROVERS, ids=lambda p: "-".join(filter(None, p)))
@pytest.mark.parametrize("name", GROTH16)
def test_groth16_proofs_of_every_prover_verify_on_chain(
    deployed: Deployed, proofs: ProofFn, name: str, prover: tuple[str, str | None]
) -> None:
    numbers = proofs("groth16", name, prover)
    assert deployed.verifiers["groth16", name].call(numbers) == "true"


@pytest.mark.parametrize("name", GROTH16)
def test_groth16_every_valid_input_verifies_on_chain(
    deployed: Deployed, proofs: ProofFn, name: str
) -> None:
    for path in valid_inputs(name)[1:]:  # valid.json: above, by every prover
        assert (
            deployed.verifiers["groth16", name].call(proofs("groth16", name, input=path)) == "true"
        )


def test_zkt_zkey_calldata_cli_output_verifies_on_chain(
    evm_project: Workspace, deployed: Deployed, tmp_path: Path
) -> None:
    """What `zkt zkey calldata` prints (the CLI; the fixtures call its api function)."""
    name = "multiplier_2"
    done = prove(evm_project, name, valid_inputs(name)[0], "native", out_dir=tmp_path, engine="mcl")
    cli = zkt("zkey", "calldata", str(done.proof), str(done.public), cwd=evm_project.project.root)
    assert cli.returncode == 0, cli.stderr
    assert deployed.verifiers["groth16", name].call(parse_calldata(cli.stdout)) == "true"


@pytest.mark.parametrize("key", VERIFIERS[len(GROTH16) :], ids="-".join)
def test_universal_proofs_verify_on_chain(deployed: Deployed, proofs: ProofFn, key: Key) -> None:
    assert deployed.verifiers[key].call(proofs(*key)) == "true"


@pytest.mark.parametrize("key", VERIFIERS, ids="-".join)
def test_tampered_proofs_are_false_on_chain(deployed: Deployed, proofs: ProofFn, key: Key) -> None:
    """A changed public input and another circuit's proof are refused (by the pairing, or first
    by fflonk's check of the inverse the prover sends); an input + r (the same value mod r) by
    the template's range check: false, never a revert."""
    verifier, numbers = deployed.verifiers[key], proofs(*key)
    cut = PROOF_WORDS[key[0]]
    assert len(numbers) == cut + verifier.n_public
    changed = [*numbers[:cut], (numbers[cut] + 1) % R, *numbers[cut + 1 :]]
    assert verifier.call(changed) == "false"
    wrapped = [*numbers[:cut], numbers[cut] + R, *numbers[cut + 1 :]]
    assert verifier.call(wrapped) == "false"
    other = proofs(key[0], _other(key))
    assert verifier.call([*other[:cut], *numbers[cut:]]) == "false"


def test_groth16_gas_per_verify_and_per_public_input(gas: GasFn) -> None:
    """≈ 214k gas with one public input, + ≈ 7.3k per input (a line through all five)."""
    points = sorted((gas(("groth16", n))) for n in GROTH16)
    assert len({count for count, _ in points}) >= 2, points
    (low, low_gas), (high, high_gas) = points[0], points[-1]
    per_input = (high_gas - low_gas) / (high - low)
    assert GROTH16_PER_INPUT[0] <= per_input <= GROTH16_PER_INPUT[1], points
    assert GROTH16_BASE[0] <= low_gas - (low - 1) * per_input <= GROTH16_BASE[1], points


# What a VALID proof of range_32 answers under a gas limit: eth-tester's estimate_gas gives
# 40064 (Groth16), 62908 (PLONK), 77504 (fflonk); at 40k PLONK and fflonk run out of gas in
# their own code (a revert), Groth16 already in the pairing staticcall (false).
LOW_GAS = {"groth16": "false", "plonk": "revert", "fflonk": "revert"}


@pytest.mark.parametrize("protocol", ["groth16", *PROTOCOLS])
def test_valid_proof_under_too_low_gas_limit_answers_false(
    deployed: Deployed, proofs: ProofFn, gas: GasFn, protocol: str
) -> None:
    """The pitfall: below the real cost, the pairing staticcall runs out of gas quietly and a
    VALID proof answers false, even at exactly the gas a successful transaction used (the
    call keeps 1/64 of its gas back); 10k more and it answers true."""
    verifier = deployed.verifiers[protocol, "range_32"]
    numbers = proofs(protocol, "range_32")
    _, needed = gas((protocol, "range_32"))
    assert verifier.call(numbers, gas=40_040) == LOW_GAS[protocol]
    # 100k: Groth16 is in its pairing already; PLONK's own arithmetic costs about that much, so
    # a proof's calldata decides whether it reverts first (it varies with the blinding).
    limits = (100_000,) if protocol == "groth16" else ()
    for limit in (*limits, needed - 10_000, needed):
        assert verifier.call(numbers, gas=limit) == "false"
    assert verifier.call(numbers, gas=needed + 10_000) == "true"


def test_plonk_and_fflonk_gas_per_verify(gas: GasFn) -> None:
    """With one or two public inputs: PLONK ≈ 292–295k, fflonk ≈ 214–216k (Groth16 214–221k)."""
    for protocol, (low, high) in UNIVERSAL_GAS.items():
        for name in UNIVERSAL:
            assert low <= gas((protocol, name))[1] <= high, (protocol, name)


def test_require_wrapper_reverts_where_the_bare_verifier_says_false(
    deployed: Deployed, proofs: ProofFn
) -> None:
    """`require(verifier.verifyProof(...))` (README): low gas and a bad proof both revert."""
    numbers = proofs("groth16", "range_32")
    wrapper = deployed.require_wrapper
    assert wrapper.call(numbers) == "true"
    assert wrapper.call(numbers, gas=100_000) == "revert"
    assert wrapper.call([*numbers[:8], numbers[8] + 1, numbers[9]]) == "revert"
