"""`zkt serve --executor dask://HOST:PORT`: jobs proved on a real Dask LocalCluster (worker
processes on loopback), the keys loaded by the batch's worker plugin; /ready and
zkp_active_provers follow the cluster's real workers and the keys each has loaded."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from distributed import LocalCluster

from tests.integration.helpers import loopback_cluster
from tests.integration.service.conftest import Service, product
from tests.integration.service.test_endpoints import locked_sha256
from tests.integration.service.test_jobs import factors, wait_for


@pytest.fixture
def cluster() -> Iterator[str]:
    """The scheduler address of 2 worker processes, 1 thread each, on loopback."""
    with loopback_cluster(2) as local:
        yield local.scheduler_address


@pytest.fixture
def empty_cluster() -> Iterator[LocalCluster]:
    """A scheduler on loopback with no worker yet (`scale(1)` adds one process)."""
    with loopback_cluster(0) as local:
        yield local


def dask(address: str) -> str:
    """The --executor of the scheduler at tcp://HOST:PORT."""
    return "dask://" + address.removeprefix("tcp://")


def test_jobs_run_on_the_dask_cluster(
    start_service: Callable[..., Service], served_project: Path, cluster: str
) -> None:
    service = start_service(served_project, "--executor", dask(cluster), "--workers", "2")
    http = service.client()
    ready = http.get("/ready").json()
    assert ready["executor"] == "dask" and [w["alive"] for w in ready["workers"]] == [True, True]
    pairs = [(a, 7 * a) for a in range(2, 12)]

    def prove(pair: tuple[int, int]) -> dict[str, Any]:
        request = {"circuit": "multiplier_2", "inputs": {"factors": [str(n) for n in pair]}}
        body: dict[str, Any] = http.post("/v1/proofs?wait=120", json=request).json()
        return body

    with ThreadPoolExecutor(max_workers=4) as pool:
        for pair, job in zip(pairs, pool.map(prove, pairs), strict=True):
            assert job["status"] == "done" and job["public_signals"] == [product(*pair)]
    assert service.metric("zkp_proof_generation_total", circuit="multiplier_2") == len(pairs)


def test_ready_waits_for_a_worker_with_every_key_loaded(
    start_service: Callable[..., Service], served_project: Path, empty_cluster: LocalCluster
) -> None:
    address = empty_cluster.scheduler_address
    service = start_service(served_project, "--executor", dask(address), until="/health")
    http = service.client()
    empty = http.get("/ready")
    assert empty.status_code == 503 and empty.json()["workers"] == []
    assert empty.json()["reason"] == f"no Dask worker is connected to the scheduler at {address}"
    assert service.metric("zkp_active_provers") == 0
    empty_cluster.scale(1)  # type: ignore[no-untyped-call]
    wait_for(lambda: http.get("/ready").status_code == 200, 120)
    ready = http.get("/ready").json()
    (worker,) = ready["workers"]
    assert (worker["alive"], worker["loaded"], worker["reason"]) == (True, True, None)
    assert worker["address"].startswith("tcp://127.0.0.1:") and ready["reason"] is None
    assert service.metric("zkp_active_provers") == 1
    done = http.post("/v1/proofs?wait=120", json=factors(3, 4)).json()
    assert done["status"] == "done" and done["public_signals"] == [product(3, 4)]


def test_a_worker_whose_key_differs_is_not_ready(
    start_service: Callable[..., Service], served_project: Path, empty_cluster: LocalCluster
) -> None:
    address = empty_cluster.scheduler_address
    service = start_service(served_project, "--executor", dask(address), until="/health")
    key = served_project / "artifacts/multiplier_2/final.zkey"
    key.write_bytes(key.read_bytes() + b"\0")  # after the service verified it: on the worker
    empty_cluster.scale(1)  # type: ignore[no-untyped-call]
    wait_for(lambda: bool(service.ready()["workers"]), 120)
    wait_for(lambda: "sha256" in str(service.ready()["reason"]), 60)
    answer = service.client().get("/ready")
    (worker,) = answer.json()["workers"]
    actual = hashlib.sha256(key.read_bytes()).hexdigest()
    expected = locked_sha256(served_project, "multiplier_2/zkey")
    why = f"multiplier_2: {key}: sha256 {actual[:16]}… is not the batch's key {expected[:16]}…"
    assert (
        answer.status_code == 503 and answer.json()["reason"] == f"worker {worker['name']}: {why}"
    )
    assert (worker["alive"], worker["loaded"], worker["reason"]) == (True, False, why)
    assert service.metric("zkp_active_provers") == 0


def test_a_scheduler_that_went_away_is_not_ready(
    start_service: Callable[..., Service], served_project: Path, empty_cluster: LocalCluster
) -> None:
    address = empty_cluster.scheduler_address
    service = start_service(served_project, "--executor", dask(address), until="/health")
    empty_cluster.close()  # type: ignore[no-untyped-call]
    gone = f"the Dask scheduler at {address} does not answer ("
    wait_for(lambda: str(service.ready()["reason"]).startswith(gone), 60)
    answer = service.client().get("/ready")
    assert answer.status_code == 503 and answer.json()["workers"] == []
    assert service.metric("zkp_active_provers") == 0
    assert httpx.get(service.url + "/health", timeout=10).json() == {"status": "ok"}
