"""Content-addressed key files: `objects/<sha256[:2]>/<sha256>`.

An upload is written to `objects/tmp/` while it arrives; `put` fsyncs it, renames it to its
name and fsyncs both folders, so the object is on disk before the database row naming it is
committed. Objects are never changed: a name is the hash of what it holds.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from toolchain.errors import IntegrityError
from toolchain.fsutil import fsync_file
from toolchain.hashing import hash_file


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ObjectStore:
    """The key files of a coordinator data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where the object `sha256` lives."""
        return self.root / sha256[:2] / sha256

    def new_temp(self, name: str = "upload") -> Path:
        """A fresh, empty temp file called `name` (what refusals show) in a folder of its own;
        the caller `put`s it or `discard`s it."""
        temp = Path(tempfile.mkdtemp(dir=self.tmp)) / name
        temp.touch()
        return temp

    def discard(self, temp: Path) -> None:
        """Remove a temp file that will not be kept, and its folder."""
        shutil.rmtree(temp.parent, ignore_errors=True)

    def put(self, temp: Path, sha256: str) -> Path:
        """Move a finished temp file (whose sha256 the caller measured) into place, durably."""
        target = self.path(sha256)
        if not target.is_file():
            fsync_file(temp)
            target.parent.mkdir(exist_ok=True)
            os.replace(temp, target)
            fsync_dir(target.parent)
            fsync_dir(self.root)
        self.discard(temp)
        return target

    def put_copy(self, source: Path) -> str:
        """Copy a file into the store; its sha256."""
        temp = self.new_temp(source.name)
        digest = hashlib.sha256()
        with open(source, "rb") as src, open(temp, "wb") as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                dst.write(chunk)
        self.put(temp, digest.hexdigest())
        return digest.hexdigest()

    def check(self, sha256: str, size: int) -> Path:
        """The object, once it is there with the recorded size and hash (IntegrityError if not)."""
        path = self.path(sha256)
        if not path.is_file() or path.stat().st_size != size or hash_file(path) != sha256:
            raise IntegrityError(f"{path}: missing or not the key the database recorded")
        return path

    def clear_temps(self) -> None:
        """Drop uploads a crash interrupted: none of them was accepted."""
        shutil.rmtree(self.tmp)
        self.tmp.mkdir()
