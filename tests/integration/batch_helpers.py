"""What the batch tests share: the circuit they prove (NAME, with a test key), its input
folders (valid, many, hostile with the report they give), `zkt prove --inputs` runs, and the
processes a batch starts.

Used by test_batch (the local pool), test_batch_cluster (Dask), test_snarkjs_worker and the
service's tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.conftest import REPO, copy_project
from tests.integration.helpers import zkt
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.backends.batch import ProverSpec
from toolchain.ceremony.phase2 import export_verification_key, new_zkey
from toolchain.hashing import hash_file
from toolchain.native.field import R

NAME = "poseidon_preimage_2"
GIVEN = REPO / "circuits" / "inputs" / NAME
VALID = ("valid.json", "valid_large.json")
BLINDING = (5, 7)


def keyed_project(root: Path, dev_ptau: Path) -> Workspace:
    """A copy of the project at `root` with a test key (no contribution) for NAME."""
    ws = open_workspace(copy_project(root))
    compile_circuits(ws, (NAME,))
    new_zkey(ws.tools, ws.project.r1cs(NAME), dev_ptau, ws.project.zkey(NAME))
    export_verification_key(ws.project.zkey(NAME), ws.project.vkey(NAME))
    return ws


def prover_spec(ws: Workspace, backend: str = "native") -> ProverSpec:
    """What a batch sends its workers for NAME's key (fresh blinding) with `backend`."""
    project = ws.project
    key = project.zkey(NAME)
    return ProverSpec(
        NAME, key, hash_file(key), project.wasm(NAME), project.sym(NAME), backend, ws.tools
    )


def valid_inputs(folder: Path) -> Path:
    """`folder` holding copies of the circuit's valid inputs."""
    folder.mkdir()
    for name in VALID:
        shutil.copy(GIVEN / name, folder / name)
    return folder


def zkt_batch(ws: Workspace, inputs: Path, out: Path, *extra: str) -> CompletedProcess[str]:
    """`zkt prove NAME --inputs INPUTS --out OUT EXTRA...` run in the project."""
    return zkt(
        "prove", NAME, "--inputs", str(inputs), "--out", str(out), *extra, cwd=ws.project.root
    )


def hostile_inputs(folder: Path) -> None:
    """One valid input and four bad ones, one per kind of failure."""
    valid_inputs(folder)
    (folder / "valid_large.json").unlink()
    good = json.loads((GIVEN / "valid.json").read_text())
    (folder / "out_of_range.json").write_text(json.dumps({**good, "preimage": [str(R), "2"]}))
    (folder / "missing.json").write_text(json.dumps({"preimage": good["preimage"]}))
    (folder / "malformed.json").write_text('{"preimage": [1, 2]')
    shutil.copy(GIVEN / "invalid_wrong_hash.json", folder / "wrong_hash.json")


HOSTILE_REPORT = {
    f"{NAME}: malformed.json: failed: not valid JSON: malformed JSON at line 1: Expecting ','"
    " delimiter",
    f'{NAME}: missing.json: failed: missing input signals: "hash"',
    f'{NAME}: out_of_range.json: failed: signal "preimage" at index 0: {R} is not below the'
    " field modulus r (the JS would reduce it mod r)",
    f"{NAME}: wrong_hash.json: failed: {NAME}.wasm: Assert Failed. Error in template"
    " PoseidonPreimage_71 line: 20",
}


def many_inputs(folder: Path, count: int) -> Path:
    """`folder` holding `count` copies of the valid input: a batch that runs for a while."""
    folder.mkdir()
    for i in range(count):
        shutil.copy(GIVEN / "valid.json", folder / f"copy_{i:03d}.json")
    return folder


def start_batch(ws: Workspace, inputs: Path, out: Path, *where: str) -> subprocess.Popen[str]:
    """`zkt prove --inputs` (default: -j 2) in its own process group (SIGINT as a terminal
    sends it), returned once its first proof is written: the workers are up."""
    batch = launch_batch(ws, inputs, out, *where)
    wait_for(lambda: bool(list(out.glob("*/proof.json"))))
    return batch


def launch_batch(ws: Workspace, inputs: Path, out: Path, *where: str) -> subprocess.Popen[str]:
    """`zkt prove --inputs` in its own process group, returned at once."""
    argv = [sys.executable, "-m", "toolchain", "prove", NAME, "--inputs", str(inputs)]
    return subprocess.Popen(
        [*argv, "--out", str(out), *(where or ("-j", "2"))], cwd=ws.project.root,
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
    """Poll `condition` every 10 ms until it holds (AssertionError after `seconds`)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def workers_of(parent: int) -> list[int]:
    """The pids of the worker processes `parent` spawned (not its resource tracker)."""
    return children_of(parent, b"spawn_main")


def children_of(parent: int, marker: bytes) -> list[int]:
    """The pids of the running children of `parent` whose command line holds `marker`."""
    return [
        int(proc.name)
        for proc in Path("/proc").iterdir()
        if proc.name.isdigit() and _is_child_of(proc, parent, marker)
    ]


def _is_child_of(proc: Path, parent: int, marker: bytes) -> bool:
    try:
        stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        return int(stat[1]) == parent and marker in (proc / "cmdline").read_bytes()
    except (OSError, IndexError):
        return False


def complete_sets(out: Path) -> None:
    """Every folder in OUT holds a whole proof set, and nothing is left half-written."""
    assert all(p.is_dir() for p in out.iterdir())
    for folder in out.iterdir():
        assert sorted(p.name for p in folder.iterdir()) == ["proof.json", "public.json"]
