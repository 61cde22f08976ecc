"""A project whose one keyed circuit, multiplier_2, carries the committed snarkjs vectors.

Its source is rendered from the real registry (pure jinja2); its r1cs, wasm, keys and ptau are
the files in tests/vectors/multiplier and tests/vectors/ptau, so lock and verify run end to end
without starting a tool. The r1cs is not what multiplier_2 compiles to: only `--rebuild`
(an integration test) would notice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_project
from tests.unit.formats.helpers import vector
from toolchain import build
from toolchain.api.workspace import Workspace, open_workspace

NAME = "multiplier_2"


def place(source: Path, target: Path) -> Path:
    """Copy a vector file into the project."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def vector_ws(tmp_path: Path) -> Workspace:
    """The example project with multiplier_2's artifacts taken from the vectors (not locked)."""
    ws = open_workspace(copy_project(tmp_path / "project"))
    project = ws.project
    build.render_to_build(project, ws.registry.get(NAME))
    place(vector("multiplier", "multiplier.r1cs"), project.r1cs(NAME))
    place(vector("multiplier", "multiplier.wasm"), project.wasm(NAME))
    place(vector("multiplier", "multiplier_final.zkey"), project.zkey(NAME))
    place(vector("multiplier", "verification_key.json"), project.vkey(NAME))
    return ws


@pytest.fixture
def ptau(tmp_path: Path) -> Path:
    """A private copy of the vectors' prepared ptau (power 4), outside the project."""
    return place(vector("ptau", "pot4_final.ptau"), tmp_path / "ptau" / "pot4_final.ptau")
