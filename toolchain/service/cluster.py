"""The Dask executor of the service: jobs proved on a `distributed` cluster.

Each circuit's key is loaded on every worker by the batch's worker plugin (`backends.cluster`),
from the paths of its `ProverSpec` (a shared filesystem), after its sha256 is checked; tasks carry
only the circuit, the key's sha256 and the input. Dask reschedules the task of a worker that dies;
when it gives up (`KilledWorker`) the job is retried once like a local worker's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from distributed import Client, KilledWorker

from toolchain.backends.batch import Outcome, ProverSpec
from toolchain.backends.cluster import connect, prove_on_worker, register
from toolchain.service.protocol import WorkerState
from toolchain.service.workers import WorkerDied


class DaskExecutor:
    """`slots` jobs at a time on the cluster at `address` (tcp://HOST:PORT)."""

    name = "dask"

    def __init__(self, specs: Sequence[ProverSpec], address: str, slots: int) -> None:
        self.specs = {spec.circuit: spec for spec in specs}
        self.address = address
        self.size = slots
        self.client: Client | None = None
        self.load_seconds: dict[str, float] = {}

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
        """One state per slot: alive while the client is connected (no local process)."""
        alive = self.client is not None and self.client.status == "running"
        return [WorkerState(slot=i, pid=None, alive=alive, loaded=alive) for i in range(self.size)]

    def close(self) -> None:
        """Disconnect from the scheduler (its workers keep their keys loaded)."""
        if self.client is not None:
            self.client.close()  # type: ignore[no-untyped-call]
