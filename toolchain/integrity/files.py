"""Where locked artifacts are found and how they are hashed, shared by lock and verify."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.ceremony import ptau_fetch
from toolchain.ceremony.ptau_fetch import PtauRelease
from toolchain.ceremony.transcript import FileHashes, file_hashes
from toolchain.errors import IntegrityError, UsageError
from toolchain.integrity.model import Artifact, Manifest
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


def find_ptau(project: Project, art: Artifact) -> Path | None:
    """A locked ptau's file: its recorded path, else the cached copy of a published one."""
    candidates = [project.root / art.path] if art.path else []
    published = art.settings.get("published")
    release = release_by_name(published) if isinstance(published, str) else None
    if release is not None:
        candidates.append(ptau_fetch.cached_ptau_path(release))
    return next((path for path in candidates if path.is_file()), None)


def locate_ptaus(
    project: Project, manifest: Manifest, override: Path | None, digests: Digests
) -> dict[str, Path | None]:
    """Each locked ptau's file (None: absent); `override` stands for the locked ptau it is."""
    found = {art_id: find_ptau(project, manifest.artifacts[art_id]) for art_id in manifest.ptaus()}
    if override is not None:
        if not override.is_file():
            raise UsageError(f"no ptau at {override}")
        found[_overridden(manifest, override, digests)] = override
    return found


def _overridden(manifest: Manifest, override: Path, digests: Digests) -> str:
    """The locked ptau `override` is: the only one, else the one of its size, else by blake2b.

    A file of another content is then checked (and fails) as that ptau; one that none of
    several locked ptaus could be is refused here.
    """
    ids = manifest.ptaus()
    sized = [i for i in ids if manifest.artifacts[i].size == override.stat().st_size]
    if len(ids) == 1 or len(sized) == 1:
        return ids[0] if len(ids) == 1 else sized[0]
    blake2b = digests.of(override).blake2b
    same = [i for i in sized if manifest.artifacts[i].blake2b == blake2b]
    if not same:
        raise IntegrityError(
            f"{override} (blake2b {blake2b[:16]}…) is none of the locked ptaus: {', '.join(ids)}"
        )
    return same[0]
