"""Fixtures of the on-chain tests: every exported verifier compiled once and deployed once on one
in-process EVM, and memoised proofs as verifyProof's numbers.

Groth16: the committed artifacts (artifacts/NAME/verifier.sol and final.zkey). PLONK and fflonk:
the committed NAME_plonk / NAME_fflonk artifacts where the registry has them, the others set up
here by `zkt setup` (api.ceremony.setup) from the example's INSECURE 2^12 dev ptau, as entries
added to the copied registry; every proof by `zkt prove`, every calldata by `zkt zkey calldata`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project
from tests.integration.evm.chain import (
    Chain,
    Verifier,
    compile_verifiers,
    parse_calldata,
    solc_missing,
)
from toolchain.api.ceremony import setup
from toolchain.api.compile import compile_circuits
from toolchain.api.prove import prove
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.api.zkey import calldata

GROTH16 = ("multiplier_2", "poseidon_preimage_2", "merkle_4", "range_32", "membership_4")
UNIVERSAL = ("range_32", "poseidon_preimage_1", "multiplier_3")  # fit the 2^12 ptau, both protocols
PROTOCOLS = ("plonk", "fflonk")
# The universal instances the example registry lacks, added to the copy (same templates).
EXTRA_ENTRIES = """
[[circuit]]
name = "range_32_fflonk"
template = "range"
public = ["lo", "hi"]
params = { bits = 32 }
protocol = "fflonk"

[[circuit]]
name = "multiplier_3_plonk"
template = "multiplier"
params = { n = 3 }
protocol = "plonk"

[[circuit]]
name = "multiplier_3_fflonk"
template = "multiplier"
params = { n = 3 }
protocol = "fflonk"
"""

# "Require" wrapper: the pattern the README recommends, for range_32's Groth16 interface.
REQUIRE_SOL = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
interface IVerifier {
    function verifyProof(uint[2] calldata, uint[2][2] calldata, uint[2] calldata, uint[2] calldata)
        external view returns (bool);
}
contract RequireValid {
    IVerifier immutable verifier;
    constructor(IVerifier v) { verifier = v; }
    function verifyProof(uint[2] calldata a, uint[2][2] calldata b, uint[2] calldata c,
                         uint[2] calldata pub) external view returns (bool) {
        require(verifier.verifyProof(a, b, c, pub), "invalid proof");
        return true;
    }
}
"""

Key = tuple[str, str]  # (protocol, circuit)


def universal_name(protocol: str, name: str) -> str:
    """The registry name of circuit `name` on `protocol` (range_32 → range_32_plonk)."""
    return f"{name}_{protocol}"


def valid_inputs(name: str) -> list[Path]:
    """circuits/inputs/NAME/valid*.json, valid.json first."""
    folder = REPO / "circuits" / "inputs" / name
    first = folder / "valid.json"
    return [first, *sorted(set(folder.glob("valid*.json")) - {first})]


@pytest.fixture(scope="session")
def evm_project(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A project copy with the circuits compiled and the committed Groth16 artifacts."""
    if reason := solc_missing():
        pytest.fail(reason)  # a missing tool fails the run
    root = copy_project(tmp_path_factory.mktemp("evm") / "project")
    with (root / "circuits" / "circuits.toml").open("a") as registry:
        registry.write(EXTRA_ENTRIES)
    (root / "ceremony").mkdir()  # its [phase1]: the dev ptau `zkt setup` uses
    shutil.copy(REPO / "ceremony" / "ceremony.toml", root / "ceremony")
    ws = open_workspace(root)
    compile_circuits(ws, GROTH16)
    for name in GROTH16:
        shutil.copytree(REPO / "artifacts" / name, ws.project.artifacts_dir(name))
    return ws


@dataclass(frozen=True)
class UniversalKey:
    """A PLONK or fflonk key and its exported verifier."""

    zkey: Path
    verifier_sol: Path


@pytest.fixture(scope="session")
def universal_keys(evm_project: Workspace) -> dict[Key, UniversalKey]:
    """Every UNIVERSAL circuit on both protocols: committed artifacts, else `zkt setup`."""
    project, keys = evm_project.project, {}
    for protocol in PROTOCOLS:
        for name in UNIVERSAL:
            circuit = universal_name(protocol, name)
            if (REPO / "artifacts" / circuit).is_dir():
                shutil.copytree(REPO / "artifacts" / circuit, project.artifacts_dir(circuit))
            else:
                setup(evm_project, (circuit,), None)
            keys[protocol, name] = UniversalKey(
                project.zkey(circuit), project.verifier_sol(circuit)
            )
    return keys


@dataclass(frozen=True)
class Deployed:
    """Every verifier on one chain, and the require(...) wrapper in front of range_32's."""

    chain: Chain
    verifiers: dict[Key, Verifier]
    require_wrapper: Verifier


@pytest.fixture(scope="session")
def deployed(evm_project: Workspace, universal_keys: dict[Key, UniversalKey]) -> Deployed:
    """All verifiers compiled in one solcjs run and deployed on one chain."""
    sources = {
        f"groth16/{name}.sol": evm_project.project.verifier_sol(name).read_text()
        for name in GROTH16
    }
    sources |= {
        f"{p}/{n}.sol": key.verifier_sol.read_text() for (p, n), key in universal_keys.items()
    }
    sources["RequireValid.sol"] = REQUIRE_SOL
    contracts = compile_verifiers(sources)
    chain = Chain()
    verifiers = {
        (source.split("/")[0], Path(source).stem): chain.deploy(contract)
        for source, contract in contracts.items()
        if source != "RequireValid.sol"
    }
    target = verifiers["groth16", "range_32"].address
    wrapper = chain.deploy(contracts["RequireValid.sol"], constructor=("address", target))
    return Deployed(chain, verifiers, wrapper)


Prover = tuple[str, str | None]  # (backend, engine)
ProofFn = Callable[..., list[int]]


@pytest.fixture(scope="session")
def proofs(
    evm_project: Workspace,
    universal_keys: dict[Key, UniversalKey],
    tmp_path_factory: pytest.TempPathFactory,
) -> ProofFn:
    """proof(protocol, name, prover=("snarkjs", None), input=valid.json): verifyProof's numbers,
    from `zkt prove` and `zkt zkey calldata` (their api functions); memoised."""
    root = tmp_path_factory.mktemp("proofs")
    made: dict[tuple[str, str, Prover, Path], list[int]] = {}

    def proof(
        protocol: str, name: str, prover: Prover = ("snarkjs", None), input: Path | None = None
    ) -> list[int]:
        path = input or valid_inputs(name)[0]
        memo = (protocol, name, prover, path)
        if memo not in made:
            out = root / f"{len(made)}"
            backend, engine = prover
            circuit = name if protocol == "groth16" else universal_name(protocol, name)
            done = prove(evm_project, circuit, path, backend, out_dir=out, engine=engine)
            text = calldata(done.proof, done.public)
            made[memo] = parse_calldata(text)
        return made[memo]

    return proof


GasFn = Callable[[Key], tuple[int, int]]


@pytest.fixture(scope="session")
def gas(deployed: Deployed, proofs: ProofFn) -> GasFn:
    """gas((protocol, name)): (public signals, gas of a verifyProof transaction with the valid
    snarkjs proof), memoised (each is a full pairing check on py-evm: about a second)."""
    measured: dict[Key, tuple[int, int]] = {}

    def of(key: Key) -> tuple[int, int]:
        if key not in measured:
            verifier = deployed.verifiers[key]
            measured[key] = (verifier.n_public, verifier.gas(proofs(*key)))
        return measured[key]

    return of
