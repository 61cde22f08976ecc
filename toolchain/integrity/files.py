"""Where locked artifacts are found and how they are hashed, shared by lock and verify."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.ceremony import ptau_fetch
from toolchain.ceremony.ptau_fetch import PtauRelease
from toolchain.ceremony.transcript import FileHashes, file_hashes
from toolchain.errors import UsageError
from toolchain.integrity.model import Artifact
from toolchain.paths import Project


@dataclass
class Digests:
    """Each file hashed once per run: lock describes, then checks, the same files."""

    seen: dict[Path, FileHashes] = field(default_factory=dict)

    def of(self, path: Path) -> FileHashes:
        """Size, sha256 and blake2b-512 of `path`, streamed."""
        key = path.resolve()  # a ptau may be named relative to the cwd and by its full path
        if key not in self.seen:
            self.seen[key] = file_hashes(key)
        return self.seen[key]


def artifact_path(project: Project, name: str, kind: str) -> Path:
    """Where circuit `name`'s artifact of `kind` lives in `project`."""
    where: dict[str, Callable[[str], Path]] = {
        "source": project.source,
        "r1cs": project.r1cs,
        "wasm": project.wasm,
        "zkey": project.zkey,
        "transcript": project.transcript,
        "vkey": project.vkey,
        "verifier": project.verifier_sol,
    }
    return where[kind](name)


def release_by_hash(blake2b: str) -> PtauRelease | None:
    """The published ptau whose pinned blake2b this is, if any."""
    return next((r for r in ptau_fetch.read_releases().values() if r.blake2b == blake2b), None)


def release_by_name(file_name: str) -> PtauRelease | None:
    """The published ptau of this file name, if any."""
    return next((r for r in ptau_fetch.read_releases().values() if r.file_name == file_name), None)


def find_ptau(project: Project, art: Artifact, override: Path | None) -> Path | None:
    """The ptau: `override`, else its recorded path, else the cached copy of a published one."""
    if override is not None:
        if not override.is_file():
            raise UsageError(f"no ptau at {override}")
        return override
    candidates = [project.root / art.path] if art.path else []
    published = art.settings.get("published")
    release = release_by_name(published) if isinstance(published, str) else None
    if release is not None:
        candidates.append(ptau_fetch.cached_ptau_path(release))
    return next((path for path in candidates if path.is_file()), None)
