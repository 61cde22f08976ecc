"""The artifact manifest: lock every artifact's hashes and provenance, verify them again."""

from __future__ import annotations

from pathlib import Path

from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace
from toolchain.build import Reporter
from toolchain.integrity import lock as artifact_lock
from toolchain.integrity import verify as artifact_verify
from toolchain.integrity.report import Report


def lock_artifacts(
    ws: Workspace, ptau: Path | None = None, report: Reporter = lambda _: None
) -> Report:
    """Compile the circuits that have a final key, then check and lock their artifacts."""
    names = tuple(artifact_lock.locked_circuits(ws.project, ws.registry))
    if names:  # with none, lock says so; compile_circuits(()) would build every circuit
        compile_circuits(ws, names, report)
    return artifact_lock.lock(ws.project, ws.registry, ws.tools, ptau)


def verify_artifacts(
    ws: Workspace,
    rebuild: bool = False,
    ptau: Path | None = None,
    report: Reporter = lambda _: None,
) -> Report:
    """Hash every locked artifact again and check their relations (`rebuild`: compile afresh)."""
    return artifact_verify.verify(
        ws.project, ws.registry, ws.tools, rebuild=rebuild, ptau=ptau, report=report
    )
