"""Shared fixtures: an isolated cache for the whole run and throwaway copies of the project."""

from __future__ import annotations

import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.rapidsnark.binary import REPORT_KEY
from toolchain.api.workspace import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[1]
STAMP = ".zkt-build.json"


_RAPIDSNARK_LINES = pytest.StashKey[set[str]]()


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C as at a terminal. A run started with SIGINT ignored (`nox &` in a script, nohup)
    passes that on to every process it starts, and the tests that press Ctrl-C would see
    nothing happen; a handler set here is reset to the default in each child at exec."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist: keep the rapidsnark line a worker reports (tests/integration/rapidsnark)."""
    line = getattr(node, "workeroutput", {}).get(REPORT_KEY)
    if line:
        node.config.stash.setdefault(_RAPIDSNARK_LINES, set()).add(line)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """xdist: the workers' rapidsnark line, which their collection printed where no one saw."""
    for line in sorted(config.stash.get(_RAPIDSNARK_LINES, set())):
        terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every run gets its own compile cache; tools come from the project's install."""
    patch = pytest.MonkeyPatch()
    patch.setenv("ZKT_CACHE", str(tmp_path_factory.mktemp("zkt-cache")))
    tools = os.environ.get("ZKT_TOOLS_DIR") or str(REPO / ".zkt" / "tools")
    patch.setenv("ZKT_TOOLS_DIR", tools)
    patch.delenv("ZKT_PROJECT", raising=False)
    patch.delenv("ZKT_CIRCOM", raising=False)
    yield
    patch.undo()


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes, by relative path: to show nothing changed.

    The compile stamps (build/NAME/.zkt-build.json) are left out: they are the cache's own
    bookkeeping, which any command that compiles first may refresh (the stat fast path).
    """
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != STAMP
    }


def exactly(message: str) -> str:
    """A `pytest.raises(match=...)` pattern for exactly `message`, not a fragment of it."""
    return f"^{re.escape(message)}$"


def copy_project(target: Path) -> Path:
    """Copy templates/ and circuits/ of this repository into `target` (a fresh project)."""
    for folder in ("templates", "circuits"):
        shutil.copytree(REPO / folder, target / folder)
    return target


UNIVERSAL_EXAMPLES = ("range_32_plonk", "poseidon_preimage_1_plonk", "poseidon_preimage_1_fflonk")


def universal_project(target: Path) -> Path:
    """A fresh project with ceremony.toml and the committed PLONK and fflonk keys (artifacts/
    and their setup records in ceremony/transcripts/)."""
    copy_project(target)
    (target / "ceremony" / "transcripts").mkdir(parents=True)
    shutil.copyfile(REPO / "ceremony" / "ceremony.toml", target / "ceremony" / "ceremony.toml")
    for name in UNIVERSAL_EXAMPLES:
        shutil.copytree(REPO / "artifacts" / name, target / "artifacts" / name)
        transcript = Path("ceremony") / "transcripts" / f"{name}.jsonl"
        shutil.copyfile(REPO / transcript, target / transcript)
    return target


def ceremony_project(target: Path, min_contributions: int) -> Workspace:
    """A fresh project with the example's ceremony.toml (no transcripts), asking for
    `min_contributions` real contributions."""
    copy_project(target)
    (target / "ceremony").mkdir()
    config = (REPO / "ceremony" / "ceremony.toml").read_text()
    config = re.sub(
        r"(?m)^min_contributions = \d+$", f"min_contributions = {min_contributions}", config
    )
    (target / "ceremony" / "ceremony.toml").write_text(config)
    return open_workspace(target)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A throwaway copy of the example project."""
    return open_workspace(copy_project(tmp_path / "project"))
