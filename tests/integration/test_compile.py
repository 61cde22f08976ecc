"""Compile every example circuit with the real circom; the cache's no-op and selective rebuild."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.helpers import snarkjs_r1cs_info, zkt
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.build import output_files
from toolchain.runner.compiler import Circom

ROUTE_SAMPLE = ("multiplier_2", "merkle_4", "range_32")


def test_every_example_compiles_to_its_expected_count(compiled: Workspace) -> None:
    for entry in compiled.registry.circuit:
        assert entry.expected_constraints is not None, f"{entry.name} has no expected count"
        for rel in output_files(entry.name):
            assert (compiled.project.build_dir(entry.name) / rel).is_file()


def test_info_equals_snarkjs_r1cs_info(compiled: Workspace) -> None:
    for entry in compiled.registry.circuit:
        done = zkt("info", entry.name, "--json", cwd=compiled.project.root)
        assert done.returncode == 0, done.stderr
        ours = json.loads(done.stdout)
        assert ours == snarkjs_r1cs_info(compiled.project.r1cs(entry.name)), entry.name
        assert ours["constraints"] == entry.expected_constraints


def test_second_compile_does_no_work(compiled: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("circom ran although nothing changed")

    monkeypatch.setattr(Circom, "run", refuse)
    results = compile_circuits(compiled)
    assert {r.status for r in results} == {"up to date"}


def test_changed_template_recompiles_only_its_circuits(tmp_path: Path) -> None:
    from tests.conftest import copy_project

    ws = open_workspace(copy_project(tmp_path))
    names = ("multiplier_2", "multiplier_3", "merkle_4")
    compile_circuits(ws, names)
    template = ws.project.templates_dir / "multiplier.circom.j2"
    template.write_text(template.read_text() + "\n// a comment changes the source hash\n")
    status = {r.name: r.status for r in compile_circuits(open_workspace(tmp_path), names)}
    assert status == {
        "multiplier_2": "compiled",
        "multiplier_3": "compiled",
        "merkle_4": "up to date",
    }


def test_changed_library_file_recompiles_its_users(tmp_path: Path) -> None:
    from tests.conftest import copy_project

    ws = open_workspace(copy_project(tmp_path))
    compile_circuits(ws, ("merkle_4", "multiplier_2"))
    lib = ws.project.lib_dir / "merkle.circom"
    lib.write_text(lib.read_text() + "\n// touched\n")
    status = {r.name: r.status for r in compile_circuits(ws, ("merkle_4", "multiplier_2"))}
    assert status == {"merkle_4": "compiled", "multiplier_2": "up to date"}


def test_damaged_build_is_restored_from_cache(compiled: Workspace) -> None:
    r1cs = compiled.project.r1cs("multiplier_2")
    r1cs.write_bytes(b"garbage")
    (result,) = compile_circuits(compiled, ("multiplier_2",))
    assert result.status == "from cache"
    assert r1cs.read_bytes()[:4] == b"r1cs"


@pytest.mark.parametrize("name", ROUTE_SAMPLE)
def test_node_and_wasmtime_routes_give_identical_outputs(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import copy_project

    outputs = {}
    for route in ("wasmtime", "node"):
        monkeypatch.setenv("ZKT_CIRCOM", route)
        monkeypatch.setenv("ZKT_CACHE", str(tmp_path / f"cache-{route}"))
        ws = open_workspace(copy_project(tmp_path / route))
        (result,) = compile_circuits(ws, (name,))
        assert result.status == "compiled"
        outputs[route] = [
            (ws.project.build_dir(name) / f).read_bytes() for f in output_files(name)[:3]
        ]
    assert outputs["wasmtime"] == outputs["node"]
