"""`zkt serve --executor dask://HOST:PORT`: jobs proved on a real Dask LocalCluster (2 worker
processes on loopback), the keys loaded by the batch's worker plugin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from distributed import LocalCluster

from tests.integration.service.conftest import Service, product


@pytest.fixture
def cluster() -> Iterator[str]:
    """The scheduler address of 2 worker processes, 1 thread each, on loopback."""
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as local:  # fmt: skip
        yield local.scheduler_address


def test_jobs_run_on_the_dask_cluster(
    start_service: Callable[..., Service], served_project: Path, cluster: str
) -> None:
    executor = "dask://" + cluster.removeprefix("tcp://")
    service = start_service(served_project, "--executor", executor, "--workers", "2")
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
