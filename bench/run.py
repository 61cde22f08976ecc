"""Benchmarks for `nox -s bench`: measured side by side in one run, written as tables with ratios.

    python bench/run.py [compile]

compile: `zkt compile` of every example circuit in a fresh copy of the project, three ways —
full compile (empty compile cache; circom's own module cache warm), restore from the cache
(build/ deleted) and the no-op rebuild (nothing changed) — as whole CLI processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "build" / "bench"


def zkt(project: Path, *args: str) -> float:
    """Wall time of one `zkt` CLI run (seconds); fails loudly if the command fails."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "toolchain.cli", *args], cwd=project, check=True, capture_output=True
    )
    return time.perf_counter() - started


def fresh_project(root: Path) -> Path:
    for folder in ("templates", "circuits"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def bench_compile() -> str:
    """Full compile vs restore-from-cache vs no-op, for all example circuits."""
    with tempfile.TemporaryDirectory(prefix="zkt-bench-") as tmp:
        os.environ["ZKT_CACHE"] = str(Path(tmp) / "cache")
        os.environ.setdefault("ZKT_TOOLS_DIR", str(REPO / ".zkt" / "tools"))
        project = fresh_project(Path(tmp) / "project")
        zkt(project, "compile", "multiplier_2")  # warm circom.wasm's compiled-module cache
        shutil.rmtree(Path(tmp) / "cache" / "compile")
        full = zkt(project, "compile")
        shutil.rmtree(project / "build")
        restore = zkt(project, "compile")
        noop = min(zkt(project, "compile") for _ in range(3))
    rows = [("full compile", full), ("restore from cache", restore), ("no-op rebuild", noop)]
    lines = ["| zkt compile (all example circuits) | seconds | vs no-op |", "|---|---:|---:|"]
    lines += [f"| {label} | {secs:.3f} | {secs / noop:.1f}× |" for label, secs in rows]
    return "\n".join(lines)


BENCHES: dict[str, Callable[[], str]] = {"compile": bench_compile}


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names or list(BENCHES):
        table = BENCHES[name]()
        (OUT / f"{name}.md").write_text(table + "\n")
        print(f"\n## {name}\n\n{table}")


if __name__ == "__main__":
    main(sys.argv[1:])
