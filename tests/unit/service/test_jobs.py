"""The job core without processes: a fake executor whose worker dies on demand."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from toolchain.backends.batch import Outcome
from toolchain.service.app import _unready
from toolchain.service.db import JobTable
from toolchain.service.jobs import Job, ProverService
from toolchain.service.metrics import Metrics
from toolchain.service.protocol import Refusal, WorkerState
from toolchain.service.workers import WorkerDied


@dataclass
class FakeCalculator:
    def check(self, inputs: dict[str, object], source: str) -> None:
        """Accepts anything."""


@dataclass
class FakeSpec:
    circuit: str = "c"
    zkey_sha256: str = "0" * 64
    backend: str = "native"


@dataclass
class FakeCircuit:
    spec: FakeSpec = field(default_factory=FakeSpec)
    vkey_sha256: str = "1" * 64
    calculator: FakeCalculator = field(default_factory=FakeCalculator)
    name: str = "c"


@dataclass
class FakeExecutor:
    """One slot; its worker dies for the first `deaths` proofs it is given."""

    deaths: int
    name: str = "fake"
    size: int = 1
    load_seconds: dict[str, float] = field(default_factory=dict)
    replaced: int = 0

    def start(self) -> None: ...

    async def prove(self, slot: int, circuit: str, inputs: dict[str, object], job: str) -> Outcome:
        if self.deaths:
            self.deaths -= 1
            raise WorkerDied(f"worker {100 + self.replaced} was killed by signal 9")
        stages = (("witness", 0.1), ("prove", 0.2), ("verify", 0.3))
        return Outcome(job, 0.6, '{"p": 1}', '["7"]', stages=stages)

    async def replace(self, slot: int) -> None:
        self.replaced += 1

    def healthy(self, slot: int) -> bool:
        return True

    def states(self) -> list[WorkerState]:
        return [WorkerState(slot=0, pid=1, alive=True, loaded=True)]

    def no_worker(self) -> str:
        return "none"

    def close(self) -> None: ...


def run(
    tmp_path: Path, deaths: int, capacity: int = 10
) -> tuple[dict[str, Any], FakeExecutor, Metrics]:
    executor, metrics = FakeExecutor(deaths), Metrics()
    table = JobTable(tmp_path / "jobs.sqlite3")

    async def scenario() -> dict[str, Any]:
        service = ProverService({"c": FakeCircuit()}, executor, metrics, capacity, table)  # type: ignore[dict-item]
        service.start()
        job = service.submit(service.circuit("c"), {}, "req")
        await asyncio.wait_for(job.finished.wait(), 5)
        await service.drain()
        return job.status().model_dump()

    return asyncio.run(scenario()), executor, metrics


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, {"circuit": "c", **labels})


def test_a_job_is_done_with_its_stage_timings(tmp_path: Path) -> None:
    status, executor, metrics = run(tmp_path, deaths=0)
    assert status["status"] == "done" and status["public_signals"] == ["7"]
    assert {k: status["timings"][k] for k in ("witness", "prove", "verify", "total")} == {
        "witness": 0.1,
        "prove": 0.2,
        "verify": 0.3,
        "total": 0.6,
    }
    assert executor.replaced == 0 and sample(metrics, "zkp_proof_generation_total") == 1


def test_a_worker_death_is_retried_once_on_the_replacement(tmp_path: Path) -> None:
    status, executor, metrics = run(tmp_path, deaths=1)
    assert status["status"] == "done" and status["retries"] == 1
    assert executor.replaced == 1 and sample(metrics, "zkp_proof_retries_total") == 1


def test_a_second_death_fails_the_job_with_the_reason(tmp_path: Path) -> None:
    status, executor, metrics = run(tmp_path, deaths=2)
    assert status["status"] == "failed" and status["retries"] == 1 and status["proof"] is None
    assert status["reason"] == "worker 101 was killed by signal 9, twice: not retried again"
    assert executor.replaced == 2
    assert sample(metrics, "zkp_proof_generation_errors_total", reason="worker") == 1
    assert sample(metrics, "zkp_proof_generation_duration_seconds_count") is None


def test_a_full_queue_refuses_with_retry_after(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite3")

    async def scenario() -> Refusal:
        service = ProverService({"c": FakeCircuit()}, FakeExecutor(0), Metrics(), 1, table)  # type: ignore[dict-item]
        service.submit(service.circuit("c"), {}, "req")  # no consumer: it stays queued
        with pytest.raises(Refusal) as refused:
            service.submit(service.circuit("c"), {}, "req")
        return refused.value

    refusal = asyncio.run(scenario())
    assert (refusal.code, str(refusal), refusal.retry_after) == (
        "queue_full",
        "1 jobs already wait",
        1.0,
    )


def test_a_finished_job_is_answered_from_the_table_only_to_its_owner(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite3")
    owner = "k" * 64

    async def scenario() -> dict[str, Any]:
        service = ProverService({"c": FakeCircuit()}, FakeExecutor(0), Metrics(), 10, table)  # type: ignore[dict-item]
        service.start()
        job = service.submit(service.circuit("c"), {"x": "1"}, "req", owner)
        unfinished = service.job(job.id, owner)
        await asyncio.wait_for(job.finished.wait(), 5)
        with pytest.raises(Refusal) as other:
            service.job(job.id, None)
        seen = {"unfinished": unfinished is job, "in_memory": job.id in service.jobs,
                "answer": service.job(job.id, owner), "status": job.status(),
                "other": other.value.code}  # fmt: skip
        await service.drain()
        return {**seen, "stored": JobTable(tmp_path / "jobs.sqlite3").get(job.id)}

    seen = asyncio.run(scenario())
    assert seen["unfinished"] and not seen["in_memory"] and seen["other"] == "not_found"
    assert seen["answer"] == seen["status"] and seen["stored"] == (owner, seen["status"])


def test_a_job_table_that_stops_taking_writes_does_not_stop_the_service(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite3")
    gate = asyncio.Event()

    class HeldExecutor(FakeExecutor):
        async def prove(
            self, slot: int, circuit: str, inputs: dict[str, object], job: str
        ) -> Outcome:
            await gate.wait()  # the table breaks while the job runs
            return await super().prove(slot, circuit, inputs, job)

    async def scenario() -> tuple[Any, ...]:
        service = ProverService({"c": FakeCircuit()}, HeldExecutor(0), Metrics(), 10, table)  # type: ignore[dict-item]
        service.start()
        job = service.submit(service.circuit("c"), {}, "req")
        await asyncio.sleep(0.05)
        table._conn.close()  # every write fails from here, as on a full disk
        gate.set()
        await asyncio.wait_for(job.finished.wait(), 5)
        found = service.job(job.id, None)  # from memory: the table could not take it
        with pytest.raises(Refusal) as refused:
            service.submit(service.circuit("c"), {}, "req")
        alive = all(not task.done() for task in service.consumers)
        problem = service.table_problem
        assert _unready(service, service.executor.states(), True) == problem  # /ready: 503
        await service.drain()
        return found, refused.value, alive, problem, len(service.jobs)

    found, refusal, alive, problem, kept = asyncio.run(scenario())
    assert isinstance(found, Job) and found.status().status == "done"
    assert found.status().public_signals == ["7"]
    expected = (
        f"the job table {tmp_path / 'jobs.sqlite3'} cannot be written"
        " (Cannot operate on a closed database.)"
    )
    assert problem == expected
    assert (refusal.code, str(refusal)) == (
        "unavailable",
        f"{expected}: nothing was queued, try again",
    )
    assert alive and kept == 1  # the consumer lives on; the refused job was never queued


def test_results_kept_while_the_table_was_full_are_written_once_it_takes_writes(
    tmp_path: Path,
) -> None:
    """A real full table: SQLite's page cap at the file's size, so a result needing new pages
    is refused ("database or disk is full"); the cap lifted, the next write brings them back."""
    table = JobTable(tmp_path / "jobs.sqlite3")
    big = '{"p": "' + "x" * 20_000 + '"}'  # overflow pages: no room in the pages already there
    gate = asyncio.Event()

    class BigProofs(FakeExecutor):
        async def prove(
            self, slot: int, circuit: str, inputs: dict[str, object], job: str
        ) -> Outcome:
            await gate.wait()
            return Outcome(job, 0.6, big, '["7"]', stages=(("witness", 0.1), ("prove", 0.2)))

    def cap(pages: int) -> None:
        table._conn.execute(f"PRAGMA max_page_count = {pages}")

    async def scenario() -> dict[str, Any]:
        service = ProverService({"c": FakeCircuit()}, BigProofs(0), Metrics(), 10, table)  # type: ignore[dict-item]
        service.start()
        first, second = (service.submit(service.circuit("c"), {}, "req") for _ in range(2))
        cap(table._conn.execute("PRAGMA page_count").fetchone()[0])
        gate.set()
        await asyncio.wait_for(second.finished.wait(), 5)
        full = {"problem": service.table_problem, "kept": sorted(service.jobs)}
        cap(1 << 30)
        third = service.submit(service.circuit("c"), {}, "req")  # a write that goes through
        back = {"problem": service.table_problem, "kept": list(service.jobs)}
        await asyncio.wait_for(third.finished.wait(), 5)
        await service.drain()
        return {"full": full, "back": back, "jobs": (first, second, third)}

    seen = asyncio.run(scenario())
    jobs = seen["jobs"]
    assert seen["full"] == {
        "problem": f"the job table {tmp_path / 'jobs.sqlite3'} cannot be written"
        " (database or disk is full)",
        "kept": sorted(job.id for job in jobs[:2]),
    }
    assert seen["back"] == {"problem": None, "kept": [jobs[2].id]}  # the third still queued
    stored = JobTable(tmp_path / "jobs.sqlite3")
    for job in jobs:
        assert stored.get(job.id) == (None, job.status())
        assert job.status().proof == {"p": "x" * 20_000}
    order = stored._conn.execute("SELECT id FROM jobs ORDER BY done_seq").fetchall()
    assert [row[0] for row in order] == [job.id for job in jobs]  # in the order they ended
