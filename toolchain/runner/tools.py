"""Find or install the pinned external tools: circom (native, wasmtime or node), snarkjs, circomlib.

The npm tools are pinned by the package.json + package-lock.json shipped in
`toolchain/runner/pinned/` and installed with `npm ci --ignore-scripts` into the project's
tools folder (see `paths.tools_dir`). circom runs, in order of preference:
  native    a `circom` on PATH whose version equals CIRCOM_VERSION
  wasmtime  the circom2 package's circom.wasm, in process (WASI)
  node      the same circom.wasm through the circom2 package's own Node CLI
$ZKT_CIRCOM=native|wasmtime|node forces one route.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import ToolError, UsageError
from toolchain.hashing import hash_file
from toolchain.runner import circom as circom_args
from toolchain.runner import command

PINNED = {"snarkjs": "0.7.6", "circom2": "0.2.23", "circomlib": "2.0.5"}
CIRCOM_VERSION = "2.2.3"
ROUTES = ("native", "wasmtime", "node")
PINNED_DIR = Path(__file__).parent / "pinned"


@dataclass(frozen=True)
class Tools:
    """Resolved locations of the pinned tools inside one tools folder."""

    root: Path

    @property
    def node_modules(self) -> Path:
        """The installed node_modules folder (also circom's include path for circomlib)."""
        return self.root / "node_modules"

    @property
    def snarkjs_cli(self) -> Path:
        """snarkjs's CLI entry, run as `node <this>` (no npx: saves ~0.6 s a call)."""
        return self.node_modules / "snarkjs" / "build" / "cli.cjs"

    @property
    def circom_wasm(self) -> Path:
        """circom 2 compiled to WASM, from the circom2 package."""
        return self.node_modules / "circom2" / "circom.wasm"

    @property
    def circom_node_cli(self) -> Path:
        """The circom2 package's Node CLI around circom.wasm."""
        return self.node_modules / "circom2" / "cli.js"

    def installed_version(self, package: str) -> str | None:
        """The version recorded in node_modules/<package>/package.json, or None."""
        manifest = self.node_modules / package / "package.json"
        if not manifest.is_file():
            return None
        return str(json.loads(manifest.read_text()).get("version"))

    def require(self, package: str) -> None:
        """Raise ToolError unless `package` is installed at its pinned version."""
        found = self.installed_version(package)
        if found != PINNED[package]:
            state = "missing" if found is None else f"version {found}"
            raise ToolError(
                f"{package} {PINNED[package]} is required but {state} in {self.node_modules}"
                " (run `zkt tools install`)"
            )


def install(root: Path) -> None:
    """Install the pinned npm tools into `root` with `npm ci --ignore-scripts`."""
    npm = command.which("npm")
    if npm is None:
        raise ToolError("npm not found on PATH: install Node.js (with npm) first")
    root.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(PINNED_DIR / name, root / name)
    command.run([str(npm), "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=root)


def node_path() -> Path:
    """The `node` executable, or ToolError."""
    node = command.which("node")
    if node is None:
        raise ToolError("node not found on PATH: snarkjs and the node circom route need Node.js")
    return node


def native_circom_version(circom: Path) -> str | None:
    """The version a native circom binary reports (`circom compiler 2.2.3` → `2.2.3`)."""
    done = command.run([str(circom), "--version"], check=False)
    return circom_args.parse_version(done.stdout + done.stderr)


def choose_circom_route(tools: Tools) -> str:
    """The circom route to use: $ZKT_CIRCOM if set, else native if pinned, else wasmtime."""
    forced = os.environ.get("ZKT_CIRCOM", "").strip()
    if forced:
        if forced not in ROUTES:
            raise UsageError(f"ZKT_CIRCOM={forced!r}: expected one of {', '.join(ROUTES)}")
        return forced
    native = command.which("circom")
    if native is not None and native_circom_version(native) == CIRCOM_VERSION:
        return "native"
    return "wasmtime"


@dataclass(frozen=True)
class ToolStatus:
    """One row of `zkt tools doctor`."""

    name: str
    version: str
    location: str
    sha256: str
    ok: bool
    note: str = ""


def doctor(tools: Tools) -> list[ToolStatus]:
    """Check every tool: node, npm, the pinned npm packages, circom's routes."""
    rows = [_program_status("node"), _program_status("npm")]
    rows += [_package_status(tools, name) for name in ("snarkjs", "circomlib", "circom2")]
    rows.append(_native_circom_status())
    rows.append(_route_status(tools))
    return rows


def _program_status(program: str) -> ToolStatus:
    path = command.which(program)
    if path is None:
        return ToolStatus(program, "-", "-", "-", False, "not found on PATH")
    done = command.run([str(path), "--version"], check=False)
    return ToolStatus(program, done.stdout.strip() or "?", str(path), "-", done.returncode == 0)


def _package_status(tools: Tools, package: str) -> ToolStatus:
    found = tools.installed_version(package)
    main_file = {
        "snarkjs": tools.snarkjs_cli,
        "circom2": tools.circom_wasm,
        "circomlib": tools.node_modules / "circomlib" / "package.json",
    }[package]
    if found is None or not main_file.is_file():
        return ToolStatus(package, "-", str(main_file), "-", False, "missing: zkt tools install")
    ok = found == PINNED[package]
    note = "" if ok else f"pinned {PINNED[package]}"
    return ToolStatus(package, found, str(main_file), hash_file(main_file), ok, note)


def _native_circom_status() -> ToolStatus:
    native = command.which("circom")
    if native is None:
        return ToolStatus("circom (native)", "-", "-", "-", True, "none on PATH (optional)")
    found = native_circom_version(native) or "?"
    note = "used" if found == CIRCOM_VERSION else f"not used: pinned {CIRCOM_VERSION}"
    return ToolStatus("circom (native)", found, str(native), hash_file(native), True, note)


def _route_status(tools: Tools) -> ToolStatus:
    route = choose_circom_route(tools)
    ok = route == "native" or tools.circom_wasm.is_file()
    note = f"circom {CIRCOM_VERSION} runs via {route}"
    return ToolStatus("circom route", route, "-", "-", ok, note)
