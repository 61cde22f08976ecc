"""Real prover services for integration tests: `zkt serve` subprocesses on 127.0.0.1.

Fixtures and helpers:

- `served_template` (session): a throwaway project whose SERVED circuits (multiplier_2, one
  public output; poseidon_preimage_1, one public input) have keys from an INSECURE dev ptau of
  2^10 and one contribution, exported verification keys, all locked in artifacts/manifest.json
  (the way tests/integration/integrity locks its projects). Never modified: tests copy it.
- `served_project` (function): a fresh copy of the template.
- `start_service` (function): a factory `start_service(project, *options, until="/ready") ->
  Service` that starts `zkt serve --port FREE *options` in `project` and waits until GET
  `until` answers 200 (`/health` for a service that is up but not ready);
  every service it started is SIGKILLed (with its workers) when the test ends.
- `Service`: `.url`, `.client()` (httpx on the root URL, closed with the service),
  `.worker_pids()` (from /ready), `.metric(name, **labels)` (a sample's value in /metrics, 0
  when absent), `.log()` (the JSON log lines as dicts), `.process`, `.stderr`.
- `product(a, b)`: multiplier_2's public output for factors a and b.

`free_port`, the subprocess wrapper `Service` builds on and the wait until it answers are
tests/integration/servers.py's, shared with the coordinator's tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import copy_project
from tests.integration.servers import ServerProcess, Started, free_port, spawn
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import open_workspace
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.ceremony.phase2 import contribute, export_verification_key, new_zkey
from toolchain.integrity.lock import lock
from toolchain.native.field import R

SERVED = ("multiplier_2", "poseidon_preimage_1")
START_SECONDS = 180


@pytest.fixture(scope="session")
def served_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with SERVED keyed and locked (test keys from an insecure dev ptau)."""
    ptau = tmp_path_factory.mktemp("ptau") / "dev10.ptau"
    write_dev_ptau(ptau, 10, "zk-toolchain service tests")
    ws = open_workspace(copy_project(tmp_path_factory.mktemp("served") / "project"))
    compile_circuits(ws, SERVED)
    for name in SERVED:
        project = ws.project
        initial = project.ceremony_key(name, 0)
        new_zkey(ws.tools, project.r1cs(name), ptau, initial)
        contribute(ws.tools, initial, project.zkey(name), "test", fresh_entropy())
        export_verification_key(project.zkey(name), project.vkey(name))
    lock(ws.project, ws.registry, ws.tools, ptau, allow_insecure_ptau=True)
    return ws.project.root


@pytest.fixture
def served_project(served_template: Path, tmp_path: Path) -> Path:
    """A private copy of the locked template project."""
    return Path(shutil.copytree(served_template, tmp_path / "project", symlinks=True))


def product(a: int, b: int) -> str:
    """multiplier_2's public output for the factors a and b."""
    return str(a * b % R)


@dataclass
class Service(ServerProcess):
    """One `zkt serve` subprocess."""

    project: Path
    port: int
    process: subprocess.Popen[bytes]
    stderr: Path
    clients: list[httpx.Client] = field(default_factory=list)
    timeout: ClassVar[float] = 120

    def ready(self) -> dict[str, Any]:
        """GET /ready's body, whatever its status."""
        body: dict[str, Any] = httpx.get(self.url + "/ready", timeout=10).json()
        return body

    def worker_pids(self) -> list[int]:
        """The process ids of the local workers, by slot."""
        return [int(w["pid"]) for w in self.ready()["workers"]]

    def metric(self, name: str, **labels: str) -> float:
        """The value of the sample `name` with these labels in GET /metrics (0 when absent)."""
        text = httpx.get(self.url + "/metrics", timeout=10).text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    return float(sample.value)
        return 0.0


def serve_argv(port: int, *options: str) -> list[str]:
    """`zkt serve` on 127.0.0.1:port with `options`."""
    return [sys.executable, "-m", "toolchain", "serve", "--port", str(port), *options]


@pytest.fixture
def start_service() -> Iterator[Callable[..., Service]]:
    """Factory: start `zkt serve *options` in `project`; every one is killed at the end."""
    started: Started[Service] = Started()

    def start(project: Path, *options: str, until: str = "/ready") -> Service:
        port, log = free_port(), project / f"serve-{len(started)}.log"
        process = spawn(serve_argv(port, *options), project, log, group=True)
        service = Service(project, port, process, log)
        return started.up(service, until, START_SECONDS, "zkt serve")

    yield start
    started.kill_all()
