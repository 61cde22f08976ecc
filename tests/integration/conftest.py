"""Integration tests run the real, pinned circom and snarkjs; a missing tool fails them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.ceremony.phase2 import contribute, export_verification_key, new_zkey
from toolchain.ceremony.universal import universal_setup
from toolchain.config import read_registry

# The sizes of hash_chain_1k's template that the benchmarks use: no test needs their keys, and
# their Groth16 setups took over a minute of every run (56 s for hash_chain_16k, 16 s for
# hash_chain_4k, on 2 cores); hash_chain_1k keeps the template keyed.
BENCH_SIZES = ("hash_chain_4k", "hash_chain_16k")
# The example circuits `keyed` holds keys for.
KEYED = tuple(
    entry.name
    for entry in read_registry(REPO / "circuits" / "circuits.toml").circuit
    if entry.name not in BENCH_SIZES
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The whole example registry compiled once (wasmtime route) in a throwaway project.

    The run's cache may already hold some circuits (tests/circuits compiles through it too).
    """
    ws = open_workspace(copy_project(tmp_path_factory.mktemp("compiled")))
    results = compile_circuits(ws)
    assert {r.status for r in results} <= {"compiled", "from cache"}
    return ws


@pytest.fixture(scope="session")
def dev_ptau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An INSECURE prepared ptau of 2^14 (public seed): enough for every example circuit."""
    path = tmp_path_factory.mktemp("ptau") / "dev14.ptau"
    write_dev_ptau(path, 14, "zk-toolchain tests")
    return path


@pytest.fixture(scope="session")
def keyed(compiled: Workspace, dev_ptau: Path) -> Workspace:
    """`compiled` plus artifacts/NAME/final.zkey and verification_key.json for every circuit
    in KEYED (all but BENCH_SIZES).

    A Groth16 circuit's key: snarkjs groth16 setup from the dev ptau and one phase-2
    contribution (a key without one has δ = γ, which lock and verify refuse); a PLONK or fflonk
    circuit's: its universal setup (key, verification key, verifier.sol and the one transcript
    record). Test keys, insecure like their ptau.
    """

    def setup(name: str) -> None:
        project = compiled.project
        entry = compiled.registry.get(name)
        if entry.universal:
            universal_setup(project, compiled.tools, name, entry.protocol, dev_ptau)
            return
        initial = project.ceremony_key(name, 0)
        new_zkey(compiled.tools, project.r1cs(name), dev_ptau, initial)
        contribute(compiled.tools, initial, project.zkey(name), "test", fresh_entropy())
        export_verification_key(project.zkey(name), project.vkey(name))

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(setup, KEYED))
    return compiled
