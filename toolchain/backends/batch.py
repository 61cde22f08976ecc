"""A circuit's prover loaded once per worker, and the checked proof of one input.

A batch worker (a process of the local pool or a Dask worker) loads the proving key, the witness
wasm and the verification key once (`LoadedProver`), after checking the key's sha256, then
proves input after input: the witness in process, the proof by the chosen backend (snarkjs: one
persistent snarkjs worker per process, which keeps the key loaded too), and the check of the
exact JSON that will be written: Groth16 by the native verifier, PLONK and fflonk (snarkjs
only) strictly parsed and verified as `backends.snarkjs.check_universal_texts` does, against the
verification key the worker exported from the key at load. What goes wrong with one input is
that input's `Outcome` (its reason, one line), never the batch's.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from toolchain.backends import prover_backend
from toolchain.backends.native import load_key
from toolchain.backends.snarkjs import check_universal_texts
from toolchain.config import NATIVE_BACKEND, Protocol, engine_name
from toolchain.errors import IntegrityError, VerificationError, ZktError
from toolchain.formats.snarkjs_json import (
    dump_proof,
    dump_public,
    parse_proof,
    parse_public,
    verification_key_from_zkey,
)
from toolchain.formats.wtns import write_wtns
from toolchain.formats.zkey import open_zkey
from toolchain.hashing import hash_file
from toolchain.native.engine import usable_cpus
from toolchain.native.engines import get_engine
from toolchain.native.groth16 import VerificationKey
from toolchain.native.prover import create_proof, prove, public_signals
from toolchain.native.verifier import verify_proof
from toolchain.runner.command import shorten
from toolchain.runner.snarkjs_worker import SnarkjsWorker
from toolchain.runner.tools import Tools
from toolchain.witness.calculator import WitnessCalculator

T = TypeVar("T")
NATIVE, SNARKJS = NATIVE_BACKEND, "snarkjs"
MAX_REASON = 300  # a failed tool's output tail is on the exception, not in the summary


class WorkerError(ZktError):
    """A batch worker died or its cluster went away: the batch stops (proofs written stay)."""

    exit_code = 4


@dataclass(frozen=True)
class ProverSpec:
    """What a worker loads, by path, and the key sha256 it must find there.

    `backend` is a concrete backend name (not auto). `blinding` fixes the native prover's r and
    s so that tests can compare proofs byte for byte; None (always, outside tests) draws fresh
    ones for every proof. `protocol` is the key's proof system (the circuit's). `threads` caps
    the native engine's MSM threads in a worker (None: every core); `share_cores` sets it for
    workers side by side on one machine.
    """

    circuit: str
    zkey: Path
    zkey_sha256: str
    wasm: Path
    sym: Path
    backend: str
    tools: Tools
    engine: str | None = None
    blinding: tuple[int, int] | None = None
    protocol: Protocol = "groth16"
    threads: int | None = None


def share_cores(spec: ProverSpec, workers: int) -> ProverSpec:
    """The spec for one of `workers` processes on this machine: the usable cores split among
    them (at least one thread each), so their MSM threads do not crowd each other out; a spec
    that already caps its threads keeps its cap."""
    if spec.threads is not None:
        return spec
    return replace(spec, threads=max(1, usable_cpus() // max(1, workers)))


@dataclass(frozen=True)
class Job:
    """One input of a batch: its file name (for messages) and its parsed signals."""

    source: str
    inputs: dict[str, object]


@dataclass(frozen=True)
class Outcome:
    """One input's result: its verified proof.json and public.json texts, or why it failed.

    `stages` holds the seconds of each stage that ran: witness, prove, verify (in that order).
    """

    source: str
    seconds: float
    proof: str = ""
    public: str = ""
    reason: str = ""
    stages: tuple[tuple[str, float], ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the input was proved (and its proof verified)."""
        return not self.reason


def failure(source: str, exc: ZktError, seconds: float = 0.0) -> Outcome:
    """The failed `Outcome` of `source`: the error on one line, without the source's name."""
    text = " ".join(line.strip() for line in str(exc).splitlines()) or type(exc).__name__
    return Outcome(source, seconds, reason=shorten(text, MAX_REASON).removeprefix(f"{source}: "))


class LoadedProver:
    """A circuit's key, witness wasm and verification key, loaded once; proves input by input."""

    def __init__(self, spec: ProverSpec) -> None:
        """Load everything `spec` names (IntegrityError when the key is not the expected one)."""
        check_sha256(spec.zkey, spec.zkey_sha256)
        self.spec = spec
        native = spec.backend == NATIVE
        native_engine = spec.engine if native else None
        self.backend = prover_backend(spec.backend, spec.tools, native_engine, spec.protocol)
        self.engine = get_engine(engine_name(spec.engine), spec.threads)
        self.calculator = WitnessCalculator(spec.wasm, sym_path=spec.sym)
        # the sha256 just checked is the key's: load_key need not hash it again
        loaded = load_key(spec.zkey, self.engine, spec.zkey_sha256) if native else None
        self.zkey = loaded.zkey if loaded else None
        self.worker = SnarkjsWorker(spec.tools) if spec.backend == SNARKJS else None
        self.universal = spec.protocol != "groth16"  # then proved by snarkjs: a worker is there
        self.vkey = loaded.vkey if loaded else self._groth16_vkey()
        self.vkey_json = self._exported_vkey() if self.universal else ""

    def _groth16_vkey(self) -> VerificationKey | None:
        """The verification key of a Groth16 key, derived from it (None for PLONK and fflonk)."""
        return None if self.universal else verification_key_from_zkey(open_zkey(self.spec.zkey))

    def _exported_vkey(self) -> str:
        """The PLONK or fflonk verification key of the key, as the worker exports it."""
        assert self.worker is not None  # only snarkjs proves PLONK and fflonk
        return json.dumps(self.worker.verification_key(self.spec.zkey), indent=1)

    def prove(self, inputs: dict[str, object], source: str) -> Outcome:
        """The outcome of one input: proved and verified, or failed with the reason."""
        start = time.perf_counter()
        stages = Stages()
        try:
            witness = stages.timed("witness", self.calculator.calculate, inputs, source=source)
            proof, public = stages.timed("prove", self._prove, witness)
            stages.timed("verify", self._verify, proof, public, source)
        except ZktError as exc:
            return failure(source, exc, time.perf_counter() - start)
        return Outcome(source, time.perf_counter() - start, proof, public, stages=stages.done)

    def _prove(self, witness: list[int]) -> tuple[str, str]:
        """proof.json and public.json texts: native from the loaded key, else by the backend."""
        if self.zkey is None:
            return self._prove_by_backend(witness)
        if self.spec.blinding is None:
            proof, public = prove(self.zkey, witness, self.engine)
        else:
            proof = create_proof(self.zkey, witness, *self.spec.blinding, self.engine)
            public = public_signals(self.zkey, witness)
        return dump_proof(proof), dump_public(public)

    def _prove_by_backend(self, witness: list[int]) -> tuple[str, str]:
        """snarkjs and rapidsnark read a .wtns file: one in a private temp folder, then gone.

        snarkjs is this process's persistent worker (the key stays loaded in it); rapidsnark
        runs once per proof.
        """
        with tempfile.TemporaryDirectory(prefix="zkt-batch-") as tmp:
            folder = Path(tmp)
            write_wtns(folder / "witness.wtns", witness)
            if self.worker is not None:
                wtns, protocol = folder / "witness.wtns", self.spec.protocol
                return self.worker.prove(self.spec.zkey, wtns, protocol)
            proof, public = folder / "proof.json", folder / "public.json"
            self.backend.prove(self.spec.zkey, folder / "witness.wtns", proof, public)
            return proof.read_text(), public.read_text()

    def _verify(self, proof: str, public: str, source: str) -> None:
        """VerificationError unless the texts parse strictly and verify against the key."""
        if self.universal:
            self._verify_universal(proof, public)
            return
        assert self.vkey is not None  # a Groth16 key's, derived at load
        parsed = parse_proof(json.loads(proof), f"{source} proof")
        signals = parse_public(json.loads(public), f"{source} public signals")
        if not verify_proof(self.vkey, signals, parsed, self.engine):
            raise VerificationError(
                f"the {self.backend.name} proof does not verify against the key: not written"
            )

    def _verify_universal(self, proof: str, public: str) -> None:
        """The PLONK or fflonk texts checked as files in a private temp folder, then gone."""
        assert self.worker is not None  # only snarkjs proves PLONK and fflonk
        with tempfile.TemporaryDirectory(prefix="zkt-batch-") as tmp:
            vkey, public_file, proof_file = (Path(tmp) / name for name in ("vk", "public", "proof"))
            vkey.write_text(self.vkey_json)
            public_file.write_text(public)
            proof_file.write_text(proof)
            check_universal_texts(self.spec.zkey, vkey, public_file, proof_file, self.worker.verify)


class Stages:
    """The seconds each named stage of one proof took, in the order they ran."""

    def __init__(self) -> None:
        self.done: tuple[tuple[str, float], ...] = ()

    def timed(self, stage: str, step: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`step(*args, **kwargs)`, its seconds recorded under `stage` when it returns."""
        start = time.perf_counter()
        result = step(*args, **kwargs)
        self.done += ((stage, time.perf_counter() - start),)
        return result


def load_prover(spec: ProverSpec) -> LoadedProver | ZktError:
    """A worker's prover, or why it could not load (raised by each of its tasks in turn)."""
    try:
        return LoadedProver(spec)
    except ZktError as exc:
        return exc
    except OSError as exc:  # a worker without the shared path, or unreadable files
        return WorkerError(f"a worker could not read {exc.filename}: {exc.strerror}")


def check_sha256(path: Path, expected: str) -> None:
    """IntegrityError unless the file at `path` has this sha256 (a worker's copy of the key)."""
    actual = hash_file(path)
    if actual != expected:
        raise IntegrityError(
            f"{path}: sha256 {actual[:16]}… is not the batch's key {expected[:16]}…"
        )
