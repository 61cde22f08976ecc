"""Atomic file writes: temp file in the target directory, fsync, rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from toolchain.errors import UsageError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_overwrite(output: Path, *inputs: Path) -> None:
    """UsageError when `output` is one of `inputs` (writing over an input corrupts it)."""
    out = output.resolve()
    for candidate in inputs:
        if candidate.exists() and candidate.resolve() == out:
            raise UsageError(f"output {output} is also an input: choose another output path")
