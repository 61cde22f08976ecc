"""The pinned external tools and the native engine: install them, report their state."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

from toolchain.api.workspace import optional_root, project_tools
from toolchain.config import ENGINE_ENV, engine_name
from toolchain.errors import ToolError, ZktError
from toolchain.native import engines as native_engine
from toolchain.native.engine_mcl import load_mcl
from toolchain.paths import tools_dir
from toolchain.runner import tools as tool_finder
from toolchain.runner.tools import ToolStatus


def install_tools(root: Path | None) -> Path:
    """Install the pinned npm tools for the project at or above `root` (else the user's)."""
    target = tools_dir(optional_root(root))
    tool_finder.install(target)
    return target


@dataclass(frozen=True)
class DoctorReport:
    """The state of every tool, one row each; `raise_for_failures` when one is not usable."""

    rows: list[ToolStatus]

    def raise_for_failures(self) -> None:
        """ToolError (exit 3) naming every tool that is missing or not at its pinned version."""
        bad = [row.name for row in self.rows if not row.ok]
        if bad:
            raise ToolError(f"{len(bad)} tool(s) missing or not pinned: {', '.join(bad)}")


def tools_doctor(root: Path | None) -> DoctorReport:
    """Every external tool for the project at or above `root` (else the user's), and the engine."""
    return DoctorReport([*tool_finder.doctor(project_tools(root)), engine_status()])


def engine_status() -> ToolStatus:
    """The arithmetic engine of the native prover and verifier ($ZKT_ENGINE, else auto)."""
    try:
        chosen = native_engine.get_engine(engine_name(None)).name
    except ZktError as exc:  # $ZKT_ENGINE names an unknown engine, or mcl without its wheel
        return ToolStatus("engine", "-", f"${ENGINE_ENV}", "-", False, str(exc))
    why_not_mcl = native_engine.mcl_unavailable_reason()
    if why_not_mcl:
        return ToolStatus("engine: pure", "-", "toolchain.native", "-", True, why_not_mcl)
    wheel = f"mclbn256 {importlib.metadata.version('mclbn256')}, alt_bn128 checked"
    note = "" if chosen == "mcl" else f"mcl installed; ${ENGINE_ENV} chose {chosen}"
    return ToolStatus(f"engine: {chosen}", f"mcl {load_mcl().version()}", wheel, "-", True, note)
