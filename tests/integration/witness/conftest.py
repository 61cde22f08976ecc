"""Fixtures for the witness tests: pinned circom/snarkjs and the fixture circuits, built once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from toolchain.runner.tools import Tools

CIRCUITS = Path(__file__).parent / "circuits"


def _node_modules() -> Path:
    """The pinned node_modules installed by `zkt tools install` (set up by tests/conftest.py)."""
    tools = Tools(Path(os.environ["ZKT_TOOLS_DIR"]))
    for package in ("circom2", "snarkjs", "circomlib"):
        tools.require(package)  # a missing tool fails the run, never skips it
    return tools.node_modules


def _run(argv: list[str], cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{argv} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The pinned node_modules; a missing or unpinned tool fails the tests."""
    return _node_modules()


@pytest.fixture(scope="session")
def circuits(node_modules: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The witness wasm of every circuit under circuits/, compiled once per session.

    circom writes <name>.r1cs and <name>.sym beside <name>_js/<name>.wasm.
    """
    out = tmp_path_factory.mktemp("circuits")
    # circom2 on Node only sees paths below its working directory: bring circomlib inside.
    shutil.copytree(node_modules / "circomlib" / "circuits", out / "circomlib" / "circuits")
    cli = str(node_modules / "circom2" / "cli.js")
    built: dict[str, Path] = {}
    for source in sorted(CIRCUITS.glob("*.circom")):
        shutil.copy(source, out / source.name)
        argv = ["node", cli, source.name, "--r1cs", "--wasm", "--sym", "-o", ".", "-l", "."]
        _run(argv, out)
        built[source.stem] = out / f"{source.stem}_js" / f"{source.stem}.wasm"
    return built


@pytest.fixture(scope="session")
def module_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compiled-module cache shared by the session, so each wasm compiles once."""
    return tmp_path_factory.mktemp("module-cache")


@pytest.fixture
def snarkjs_wtns(node_modules: Path, tmp_path: Path) -> Callable[[Path, dict[str, object]], bytes]:
    """The bytes `snarkjs wtns calculate` writes for a wasm and inputs."""
    cli = str(node_modules / "snarkjs" / "build" / "cli.cjs")

    def calculate(wasm: Path, inputs: dict[str, object]) -> bytes:
        input_path = tmp_path / "snarkjs-input.json"
        input_path.write_text(json.dumps(inputs))
        out = tmp_path / "snarkjs.wtns"
        _run(["node", cli, "wtns", "calculate", str(wasm), str(input_path), str(out)], tmp_path)
        return out.read_bytes()

    return calculate


@pytest.fixture
def circom_js_wtns(tmp_path: Path) -> Callable[[Path, dict[str, object]], bytes]:
    """The bytes circom's own generate_witness.js writes (it alone qualifies bus objects)."""

    def calculate(wasm: Path, inputs: dict[str, object]) -> bytes:
        input_path = tmp_path / "circom-input.json"
        input_path.write_text(json.dumps(inputs))
        out = tmp_path / "circom.wtns"
        script = str(wasm.parent / "generate_witness.js")
        _run(["node", script, str(wasm), str(input_path), str(out)], tmp_path)
        return out.read_bytes()

    return calculate
