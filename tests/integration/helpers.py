"""Running the real CLI and snarkjs from tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tests.conftest import STAMP
from toolchain.runner.tools import Tools

if TYPE_CHECKING:
    from distributed import LocalCluster

# What a JavaScript stack trace leaks into output: none may reach a user.
JS_STACK = ("    at ", "node:internal", "cli.cjs:", "snarkjs_worker.cjs:")


def zkt(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `zkt` CLI in a subprocess (as a user would)."""
    return subprocess.run(
        [sys.executable, "-m", "toolchain", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def snarkjs(*args: str) -> str:
    """Run the pinned snarkjs CLI and return its de-coloured output."""
    tools = Tools(Path(os.environ["ZKT_TOOLS_DIR"]))
    done = subprocess.run(
        ["node", str(tools.snarkjs_cli), *args], capture_output=True, text=True, check=True
    )
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)


def snarkjs_r1cs_info(r1cs: Path) -> dict[str, int]:
    """`snarkjs r1cs info`, as the JSON keys of `zkt info --json`."""
    text = snarkjs("r1cs", "info", str(r1cs))
    labels = {
        "Constraints": "constraints",
        "Wires": "wires",
        "Public Inputs": "public_inputs",
        "Private Inputs": "private_inputs",
        "Outputs": "outputs",
        "Labels": "labels",
    }
    found = dict(re.findall(r"# of ([A-Za-z ]+): (\d+)", text))
    return {key: int(found[label]) for label, key in labels.items()}


def error_line(done: subprocess.CompletedProcess[str], code: int) -> str:
    """The message of a refused run's one `zkt: error:` line: the exit code is `code`, the
    line is the last of stderr, and no traceback or JavaScript stack was printed."""
    output = done.stdout + done.stderr
    assert done.returncode == code, output
    errors = [line for line in done.stderr.splitlines() if line.startswith("zkt: error: ")]
    assert len(errors) == 1 and done.stderr.rstrip().endswith(errors[0]), output
    assert "Traceback" not in output and not any(mark in output for mark in JS_STACK), output
    return errors[0].removeprefix("zkt: error: ")


def snapshot(*roots: Path) -> dict[Path, tuple[bytes, int]]:
    """Every file under `roots` with its bytes and mtime (the compile stamps, the cache's own
    bookkeeping, left out): to show that nothing was created, changed or rewritten."""
    return {
        path: (path.read_bytes(), path.stat().st_mtime_ns)
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != STAMP
    }


def refused(args: list[str], cwd: Path, code: int, *roots: Path) -> str:
    """Run zkt: refused in one line (`error_line`), nothing under `roots` created or changed;
    the message."""
    before = snapshot(*roots)
    message = error_line(zkt(*args, cwd=cwd), code)
    after = snapshot(*roots)
    assert after.keys() == before.keys(), sorted(after.keys() ^ before.keys())
    assert after == before, [path for path in before if after[path] != before[path]]
    return message


def loopback_cluster(workers: int) -> LocalCluster:
    """A Dask LocalCluster of `workers` processes, 1 thread each, all on 127.0.0.1: its
    dashboard on any free port, so that two clusters at once (two pytest workers) never meet
    on the default 8787."""
    from distributed import LocalCluster

    return LocalCluster(  # type: ignore[no-untyped-call,no-any-return]
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )  # fmt: skip
