"""The layering of docs/architecture.md holds: no import cycles, and the contract can fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("toolchain", cache_dir=None)


def _cycle_through(graph: grimp.ImportGraph, importer: str, imported: str) -> tuple[str, ...]:
    back = graph.find_shortest_chain(importer=imported, imported=importer)
    return (importer, *back) if back else ()


def test_no_module_imports_itself_back(graph: grimp.ImportGraph) -> None:
    cycles = {
        _cycle_through(graph, module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
    } - {()}
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in sorted(cycles))


def test_no_package_imports_itself_back(graph: grimp.ImportGraph) -> None:
    packages = {m for m in graph.modules if m.count(".") == 1}
    cycles = [
        (a, b)
        for a in packages
        for b in packages
        if a < b
        and graph.chain_exists(importer=a, imported=b, as_packages=True)
        and graph.chain_exists(importer=b, imported=a, as_packages=True)
    ]
    assert not cycles


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def test_a_backwards_import_breaks_the_layers_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "toolchain", tmp_path / "toolchain")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert _lint_imports(tmp_path).returncode == 0
    field = tmp_path / "toolchain" / "native" / "field.py"
    field.write_text(field.read_text() + "\nimport toolchain.formats.r1cs  # backwards\n")
    broken = _lint_imports(tmp_path)
    assert broken.returncode == 1
    assert "toolchain.native.field -> toolchain.formats.r1cs" in broken.stdout
