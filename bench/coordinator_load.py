"""`nox -s bench -- coordinator`: a bounded loopback load test of `zkt ceremony serve`.

A real server (subprocess) serves merkle_20 (~10k constraints, a 2^14 dev ptau). CLIENTS
waiting participants each send REQUESTS requests, alternating GET /status and GET /queue/me,
as fast as the server answers, in two runs: the server idle, then while the slot holder's
contributed key is uploaded and verified (the verification runs in the server's process pool;
the event loop keeps answering). Reported: requests/s, p50 / p95 / max latency, and the same for
the requests that overlapped the upload.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

CLIENTS = 50
REQUESTS = 40
CIRCUIT = "merkle_20"
CEREMONY = f"""[ceremony]
name = "bench"
circuits = ["{CIRCUIT}"]
[phase1]
source = "dev"
power = 14
seed = "zk-toolchain bench"
[beacon]
hash = "00"
iterations_exp = 10
[coordinator]
rate_per_minute = 10000000
"""
Sample = tuple[float, float]  # (start, end), perf_counter seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(project: Path, port: int) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "toolchain", "ceremony", "serve", "--port", str(port)]
    log = open(project / "serve.log", "wb")  # noqa: SIM115 (the server keeps writing to it)
    server = subprocess.Popen(argv, cwd=project, stdout=log, stderr=log)
    for _ in range(1200):  # compile + setup of merkle_20 on the first start: minutes at most
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/status").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError((project / "serve.log").read_text())


async def _client(api: str, token: str, samples: list[Sample]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=60) as http:
        for number in range(REQUESTS):
            started = time.perf_counter()
            answer = await http.get("/status" if number % 2 else "/queue/me")
            answer.raise_for_status()
            samples.append((started, time.perf_counter()))


async def _load(
    api: str, tokens: list[str], upload: tuple[str, Path] | None
) -> tuple[list[Sample], Sample | None]:
    samples: list[Sample] = []
    clients = [_client(api, token, samples) for token in tokens]
    if upload is None:
        await asyncio.gather(*clients)
        return samples, None
    window: list[Sample] = []
    await asyncio.gather(*clients, _upload(api, *upload, window))
    return samples, window[0]


async def _upload(api: str, token: str, key: Path, window: list[Sample]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=600) as http:
        started = time.perf_counter()
        answer = await http.put(f"/contributions/{CIRCUIT}", content=key.read_bytes())
        answer.raise_for_status()
        window.append((started, time.perf_counter()))


def _quantile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def _row(label: str, samples: list[Sample]) -> str:
    latencies = sorted(end - start for start, end in samples)
    span = max(e for _, e in samples) - min(s for s, _ in samples)
    p50, p95 = _quantile(latencies, 0.5), _quantile(latencies, 0.95)
    return (
        f"| {label} | {len(samples)} | {len(samples) / span:.0f} | {1000 * p50:.1f} |"
        f" {1000 * p95:.1f} | {1000 * latencies[-1]:.1f} |"
    )


def _participants(api: str, count: int) -> list[str]:
    tokens = []
    for number in range(count):
        answer = httpx.post(f"{api}/register", json={"name": f"p{number:03d}"})
        tokens.append(answer.raise_for_status().json()["token"])
        httpx.post(f"{api}/queue/join", headers={"Authorization": f"Bearer {tokens[-1]}"})
    return tokens


def _contributed(api: str, token: str, folder: Path) -> Path:
    from toolchain.ceremony.entropy import fresh_entropy
    from toolchain.ceremony.phase2 import contribute
    from toolchain.runner.tools import Tools

    turn = httpx.get(f"{api}/turn", headers={"Authorization": f"Bearer {token}"}).json()[0]
    current = folder / "current.zkey"
    current.write_bytes(httpx.get(f"{api}/circuits/{CIRCUIT}/keys/{turn['index']}").content)
    tools = Tools(Path(os.environ["ZKT_TOOLS_DIR"]))
    return contribute(tools, current, folder / "next.zkey", "p000", fresh_entropy())


def bench_coordinator(repo: Path) -> str:
    """The table: CLIENTS clients polling, the server idle, then while an upload is verified."""
    with tempfile.TemporaryDirectory(prefix="zkt-bench-") as tmp:
        os.environ["ZKT_CACHE"] = str(Path(tmp) / "cache")
        os.environ.setdefault("ZKT_TOOLS_DIR", str(repo / ".zkt" / "tools"))
        project = Path(tmp) / "project"
        for folder in ("templates", "circuits"):
            shutil.copytree(repo / folder, project / folder)
        (project / "ceremony").mkdir()
        (project / "ceremony" / "ceremony.toml").write_text(CEREMONY)
        port = _free_port()
        server = _start(project, port)
        try:
            return _measure(f"http://127.0.0.1:{port}/api/v1", Path(tmp))
        finally:
            server.kill()
            server.wait()


def _measure(api: str, folder: Path) -> str:
    holder, *tokens = _participants(api, CLIENTS + 1)  # the first to join holds the slot
    key = _contributed(api, holder, folder)
    idle, _ = asyncio.run(_load(api, tokens, None))
    busy, window = asyncio.run(_load(api, tokens, (holder, key)))
    assert window is not None
    overlapping = [(s, e) for s, e in busy if s < window[1] and e > window[0]]
    lines = [
        f"| {CLIENTS} clients × {REQUESTS} requests (GET /status, /queue/me) | requests |"
        " requests/s | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
        _row("server idle", idle),
        _row("while an upload is verified", busy),
        _row("… the requests overlapping the upload", overlapping),
        "",
        f"Upload + verification of a {CIRCUIT} key ({key.stat().st_size / 2**20:.1f} MiB):"
        f" {window[1] - window[0]:.2f} s. Loopback, one uvicorn worker, clients in one asyncio"
        " process on the same machine.",
    ]
    return "\n".join(lines)
