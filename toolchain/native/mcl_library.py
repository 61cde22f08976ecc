"""mcl's shared libraries from the `mclbn256` wheel, kept in the user's cache and loaded from there.

The wheel holds libmclbn256.so and libmcl.so as hex strings inside its Python module: importing
it decodes ≈ 21 MB of hex, writes both libraries to a temporary folder, loads them and
initialises mcl for a curve we do not use, ≈ 0.2 s in every process. Here the wheel is imported
once per installed copy: its two libraries, as the wheel holds them, are written to
<cache>/mcl/<wheel key>/ (the cache of `toolchain.paths.cache_dir`, ~/.cache/zk-toolchain by
default) with their sha256 in SHA256SUMS, and later processes load them with ctypes directly.
The key is the wheel module's path, size, mtime and inode: reinstalling the wheel makes a new
entry. libmclbn256.so finds libmcl.so through its RUNPATH, $ORIGIN/lib.

A cached library is code this process runs, so an entry is loaded only when its folders and
files are this user's, not symlinks, writable by no one else, and every file's sha256 is the one
SHA256SUMS lists; an entry that fails any check is replaced from the wheel, never loaded. When
the cache cannot be written, or a checked library does not load (a noexec mount), the wheel's
own copy is used as before.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import logging
import shutil
import tempfile
from pathlib import Path
from types import ModuleType

from toolchain.fsutil import private_problem, trusted_problem, write_atomic
from toolchain.paths import cache_dir

log = logging.getLogger(__name__)

WHEEL = "mclbn256"
MAIN = "libmclbn256.so"
# Each library's path in an entry, and the wheel module's global holding its bytes.
FILES = {MAIN: "mclbn256_bs", "lib/libmcl.so": "mcl_bs"}
SUMS = "SHA256SUMS"


def load_library() -> ctypes.CDLL:
    """libmclbn256 loaded with ctypes: the checked cached copy, else the wheel's (then cached).

    ImportError or OSError, as importing the wheel raises them, when it is not installed or its
    library does not load.
    """
    entry = cache_entry()
    if entry is None:  # not installed: the import says so in its own words
        return _wheel_library()
    problem = distrust(entry)
    if problem is None:
        try:
            return ctypes.CDLL(str(entry / MAIN))
        except OSError as exc:
            log.warning("cannot load the cached mcl library (%s): using the wheel's copy", exc)
            return _wheel_library()
    if entry.exists() or entry.is_symlink():
        log.warning("replacing the cached mcl library %s: %s", entry, problem)
    store(entry, _wheel())
    return _wheel_library()


def cache_entry() -> Path | None:
    """<cache>/mcl/<key of the installed wheel>; None when the wheel is not installed."""
    try:
        spec = importlib.util.find_spec(WHEEL)
    except ValueError:  # imported some other way, without a spec
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    module = Path(next(iter(spec.submodule_search_locations))) / f"{WHEEL}.py"
    try:
        st = module.stat()
    except OSError:
        return None
    identity = f"{module}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
    return cache_dir() / "mcl" / hashlib.sha256(identity.encode()).hexdigest()[:32]


def _wheel() -> ModuleType:
    """The wheel's module, imported: the slow way (hex decoded, temporary files, loaded)."""
    from mclbn256 import mclbn256

    wheel: ModuleType = mclbn256
    return wheel


def _wheel_library() -> ctypes.CDLL:
    """The library the wheel's module loaded from its temporary copy."""
    library: ctypes.CDLL = _wheel().lib
    return library


def distrust(entry: Path) -> str | None:
    """Why the cache entry must not be loaded, or None when it is ours, private and intact."""
    problem = private_problem(entry, folder=True) or private_problem(entry / SUMS)
    if problem is not None:
        return problem
    try:
        listed = _read_sums(entry / SUMS)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        return f"{entry / SUMS}: {exc}"
    if MAIN not in listed:
        return f"{SUMS} does not list {MAIN}"
    problems = (_file_problem(entry, name, digest) for name, digest in listed.items())
    return next((problem for problem in problems if problem is not None), None)


def _file_problem(entry: Path, name: str, digest: str) -> str | None:
    """Why the entry's file `name` (or a folder on its way) is not private or not `digest`."""
    for up in Path(name).parents:
        problem = None if up == Path(".") else private_problem(entry / up, folder=True)
        if problem is not None:
            return problem
    return trusted_problem(entry / name, digest)


def _read_sums(path: Path) -> dict[str, str]:
    """SHA256SUMS: `<sha256>  <relative path>` lines; only the names of FILES are accepted."""
    listed: dict[str, str] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        digest, _, name = line.partition("  ")
        if name not in FILES or len(digest) != 64:
            raise ValueError(f"unexpected line {line[:80]!r}")
        listed[name] = digest
    return listed


def store(entry: Path, wheel: ModuleType) -> None:
    """Write the wheel's libraries and SHA256SUMS as `entry` (0700), replacing a bad entry.

    Best effort: the cache only saves time, so a failure is logged and the wheel's copy used.
    """
    libraries = {name: getattr(wheel, attr, b"") for name, attr in FILES.items()}
    if not isinstance(libraries[MAIN], bytes) or not libraries[MAIN]:
        return  # another layout of the wheel: nothing to cache, its own loader is used
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".new-", dir=entry.parent))  # mode 0700
        try:
            _write_entry(staging, libraries)
            if distrust(entry) is not None:  # else another process stored it meanwhile
                _discard(entry)
                staging.rename(entry)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        log.warning("could not cache the mcl library in %s: %s", entry, exc)


def _write_entry(folder: Path, libraries: dict[str, object]) -> None:
    """The libraries (0600, in 0700 folders) and their SHA256SUMS, written into `folder`."""
    lines = []
    for name, data in libraries.items():
        if isinstance(data, bytes) and data:
            (folder / name).parent.mkdir(mode=0o700, exist_ok=True)
            write_atomic(folder / name, data, private=True)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
    write_atomic(folder / SUMS, "".join(lines).encode("ascii"), private=True)


def _discard(entry: Path) -> None:
    """Remove a distrusted entry, whatever it is (a folder, a file or a symlink)."""
    if entry.is_symlink() or entry.is_file():
        entry.unlink()
    elif entry.exists():
        shutil.rmtree(entry)
