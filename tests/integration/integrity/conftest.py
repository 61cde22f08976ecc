"""Locked copies of the keyed example project, with verifier.sol exported by the pinned snarkjs."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.conftest import copy_project
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.integrity.lock import lock
from toolchain.runner import command
from toolchain.runner.tools import node_path

# Three small keys with 1, 1 and 2 public signals: hostile tests copy this project per test.
LOCKED = ("multiplier_2", "poseidon_preimage_1", "range_32")


def copy_keyed(keyed: Workspace, target: Path, names: Iterable[str]) -> Workspace:
    """A new project with the sources, build dirs, artifacts and transcripts (a universal
    setup's record) of `names` from `keyed`."""
    copy_project(target)
    ws = open_workspace(target)
    for name in names:
        shutil.copytree(keyed.project.build_dir(name), target / "build" / name)
        shutil.copytree(keyed.project.artifacts_dir(name), target / "artifacts" / name)
        if keyed.project.transcript(name).is_file():
            ws.project.transcript(name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(keyed.project.transcript(name), ws.project.transcript(name))
    return ws


def export_verifier(ws: Workspace, name: str) -> Path:
    """artifacts/NAME/verifier.sol by `snarkjs zkey export solidityverifier`."""
    out = ws.project.verifier_sol(name)
    zkey = ws.project.zkey(name)
    argv = ["zkey", "export", "solidityverifier", str(zkey), str(out)]
    command.run([str(node_path()), str(ws.tools.snarkjs_cli), *argv])
    return out


@pytest.fixture(scope="session")
def locked_template(
    keyed: Workspace, dev_ptau: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Root of a locked project holding LOCKED: never modified, tests take copies (`locked`)."""
    ws = copy_keyed(keyed, tmp_path_factory.mktemp("locked") / "project", LOCKED)
    for name in LOCKED:
        export_verifier(ws, name)
    lock(ws.project, ws.registry, ws.tools, dev_ptau, allow_insecure_ptau=True)  # test keys
    return ws.project.root


@pytest.fixture
def locked(locked_template: Path, tmp_path: Path) -> Workspace:
    """A private copy of the locked project (its manifest points at the session's dev ptau)."""
    return open_workspace(shutil.copytree(locked_template, tmp_path / "project"))
