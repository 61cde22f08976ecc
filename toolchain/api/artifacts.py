"""The artifact manifest: lock every artifact's hashes and provenance, verify them again.

Lock audits every circuit it locks first (`zkt audit`'s engine, its default budget and fixed
seed) and hands the verdicts to the integrity layer, which records them and refuses a `fail`
circuit that is under-constrained.
"""

from __future__ import annotations

from pathlib import Path

from toolchain.api.audit import CircuitAudit, audit_circuits, propagation_verdict
from toolchain.api.ceremony import dev_ptau_allowed, insecure_warning, setup_contributions
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace
from toolchain.audit.verdict import UNDER_CONSTRAINED
from toolchain.build import Reporter
from toolchain.integrity import lock as artifact_lock
from toolchain.integrity import verify as artifact_verify
from toolchain.integrity.model import manifest_path, read_manifest
from toolchain.integrity.report import Report


def lock_artifacts(
    ws: Workspace, ptau: Path | None = None, report: Reporter = lambda _: None
) -> Report:
    """Compile and audit the circuits that have a final key, then check and lock their artifacts.

    A ptau with no phase-1 contribution is refused unless ceremony.toml says source = "dev".
    """
    names = tuple(artifact_lock.locked_circuits(ws.project, ws.registry))
    audits: dict[str, artifact_lock.AuditRecord] = {}
    if names:  # with none, lock says so; compile_circuits(()) would build every circuit
        compile_circuits(ws, names, report)
        audits = _audits(ws, names, report)
    allowed = dev_ptau_allowed(ws)
    locked = artifact_lock.lock(
        ws.project, ws.registry, ws.tools, ptau, allow_insecure_ptau=allowed, audits=audits
    )
    for line in artifact_lock.audit_warnings(audits):
        report(line)
    warn_insecure_locked(ws, report)
    return locked


def _audits(
    ws: Workspace, names: tuple[str, ...], report: Reporter
) -> dict[str, artifact_lock.AuditRecord]:
    """Each circuit's audit record: the whole audit from its example input, or propagation
    alone for a circuit with none (unique, else unknown: no second witness is looked for)."""
    bare = [n for n in names if ws.registry.get(n).audit != "skip" and not _has_example(ws, n)]
    full = tuple(n for n in names if n not in bare)
    found = audit_circuits(ws, full, report=report) if full else []
    audits = {a.name: audit_record(a) for a in found}
    for name in bare:
        report(f"{name}: no circuits/inputs/{name}/valid*.json: audited by propagation alone")
        policy = ws.registry.get(name).audit
        audits[name] = artifact_lock.AuditRecord(policy, propagation_verdict(ws, name))
    return {name: audits[name] for name in names}


def _has_example(ws: Workspace, name: str) -> bool:
    return any(ws.project.inputs_dir(name).glob("valid*.json"))


def audit_record(found: CircuitAudit) -> artifact_lock.AuditRecord:
    """What the lock records of an audit: policy, verdict, a skip's reason, the first forged
    signal (refusals and warnings name it)."""
    forgery = found.verdict.forgery if found.verdict is not None else None
    forged = ""
    if forgery is not None and found.status == UNDER_CONSTRAINED:
        forged = "".join(found.names(forgery.differs[:1]))
    return artifact_lock.AuditRecord(found.policy, found.status, found.reason, forged)


def verify_artifacts(
    ws: Workspace,
    rebuild: bool = False,
    ptau: Path | None = None,
    report: Reporter = lambda _: None,
) -> Report:
    """Hash every locked artifact again and check their relations (`rebuild`: compile afresh)."""
    verified = artifact_verify.verify(
        ws.project, ws.registry, ws.tools, rebuild=rebuild, ptau=ptau, report=report
    )
    warn_insecure_locked(ws, report)
    return verified


def warn_insecure_locked(ws: Workspace, report: Reporter) -> None:
    """One WARNING per locked circuit whose key comes from a ptau with no contribution (the
    count the lock recorded: no ptau is read or hashed again)."""
    manifest = read_manifest(manifest_path(ws.project))
    for name in manifest.circuits():
        count = artifact_lock.circuit_ptau_contributions(manifest, name)
        if count == 0 or (count is None and setup_contributions(ws, name) == 0):
            report(insecure_warning(name))
