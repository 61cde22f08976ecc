"""Run WebAssembly in process with wasmtime: a shared engine and an on-disk compiled-module cache.

Compiling circom.wasm (9 MB) takes seconds; the compiled module is serialised under
<cache>/wasmtime/<sha256 of the wasm>-<wasmtime version>.<sha256 of the module>.cwasm so later
starts take milliseconds. A compiled module is machine code that wasmtime maps and runs without
checking it, so a cached one is loaded only when we wrote it: the file and its folder are this
user's and writable by no one else (`fsutil.private_problem`), and the file's sha256 is the one
in its name. Anything else is compiled again and the entry rewritten.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import wasmtime

from toolchain.errors import FormatError
from toolchain.fsutil import private_problem, trusted_problem, write_atomic
from toolchain.paths import cache_dir

log = logging.getLogger(__name__)


@cache
def shared_engine() -> wasmtime.Engine:
    """One engine per process: modules deserialised from the cache must match its config."""
    config = wasmtime.Config()
    config.wasm_multi_memory = True  # the witness read-back helper has a memory of its own
    return wasmtime.Engine(config)


# Modules already loaded in this process, by their compiled-cache file as it was then (path,
# size, mtime, inode): a caller that loads a circuit per request (the api makes a calculator
# per witness) reuses one compiled module instead of deserialising it again. Bounded; a
# rewritten cache file is a new key.
_LOADED: dict[tuple[str, int, int, int], wasmtime.Module] = {}
_LOADED_MAX = 32
_LOADED_LOCK = threading.Lock()
SUFFIX = ".cwasm"


def load_module(wasm_path: Path, cache_root: Path | None = None) -> wasmtime.Module:
    """Compile `wasm_path`, or load its compiled form from the cache (default `cache_dir()`)."""
    wasm = Path(wasm_path).read_bytes()
    folder = (cache_root or cache_dir()) / "wasmtime"
    stem = f"{hashlib.sha256(wasm).hexdigest()}-{_wasmtime_version()}"
    entries = sorted(folder.glob(f"{stem}.*{SUFFIX}"))
    loaded = next((_LOADED[k] for k in map(_file_key, entries) if k in _LOADED), None)
    if loaded is not None:  # checked when it was loaded, and the file is unchanged since
        return loaded
    cached = _ours(folder, stem, entries)
    module = _deserialize(cached)
    if module is None:
        module = _compile(wasm_path, wasm)
        cached = _store(folder, stem, bytes(module.serialize()))
    key = _file_key(cached)
    if key is not None:
        with _LOADED_LOCK:
            while len(_LOADED) >= _LOADED_MAX:
                _LOADED.pop(next(iter(_LOADED)))
            _LOADED[key] = module
    return module


@cache
def _wasmtime_version() -> str:
    return version("wasmtime")  # parses the package metadata: ~0.2 ms, once


def _file_key(path: Path | None) -> tuple[str, int, int, int] | None:
    try:
        stat = path.stat() if path is not None else None
    except OSError:
        return None
    return None if stat is None else (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _ours(folder: Path, stem: str, entries: list[Path]) -> Path | None:
    """The entry of `stem` that we wrote: private, its sha256 the one in its name; or None."""
    if not entries:
        return None
    problem = private_problem(folder, folder=True)
    for path in entries if problem is None else []:
        named = path.name[len(stem) + 1 : -len(SUFFIX)]
        problem = trusted_problem(path, named)
        if problem is None:
            return path
    log.warning("ignoring cached module: %s", problem)
    return None


def _deserialize(cached: Path | None) -> wasmtime.Module | None:
    if cached is None:
        return None
    try:
        return wasmtime.Module.deserialize_file(shared_engine(), str(cached))
    except wasmtime.WasmtimeError:
        log.warning("ignoring unusable cached module %s", cached)
        return None


def _compile(wasm_path: Path, wasm: bytes) -> wasmtime.Module:
    try:
        return wasmtime.Module(shared_engine(), wasm)
    except wasmtime.WasmtimeError as exc:
        raise FormatError(f"{wasm_path}: not a valid WebAssembly module: {exc}") from exc


def _store(folder: Path, stem: str, data: bytes) -> Path | None:
    """`data` as <stem>.<its sha256>.cwasm in `folder` (0700), other entries of `stem` removed."""
    path = folder / f"{stem}.{hashlib.sha256(data).hexdigest()}{SUFFIX}"
    # The cache only saves time: a read-only or full disk must not stop the work.
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # a folder others can write voids every module in it
        write_atomic(path, data)
        for stale in [*folder.glob(f"{stem}.*{SUFFIX}"), folder / f"{stem}{SUFFIX}"]:
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not cache compiled module at %s: %s", path, exc)
        return None
    return path


@dataclass(frozen=True)
class WasiOutcome:
    """Exit code and captured output of a WASI command run."""

    exit_code: int
    stdout: str
    stderr: str


def run_wasi_command(wasm_path: Path, argv: list[str], preopens: list[Path]) -> WasiOutcome:
    """Run a WASI command module with `argv`; each preopen is visible at its own absolute path."""
    module = load_module(wasm_path)
    with tempfile.TemporaryDirectory(prefix="zkt-wasi-") as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        store = wasmtime.Store(shared_engine())
        store.set_wasi(_wasi_config(argv, preopens, out, err))
        linker = wasmtime.Linker(shared_engine())
        linker.define_wasi()
        code = _run_start(linker.instantiate(store, module), store)
        return WasiOutcome(code, _read_text(out), _read_text(err))


def _wasi_config(
    argv: list[str], preopens: list[Path], out: Path, err: Path
) -> wasmtime.WasiConfig:
    config = wasmtime.WasiConfig()
    config.argv = argv
    config.stdout_file = str(out)
    config.stderr_file = str(err)
    for directory in dict.fromkeys(p.resolve() for p in preopens):
        config.preopen_dir(str(directory), str(directory))
    return config


def _run_start(instance: wasmtime.Instance, store: wasmtime.Store) -> int:
    start = instance.exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    try:
        start(store)
    except wasmtime.ExitTrap as exc:
        return int(exc.code)
    return 0


def _read_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
