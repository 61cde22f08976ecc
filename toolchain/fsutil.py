"""Atomic file writes (temp file in the target directory, fsync, rename) and output guards.

Writers never write over one of their inputs (`refuse_overwrite`) and never replace an existing
output unless forced (`refuse_existing`). Outputs that belong together (proof.json and
public.json) are written into a private staging folder beside them and moved in together
(`staged_outputs`), so a reader never sees a mix of old and new files.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from toolchain.errors import UsageError
from toolchain.hashing import hash_file


@contextmanager
def atomic_open(path: Path, *, private: bool = False) -> Iterator[BinaryIO]:
    """A binary file that replaces `path` only when the block finishes without an exception.

    `private` files (witnesses, entropy) are created 0600; others 0644.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if not private:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write `data` to `path` so that readers see either the old file or the whole new one."""
    with atomic_open(path, private=private) as fh:
        fh.write(data)


def refuse_overwrite(output: Path, *inputs: Path) -> None:
    """UsageError when `output` is one of `inputs` (writing over an input corrupts it)."""
    out = output.resolve()
    for candidate in inputs:
        if candidate.exists() and candidate.resolve() == out:
            raise UsageError(f"output {output} is also an input: choose another output path")


def refuse_existing(output: Path, *inputs: Path, force: bool = False) -> None:
    """UsageError when `output` is an input (even `force`d), a folder, or exists unforced."""
    refuse_overwrite(output, *inputs)
    if output.is_dir():
        raise UsageError(f"{output} is a folder: give a file path")
    if output.exists() and not force:
        raise UsageError(f"{output} exists: choose another path (--force replaces it)")


def private_problem(path: Path, *, folder: bool = False, secret: bool = False) -> str | None:
    """Why `path` is not a regular file (or a folder) of this user's that no one else can write
    (`secret`: nor read, nor run).

    None when it is. Caches of code (shared libraries, compiled modules) load only such files:
    whoever can write one can run code in every process that loads it. A file holding a secret
    (a bearer token) is trusted only when no one else can read it either.
    """
    try:
        st = path.lstat()
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    if not (stat.S_ISDIR if folder else stat.S_ISREG)(st.st_mode):
        return f"{path}: not a {'folder' if folder else 'regular file'}"
    if st.st_uid != os.getuid():
        return f"{path}: owned by uid {st.st_uid}, not by this user"
    if secret and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"{path}: open to others (mode {stat.S_IMODE(st.st_mode):o}, not 600)"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path}: writable by others (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def trusted_problem(path: Path, sha256: str) -> str | None:
    """Why a cached file of code may not be loaded: not private (`private_problem`) or its
    sha256 is not `sha256`. None when it may."""
    problem = private_problem(path)
    if problem is not None:
        return problem
    actual = hash_file(path)
    if actual == sha256:
        return None
    return f"{path}: its sha256 is {actual[:16]}..., not {sha256[:16]}..."


def fsync_file(path: Path) -> None:
    """Flush a finished file to disk before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def staged_outputs(
    folder: Path, names: Sequence[str], *inputs: Path, force: bool = False
) -> Iterator[Path]:
    """A private (0700) folder inside `folder` where the block writes some or all of `names`.

    `names` are one set of outputs: each is checked with `refuse_existing` before anything is
    created. When the block succeeds, what it wrote is moved into `folder` together and the old
    files of the set go (only when `force`d), so the folder never mixes old and new; when it
    fails, `folder` is left as it was, down to not existing if it did not.
    """
    for name in names:
        refuse_existing(folder / name, *inputs, force=force)
    created = _make_folders(folder)
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix=".zkt-staging-") as tmp:
            yield Path(tmp)
            _move_together(Path(tmp), folder, names)
    except BaseException:
        for made in reversed(created):
            with suppress(OSError):  # someone else wrote there meanwhile: leave it
                made.rmdir()
        raise


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones created, outermost first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def _move_together(staging: Path, folder: Path, names: Sequence[str]) -> None:
    """Replace the set `names` in `folder` by what `staging` holds of it; on any failure the
    old files come back."""
    previous = staging / ".previous"
    previous.mkdir()
    written = [name for name in names if (staging / name).exists()]
    placed: list[Path] = []
    try:
        for name in written:
            fsync_file(staging / name)
        for name in names:
            if (folder / name).exists():
                os.replace(folder / name, previous / name)
        for name in written:
            os.replace(staging / name, folder / name)
            placed.append(folder / name)
    except BaseException:
        for path in placed:
            path.unlink()
        for old in previous.iterdir():
            os.replace(old, folder / old.name)
        raise
