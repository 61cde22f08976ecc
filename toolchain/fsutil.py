"""Atomic file writes: temp file in the target directory, fsync, rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from toolchain.errors import UsageError


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
