"""A whole `zkt prove` process loads what a Groth16 proof needs and nothing else: no HTTP client,
no template engine, no py_ecc or pycryptodome, and mcl from the user's cache, not the wheel."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO, copy_project
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import open_workspace
from toolchain.build import RACY_NS

NAME = "multiplier_2"
# Loaded only to download (httpx, tqdm, rich), render (jinja2), verify PLONK (Crypto), run the
# pure engine (py_ecc) or extract mcl's libraries the first time (mclbn256).
UNNEEDED = ("httpx", "tqdm", "rich", "jinja2", "py_ecc", "Crypto", "mclbn256")

# A fresh interpreter (this test process has loaded everything already): the modules it holds.
PROBE = """
import sys
from toolchain.cli.main import main
main({argv!r})
print("\\n".join(sys.modules))
"""


def prove_process(argv: list[str], cwd: Path) -> list[str]:
    """The modules a `zkt` process running `argv` loaded (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"{NAME}: proof by native" in done.stderr
    return done.stdout.splitlines()


def test_a_groth16_prove_process_loads_only_what_proving_needs(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    compile_circuits(open_workspace(project), (NAME,))
    # Files this fresh are hashed again; past RACY_NS the first process stamps what the second
    # then trusts (the stat fast path, as a user's second prove of a circuit takes it).
    time.sleep(RACY_NS / 1e9 + 0.1)
    out = tmp_path / "proof"
    argv = [
        "prove", NAME, str(REPO / "circuits" / "inputs" / NAME / "valid.json"),
        "--zkey", str(REPO / "artifacts" / NAME / "final.zkey"),
        "--out", str(out), "--engine", "mcl", "--force",
    ]  # fmt: skip
    prove_process(argv, project)  # also the first process on this cache: mcl is extracted
    loaded = prove_process(argv, project)
    assert [m for m in loaded if m.startswith(UNNEEDED)] == []
    assert sorted(p.name for p in out.iterdir()) == ["proof.json", "public.json"]
