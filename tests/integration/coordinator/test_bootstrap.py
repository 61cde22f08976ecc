"""Where the served circuits' initial keys come from: the local setup (made at the first start
when missing); a local ceremony that already has contributions is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import copy_project, tree
from tests.integration.coordinator.conftest import CEREMONY_TOML, CIRCUITS, Server, free_port
from toolchain.api.ceremony import contribute, transcript
from toolchain.api.workspace import open_workspace
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.hashing import hash_file


def zkt(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolchain", *args],
        cwd=project, capture_output=True, text=True, env={**os.environ}, check=False, timeout=300,
    )  # fmt: skip


def test_the_first_start_sets_the_circuits_up(
    start_server: Callable[..., Server], tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "fresh")
    (project / "ceremony").mkdir()
    (project / "ceremony" / "ceremony.toml").write_text(CEREMONY_TOML)
    server = start_server(project)
    ws = open_workspace(project)
    for name, state in zip(
        CIRCUITS, server.client().get("/status").json()["circuits"], strict=True
    ):
        (record,) = transcript(ws, name)
        assert (state["name"], state["index"]) == (name, 0)
        assert state["sha256"] == record.file.sha256 == hash_file(ws.project.ceremony_key(name, 0))


def test_a_local_ceremony_with_contributions_is_refused(coordinator_project: Path) -> None:
    ws = open_workspace(coordinator_project)
    contribute(ws, "range_32", "local", fresh_entropy())
    before = tree(coordinator_project)
    port = str(free_port())
    done = zkt(coordinator_project, "ceremony", "serve", "--port", port)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    transcript_path = ws.project.transcript("range_32")
    assert done.stderr.strip().splitlines()[-1] == (
        f"zkt: error: range_32: its local ceremony already has 1 step(s) after the initial key"
        f" ({transcript_path}): the coordinator starts from an initial key"
    )
    assert tree(coordinator_project) == before


def test_finalize_takes_a_name_or_coordinator(coordinator_project: Path) -> None:
    done = zkt(coordinator_project, "ceremony", "finalize", "range_32", "--coordinator")
    assert done.returncode == 2 and done.stderr.strip() == (
        "zkt: error: --coordinator finalizes every circuit of the served ceremony: no NAME"
        " (see zkt ceremony finalize --help)"
    )
    done = zkt(coordinator_project, "ceremony", "finalize")
    assert done.returncode == 2 and done.stderr.strip() == (
        "zkt: error: give NAME, or --coordinator (see zkt ceremony finalize --help)"
    )
