"""Local prover workers: one spawned process per slot, every locked key loaded once in each.

A worker loads a `LoadedProver` for every circuit (the key's sha256 checked first), says it is
ready with the seconds each took, then proves one request at a time from its pipe: the proof
is verified in the worker before it is sent back (`LoadedProver.prove`). Workers ignore SIGINT
and SIGTERM: the server decides when they stop (it drains first). A worker that dies, killed or
out of memory, surfaces as `WorkerDied` in the server, which replaces it (`LocalExecutor`).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import signal
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection

from toolchain.backends.batch import LoadedProver, Outcome, ProverSpec, load_prover, share_cores
from toolchain.errors import ZktError
from toolchain.native.memory import return_big_blocks
from toolchain.service.protocol import WorkerState

STOP_SECONDS = 10.0


class WorkerDied(Exception):
    """A worker process ended while it held a job (the message says how it ended)."""


class WorkerLoadError(ZktError):
    """A worker could not load a key (the key changed on disk, or a file is unreadable)."""

    exit_code = 6


def worker_main(specs: Sequence[ProverSpec], conn: Connection) -> None:
    """A worker process: load every spec, then prove what the pipe brings until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return_big_blocks()
    provers: dict[str, LoadedProver] = {}
    seconds: dict[str, float] = {}
    for spec in specs:
        start = time.perf_counter()
        loaded = load_prover(spec)
        if isinstance(loaded, ZktError):
            conn.send(("failed", f"{spec.circuit}: {loaded}"))
            return
        provers[spec.circuit], seconds[spec.circuit] = loaded, time.perf_counter() - start
    conn.send(("ready", seconds))
    while (request := _receive(conn)) is not None:
        circuit, inputs, source = request
        conn.send(provers[circuit].prove(inputs, source))


def _receive(conn: Connection) -> tuple[str, dict[str, object], str] | None:
    """The next request, or None once the server closed the pipe or said stop."""
    try:
        request: tuple[str, dict[str, object], str] | None = conn.recv()
    except EOFError:
        return None
    return request


class WorkerProcess:
    """The server's handle on one worker process and its pipe."""

    def __init__(self, specs: Sequence[ProverSpec]) -> None:
        """Spawn the worker (not fork: the server holds an event loop and wasmtime state)."""
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(specs, child), daemon=True)
        self.process.start()
        child.close()  # the worker's end lives in the worker only: its death is our EOF
        self.load_seconds: dict[str, float] | None = None

    @property
    def pid(self) -> int | None:
        """The worker's process id."""
        return self.process.pid

    @property
    def alive(self) -> bool:
        """Whether the process runs."""
        return self.process.is_alive()

    def wait_ready(self) -> dict[str, float]:
        """Block until every key is loaded: the seconds each took (WorkerLoadError if not)."""
        try:
            status, detail = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise WorkerLoadError(f"a prover worker died while loading: {self.ended()}") from exc
        if status != "ready":
            raise WorkerLoadError(f"a prover worker could not load {detail}")
        self.load_seconds = detail
        return dict(detail)

    def prove(self, circuit: str, inputs: dict[str, object], source: str) -> Outcome:
        """Block until the worker answers this request (WorkerDied if it ends first)."""
        try:
            self.conn.send((circuit, inputs, source))
            outcome: Outcome = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise WorkerDied(f"worker {self.pid} {self.ended()}") from exc
        return outcome

    def ended(self) -> str:
        """How the process ended, once it has (waits for it a little)."""
        self.process.join(STOP_SECONDS)
        code = self.process.exitcode
        if code is None:
            return "stopped answering"
        return f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"

    def stop(self) -> None:
        """Ask the worker to stop; kill it if it does not within STOP_SECONDS."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class LocalExecutor:
    """`workers` local worker processes, one slot each; a dead one is replaced on demand."""

    name = "local"

    def __init__(self, specs: Sequence[ProverSpec], workers: int) -> None:
        self.specs = tuple(share_cores(spec, workers) for spec in specs)
        self.slots: list[WorkerProcess] = []
        self.size = workers
        self.load_seconds: dict[str, float] = {}

    def start(self) -> None:
        """Spawn every worker, then wait until each has loaded every key (blocking)."""
        self.slots = [WorkerProcess(self.specs) for _ in range(self.size)]
        for worker in self.slots:
            self.load_seconds = worker.wait_ready()

    async def prove(self, slot: int, circuit: str, inputs: dict[str, object], job: str) -> Outcome:
        """Prove on the slot's worker (WorkerDied if it dies meanwhile)."""
        return await asyncio.to_thread(self.slots[slot].prove, circuit, inputs, job)

    async def replace(self, slot: int) -> None:
        """A fresh worker in `slot`, once it has loaded every key."""
        await asyncio.to_thread(self.slots[slot].stop)
        self.slots[slot] = WorkerProcess(self.specs)
        self.load_seconds = await asyncio.to_thread(self.slots[slot].wait_ready)

    def healthy(self, slot: int) -> bool:
        """Whether the slot's worker runs with its keys loaded."""
        worker = self.slots[slot]
        return worker.alive and worker.load_seconds is not None

    def states(self) -> list[WorkerState]:
        """Every slot's process, whether it is alive and whether it loaded its keys."""
        return [_state(i, w) for i, w in enumerate(self.slots)]

    def no_worker(self) -> str:
        """Why `states()` is empty: not started."""
        return "no local worker is started"

    def close(self) -> None:
        """Stop every worker (after the jobs they hold)."""
        for worker in self.slots:
            worker.stop()


def _state(slot: int, worker: WorkerProcess) -> WorkerState:
    """A slot's state, with why it cannot prove."""
    alive, loaded = worker.alive, worker.load_seconds is not None
    reason = None if loaded else "loading its keys"
    if not alive:
        reason = f"its process {worker.pid} ended: it is being replaced"
    return WorkerState(slot=slot, pid=worker.pid, alive=alive, loaded=loaded, reason=reason)
