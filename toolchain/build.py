"""Render and compile registry circuits through a content-addressed cache.

The cache key hashes the circuit name, the rendered source, every file it includes
(recursively, resolved the way circom resolves them), the circom version and the flags.
Compiled outputs live in <cache>/compile/<key>/ and are copied into build/<name>/, whose
.zkt-build.json stamp records the key and each file's sha256: an unchanged circuit with an
intact build dir is skipped without starting circom.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolchain.config import CircuitEntry
from toolchain.errors import CompileError, ConfigError
from toolchain.formats.r1cs import R1csHeader, read_r1cs_header
from toolchain.fsutil import write_atomic
from toolchain.hashing import hash_file, sha256_bytes
from toolchain.paths import Project, cache_dir
from toolchain.render.templates import Rendered, render_entry
from toolchain.runner.circom import CircomFlags, compile_argv, parse_includes
from toolchain.runner.compiler import Circom, resolve_circom
from toolchain.runner.tools import CIRCOM_VERSION, Tools

Reporter = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    """What `compile_entry` did for one circuit."""

    name: str
    status: str  # "up to date" | "from cache" | "compiled"
    key: str
    header: R1csHeader
    seconds: float


def output_files(name: str) -> list[str]:
    """The files circom writes for `name`, relative to the output directory."""
    js = f"{name}_js"
    return [
        f"{name}.r1cs",
        f"{name}.sym",
        f"{js}/{name}.wasm",
        f"{js}/witness_calculator.js",
        f"{js}/generate_witness.js",
    ]


def render_to_build(project: Project, entry: CircuitEntry) -> Rendered:
    """Render `entry` into build/<name>/<name>.circom (rewritten only when it changed)."""
    rendered = render_entry(project.templates_dir, entry)
    target = project.source(entry.name)
    data = rendered.text.encode()
    if not target.is_file() or target.read_bytes() != data:
        write_atomic(target, data)
    return rendered


def include_dirs(project: Project, entry: CircuitEntry, tools: Tools) -> list[Path]:
    """circom's -l directories: circuits/lib, the pinned node_modules, then the entry's own."""
    dirs = [project.lib_dir, tools.node_modules]
    for extra in entry.circom.include:
        path = (project.root / extra).resolve()
        if not path.is_dir():
            raise ConfigError(f"{entry.name}: include path {extra!r} is not a directory ({path})")
        dirs.append(path)
    return dirs


def collect_dependencies(source: Path, dirs: list[Path]) -> dict[str, str]:
    """Every file `source` includes, transitively: include path as written → sha256."""
    found: dict[str, str] = {}
    pending = [source]
    visited: set[Path] = set()
    while pending:
        current = pending.pop()
        if current in visited:
            continue
        visited.add(current)
        for target, line in parse_includes(current.read_text(errors="replace")):
            resolved = _resolve_include(current, target, line, dirs)
            found[f"{_relative_to_any(resolved, dirs)}"] = hash_file(resolved)
            pending.append(resolved)
    return dict(sorted(found.items()))


def _resolve_include(current: Path, target: str, line: int, dirs: list[Path]) -> Path:
    for base in (current.parent, *dirs):
        candidate = (base / target).resolve()
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(d) for d in (current.parent, *dirs))
    raise CompileError(f'{current}:{line}: include "{target}" not found (searched {searched})')


def _relative_to_any(path: Path, dirs: list[Path]) -> str:
    """A machine-independent name for an included file, for the cache key."""
    for base in dirs:
        if path.is_relative_to(base.resolve()):
            return path.relative_to(base.resolve()).as_posix()
    return path.name


def cache_key(name: str, source: str, deps: dict[str, str], flags: CircomFlags) -> str:
    """sha256 over everything that determines circom's output."""
    material = {
        "name": name,
        "source": sha256_bytes(source.encode()),
        "includes": deps,
        "circom": CIRCOM_VERSION,
        "flags": {"optimization": flags.optimization, "prime": flags.prime},
    }
    return sha256_bytes(json.dumps(material, sort_keys=True).encode())


def compile_entry(
    project: Project,
    entry: CircuitEntry,
    tools: Tools,
    report: Reporter = lambda _: None,
    cache_root: Path | None = None,
) -> BuildResult:
    """Render and compile one circuit, reusing the build dir or the cache when the key matches.

    The compile cache lives under `cache_root` (default: `cache_dir()`, i.e. $ZKT_CACHE).
    """
    started = time.perf_counter()
    tools.require("circomlib")
    rendered = render_to_build(project, entry)
    dirs = include_dirs(project, entry, tools)
    flags = CircomFlags(optimization=entry.circom.optimization)
    deps = collect_dependencies(project.source(entry.name), dirs)
    key = cache_key(entry.name, rendered.text, deps, flags)
    if _build_is_current(project, entry.name, key):
        status = "up to date"
    else:
        cached = (cache_root or cache_dir()) / "compile" / key
        status = _fill_cache(project, entry, cached, dirs, flags, tools, report)
        _check_constraints(entry, cached / f"{entry.name}.r1cs")
        _install_build(project, entry.name, key, cached)
    # Checked again on the build copy: the expected count may change without the source.
    header = _check_constraints(entry, project.r1cs(entry.name))
    return BuildResult(entry.name, status, key, header, time.perf_counter() - started)


def _fill_cache(
    project: Project,
    entry: CircuitEntry,
    target: Path,
    dirs: list[Path],
    flags: CircomFlags,
    tools: Tools,
    report: Reporter,
) -> str:
    if all((target / rel).is_file() for rel in output_files(entry.name)):
        return "from cache"
    circom = resolve_circom(tools)
    report(f"{entry.name}: compiling with circom {CIRCOM_VERSION} ({circom.route})")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".tmp-") as tmp:
        _run_circom(circom, project.source(entry.name), Path(tmp), dirs, flags)
        _missing_outputs_check(entry.name, Path(tmp))
        shutil.rmtree(target, ignore_errors=True)
        Path(tmp).rename(target)
    return "compiled"


def _run_circom(
    circom: Circom, source: Path, out: Path, dirs: list[Path], flags: CircomFlags
) -> None:
    args = compile_argv(source, out, dirs, flags)
    result = circom.run(args, preopens=[source.parent, out, *dirs])
    if result.exit_code != 0:
        raise CompileError(
            f"circom failed on {source} (exit {result.exit_code}):\n{result.output.strip()}"
        )


def _missing_outputs_check(name: str, out: Path) -> None:
    missing = [rel for rel in output_files(name) if not (out / rel).is_file()]
    if missing:
        raise CompileError(
            f"{name}: circom reported success but did not write {', '.join(missing)}"
        )


def _check_constraints(entry: CircuitEntry, r1cs: Path) -> R1csHeader:
    header = read_r1cs_header(r1cs)
    expected = entry.expected_constraints
    if expected is not None and header.n_constraints != expected:
        raise CompileError(
            f"{entry.name}: circuits.toml expects {expected} constraints,"
            f" circom produced {header.n_constraints}"
        )
    return header


def _install_build(project: Project, name: str, key: str, source: Path) -> None:
    """Copy the cache entry `source`'s outputs into build/<name>/ and write the stamp last."""
    files: dict[str, str] = {}
    for rel in output_files(name):
        data = (source / rel).read_bytes()
        write_atomic(project.build_dir(name) / rel, data)
        files[rel] = sha256_bytes(data)
    stamp = {"key": key, "files": files}
    write_atomic(project.build_stamp(name), json.dumps(stamp, indent=2).encode())


def _build_is_current(project: Project, name: str, key: str) -> bool:
    try:
        stamp = json.loads(project.build_stamp(name).read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("key") != key:
        return False
    files = stamp.get("files", {})
    for rel in output_files(name):
        path = project.build_dir(name) / rel
        if not path.is_file() or hash_file(path) != files.get(rel):
            return False
    return True
