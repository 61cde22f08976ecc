"""Where a batch runs: a local process pool (`local`) or a Dask cluster (`dask://HOST:PORT`).

Both load the circuit's prover once per worker process (`LoadedProver`) and yield each input's
`Outcome` as it completes. Local workers are spawned, not forked: the parent may hold wasmtime
and mcl state that a fork would copy half-made. A worker that cannot load the key fails every
task with the same error, which the first result raises in the caller: the batch stops there,
as it does when a worker dies (`WorkerError`). Workers ignore SIGINT (blocked while they are
spawned, ignored once they run): Ctrl-C reaches the caller only, which cancels what has not
started and waits for the proofs under way.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from toolchain.backends.batch import (
    Job,
    LoadedProver,
    Outcome,
    ProverSpec,
    WorkerError,
    load_prover,
    share_cores,
)
from toolchain.errors import ToolError, UsageError, ZktError
from toolchain.native.memory import return_big_blocks

LOCAL, DASK = "local", "dask://"


def dask_address(executor: str) -> str | None:
    """The scheduler address of `dask://HOST:PORT` (tcp://HOST:PORT); None for `local`."""
    if executor == LOCAL:
        return None
    host, _, port = executor.removeprefix(DASK).rpartition(":")
    if not executor.startswith(DASK) or not host or not port.isdigit():
        raise UsageError(f"--executor {executor}: use local or dask://HOST:PORT")
    return f"tcp://{host}:{port}"


def run_batch(
    spec: ProverSpec, jobs: Sequence[Job], executor: str = LOCAL, workers: int = 1
) -> Iterator[Outcome]:
    """Every job's outcome, in the order they complete, on `executor` (see `dask_address`)."""
    address = dask_address(executor)
    if address is None:
        return run_local(spec, jobs, workers)
    try:
        from toolchain.backends.cluster import run_dask
    except ImportError as exc:
        raise ToolError(
            f"--executor {executor} needs Dask's distributed: pip install 'zk-toolchain[cluster]'"
        ) from exc
    return run_dask(spec, jobs, address)


def run_local(spec: ProverSpec, jobs: Sequence[Job], workers: int) -> Iterator[Outcome]:
    """`jobs` on a pool of `workers` spawned processes, each loading `spec` once."""
    if not jobs:
        return
    size = min(workers, len(jobs))
    pool = ProcessPoolExecutor(
        max_workers=size,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=load_worker,
        initargs=(share_cores(spec, size),),
    )
    try:
        with sigint_blocked():  # the workers spawned here start with it blocked
            futures = [pool.submit(prove_in_worker, job.inputs, job.source) for job in jobs]
        yield from completed(futures)
    finally:
        pool.shutdown(cancel_futures=True)


@contextmanager
def sigint_blocked() -> Iterator[None]:
    """SIGINT held back in this thread (a Ctrl-C meanwhile arrives after the block)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def completed(futures: list[Future[Outcome]]) -> Iterator[Outcome]:
    """Each future's outcome as it completes (a worker's error is raised here)."""
    try:
        for future in as_completed(futures):
            yield future.result()
    except BrokenProcessPool as exc:
        raise WorkerError(
            "a batch worker process died (killed, or out of memory): the batch stopped"
        ) from exc


# One prover per worker process: set by the pool's initializer, read by every task after it.
_WORKER: dict[str, LoadedProver | ZktError] = {}


def load_worker(spec: ProverSpec) -> None:
    """Pool initializer: load `spec` once (or keep why it failed, for every task to raise).

    SIGINT, blocked since the worker was spawned, is ignored from here on: a Ctrl-C is the
    caller's to handle, and one pressed while the worker started is dropped, not a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    return_big_blocks()
    _WORKER["prover"] = load_prover(spec)


def prove_in_worker(inputs: dict[str, object], source: str) -> Outcome:
    """A pool task: prove one input with the worker's loaded prover."""
    prover = _WORKER["prover"]
    if isinstance(prover, ZktError):
        raise prover
    return prover.prove(inputs, source)
