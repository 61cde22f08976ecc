"""Proof jobs: a bounded queue in front of the executor's slots, and what became of each job.

`submit` checks the inputs against the circuit (InputError → 422 naming the signal) before a
job is queued; a full queue refuses with a Retry-After estimated from recent proof times. One
consumer task per executor slot takes jobs in order. A job whose worker dies is run again once
on the slot's replacement; dying twice fails it with the reason. Every job is in the job
table (`db.JobTable`, a SQLite file) from its acceptance: a finished one keeps its result (not
its inputs) there until MAX_KEPT newer ones have finished, across restarts; only the unfinished
ones, with their inputs, are also in memory. A job table that stops taking writes (a full disk)
does not stop the service: new jobs are refused (503 unavailable, nothing queued), a job already
accepted still runs and its result is kept in memory (its waiting client gets it), and /ready
answers 503 with `table_problem` until a write succeeds again; then the results kept in memory
meanwhile are written, oldest first. `drain` stops new jobs and returns once every accepted one
has finished.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from toolchain.backends.batch import Outcome
from toolchain.errors import InputError, ZktError
from toolchain.service.circuits import LockedCircuit
from toolchain.service.db import JobTable
from toolchain.service.metrics import FAILED_STAGES, Metrics
from toolchain.service.protocol import JobState, JobStatus, Refusal, Timings, WorkerState
from toolchain.service.workers import WorkerDied

LOG = logging.getLogger("zkt.service")
MAX_KEPT = 10_000
HEAL_SECONDS = 5.0  # between attempts to replace a worker that cannot start
SMOOTHING = 0.2  # weight of the newest proof in the running mean of proof seconds


class Executor(Protocol):
    """Where jobs run: local worker processes or a Dask cluster."""

    name: str
    size: int
    load_seconds: dict[str, float]

    def start(self) -> None: ...
    async def prove(
        self, slot: int, circuit: str, inputs: dict[str, object], job: str
    ) -> Outcome: ...
    async def replace(self, slot: int) -> None: ...
    def healthy(self, slot: int) -> bool: ...
    def states(self) -> list[WorkerState]: ...
    def no_worker(self) -> str: ...
    def close(self) -> None: ...


@dataclass
class Job:
    """One proof request, from its acceptance to its result."""

    id: str
    circuit: LockedCircuit
    inputs: dict[str, object]
    request_id: str
    owner: str | None = None  # the sha256 of the API key that submitted it (None: no keys)
    created: float = field(default_factory=time.monotonic)
    state: JobState = "queued"
    started: float | None = None
    outcome: Outcome | None = None
    ended: float | None = None  # when it finished, as time.time()
    retries: int = 0
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def status(self) -> JobStatus:
        """The job as GET /v1/proofs/{id} answers it."""
        outcome, done = self.outcome, self.state == "done"
        return JobStatus(
            id=self.id,
            circuit=self.circuit.name,
            status=self.state,
            proof=json.loads(outcome.proof) if outcome and done else None,
            public_signals=json.loads(outcome.public) if outcome and done else None,
            vkey_sha256=self.circuit.vkey_sha256,
            timings=self._timings(),
            retries=self.retries,
            reason=outcome.reason if outcome and not done else None,
        )

    def _timings(self) -> Timings:
        queued = None if self.started is None else self.started - self.created
        if self.outcome is None:
            return Timings(queue=queued)
        stages = dict(self.outcome.stages)
        return Timings(queue=queued, total=self.outcome.seconds, **stages)


class ProverService:
    """The jobs, their queue, and the consumers that hand them to the executor."""

    def __init__(
        self,
        circuits: dict[str, LockedCircuit],
        executor: Executor,
        metrics: Metrics,
        capacity: int,
        table: JobTable,
    ) -> None:
        self.circuits, self.executor, self.metrics = circuits, executor, metrics
        self.capacity, self.table = capacity, table
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        # The unfinished ones, and finished ones the table could not take yet; every job is in
        # `table` from its acceptance.
        self.jobs: dict[str, Job] = {}
        self.draining = False
        self.table_problem: str | None = None  # why the last write to the job table failed
        self.mean_seconds = 1.0
        self.consumers: list[asyncio.Task[None]] = []
        metrics.declare(circuits)
        metrics.queue_depth.set_function(self.queue.qsize)
        metrics.active.set_function(self.active_provers)
        for name, seconds in executor.load_seconds.items():
            metrics.load_time.labels(name).set(seconds)

    def active_provers(self) -> int:
        """Workers alive with their keys loaded."""
        return sum(1 for w in self.executor.states() if w.alive and w.loaded)

    def start(self) -> None:
        """One consumer per executor slot (on the running event loop)."""
        self.consumers = [
            asyncio.create_task(self._consume(slot)) for slot in range(self.executor.size)
        ]

    def circuit(self, name: str) -> LockedCircuit:
        """The locked circuit `name` (Refusal unknown_circuit)."""
        if name not in self.circuits:
            known = ", ".join(self.circuits)
            raise Refusal("unknown_circuit", f"no locked circuit {name!r} (serving: {known})")
        return self.circuits[name]

    def submit(
        self,
        circuit: LockedCircuit,
        inputs: dict[str, object],
        request_id: str,
        owner: str | None = None,
    ) -> Job:
        """Queue a proof of checked inputs for `owner` (Refusal draining, queue_full or
        invalid_input)."""
        if self.draining:
            raise Refusal("draining", "the service is shutting down: send the job elsewhere")
        if self.queue.qsize() >= self.capacity:
            raise Refusal("queue_full", f"{self.capacity} jobs already wait", self._retry_after())
        try:
            circuit.calculator.check(inputs, source="inputs")
        except InputError as exc:
            raise Refusal("invalid_input", str(exc)) from None
        job = Job(uuid.uuid4().hex, circuit, inputs, request_id, owner)
        add = self.table.add
        if not self._recorded(lambda: add(job.id, circuit.name, circuit.vkey_sha256, owner,
                                          request_id, time.time())):  # fmt: skip
            raise Refusal("unavailable", f"{self.table_problem}: nothing was queued, try again")
        self.jobs[job.id] = job
        self.queue.put_nowait(job)
        _log(job, "queued")
        return job

    def _retry_after(self) -> float:
        """Seconds until the queue should have room: its jobs at the recent pace, at least 1."""
        return max(1.0, math.ceil(self.queue.qsize() * self.mean_seconds / self.executor.size))

    def job(self, job_id: str, owner: str | None) -> Job | JobStatus:
        """The job `job_id` if `owner` submitted it: unfinished, or finished as the table
        holds it (Refusal not_found otherwise: unknown, finished long ago, or another key's
        are alike, so ids do not tell what exists)."""
        live = self.jobs.get(job_id)
        found = (live.owner, live) if live is not None else self.table.get(job_id)
        if found is None or found[0] != owner:
            raise Refusal("not_found", f"no job {job_id[:64]!r} (unknown, or forgotten)")
        return found[1]

    async def _consume(self, slot: int) -> None:
        while True:
            await self._heal(slot)
            job = await self.queue.get()
            try:
                await self._run(slot, job)
            finally:
                self.queue.task_done()

    async def _heal(self, slot: int) -> None:
        """Replace the slot's worker until one is up (after a replacement that died loading)."""
        while not self.executor.healthy(slot):
            try:
                await self.executor.replace(slot)
            except ZktError as exc:
                LOG.error(json.dumps({"time": round(time.time(), 3), "event": "worker_failed",
                                      "slot": slot, "reason": str(exc)}))  # fmt: skip
                await asyncio.sleep(HEAL_SECONDS)

    async def _run(self, slot: int, job: Job) -> None:
        job.state, job.started = "running", time.monotonic()
        self.metrics.queue_time.labels(job.circuit.name).observe(job.started - job.created)
        self._recorded(lambda: self.table.start(job.id, time.time(), job.status().timings))
        _log(job, "running")
        try:
            outcome = await self._attempt(slot, job)
            kind = _failed_stage(outcome)
        except WorkerDied as exc:
            seconds = time.monotonic() - job.started
            outcome, kind = Outcome(job.id, seconds, reason=str(exc)), "worker"
        self._finish(job, outcome, kind)

    async def _attempt(self, slot: int, job: Job) -> Outcome:
        """The job's outcome on this slot; its worker dying, once again on the replacement
        (WorkerDied, with the reason, when it cannot be retried)."""
        name = job.circuit.name
        while True:
            try:
                return await self.executor.prove(slot, name, job.inputs, job.id)
            except WorkerDied as exc:
                reason = str(exc)
            try:
                await self.executor.replace(slot)
            except ZktError as exc:
                raise WorkerDied(f"{reason}; its replacement failed: {exc}") from None
            if job.retries:
                raise WorkerDied(f"{reason}, twice: not retried again")
            job.retries = 1
            self.metrics.retries.labels(name).inc()
            _log(job, "retried", reason=reason)

    def _finish(self, job: Job, outcome: Outcome, kind: str | None) -> None:
        job.outcome, job.state, job.inputs = outcome, "done" if outcome.ok else "failed", {}
        job.ended = time.time()
        self._write_back()  # what the table cannot take stays here, where GET finds it
        self._observe(job.circuit.name, outcome, None if outcome.ok else kind)
        job.finished.set()
        _log(job, job.state, seconds=round(outcome.seconds, 4), reason=outcome.reason or None)

    def _recorded(self, write: Callable[[], None]) -> bool:
        """Run one write to the job table, then write back the results kept in memory while it
        failed (`_write_back`). Whether the one write went through."""
        if not self._write(write):
            return False
        self._write_back()
        return True

    def _write_back(self) -> None:
        """Move the finished jobs' results from memory to the table, oldest first, until one
        write fails."""
        finished = sorted((j.ended, j.id) for j in self.jobs.values() if j.ended is not None)
        for ended, job_id in finished:
            status = self.jobs[job_id].status()
            if not self._write(partial(self.table.finish, status, ended, MAX_KEPT)):
                return
            del self.jobs[job_id]

    def _write(self, write: Callable[[], None]) -> bool:
        """Run one write to the job table; a failure is kept in `table_problem` (and logged)
        instead of raised, so that no consumer dies of it. Whether the write went through."""
        try:
            write()
        except sqlite3.Error as exc:
            self.table_problem = f"the job table {self.table.path} cannot be written ({exc})"
            LOG.error(json.dumps({"time": round(time.time(), 3), "event": "job_table_failed",
                                  "reason": self.table_problem}))  # fmt: skip
            return False
        self.table_problem = None
        return True

    def _observe(self, circuit: str, outcome: Outcome, kind: str | None) -> None:
        """Count a finished job; `kind`: the stage it failed in (or worker), None if done."""
        m, stages = self.metrics, dict(outcome.stages)
        m.generated.labels(circuit).inc()
        for stage, seconds in outcome.stages:
            m.stage.labels(circuit, stage).observe(seconds)
        if "verify" in stages:
            m.verification.labels(circuit).observe(stages["verify"])
        if "verify" in stages or kind == "verify":
            m.verified.labels(circuit).inc()
        if kind is not None:
            m.errors.labels(circuit, kind).inc()
            if kind == "verify":
                m.verify_failures.labels(circuit).inc()
            return
        m.generation.labels(circuit).observe(outcome.seconds)
        self.mean_seconds += SMOOTHING * (outcome.seconds - self.mean_seconds)

    async def drain(self) -> None:
        """Refuse new jobs, finish every accepted one, then stop the consumers and workers and
        close the job table."""
        self.draining = True
        await self.queue.join()
        for task in self.consumers:
            task.cancel()
        await asyncio.gather(*self.consumers, return_exceptions=True)
        await asyncio.to_thread(self.executor.close)
        self._write_back()  # a last try for results the table could not take yet
        self.table.close()


def _failed_stage(outcome: Outcome) -> str:
    """The stage a failed proof stopped in: the first of witness, prove, verify not timed."""
    return FAILED_STAGES[min(len(outcome.stages), 2)]


def _log(job: Job, event: str, **extra: object) -> None:
    record = {"time": round(time.time(), 3), "event": event, "job": job.id,
              "request_id": job.request_id, "circuit": job.circuit.name, **extra}  # fmt: skip
    LOG.info(json.dumps({k: v for k, v in record.items() if v is not None}))
