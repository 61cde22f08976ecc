"""`zkt ceremony serve` and `invite`: open a coordinator data directory for a project and run it.

The data directory (default `<project>/.zkt/coordinator`) holds `state.sqlite3`, `objects/` and
the signing key. At start each circuit of ceremony.toml without a chain gets its initial key:
compiled through the api, then the project's local ceremony key 0 (set up now if the circuit
has no local ceremony); a circuit whose local ceremony already has contributions is refused, and
so is a PLONK or fflonk circuit (no phase 2).
Then every chain is re-verified and the queue restored (`Coordinator.recover`). The worker
process that checks uploads is started before the server listens, so the first upload does not
wait for it.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from toolchain.api import ceremony as api_ceremony
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace
from toolchain.build import Reporter
from toolchain.ceremony.local import LocalCeremony
from toolchain.coordinator import receipts
from toolchain.coordinator.acceptance import worker_ready
from toolchain.coordinator.db import Database
from toolchain.coordinator.service import Coordinator, Settings
from toolchain.coordinator.store import ObjectStore
from toolchain.errors import UsageError

DB_FILE = "state.sqlite3"


def data_dir(ws: Workspace, explicit: Path | None) -> Path:
    """`explicit`, else `<project>/.zkt/coordinator`."""
    return explicit if explicit is not None else ws.project.root / ".zkt" / "coordinator"


def open_coordinator(ws: Workspace, data: Path | None) -> Coordinator:
    """The coordinator of `ws` over its data directory (created on first use), as configured."""
    folder = data_dir(ws, data)
    folder.mkdir(parents=True, exist_ok=True)
    config = api_ceremony.ceremony_config(ws)
    settings = Settings(
        ceremony=config.ceremony.name,
        circuits=tuple(api_ceremony.ceremony_circuits(ws, ())),
        options=config.coordinator,
        min_contributions=config.ceremony.min_contributions,
    )
    return Coordinator(
        Database(folder / DB_FILE),
        ObjectStore(folder / "objects"),
        receipts.load_or_create_key(folder),
        settings,
    )


def ensure_initial_keys(ws: Workspace, coordinator: Coordinator, report: Reporter) -> None:
    """Key 0 of every circuit that has no chain yet: the local ceremony's, set up if needed."""
    missing = [c for c in coordinator.settings.circuits if not coordinator.has_chain(c)]
    if not missing:
        return
    refuse_contributed(ws, missing)
    compile_circuits(ws, tuple(missing), report)
    fresh = tuple(c for c in missing if not api_ceremony.transcript(ws, c))
    if fresh:
        api_ceremony.setup(ws, fresh, None, report)
    for circuit in missing:
        _, key = LocalCeremony(ws.project, ws.tools, circuit).latest()
        coordinator.add_initial(circuit, key)
        report(f"{circuit}: initial key {key} (sha256 {coordinator.latest(circuit).sha256[:16]}…)")


def refuse_contributed(ws: Workspace, circuits: list[str]) -> None:
    """UsageError for the first circuit whose local ceremony went past its initial key."""
    for circuit in circuits:
        records = api_ceremony.transcript(ws, circuit)
        if len(records) > 1:
            raise UsageError(
                f"{circuit}: its local ceremony already has {len(records) - 1} step(s) after"
                f" the initial key ({ws.project.transcript(circuit)}): the coordinator starts"
                " from an initial key"
            )


def refuse_universal(ws: Workspace, circuits: list[str]) -> None:
    """UsageError for the first PLONK or fflonk circuit: a coordinator runs phase 2 only."""
    entry = ws.registry.first_universal(circuits)
    if entry is not None:
        raise UsageError(
            f"{entry.name} uses {entry.protocol}: its key comes from a universal setup (`zkt"
            f" setup {entry.name}`), not a ceremony: list only Groth16 circuits in ceremony.toml"
        )


def start(ws: Workspace, data: Path | None, report: Reporter) -> Coordinator:
    """Open, bootstrap and recover: the coordinator ready to serve. A refused first start
    leaves no data directory behind."""
    refuse_universal(ws, api_ceremony.ceremony_circuits(ws, ()))
    if not (data_dir(ws, data) / DB_FILE).exists():
        refuse_contributed(ws, api_ceremony.ceremony_circuits(ws, ()))
    coordinator = open_coordinator(ws, data)
    ensure_initial_keys(ws, coordinator, report)
    downtime = coordinator.recover()
    report(f"chains re-verified for {len(coordinator.settings.circuits)} circuit(s)")
    if downtime:
        report(f"restarted after {downtime:.0f} s down: the slot's deadline moved as much")
    return coordinator


def serve(ws: Workspace, host: str, port: int, data: Path | None, report: Reporter) -> None:
    """Run the coordinator on uvicorn until interrupted; JSON log lines go to stderr."""
    import uvicorn

    from toolchain.coordinator.app import create_app

    _log_json_lines()
    coordinator = start(ws, data, report)
    context = multiprocessing.get_context("spawn")  # no fork of a running event loop
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        pid = pool.submit(worker_ready).result()  # started now, not by the first upload
        report(f"verification worker ready (pid {pid})")
        app = create_app(coordinator, pool)
        report(f"serving {coordinator.settings.ceremony!r} on http://{host}:{port}/")
        uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


def _log_json_lines() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("zkt.coordinator")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def invite(ws: Workspace, count: int, hours: float | None, data: Path | None) -> list[str]:
    """`count` single-use invite codes in the coordinator's database."""
    if count < 1:
        raise UsageError(f"--count {count}: give at least 1")
    return open_coordinator(ws, data).create_invites(count, hours)
