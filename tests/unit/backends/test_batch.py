"""The batch worker's loaded prover and the executors' plumbing, on the committed multiplier
vector (wasm, sym, final zkey): no tool is started."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from toolchain.backends import batch
from toolchain.backends.batch import LoadedProver, Outcome, ProverSpec, failure, share_cores
from toolchain.backends.cluster import KeyPlugin
from toolchain.backends.executors import dask_address, load_worker, prove_in_worker
from toolchain.errors import CommandError, IntegrityError, UsageError, WitnessError
from toolchain.formats.snarkjs_json import dump_proof, read_verification_key
from toolchain.formats.zkey import read_zkey
from toolchain.hashing import hash_file
from toolchain.native.engine_mcl import MclEngine
from toolchain.native.engines import get_engine
from toolchain.native.prover import create_proof
from toolchain.runner.tools import Tools

VECTOR = Path(__file__).resolve().parents[2] / "vectors" / "multiplier"
ZKEY = VECTOR / "multiplier_final.zkey"
INPUTS: dict[str, object] = {"a": "3", "b": "11"}


@pytest.fixture(scope="module")
def spec() -> ProverSpec:
    return ProverSpec(
        "multiplier", ZKEY, hash_file(ZKEY), VECTOR / "multiplier.wasm",
        VECTOR / "multiplier.sym", "native", Tools(Path("/nonexistent")), "mcl", (5, 7),
    )  # fmt: skip


@pytest.fixture(scope="module")
def loaded(spec: ProverSpec) -> LoadedProver:
    return LoadedProver(spec)


def test_fixed_blinding_gives_the_proof_create_proof_gives(loaded: LoadedProver) -> None:
    outcome = loaded.prove(INPUTS, "a.json")
    witness = loaded.calculator.calculate(INPUTS)
    expected = create_proof(read_zkey(ZKEY), witness, 5, 7, get_engine("mcl"))
    assert outcome.ok and outcome.reason == ""
    assert outcome.proof == dump_proof(expected)
    assert outcome.public == '[\n "33"\n]'


def test_random_blinding_gives_a_different_valid_proof(spec: ProverSpec) -> None:
    prover = LoadedProver(replace(spec, blinding=None))
    first, second = prover.prove(INPUTS, "a.json"), prover.prove(INPUTS, "a.json")
    assert first.ok and second.ok
    assert first.proof != second.proof and first.public == second.public


def test_the_loaded_verification_key_is_the_exported_one(loaded: LoadedProver) -> None:
    exported = read_verification_key(VECTOR / "verification_key.json")
    assert loaded.vkey == exported
    assert loaded.vkey is not None and loaded.vkey.stored_alphabeta is None  # derived lazily
    assert loaded.vkey.alphabeta_12 == exported.alphabeta_12


def test_a_bad_input_is_its_outcome_with_the_signal_named(loaded: LoadedProver) -> None:
    outcome = loaded.prove({"a": "3"}, "bad.json")
    assert not outcome.ok and outcome.proof == ""
    assert outcome.reason == 'missing input signals: "b"'


def test_a_proof_that_does_not_verify_is_not_returned(
    loaded: LoadedProver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("toolchain.backends.batch.verify_proof", lambda *_: False)
    outcome = loaded.prove(INPUTS, "a.json")
    assert outcome == Outcome(
        "a.json",
        outcome.seconds,
        reason="the native proof does not verify against the key: not written",
    )


def test_a_key_with_another_sha256_is_refused(spec: ProverSpec) -> None:
    with pytest.raises(IntegrityError, match=r"multiplier_final.zkey: sha256 [0-9a-f]{16}… is not"):
        LoadedProver(replace(spec, zkey_sha256="00" * 32))


@pytest.fixture
def as_worker() -> Iterator[None]:
    """This process plays a pool worker: its SIGINT handling is put back afterwards (a worker
    ignores SIGINT, and the subprocesses later tests start would inherit that)."""
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)


@pytest.mark.usefixtures("as_worker")
def test_a_worker_that_could_not_load_raises_its_error_in_every_task(spec: ProverSpec) -> None:
    load_worker(replace(spec, zkey_sha256="00" * 32))
    for _ in range(2):
        with pytest.raises(IntegrityError, match="is not the batch's key"):
            prove_in_worker(INPUTS, "a.json")
    load_worker(spec)
    assert prove_in_worker(INPUTS, "a.json").ok
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_failure_is_one_line_without_the_source_and_bounded() -> None:
    two_lines = WitnessError("x.json: Assert Failed.\nError in template T line: 20")
    assert failure("x.json", two_lines).reason == "Assert Failed. Error in template T line: 20"
    tool = failure("x.json", CommandError(["prover"], "/", 1, "tail\n" * 200))
    assert "\n" not in tool.reason and len(tool.reason) == 300 and tool.reason.endswith("…")


@pytest.mark.parametrize(
    ("executor", "address"),
    [
        ("local", None),
        ("dask://127.0.0.1:8786", "tcp://127.0.0.1:8786"),
        ("dask://scheduler.example:1", "tcp://scheduler.example:1"),
    ],
)
def test_executor_addresses(executor: str, address: str | None) -> None:
    assert dask_address(executor) == address


@pytest.mark.parametrize("executor", ["remote", "dask://", "dask://host", "dask://:1", "tcp://h:1"])
def test_malformed_executors_are_refused(executor: str) -> None:
    with pytest.raises(UsageError, match=f"--executor {executor}: use local or dask://HOST:PORT"):
        dask_address(executor)


@pytest.mark.parametrize(
    ("cpus", "workers", "threads"), [(4, 2, 2), (4, 3, 1), (2, 8, 1), (2, 1, 2)]
)
def test_workers_side_by_side_share_the_cores(
    spec: ProverSpec, monkeypatch: pytest.MonkeyPatch, cpus: int, workers: int, threads: int
) -> None:
    monkeypatch.setattr(batch, "usable_cpus", lambda: cpus)
    assert share_cores(spec, workers).threads == threads
    assert share_cores(replace(spec, threads=3), workers).threads == 3  # a cap is kept


def test_a_worker_s_engine_uses_the_threads_its_spec_gives(spec: ProverSpec) -> None:
    prover = LoadedProver(replace(spec, threads=1))
    assert isinstance(prover.engine, MclEngine) and prover.engine.workers == 1
    assert prover.engine.concurrent_msms()[0] == 1  # one thread: the MSMs run one by one
    assert prover.prove(INPUTS, "a.json").ok


def test_a_cluster_worker_proves_on_its_own_threads(spec: ProverSpec) -> None:
    plugin = KeyPlugin(spec)
    worker = SimpleNamespace(state=SimpleNamespace(nthreads=1), metrics={})
    plugin.setup(worker)  # type: ignore[arg-type]
    assert "zkt-keys" in worker.metrics  # its key states go out with the heartbeat
    assert isinstance(plugin.prover, LoadedProver)
    assert isinstance(plugin.prover.engine, MclEngine) and plugin.prover.engine.workers == 1
