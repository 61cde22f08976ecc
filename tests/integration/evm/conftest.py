"""Fixtures of the on-chain tests: every exported verifier compiled once and deployed once on one
in-process EVM, and memoised proofs as verifyProof's numbers.

Groth16: the committed artifacts (artifacts/NAME/verifier.sol and final.zkey). PLONK and fflonk:
keys made here by the pinned snarkjs CLI from an INSECURE dev ptau of 2^12 (no `zkt setup` for
them yet: when it lands, `universal_keys` becomes a call to it).
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
from toolchain.api.compile import compile_circuits
from toolchain.api.prove import prove
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.api.zkey import calldata
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.runner import command
from toolchain.runner.tools import node_path

GROTH16 = ("multiplier_2", "poseidon_preimage_2", "merkle_4", "range_32", "membership_4")
UNIVERSAL = ("range_32", "poseidon_preimage_1", "multiplier_3")  # fit the 2^12 ptau, both protocols
PROTOCOLS = ("plonk", "fflonk")
UNIVERSAL_PTAU_POWER = 12  # the example ceremony's power: fflonk's 9·n fits for all three

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


def snarkjs_cli(ws: Workspace, *args: str | Path) -> str:
    """One pinned snarkjs CLI run (fails loudly): its stdout."""
    argv = [str(node_path()), str(ws.tools.snarkjs_cli), *map(str, args)]
    return command.run(argv).stdout


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
    ws = open_workspace(copy_project(tmp_path_factory.mktemp("evm") / "project"))
    compile_circuits(ws, tuple(dict.fromkeys(GROTH16 + UNIVERSAL)))
    for name in GROTH16:
        shutil.copytree(REPO / "artifacts" / name, ws.project.artifacts_dir(name))
    return ws


@dataclass(frozen=True)
class UniversalKey:
    """A PLONK or fflonk key and its exported verifier."""

    zkey: Path
    verifier_sol: Path


@pytest.fixture(scope="session")
def universal_keys(
    evm_project: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> dict[Key, UniversalKey]:
    """`snarkjs plonk|fflonk setup` on UNIVERSAL from an INSECURE 2^12 dev ptau, verifiers."""
    root = tmp_path_factory.mktemp("universal")
    ptau = root / "dev12.ptau"
    write_dev_ptau(ptau, UNIVERSAL_PTAU_POWER, "zk-toolchain evm tests")
    keys = {}
    for protocol in PROTOCOLS:
        for name in UNIVERSAL:
            key = UniversalKey(root / f"{protocol}_{name}.zkey", root / f"{protocol}_{name}.sol")
            snarkjs_cli(
                evm_project, protocol, "setup", evm_project.project.r1cs(name), ptau, key.zkey
            )
            snarkjs_cli(
                evm_project, "zkey", "export", "solidityverifier", key.zkey, key.verifier_sol
            )
            keys[protocol, name] = key
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
    from `zkt zkey calldata` (Groth16) or `snarkjs zkey export soliditycalldata`; memoised."""
    root = tmp_path_factory.mktemp("proofs")
    made: dict[tuple[str, str, Prover, Path], list[int]] = {}

    def proof(
        protocol: str, name: str, prover: Prover = ("snarkjs", None), input: Path | None = None
    ) -> list[int]:
        path = input or valid_inputs(name)[0]
        memo = (protocol, name, prover, path)
        if memo not in made:
            out = root / f"{len(made)}"
            if protocol == "groth16":
                backend, engine = prover
                done = prove(evm_project, name, path, backend, out_dir=out, engine=engine)
                text = calldata(done.proof, done.public)
            else:
                out.mkdir()
                key, p = universal_keys[protocol, name].zkey, evm_project.project
                proof_json, public_json = out / "proof.json", out / "public.json"
                snarkjs_cli(
                    evm_project,
                    protocol,
                    "fullprove",
                    path,
                    p.wasm(name),
                    key,
                    proof_json,
                    public_json,
                )
                text = snarkjs_cli(
                    evm_project, "zkey", "export", "soliditycalldata", public_json, proof_json
                )
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
