"""Run circom by one of its three routes (native binary, wasmtime in process, node)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import ToolError
from toolchain.runner import command, wasi
from toolchain.runner.circom import strip_ansi
from toolchain.runner.tools import (
    CIRCOM_VERSION,
    Tools,
    choose_circom_route,
    native_circom_version,
    node_path,
)


@dataclass(frozen=True)
class CircomRun:
    """Exit code and combined, de-coloured output of one circom run."""

    exit_code: int
    output: str


@dataclass(frozen=True)
class Circom:
    """circom reached through `route` ("native", "wasmtime" or "node")."""

    route: str
    tools: Tools

    def run(self, args: list[str], preopens: list[Path]) -> CircomRun:
        """Run circom with `args`; `preopens` are the directories it may touch (WASI only)."""
        if self.route == "wasmtime":
            outcome = wasi.run_wasi_command(self.tools.circom_wasm, ["circom", *args], preopens)
            return CircomRun(outcome.exit_code, strip_ansi(outcome.stdout + outcome.stderr))
        # circom2's node CLI rewrites path arguments relative to its cwd and fails on "../";
        # from the filesystem root every absolute path stays below the cwd.
        done = command.run(self._program() + args, cwd=Path("/"), check=False)
        return CircomRun(done.returncode, strip_ansi(done.stdout + done.stderr))

    def _program(self) -> list[str]:
        if self.route == "native":
            native = command.which("circom")
            if native is None:
                raise ToolError("ZKT_CIRCOM=native but no circom on PATH")
            return [str(native)]
        return [str(node_path()), str(self.tools.circom_node_cli)]


def resolve_circom(tools: Tools) -> Circom:
    """The circom to use, checked against the pin (ToolError when missing or wrong version)."""
    route = choose_circom_route(tools)
    if route == "native":
        native = command.which("circom")
        found = native_circom_version(native) if native else None
        if found != CIRCOM_VERSION:
            raise ToolError(f"native circom {CIRCOM_VERSION} required, found {found or 'none'}")
    else:
        tools.require("circom2")
    return Circom(route, tools)
