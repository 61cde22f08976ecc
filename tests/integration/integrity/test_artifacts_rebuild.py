"""verify --rebuild: a fresh render + compile with an empty cache reproduces the locked build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.integration.conftest import KEYED
from tests.integration.integrity.conftest import copy_keyed
from tests.unit.integrity.helpers import failing
from toolchain import build
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace
from toolchain.integrity import verify as manifest_verify
from toolchain.integrity.lock import lock
from toolchain.integrity.model import BUILD_KINDS
from toolchain.integrity.report import Report

NAME = "multiplier_2"


def verify(ws: Workspace, rebuild: bool) -> Report:
    return manifest_verify.verify(ws.project, ws.registry, ws.tools, rebuild=rebuild)


def test_example_project_locks_verifies_and_rebuilds(
    keyed: Workspace, dev_ptau: Path, tmp_path: Path
) -> None:
    names = list(KEYED)
    universal = [entry.name for entry in keyed.registry.circuit if entry.universal]
    ws = copy_keyed(keyed, tmp_path / "project", names)
    locked = lock(ws.project, ws.registry, ws.tools, dev_ptau, allow_insecure_ptau=True)
    # ptau + source, r1cs, wasm, zkey, vkey; + transcript and verifier of a universal key
    assert len(locked.rows) == 1 + 5 * len(names) + 2 * len(universal)
    report = verify(ws, rebuild=False)
    assert not report.failures
    assert len(report.table().splitlines()) == 1 + len(report.rows)
    shutil.rmtree(ws.project.root / "build")  # --rebuild does not read build/
    rebuilt = verify(ws, rebuild=True)
    assert not rebuilt.failures
    for row in rebuilt.rows:
        assert (row.kind in BUILD_KINDS) == ("rebuilt from source" in row.detail)


def test_rebuild_fails_when_a_template_changed_after_locking(locked: Workspace) -> None:
    template = locked.project.templates_dir / "multiplier.circom.j2"
    chain = "partial[i - 1] * factors[i]"
    template.write_text(template.read_text().replace(chain, "(partial[i - 1] + 1) * factors[i]"))
    failed = failing(verify(locked, rebuild=True))
    assert failed.keys() == {f"{NAME}/source", f"{NAME}/r1cs", f"{NAME}/wasm"}
    assert "content differs from the lock" in failed[f"{NAME}/r1cs"]


def test_rebuild_ignores_the_compile_cache(
    locked: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZKT_CACHE", str(tmp_path / "cache"))
    project = locked.project
    key = json.loads(project.build_stamp(NAME).read_text())["key"]
    poisoned = tmp_path / "cache" / "compile" / key
    for rel in build.output_files(NAME):
        (poisoned / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project.build_dir(NAME) / rel, poisoned / rel)
    r1cs = poisoned / f"{NAME}.r1cs"
    data = bytearray(r1cs.read_bytes())
    data[-1] ^= 1  # in the last wire label: the header still reads
    r1cs.write_bytes(bytes(data))
    assert not verify(locked, rebuild=True).failures
    # what the cache would have given: `zkt compile` restores the poisoned r1cs, verify sees it
    shutil.rmtree(project.build_dir(NAME))
    assert compile_circuits(locked, (NAME,))[0].status == "from cache"
    assert failing(verify(locked, rebuild=False)).keys() == {f"{NAME}/r1cs"}
