"""The Dask executor of the service: jobs proved on a `distributed` cluster.

Each circuit's key is loaded on every worker by the batch's worker plugin (`backends.cluster`),
from the paths of its `ProverSpec` (a shared filesystem), after its sha256 is checked; tasks carry
only the circuit, the key's sha256 and the input. Dask reschedules the task of a worker that dies;
when it gives up (`KilledWorker`) the job is retried once like a local worker's.

Readiness comes from the cluster's real state: `states()` lists the workers connected to the
scheduler, each loaded when its heartbeat reports every circuit's key plugin (named after the
key's sha256, which the plugin checked) loaded. One request to the scheduler, not to every
worker, answered from a snapshot for STATES_SECONDS.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

from distributed import Client, KilledWorker

from toolchain.backends.batch import Outcome, ProverSpec
from toolchain.backends.cluster import (
    KEYS_METRIC,
    LOADED,
    connect,
    plugin_name,
    prove_on_worker,
    register,
)
from toolchain.service.protocol import WorkerState
from toolchain.service.workers import WorkerDied

STATES_SECONDS = 1.0  # how long a snapshot of the cluster answers /ready and /metrics
INFO_SECONDS = 2.0  # the longest wait for the scheduler's answer (it answers in ~0.5 ms)


class DaskExecutor:
    """`slots` jobs at a time on the cluster at `address` (tcp://HOST:PORT)."""

    name = "dask"

    def __init__(self, specs: Sequence[ProverSpec], address: str, slots: int) -> None:
        self.specs = {spec.circuit: spec for spec in specs}
        self.plugins = {s.circuit: plugin_name(s.circuit, s.zkey_sha256) for s in specs}
        self.address = address
        self.size = slots
        self.client: Client | None = None
        self.load_seconds: dict[str, float] = {}
        self.snapshot: tuple[float, list[WorkerState]] = (-STATES_SECONDS, [])
        self.unreachable: str | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        """Connect (ToolError if nobody answers) and load every key on every worker."""
        self.client = connect(self.address)
        for spec in self.specs.values():
            register(self.client, spec)

    async def prove(self, slot: int, circuit: str, inputs: dict[str, object], job: str) -> Outcome:
        """Prove on some worker of the cluster (WorkerDied when Dask gives the task up)."""
        assert self.client is not None, "start() first"
        spec = self.specs[circuit]
        future = self.client.submit(
            prove_on_worker, circuit, spec.zkey_sha256, inputs, job, pure=False
        )
        try:
            outcome: Outcome = await asyncio.to_thread(future.result)
        except KilledWorker as exc:
            raise WorkerDied(f"the Dask workers that took it died ({exc})") from exc
        return outcome

    async def replace(self, slot: int) -> None:
        """Nothing to do: the scheduler replaces its workers."""

    def healthy(self, slot: int) -> bool:
        """Always: the scheduler looks after its workers."""
        return True

    def states(self) -> list[WorkerState]:
        """Every worker connected to the scheduler: its address and name, alive (running),
        loaded (every circuit's key), and why not. A snapshot at most STATES_SECONDS old, or
        the last one while another thread asks the scheduler (callers never pile up on it)."""
        taken, workers = self.snapshot
        if time.monotonic() - taken < STATES_SECONDS or not self.lock.acquire(blocking=False):
            return workers
        try:
            workers = self._ask_scheduler()
            self.snapshot = (time.monotonic(), workers)
        finally:
            self.lock.release()
        return workers

    def _ask_scheduler(self) -> list[WorkerState]:
        """The workers in the scheduler's information ([] when it does not answer)."""
        scheduler = self.client.scheduler if self.client is not None else None
        try:
            if self.client is None or scheduler is None:
                raise OSError("not connected")
            info = self.client.sync(  # type: ignore[no-untyped-call]
                scheduler.identity, n_workers=-1, callback_timeout=INFO_SECONDS
            )
        except (OSError, TimeoutError) as exc:
            detail = str(exc) or type(exc).__name__
            self.unreachable = f"the Dask scheduler at {self.address} does not answer ({detail})"
            return []
        self.unreachable = None
        return worker_states(info["workers"], self.plugins)

    def no_worker(self) -> str:
        """Why `states()` is empty."""
        return self.unreachable or f"no Dask worker is connected to the scheduler at {self.address}"

    def close(self) -> None:
        """Disconnect from the scheduler (its workers keep their keys loaded)."""
        if self.client is not None:
            self.client.close()  # type: ignore[no-untyped-call]


def worker_states(workers: dict[str, Any], plugins: dict[str, str]) -> list[WorkerState]:
    """The state of each worker of the scheduler's `identity()["workers"]`, by address;
    `plugins`: each circuit's key plugin name (its locked sha256 in it)."""
    states = []
    for slot, address in enumerate(sorted(workers)):
        worker = workers[address]
        keys = worker.get("metrics", {}).get(KEYS_METRIC) or {}
        missing = [_why(circuit, keys.get(name)) for circuit, name in plugins.items()]
        reason = next((why for why in missing if why), None)
        alive = worker.get("status") == "running"
        states.append(WorkerState(
            slot=slot, pid=None, alive=alive, loaded=reason is None, address=address,
            name=str(worker.get("name", address)),
            reason=reason if alive else f"its status is {worker.get('status')}",
        ))  # fmt: skip
    return states


def _why(circuit: str, state: str | None) -> str | None:
    """Why a worker cannot prove `circuit` with the locked key (None: it can)."""
    if state == LOADED:
        return None
    return f"{circuit}: {state or 'no key loaded'}"
