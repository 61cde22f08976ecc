"""Jobs under stress: a full queue, killed workers, many parallel jobs, a SIGTERM drain.

A worker is held with SIGSTOP (it then keeps the job it was sent) and released with SIGCONT:
the queue fills, or the worker is SIGKILLed while it holds a job, deterministically.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.integration.service.conftest import Service, product


def factors(a: int, b: int) -> dict[str, object]:
    """A multiplier_2 proof request."""
    return {"circuit": "multiplier_2", "inputs": {"factors": [str(a), str(b)]}}


@contextmanager
def stopped(pid: int) -> Iterator[None]:
    """The process held (SIGSTOP) for the block, then let go on (SIGCONT)."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    """Poll until `check()` holds (AssertionError after `seconds`)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def job_state(http: httpx.Client, job_id: str) -> str:
    """The job's status."""
    return str(http.get(f"/v1/proofs/{job_id}").json()["status"])


def test_a_full_queue_answers_429_with_retry_after(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project, "--queue-size", "2")
    http = service.client()
    with stopped(service.worker_pids()[0]):
        running = http.post("/v1/proofs", json=factors(1, 2)).json()["id"]
        wait_for(lambda: job_state(http, running) == "running")
        queued = [http.post("/v1/proofs", json=factors(2, i)).json()["id"] for i in (3, 4)]
        full = http.post("/v1/proofs", json=factors(5, 6))
        assert full.status_code == 429 and full.json()["error"]["code"] == "queue_full"
        assert int(full.headers["retry-after"]) >= 1
        assert http.get("/ready").json()["queue_depth"] == 2
        assert service.metric("zkp_proof_queue_depth") == 2
    for job_id, (a, b) in zip([running, *queued], [(1, 2), (2, 3), (2, 4)], strict=True):
        done = http.get(f"/v1/proofs/{job_id}?wait=60").json()
        assert done["status"] == "done" and done["public_signals"] == [product(a, b)]


def test_a_killed_worker_is_replaced_and_its_job_retried(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project)
    http = service.client()
    first = service.worker_pids()[0]
    with stopped(first):
        job = http.post("/v1/proofs", json=factors(6, 7)).json()["id"]
        wait_for(lambda: job_state(http, job) == "running")
        os.kill(first, signal.SIGKILL)
    done = http.get(f"/v1/proofs/{job}?wait=60").json()
    assert done["status"] == "done" and done["retries"] == 1
    assert done["public_signals"] == [product(6, 7)]
    (replacement,) = service.worker_pids()
    assert replacement != first and http.get("/ready").json()["ready"]
    assert service.metric("zkp_proof_retries_total", circuit="multiplier_2") == 1
    events = [line["event"] for line in service.log() if line.get("job") == job]
    assert events == ["queued", "running", "retried", "done"]


def test_a_job_whose_worker_dies_twice_fails_with_the_reason(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project)
    http = service.client()
    first = service.worker_pids()[0]
    with stopped(first):
        job = http.post("/v1/proofs", json=factors(6, 7)).json()["id"]
        wait_for(lambda: job_state(http, job) == "running")
        os.kill(first, signal.SIGKILL)
    wait_for(lambda: service.worker_pids()[0] != first)
    os.kill(service.worker_pids()[0], signal.SIGKILL)  # while it loads the keys
    failed = http.get(f"/v1/proofs/{job}?wait=60").json()
    assert failed["status"] == "failed" and failed["proof"] is None
    assert failed["reason"] == (
        f"worker {first} was killed by signal 9; its replacement failed:"
        " a prover worker died while loading: was killed by signal 9"
    )
    labels = {"circuit": "multiplier_2", "reason": "worker"}
    assert service.metric("zkp_proof_generation_errors_total", **labels) == 1
    wait_for(lambda: service.ready()["ready"])  # the next job gets a fresh worker
    again = http.post("/v1/proofs?wait=60", json=factors(2, 2)).json()
    assert again["status"] == "done"


def test_parallel_jobs_never_mix_their_witnesses(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project, "--workers", "2")
    http = service.client()
    pairs = [(a, 1000 + a) for a in range(2, 42)]

    def prove(pair: tuple[int, int]) -> dict[str, Any]:
        body: dict[str, Any] = http.post("/v1/proofs?wait=120", json=factors(*pair)).json()
        return body

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(prove, pairs))
    for (a, b), job in zip(pairs, results, strict=True):
        assert job["status"] == "done" and job["public_signals"] == [product(a, b)]
        check = {"circuit": "multiplier_2", "proof": job["proof"],
                 "public_signals": job["public_signals"]}  # fmt: skip
        assert http.post("/v1/verify", json=check).json()["valid"] is True
    assert len({job["id"] for job in results}) == len(pairs)
    assert service.metric("zkp_proof_generation_total", circuit="multiplier_2") == len(pairs)


def test_sigterm_drains_running_jobs_and_refuses_new_ones(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project)
    http = service.client()
    worker = service.worker_pids()[0]

    def post(pair: tuple[int, int], request_id: str) -> httpx.Response:
        headers = {"X-Request-Id": request_id}
        return http.post("/v1/proofs?wait=120", json=factors(*pair), headers=headers)

    def logged(event: str, request_id: str) -> bool:
        lines = service.log()
        return any(x.get("event") == event and x["request_id"] == request_id for x in lines)

    with ThreadPoolExecutor(max_workers=2) as pool, stopped(worker):
        running = pool.submit(post, (3, 5), "drain-running")
        wait_for(lambda: logged("running", "drain-running"))
        queued = pool.submit(post, (7, 9), "drain-queued")
        wait_for(lambda: logged("queued", "drain-queued"))
        service.process.send_signal(signal.SIGTERM)
        wait_for(lambda: _refused(service))
    for answer, pair in ((running.result(60), (3, 5)), (queued.result(60), (7, 9))):
        assert answer.status_code == 200 and answer.json()["public_signals"] == [product(*pair)]
    assert service.process.wait(60) == -signal.SIGTERM  # uvicorn ends by the signal it drained on
    assert not _alive(worker)


def _refused(service: Service) -> bool:
    """Whether a new job is refused: the listener closed, or 503 draining."""
    try:
        response = httpx.post(service.url + "/v1/proofs", json=factors(1, 1), timeout=5)
    except httpx.TransportError:
        return True
    return response.status_code == 503


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
