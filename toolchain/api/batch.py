"""Batch proving: every input of a folder proved with the key loaded once per worker.

`zkt prove NAME --inputs DIR --out OUT` proves DIR/*.json on a local process pool or a Dask
cluster (`backends.executors`). Each proof is verified before it is written (Groth16 natively;
PLONK and fflonk, proved by the snarkjs worker, as `backends.snarkjs` checks them), through
`staged_outputs`, to OUT/<input stem>/proof.json and public.json: the same files, with the same
checks, as `zkt prove NAME INPUT --out OUT/<input stem>`. An input that fails is reported with
its reason and the batch goes on; the caller learns of it from the result.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from toolchain import backends
from toolchain.api.compile import compile_circuits
from toolchain.api.prove import PROOF, PUBLIC, WITNESS, load_inputs, proving_key
from toolchain.api.workspace import Workspace
from toolchain.backends.batch import NATIVE, Job, Outcome, ProverSpec, failure
from toolchain.backends.executors import LOCAL, dask_address, run_batch
from toolchain.build import Reporter
from toolchain.errors import InputError, UsageError, ZktError
from toolchain.fsutil import refuse_existing, staged_outputs
from toolchain.hashing import hash_file

__all__ = ["BatchError", "BatchResult", "Outcome", "batch_inputs", "prove_batch", "prover_spec"]

OUTPUTS = (PROOF, PUBLIC, WITNESS)  # one set per input, as `prove` writes it


class BatchError(ZktError):
    """Some inputs of a batch failed (each reported with its reason); the others were written."""

    exit_code = 4


@dataclass(frozen=True)
class BatchResult:
    """Every input's outcome (sorted by file name), the backend and the wall-clock seconds."""

    backend: str
    outcomes: list[Outcome]
    seconds: float
    out: Path

    @property
    def failed(self) -> list[Outcome]:
        """The outcomes of the inputs that were not proved."""
        return [o for o in self.outcomes if not o.ok]

    def raise_if_failed(self) -> None:
        """BatchError (exit 4) when any input failed."""
        if self.failed:
            proved = len(self.outcomes) - len(self.failed)
            raise BatchError(
                f"{len(self.failed)} of {len(self.outcomes)} inputs failed; the {proved}"
                f" proved are in {self.out}"
            )


def batch_inputs(inputs_dir: Path, out_dir: Path) -> list[Path]:
    """The *.json files of `inputs_dir`, by name (UsageError: none, or OUT is the same folder)."""
    if not inputs_dir.is_dir():
        raise UsageError(f"--inputs {inputs_dir}: not a folder")
    if out_dir.resolve() == inputs_dir.resolve():
        raise UsageError(f"--out {out_dir} is the --inputs folder: choose another output folder")
    inputs = sorted(p for p in inputs_dir.glob("*.json") if p.is_file())
    if not inputs:
        raise UsageError(f"--inputs {inputs_dir}: no *.json input files")
    return inputs


def prove_batch(
    ws: Workspace,
    name: str,
    inputs: Sequence[Path],
    out_dir: Path,
    backend: str = "auto",
    *,
    jobs: int = 1,
    executor: str = LOCAL,
    zkey: Path | None = None,
    engine: str | None = None,
    report: Reporter = lambda _: None,
    on_outcome: Callable[[Outcome], None] = lambda _: None,
    force: bool = False,
    blinding: tuple[int, int] | None = None,
) -> BatchResult:
    """Prove every input; write each verified proof to OUT/<stem>/ as it arrives.

    `on_outcome` sees each input's outcome as it completes. Existing outputs are refused before
    anything is proved unless `force`d. `blinding` fixes the native prover's r and s (tests).
    """
    start = time.perf_counter()
    spec = prover_spec(ws, name, zkey, backend, engine, blinding, report)
    _check_executor(executor, jobs)
    for path in inputs:
        for output in OUTPUTS:
            refuse_existing(out_dir / path.stem / output, path, spec.zkey, force=force)
    compile_circuits(ws, (name,))
    outcomes = _run(spec, inputs, out_dir, executor, jobs, on_outcome, force)
    return BatchResult(spec.backend, outcomes, time.perf_counter() - start, out_dir)


def _run(
    spec: ProverSpec,
    inputs: Sequence[Path],
    out_dir: Path,
    executor: str,
    jobs: int,
    on_outcome: Callable[[Outcome], None],
    force: bool,
) -> list[Outcome]:
    """Every input's outcome, by file name; each verified proof written as it arrives."""
    loaded, refused = _load_jobs(inputs)
    results = run_batch(spec, loaded, executor, jobs)  # a cluster is reached before any report
    outcomes = list(refused)
    for outcome in refused:
        on_outcome(outcome)
    by_source = {path.name: path for path in inputs}
    for outcome in results:
        if outcome.ok:
            with interrupts_deferred():  # a set is written whole, its staging folder gone
                _write(outcome, by_source[outcome.source], out_dir, spec.zkey, force)
        outcomes.append(outcome)
        on_outcome(outcome)
    return sorted(outcomes, key=lambda o: o.source)


def prover_spec(
    ws: Workspace,
    name: str,
    zkey: Path | None,
    backend: str,
    engine: str | None,
    blinding: tuple[int, int] | None,
    report: Reporter,
) -> ProverSpec:
    """The checked key and the concrete backend, as workers load them."""
    key = proving_key(ws, name, zkey, engine, report)
    protocol = ws.registry.get(name).protocol
    chosen = backends.prover_backend(backend, ws.tools, engine, protocol).name
    if blinding is not None and chosen != NATIVE:
        raise UsageError(f"fixed blinding is for the native backend, not {chosen}")
    project = ws.project
    return ProverSpec(
        name, key.resolve(), hash_file(key), project.wasm(name).resolve(),
        project.sym(name).resolve(), chosen, ws.tools, engine, blinding, protocol,
    )  # fmt: skip


def _check_executor(executor: str, jobs: int) -> None:
    """UsageError for a malformed executor, -j below 1, or -j given to a cluster."""
    if jobs < 1:
        raise UsageError(f"-j {jobs}: give at least one worker process")
    if dask_address(executor) is not None and jobs != 1:
        raise UsageError(f"-j {jobs} is for --executor local: a cluster has its own workers")


def _load_jobs(inputs: Sequence[Path]) -> tuple[list[Job], list[Outcome]]:
    """Each input parsed (strictly, as `zkt prove` does), or its failure."""
    loaded: list[Job] = []
    refused: list[Outcome] = []
    for path in inputs:
        try:
            loaded.append(Job(path.name, load_inputs(path)))
        except InputError as exc:
            refused.append(failure(path.name, InputError(str(exc).removeprefix(f"{path}: "))))
    return loaded, refused


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """A Ctrl-C during the block is raised again when it ends, to the handler it would have met.

    Python runs signal handlers in the main thread whichever thread the signal reached, so the
    handler is swapped, not the mask; in other threads no KeyboardInterrupt arrives.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda number, _: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        signal.raise_signal(signal.SIGINT)


def _write(outcome: Outcome, source: Path, out_dir: Path, zkey: Path, force: bool) -> None:
    """OUT/<stem>/proof.json and public.json, moved in together (an old witness goes)."""
    folder = out_dir / source.stem
    with staged_outputs(folder, OUTPUTS, source, zkey, force=force) as stage:
        (stage / PROOF).write_text(outcome.proof)
        (stage / PUBLIC).write_text(outcome.public)
