"""A new user's path, from the built wheel: init, tools, compile, ceremony, prove, verify, nox.

Everything runs from a fresh virtualenv with the wheel installed (not editable) and from the new
project's own folder, so nothing may assume this source checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SESSIONS = ("compile", "test", "audit", "setup", "ceremony", "verify_artifacts", "prove", "bench")


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a command as the user would; its output, or a failure showing what it said."""
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def user_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh venv holding the wheel built from this checkout (with mcl), nox and pytest."""
    base = tmp_path_factory.mktemp("user")
    dist, venv = base / "dist", base / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("ZKT_TOOLS_DIR", "VIRTUAL_ENV")}
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        base, env)  # fmt: skip
    (wheel,) = dist.glob("zk_toolchain-*.whl")
    run([sys.executable, "-m", "venv", str(venv)], base, env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    run([*pip, f"{wheel}[fast]", "nox", "pytest"], base, env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["ZKT_CACHE"] = str(base / "cache")
    return env


def test_init_to_a_verified_proof_from_the_wheel(user_env: dict[str, str], tmp_path: Path) -> None:
    project, env = tmp_path / "mine", user_env
    run(["zkt", "init", str(project)], tmp_path, env)
    zkt = ["zkt"]
    run([*zkt, "tools", "install"], project, env)
    assert (project / ".zkt" / "tools" / "node_modules" / "snarkjs").is_dir()
    run([*zkt, "compile"], project, env)
    assert "INSECURE" in run([*zkt, "setup"], project, env)
    run([*zkt, "ceremony", "contribute", "preimage", "--name", "alice"], project, env)
    run([*zkt, "ceremony", "beacon", "preimage"], project, env)
    run([*zkt, "ceremony", "finalize", "preimage"], project, env)
    valid = "circuits/inputs/preimage/valid.json"
    run([*zkt, "prove", "preimage", valid, "--out", "proof"], project, env)
    said = run([*zkt, "verify", "preimage", "proof/proof.json", "proof/public.json"], project, env)
    assert "valid proof" in said
    menu = run(["nox", "-l"], project, env)
    assert all(f"- {session} -> " in menu or f"* {session} -> " in menu for session in SESSIONS)
    assert "3 passed" in run(["nox", "-s", "test"], project, env)
    proved = run(["nox", "-s", "prove"], project, env)
    assert "preimage: valid proof (native verifier)" in proved
    assert "preimage: valid proof (snarkjs verifier)" in proved
