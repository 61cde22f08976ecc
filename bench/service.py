"""The `service` benchmark: `zkt serve` under a bounded loopback load (a fixed request count).

For the small circuit (hash_chain_1k) and the ≈2^14 one (hash_chain_16k), keyed from a dev ptau
with one contribution and locked, one `zkt serve --workers 2` process gets SERVICE_REQUESTS[c]
proof requests with distinct inputs from CLIENTS concurrent loopback clients, each
`POST /v1/proofs?wait=...` (the answer is the verified proof). Measured: the wall clock from the
first request to the last answer (proofs/hour), each request's latency (p50, p95), and the
service's own per-stage timings from the answers (prove and verify p95). Then SIGTERM: the
service drains and stops by itself. Start-up (key verification, workers loading) is not timed.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

SERVICE_REQUESTS = {"hash_chain_1k": 200, "hash_chain_16k": 40}
CLIENTS, WORKERS, READY_SECONDS = 4, 2, 600


def _locked_project(root: Path, fresh: Path) -> Path:
    """`fresh` with both circuits keyed (dev ptau of 2^14, one contribution) and locked."""
    from toolchain.api.compile import compile_circuits
    from toolchain.api.workspace import open_workspace
    from toolchain.ceremony.devptau import write_dev_ptau
    from toolchain.ceremony.entropy import fresh_entropy
    from toolchain.ceremony.phase2 import contribute, export_verification_key, new_zkey
    from toolchain.integrity.lock import lock

    ws = open_workspace(fresh)
    ptau = root / "dev14.ptau"
    write_dev_ptau(ptau, 14, "zk-toolchain service bench")
    compile_circuits(ws, tuple(SERVICE_REQUESTS))
    p = ws.project
    for name in SERVICE_REQUESTS:
        new_zkey(ws.tools, p.r1cs(name), ptau, p.ceremony_key(name, 0))
        contribute(ws.tools, p.ceremony_key(name, 0), p.zkey(name), "bench", fresh_entropy())
        export_verification_key(p.zkey(name), p.vkey(name))
    lock(p, ws.registry, ws.tools, ptau, allow_insecure_ptau=True)
    return p.root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(project: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`zkt serve --workers WORKERS` in `project`, once GET /ready answers 200."""
    port = _free_port()
    argv = [sys.executable, "-m", "toolchain", "serve", "--port", str(port),
            "--workers", str(WORKERS)]  # fmt: skip
    log = open(project / "serve.log", "wb")  # noqa: SIM115 - the server writes it until it ends
    process = subprocess.Popen(argv, cwd=project, stdout=log, stderr=log)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url + "/ready", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    process.kill()
    raise SystemExit(f"zkt serve did not get ready: see {project / 'serve.log'}")


def _load(url: str, circuit: str, count: int) -> tuple[float, list[float], list[dict[str, Any]]]:
    """Wall seconds, each request's latency and each answer, for `count` distinct requests."""
    client = httpx.Client(base_url=url, timeout=600)

    def one(i: int) -> tuple[float, dict[str, Any]]:
        body = {"circuit": circuit, "inputs": {"a": str(i + 1), "b": str(i + 2)}}
        started = time.perf_counter()
        answer: dict[str, Any] = client.post("/v1/proofs?wait=300", json=body).json()
        if answer.get("status") != "done":
            raise SystemExit(f"{circuit}: request {i} was not proved: {answer}")
        return time.perf_counter() - started, answer

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(one, range(count)))
    wall = time.perf_counter() - started
    client.close()
    return wall, [r[0] for r in results], [r[1] for r in results]


def _p(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method)."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _row(circuit: str, wall: float, latency: list[float], answers: list[dict[str, Any]]) -> str:
    prove = [a["timings"]["prove"] for a in answers]
    verify = [a["timings"]["verify"] for a in answers]
    n = len(answers)
    return (
        f"| {circuit} | {n} | {3600 * n / wall:.0f} | {_p(latency, 50):.3f} |"
        f" {_p(latency, 95):.3f} | {_p(prove, 95):.3f} | {1000 * _p(verify, 95):.1f} |"
    )


def bench_service(root: Path, fresh: Path) -> str:
    """The table: proofs/hour and latencies of the service under the bounded load."""
    project = _locked_project(root, fresh)
    process, url = _start(project)
    rows = []
    try:
        for circuit, count in SERVICE_REQUESTS.items():
            rows.append(_row(circuit, *_load(url, circuit, count)))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(120)
    head = [
        "| circuit | requests | proofs/hour | p50 latency s | p95 latency s | p95 prove s"
        " | p95 verify ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    note = (
        f"\nOne `zkt serve --workers {WORKERS}` (native backend, {os.cpu_count()} cores), "
        f"{CLIENTS} loopback clients sending a fixed count of distinct requests with `?wait`, "
        "each answer a proof verified before it was returned. proofs/hour: requests over the "
        "wall clock from the first request to the last answer; latency: per request, queueing "
        "included; prove and verify: the service's own stage timings. Start-up not timed."
    )
    return "\n".join([*head, *rows, note])
