"""`zkt serve`: verify the locked keys, start the workers, then serve HTTP on uvicorn.

Everything that can refuse to start does so before the server listens, as one `zkt: error:`
line: the manifest, a key that differs from its lock, an executor that does not answer, a
worker that cannot load its keys, a job table (`--state`, default build/service/jobs.sqlite3)
that is not one, is damaged or is held by another service. It is read before anything else and
opened (created) last, so a refused start leaves no file behind; jobs the previous process
left unfinished are marked failed then (their inputs were never stored). SIGTERM (or Ctrl-C)
drains: new jobs are refused (503 draining) while the listener closes, requests that wait for a
proof get it, every accepted job finishes, then the workers stop. JSON log lines go to stderr.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn

from toolchain.api.tools import engine_status, tools_doctor
from toolchain.api.workspace import Workspace
from toolchain.backends.batch import NATIVE
from toolchain.backends.executors import dask_address
from toolchain.build import Reporter
from toolchain.errors import ToolError, UsageError
from toolchain.service.apikeys import load_api_keys
from toolchain.service.app import create_app
from toolchain.service.circuits import LockedCircuit, locked_circuits
from toolchain.service.db import JobTable, check_state
from toolchain.service.jobs import MAX_KEPT, Executor, ProverService
from toolchain.service.metrics import Metrics
from toolchain.service.workers import LocalExecutor


@dataclass(frozen=True)
class ServeOptions:
    """What `zkt serve` was asked for."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    executor: str = "local"
    api_keys: Path | None = None
    queue_size: int = 1000
    max_body: int = 1 << 20
    backend: str = "auto"
    state: Path | None = None


class DrainingServer(uvicorn.Server):
    """uvicorn, with the service told to refuse new jobs as soon as a signal asks it to stop."""

    def __init__(self, config: uvicorn.Config, service: ProverService) -> None:
        super().__init__(config)
        self.service = service

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Refuse new jobs, then let uvicorn close the listener and wait for its requests."""
        self.service.draining = True
        super().handle_exit(sig, frame)


def serve(ws: Workspace, options: ServeOptions, report: Reporter) -> None:
    """Run the service until SIGTERM or Ctrl-C, then drain."""
    _check(options)
    keys = load_api_keys(options.api_keys)
    state = state_path(ws, options.state)
    check_state(state)
    circuits = locked_circuits(ws, options.backend, report)
    report(f"verified the locked artifacts of {len(circuits)} circuit(s): {', '.join(circuits)}")
    executor = _executor(circuits, options)
    executor.start()
    report(_started(executor))
    table = _open_table(state, report)
    _log_json_lines()
    service = ProverService(circuits, executor, Metrics(), options.queue_size, table)
    app = create_app(service, keys, options.max_body, _tools_found(ws, circuits))
    config = uvicorn.Config(
        app, host=options.host, port=options.port, log_config=None, access_log=False
    )
    report(f"serving on http://{options.host}:{options.port}/ (API: /v1, spec: /openapi.json)")
    DrainingServer(config, service).run()


def state_path(ws: Workspace, explicit: Path | None) -> Path:
    """`explicit` (--state), else `<project>/build/service/jobs.sqlite3`."""
    return explicit if explicit is not None else ws.project.root / "build/service/jobs.sqlite3"


def _open_table(path: Path, report: Reporter) -> JobTable:
    """The job table at `path`, the jobs the previous process left unfinished failed."""
    table = JobTable(path)
    failed = table.recover(time.time(), MAX_KEPT)
    report(
        f"job table {path}" + (f": {failed} unfinished job(s) failed (restart)" if failed else "")
    )
    return table


def _check(options: ServeOptions) -> None:
    """UsageError for option values that cannot work."""
    if options.workers < 1:
        raise UsageError(f"--workers {options.workers}: give at least 1")
    if options.queue_size < 1:
        raise UsageError(f"--queue-size {options.queue_size}: give at least 1")
    dask_address(options.executor)  # UsageError when malformed


def _executor(circuits: dict[str, LockedCircuit], options: ServeOptions) -> Executor:
    """Local worker processes, or the Dask cluster of `--executor dask://HOST:PORT`."""
    specs = [circuit.spec for circuit in circuits.values()]
    address = dask_address(options.executor)
    if address is None:
        return LocalExecutor(specs, options.workers)
    try:
        from toolchain.service.cluster import DaskExecutor
    except ImportError as exc:
        raise ToolError(
            f"--executor {options.executor} needs Dask's distributed:"
            " pip install 'zk-toolchain[cluster]'"
        ) from exc
    return DaskExecutor(specs, address, options.workers)


def _started(executor: Executor) -> str:
    """What the executor has up: local workers with every key loaded (`start` waits for them),
    or the cluster's workers, which /ready follows from then on."""
    if isinstance(executor, LocalExecutor):
        return f"{executor.size} local prover worker(s) loaded every key"
    connected = len(executor.states())
    return (
        f"{connected} {executor.name} worker(s) connected: /ready answers 200 once every one"
        " has every key loaded"
    )


def _tools_found(ws: Workspace, circuits: dict[str, LockedCircuit]) -> bool:
    """The native engine works; for another backend, every pinned tool is installed."""
    if all(c.spec.backend == NATIVE for c in circuits.values()):
        return engine_status().ok
    return all(row.ok for row in tools_doctor(ws.project.root).rows)


def _log_json_lines() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("zkt.service")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
