"""Render and compile registry circuits through a content-addressed cache.

The cache key hashes the circuit name, the source (rendered from a template, or a hand-written
file), every file it includes (recursively, resolved the way circom resolves them), the circom
version and the flags. Compiled outputs live in <cache>/compile/<key>/ and are copied into
build/<name>/, whose .zkt-build.json stamp records the key and each file's sha256: an unchanged
circuit with an intact build dir is skipped without starting circom.

No-op fast path: the stamp also records (size, mtime_ns, ctime_ns, inode) of every file the
key was computed from (templates, the compiled source, each include), of the directories an
include was looked for in before it was found, and of the outputs, beside a digest of the
registry entry and the include directories. When all of them are unchanged nothing is hashed.
It trusts that a file's content does not change without changing one of those four (ctime
cannot be set back by a user: restoring mtime with os.utime still changes it); any difference
falls back to hashing. A stat taken within RACY_NS of its file's last change is not trusted
(recorded as null), like git's racy-index rule, so an edit in the same clock tick is not missed.
After every compile the circuit's public inputs (from the r1cs and the .sym) are checked
against the registry's `public` list.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolchain.config import CircuitEntry
from toolchain.errors import CompileError, ConfigError
from toolchain.formats.r1cs import R1csHeader, read_r1cs_header
from toolchain.formats.sym import read_sym
from toolchain.fsutil import write_atomic
from toolchain.hashing import hash_file, sha256_bytes
from toolchain.paths import Project, cache_dir
from toolchain.render.templates import Rendered, render_entry, template_files, template_line
from toolchain.runner.circom import (
    CircomFlags,
    annotate_locations,
    compile_argv,
    parse_includes,
)
from toolchain.runner.tools import CIRCOM_VERSION, Tools

if TYPE_CHECKING:  # the compiler pulls in wasmtime: imported only when circom must run
    from toolchain.runner.compiler import Circom

Reporter = Callable[[str], None]
RACY_NS = 2_000_000_000  # a stat this close to its file's last change is not trusted
_MAIN_SIGNAL = re.compile(r"main\.[^.\[]+(\[\d+\])*")


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


def source_path(project: Project, entry: CircuitEntry) -> Path:
    """The circom file compiled for `entry`: its hand-written source or build/NAME/NAME.circom."""
    return project.root / entry.source if entry.source else project.source(entry.name)


def prepare_source(project: Project, entry: CircuitEntry) -> str:
    """Render a template entry into build/ (a hand-written one must exist); the source text."""
    if entry.source is None:
        return render_to_build(project, entry).text
    path = source_path(project, entry)
    if not path.is_file():
        raise ConfigError(f"circuits.toml: {entry.location}.source: {entry.source} not found")
    return path.read_text(errors="replace")


def render_to_build(project: Project, entry: CircuitEntry) -> Rendered:
    """Render `entry` into build/<name>/<name>.circom (rewritten only when it changed)."""
    rendered = render_entry(project.templates_dir, entry)
    target = project.source(entry.name)
    data = rendered.text.encode()
    if not target.is_file() or target.read_bytes() != data:
        write_atomic(target, data)
    return rendered


def include_dirs(project: Project, entry: CircuitEntry, tools: Tools) -> list[Path]:
    """circom's -l directories: circuits/lib (when the project has one), the pinned
    node_modules, then the entry's own."""
    dirs = [project.lib_dir] if project.lib_dir.is_dir() else []
    dirs.append(tools.node_modules)
    for extra in entry.circom.include:
        path = (project.root / extra).resolve()
        if not path.is_dir():
            raise ConfigError(f"{entry.name}: include path {extra!r} is not a directory ({path})")
        dirs.append(path)
    return dirs


@dataclass
class Snapshot:
    """(size, mtime_ns, ctime_ns, inode) of the files a build depends on, taken before hashing."""

    stats: dict[str, list[int] | None] = field(default_factory=dict)
    # build/NAME/ changes with every build; nobody puts includes there (stat'ed: never current)
    skip: Path | None = None

    def add(self, path: Path) -> None:
        """Record `path`'s stat (None when it changed too recently to be trusted)."""
        if path == self.skip:
            return
        stat = _stat(path)
        if stat is not None and time.time_ns() - max(stat[1], stat[2]) < RACY_NS:
            stat = None
        self.stats[str(path)] = stat


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def collect_dependencies(
    source: Path, dirs: list[Path], snapshot: Snapshot | None = None
) -> dict[str, str]:
    """Every file `source` includes, transitively: include path as written → sha256.

    With `snapshot`, each file (and each directory searched in vain) is stat'ed into it first.
    """
    found: dict[str, str] = {}
    pending = [source]
    visited: set[Path] = set()
    while pending:
        current = pending.pop()
        if current in visited:
            continue
        visited.add(current)
        for target, line in parse_includes(current.read_text(errors="replace")):
            resolved = _resolve_include(current, target, line, dirs, snapshot)
            if snapshot is not None:
                snapshot.add(resolved)
            found[f"{_relative_to_any(resolved, dirs)}"] = hash_file(resolved)
            pending.append(resolved)
    return dict(sorted(found.items()))


def _resolve_include(
    current: Path, target: str, line: int, dirs: list[Path], snapshot: Snapshot | None
) -> Path:
    for base in (current.parent, *dirs):
        candidate = (base / target).resolve()
        if candidate.is_file():
            return candidate
        if snapshot is not None:  # a file created here later would shadow the one found
            snapshot.add(_nearest_existing(candidate))
    searched = ", ".join(str(d) for d in (current.parent, *dirs))
    raise CompileError(f'{current}:{line}: include "{target}" not found (searched {searched})')


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


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
    dirs = include_dirs(project, entry, tools)
    context = _context(entry, dirs)
    stamp = _fast_path(project, entry.name, context)
    if stamp is not None:
        status, key = "up to date", str(stamp["key"])
    else:
        status, key, stamp = _build(project, entry, dirs, context, tools, report, cache_root)
    # Checked again on the build copy: the expected count may change without the source.
    header = _check_constraints(entry, project.r1cs(entry.name))
    _check_public(entry, header, stamp.get("public_inputs"))
    return BuildResult(entry.name, status, key, header, time.perf_counter() - started)


def _build(
    project: Project,
    entry: CircuitEntry,
    dirs: list[Path],
    context: str,
    tools: Tools,
    report: Reporter,
    cache_root: Path | None,
) -> tuple[str, str, dict[str, Any]]:
    """The hashing path: key from content, then build dir, cache or circom; a fresh stamp."""
    snapshot = Snapshot(skip=project.build_dir(entry.name).resolve())
    for path in _source_inputs(project, entry):  # stat'ed before they are read
        snapshot.add(path)
    text = prepare_source(project, entry)
    if entry.source is None:
        snapshot.add(project.source(entry.name))
    deps = collect_dependencies(source_path(project, entry), dirs, snapshot)
    flags = CircomFlags(optimization=entry.circom.optimization)
    key = cache_key(entry.name, text, deps, flags)
    if _build_is_current(project, entry.name, key):
        status = "up to date"
    else:
        cached = (cache_root or cache_dir()) / "compile" / key
        status = _fill_cache(project, entry, cached, dirs, flags, tools, report)
        header = _check_constraints(entry, cached / f"{entry.name}.r1cs")
        # Checked before build/ is touched: a refused circuit leaves no outputs there.
        _check_public(entry, header, public_input_names(header, cached / f"{entry.name}.sym"))
        _install_build(project, entry.name, key, cached)
    return status, key, _restamp(project, entry.name, context, snapshot)


def _source_inputs(project: Project, entry: CircuitEntry) -> list[Path]:
    """The files the source text comes from: its template(s), or the hand-written file."""
    if entry.source is not None:
        return [source_path(project, entry)]
    return template_files(project.templates_dir, entry)


def _context(entry: CircuitEntry, dirs: list[Path]) -> str:
    """What the fast path also depends on besides files: the entry, include dirs, circom."""
    material = [entry.model_dump(mode="json"), [str(d) for d in dirs], CIRCOM_VERSION]
    return sha256_bytes(json.dumps(material, sort_keys=True).encode())


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
    from toolchain.runner.compiler import resolve_circom

    circom = resolve_circom(tools)
    report(f"{entry.name}: compiling with circom {CIRCOM_VERSION} ({circom.route})")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = source_path(project, entry)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".tmp-") as tmp:
        _run_circom(circom, source, Path(tmp), dirs, flags)
        _rename_outputs(Path(tmp), source.name.removesuffix(".circom"), entry.name)
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
        output = annotate_locations(result.output.strip(), _template_lines(source))
        raise CompileError(f"circom failed on {source} (exit {result.exit_code}):\n{output}")


def _template_lines(source: Path) -> Callable[[str, int], str | None]:
    """For circom's locations in a rendered `source`: the template's own file:line."""
    text = source.read_text(errors="replace")

    def explain(file: str, line: int) -> str | None:
        if Path(file).resolve() != source.resolve():
            return None
        found = template_line(text, line)
        return f"{found[0]}:{found[1]}" if found else None

    return explain


def _rename_outputs(out: Path, stem: str, name: str) -> None:
    """circom names its outputs after the source file; a hand-written one may differ."""
    if stem == name:
        return
    for old, new in zip(output_files(stem), output_files(name), strict=True):
        if (out / old).is_file():
            (out / new).parent.mkdir(parents=True, exist_ok=True)
            (out / old).rename(out / new)
    shutil.rmtree(out / f"{stem}_js", ignore_errors=True)


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


def _check_public(entry: CircuitEntry, header: R1csHeader, names: object) -> None:
    """main's public inputs (count from the r1cs, names from the .sym) are the registry's."""
    compiled = [str(n) for n in names] if isinstance(names, list) else []
    if sorted(set(entry.public)) != sorted(compiled) or (header.n_pub_in > 0) != bool(compiled):
        raise CompileError(
            f"{entry.name}: circuits.toml says public = [{', '.join(entry.public)}],"
            f" the compiled circuit has public inputs [{', '.join(compiled)}]"
        )


def public_input_names(header: R1csHeader, sym: Path) -> list[str]:
    """main's public input signals, in wire order, arrays named once (`path[0]` → `path`)."""
    first = header.n_pub_out + 1
    wires = range(first, first + header.n_pub_in)
    public = [s for s in read_sym(sym).signals if s.wire in wires]
    # main's own signals share its component index; a subcomponent's may share their wire
    main = {s.component for s in public if _MAIN_SIGNAL.fullmatch(s.name)}
    names: list[str] = []
    for signal in public:
        base = re.split(r"[.\[]", signal.name.removeprefix("main."), maxsplit=1)[0]
        if signal.component in main and base not in names:
            names.append(base)
    return names


def _install_build(project: Project, name: str, key: str, source: Path) -> None:
    """Copy the cache entry `source`'s outputs into build/<name>/ and write the stamp last."""
    files: dict[str, str] = {}
    for rel in output_files(name):
        data = (source / rel).read_bytes()
        write_atomic(project.build_dir(name) / rel, data)
        files[rel] = sha256_bytes(data)
    stamp = {"key": key, "files": files}
    write_atomic(project.build_stamp(name), json.dumps(stamp, indent=2).encode())


def _read_stamp(project: Project, name: str) -> dict[str, Any] | None:
    try:
        stamp = json.loads(project.build_stamp(name).read_text())
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def _build_is_current(project: Project, name: str, key: str) -> bool:
    stamp = _read_stamp(project, name)
    if stamp is None or stamp.get("key") != key:
        return False
    files = stamp.get("files", {})
    for rel in output_files(name):
        path = project.build_dir(name) / rel
        if not path.is_file() or hash_file(path) != files.get(rel):
            return False
    return True


def _restamp(project: Project, name: str, context: str, snapshot: Snapshot) -> dict[str, Any]:
    """The stamp with the fast path's stats and the public input names (rewritten if changed)."""
    for rel in output_files(name):
        snapshot.add(project.build_dir(name) / rel)
    stamp = _read_stamp(project, name) or {}
    public = stamp.get("public_inputs")
    if not isinstance(public, list):  # a new build: the stamp was just rewritten without them
        public = public_input_names(read_r1cs_header(project.r1cs(name)), project.sym(name))
    fresh = {
        **stamp,
        "public_inputs": public,
        "fast": {"context": context, "stats": snapshot.stats},
    }
    if fresh != stamp:
        write_atomic(project.build_stamp(name), json.dumps(fresh, indent=2).encode())
    return fresh


def _fast_path(project: Project, name: str, context: str) -> dict[str, Any] | None:
    """The stamp, when every file it recorded is unchanged since (None: hash instead)."""
    stamp = _read_stamp(project, name)
    fast = stamp.get("fast") if stamp else None
    if not isinstance(fast, dict) or fast.get("context") != context:
        return None
    stats = fast.get("stats")
    if not isinstance(stats, dict) or not stats:
        return None
    if any(recorded is None or _stat(Path(path)) != recorded for path, recorded in stats.items()):
        return None
    return stamp
