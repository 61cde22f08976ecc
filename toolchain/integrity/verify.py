"""`zkt artifacts verify`: hash every locked artifact again and check their relations.

Files are hashed streaming and the relations repeated (integrity/checks.py); with `rebuild`, the
sources, r1cs and wasm are not read from build/ but rendered and compiled afresh into a
temporary build with an empty compile cache. The r1cs row also checks its recorded audit
verdict (integrity/audited.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.build import Reporter, compile_entry, source_path
from toolchain.ceremony.transcript import read_transcript
from toolchain.config import Registry, read_ceremony_config
from toolchain.errors import IntegrityError, ToolError, ZktError
from toolchain.formats.ptau import open_ptau
from toolchain.formats.r1cs import read_r1cs, read_r1cs_header
from toolchain.formats.universal_zkey import UniversalZkey, open_universal_zkey
from toolchain.formats.zkey import ZkeyFile, open_zkey
from toolchain.integrity import checks, universal
from toolchain.integrity.audited import check_audit
from toolchain.integrity.files import (
    Digests,
    artifact_path,
    locate_ptaus,
    release_by_name,
)
from toolchain.integrity.model import (
    BUILD_KINDS,
    CIRCUIT_KINDS,
    LEGACY_PTAU,
    Artifact,
    Manifest,
    kind_of,
    manifest_path,
    ptau_id,
    read_manifest,
)
from toolchain.integrity.report import Report, Row, Status
from toolchain.paths import Project, shown_path
from toolchain.runner.tools import Tools


def verify(
    project: Project,
    registry: Registry,
    tools: Tools,
    *,
    rebuild: bool = False,
    ptau: Path | None = None,
    report: Reporter = lambda _: None,
) -> Report:
    """Hash every locked artifact again (streamed) and check their relations.

    With `rebuild`, sources, r1cs and wasm come from a fresh render + compile of every locked
    circuit in a temporary build with an empty cache: reproducible builds, not build/.
    """
    manifest = read_manifest(manifest_path(project))
    digests = Digests()
    ptau_files = locate_ptaus(project, manifest, ptau, digests)
    if not rebuild:
        return Checker(project, registry, manifest, digests, project, ptau_files, tools).report()
    with tempfile.TemporaryDirectory(prefix="zkt-rebuild-") as tmp:
        scratch = Path(tmp).resolve()
        build = ScratchBuild(project.root, scratch / "build")
        errors = _rebuild(build, registry, tools, manifest.circuits(), scratch / "cache", report)
        checker = Checker(project, registry, manifest, digests, build, ptau_files, tools, errors)
        return checker.report()


@dataclass(frozen=True)
class ScratchBuild(Project):
    """The project's sources with build/ elsewhere: where `verify --rebuild` compiles."""

    build_root: Path

    def build_dir(self, name: str) -> Path:
        """<build_root>/<name>/ instead of build/<name>/."""
        return self.build_root / name


def _rebuild(
    build: ScratchBuild,
    registry: Registry,
    tools: Tools,
    names: list[str],
    cache: Path,
    report: Reporter,
) -> dict[str, str]:
    """Render and compile `names` into `build` with an empty cache; circuit → error if any."""
    errors: dict[str, str] = {}
    for name in names:
        try:
            compile_entry(build, registry.get(name), tools, report, cache_root=cache)
        except ToolError:
            raise
        except ZktError as exc:
            errors[name] = f"rebuild failed: {exc}"
    return errors


class _Absent(Exception):
    """The file to check is not there: MISSING, or SKIPPED for a ptau (it need not be)."""

    def __init__(self, status: Status, detail: str) -> None:
        super().__init__(detail)
        self.status = status


@dataclass
class Checker:
    """One verification pass over a manifest; rows are checked in pipeline order."""

    project: Project
    registry: Registry
    manifest: Manifest
    digests: Digests
    build: Project  # where source, r1cs and wasm are read: build/, or a fresh rebuild
    ptau_files: dict[str, Path | None]  # ptau id → its file, None when absent
    tools: Tools  # snarkjs rebuilds a PLONK or fflonk key from its r1cs and ptau
    rebuild_errors: dict[str, str] | None = None  # set in rebuild mode
    failed: set[str] = field(default_factory=set)

    def report(self) -> Report:
        """Every artifact's row."""
        ordered = sorted(self.manifest.artifacts, key=lambda art_id: (*_order(art_id), art_id))
        return Report([self.check(art_id) for art_id in ordered])

    def check(self, art_id: str) -> Row:
        """Hashes, then input links, then relations; the first failure decides the row."""
        art = self.manifest.artifacts[art_id]
        try:
            notes = [*self._hashes(art_id, art), *self._links(art), *self._relations(art_id, art)]
        except _Absent as exc:
            status, detail = exc.status, str(exc)
        except ZktError as exc:
            status, detail = Status.MISMATCH, str(exc)
        else:
            status, detail = Status.OK, "; ".join(note for note in notes if note) or "hashes match"
        if art.kind == "ptau" and self.manifest.keyed_on(art_id):
            detail = f"ptau of {', '.join(self.manifest.keyed_on(art_id))}; {detail}"
        if status in (Status.MISMATCH, Status.MISSING):
            self.failed.add(art_id)
        return Row(art_id, art.kind, _label(art), status, detail)

    def path_of(self, art_id: str) -> Path | None:
        """Where the artifact is read from (None: an absent ptau)."""
        if kind_of(art_id) == "ptau":
            return self.ptau_files.get(art_id)
        name, _, kind = art_id.partition("/")
        return self._where(self.build if kind in BUILD_KINDS else self.project, name, kind)

    def _where(self, project: Project, name: str, kind: str) -> Path:
        """artifact_path, except that a hand-written source lives where circuits.toml says."""
        if kind == "source":
            return source_path(project, self.registry.get(name))
        return artifact_path(project, name, kind)

    def _hashes(self, art_id: str, art: Artifact) -> list[str]:
        notes = [self._ptau_identity(art_id, art)] if art.kind == "ptau" else []
        path = self.path_of(art_id)
        name = art_id.partition("/")[0]
        if art.kind in BUILD_KINDS and name in (self.rebuild_errors or {}):
            raise IntegrityError((self.rebuild_errors or {})[name])
        if path is None or not path.is_file():
            raise _Absent(*self._absence(art, notes))
        self._check_recorded_path(art_id, art)
        got = self.digests.of(path)
        if (got.size, got.sha256, got.blake2b) != (art.size, art.sha256, art.blake2b):
            raise IntegrityError(
                f"content differs from the lock: sha256 {got.sha256[:16]}… (locked"
                f" {art.sha256[:16]}…), {got.size} bytes (locked {art.size})"
            )
        if art.kind in BUILD_KINDS and self.rebuild_errors is not None:
            notes.append("rebuilt from source with an empty cache: identical")
        return notes

    def _absence(self, art: Artifact, notes: list[str]) -> tuple[Status, str]:
        if art.kind == "ptau":
            skipped = "ptau not present: hash and relations not checked"
            return Status.SKIPPED, "; ".join([*notes, skipped])
        if art.kind in BUILD_KINDS:
            return Status.MISSING, "not found: run `zkt compile` first, or verify with --rebuild"
        return Status.MISSING, "not found"

    def _check_recorded_path(self, art_id: str, art: Artifact) -> None:
        if art.kind == "ptau":
            return
        name, _, kind = art_id.partition("/")
        expected = shown_path(self.project.root, self._where(self.project, name, kind))
        if art.path != expected:
            raise IntegrityError(f"recorded at {art.path}, but {art_id} lives at {expected}")

    def _links(self, art: Artifact) -> list[str]:
        for ref, link in sorted(art.inputs.items()):
            target = self.manifest.artifacts.get(ref)
            if target is None:
                raise IntegrityError(f"its input {ref} is not in the manifest")
            if target.link() != link:
                raise IntegrityError(
                    f"its input {ref} is recorded as {link[:23]}…, the manifest locks"
                    f" {target.link()[:23]}…"
                )
        return []

    def _relations(self, art_id: str, art: Artifact) -> list[str]:
        if art.kind == "ptau":
            return self._ptau_relations(art_id)
        name = art_id.partition("/")[0]
        relation: dict[str, Callable[[str], list[str]]] = {
            "source": self._source_relations,
            "r1cs": self._r1cs_relations,
            "zkey": self._zkey_relations,
            "transcript": self._transcript_relations,
            "vkey": self._vkey_relations,
            "verifier": self._verifier_relations,
        }
        return relation[art.kind](name) if art.kind in relation else []

    def _unusable(self, ref: str) -> str | None:
        """Why a relation to `ref` cannot be checked (not locked, or failed), else None."""
        if ref not in self.manifest.artifacts:
            return f"{ref} is not locked: relation skipped"
        if ref in self.failed:
            return f"{ref} failed: relation skipped"
        return None

    def _file(self, art_id: str) -> Path:
        path = self.path_of(art_id)
        assert path is not None  # only the ptau can be absent, and it is never asked for here
        return path

    def _ptau_identity(self, art_id: str, art: Artifact) -> str:
        """A locked ptau's id is its blake2b, a key names it, a published name its pinned hash:
        checked whether or not the file is present."""
        if art_id not in (LEGACY_PTAU, ptau_id(art.blake2b)):
            raise IntegrityError(f"its id {art_id} is not its blake2b {art.blake2b[:16]}…")
        if not self.manifest.keyed_on(art_id):
            raise IntegrityError("no locked key was set up on it")
        return _published_note(art)

    def _ptau_relations(self, art_id: str) -> list[str]:
        art = self.manifest.artifacts[art_id]
        opened = open_ptau(self._file(art_id))
        power = opened.header.power
        if power != art.settings.get("power"):
            raise IntegrityError(f"its header says power {power}, the lock {art.settings['power']}")
        count = opened.contribution_count()
        locked = art.settings.get("contributions", count)  # older locks did not record it
        if count != locked:
            raise IntegrityError(f"it lists {count} phase-1 contributions, the lock {locked}")
        shown = f"{count} phase-1 contribution(s)" if count else "no phase-1 contribution: INSECURE"
        return [f"power {power}", shown]

    def _source_relations(self, name: str) -> list[str]:
        art = self.manifest.artifacts[f"{name}/source"]
        entry = self.registry.get(name)
        if art.settings.get("hand_written") is True:
            return [checks.check_hand_written(entry, art.path)]
        return [checks.check_rendered(self.project.templates_dir, entry, art.sha256)]

    def _r1cs_relations(self, name: str) -> list[str]:
        recorded = self.manifest.artifacts[f"{name}/r1cs"].settings.get("audit")
        entry = self.registry.get(name)
        return [check_audit(recorded, entry, self._file(f"{name}/r1cs"), self.build.sym(name))]

    def _zkey_relations(self, name: str) -> list[str]:
        transcript = self.project.transcript(name)
        if f"{name}/transcript" not in self.manifest.artifacts and transcript.is_file():
            raise IntegrityError(f"{shown_path(self.project.root, transcript)} was never locked")
        locked = str(self.manifest.artifacts[f"{name}/zkey"].settings.get("protocol", "groth16"))
        entry = self.registry.get(name)
        protocol = universal.check_protocol(self._file(f"{name}/zkey"), entry.protocol, locked)
        if entry.universal:
            return [protocol, *self._universal_zkey_relations(name)]
        zkey = open_zkey(self._file(f"{name}/zkey"))
        real = checks.check_real_contributions(zkey, self._min_contributions())
        notes = [*self._zkey_r1cs(name, zkey), self._zkey_ptau(name, zkey)]
        return [*notes, real]

    def _universal_key(self, name: str) -> UniversalZkey:
        return open_universal_zkey(self._file(f"{name}/zkey"), self.registry.get(name).protocol)

    def _universal_zkey_relations(self, name: str) -> list[str]:
        zkey = self._universal_key(name)
        skip = self._unusable(f"{name}/r1cs")
        r1cs = self._file(f"{name}/r1cs")
        shape = skip or universal.check_universal_shape(zkey, read_r1cs_header(r1cs))
        return [shape, self._universal_rebuilt(name, zkey), universal.NO_PHASE2]

    def _universal_rebuilt(self, name: str, zkey: UniversalZkey) -> str:
        ptau = self._ptau_of(f"{name}/zkey")
        ptau_file = self.ptau_files.get(ptau)
        if ptau_file is None:
            return "ptau not present: key not rebuilt"
        skip = self._unusable(ptau) or self._unusable(f"{name}/r1cs")
        r1cs = self._file(f"{name}/r1cs")
        return skip or universal.check_rebuilt(self.tools, zkey, r1cs, ptau_file)

    def _min_contributions(self) -> int:
        """ceremony.toml's min_contributions; 1 for a project without a ceremony.toml."""
        path = self.project.ceremony_config
        return read_ceremony_config(path).ceremony.min_contributions if path.is_file() else 1

    def _zkey_r1cs(self, name: str, zkey: ZkeyFile) -> list[str]:
        skip = self._unusable(f"{name}/r1cs")
        if skip:
            return [skip]
        r1cs = read_r1cs(self._file(f"{name}/r1cs"))
        shape = checks.check_zkey_shape(zkey, r1cs.header)
        return [shape, checks.check_coefficients(zkey, r1cs)]

    def _ptau_of(self, art_id: str) -> str:
        """The one ptau a key or transcript names among its inputs, else IntegrityError."""
        named = self.manifest.artifacts[art_id].ptau_inputs()
        if len(named) != 1:
            raise IntegrityError(f"its inputs name {len(named)} ptaus, not one")
        return named[0]

    def _zkey_ptau(self, name: str, zkey: ZkeyFile) -> str:
        ptau = self._ptau_of(f"{name}/zkey")
        ptau_file = self.ptau_files.get(ptau)
        if ptau_file is None:
            return "ptau not present: skipped relation"
        skip = self._unusable(ptau)
        return skip or checks.check_zkey_ptau(zkey, open_ptau(ptau_file))

    def _transcript_relations(self, name: str) -> list[str]:
        ptau = self._ptau_of(f"{name}/transcript")
        if ptau != self.manifest.ptau_of(name):
            raise IntegrityError(f"its input {ptau} is not the ptau its key names")
        skip = self._unusable(f"{name}/zkey") or self._unusable(f"{name}/r1cs")
        if skip:
            return [skip]
        records = read_transcript(self._file(f"{name}/transcript"))
        locked = self.manifest.artifacts
        hashes = (locked[f"{name}/zkey"].sha256, locked[f"{name}/r1cs"].sha256)
        if self.registry.get(name).universal:
            key = self._universal_key(name)
            return [
                universal.check_universal_transcript(records, key, *hashes, locked[ptau].blake2b)
            ]
        zkey = open_zkey(self._file(f"{name}/zkey"))
        return [checks.check_transcript(records, zkey, *hashes, locked[ptau].blake2b)]

    def _vkey_relations(self, name: str) -> list[str]:
        skip = self._unusable(f"{name}/zkey")
        if skip:
            return [skip]
        if self.registry.get(name).universal:
            return [
                universal.check_universal_vkey(
                    self._file(f"{name}/vkey"), self._universal_key(name)
                )
            ]
        zkey = open_zkey(self._file(f"{name}/zkey"))
        return [checks.check_vkey(self._file(f"{name}/vkey"), zkey)]

    def _verifier_relations(self, name: str) -> list[str]:
        skip = self._unusable(f"{name}/zkey")
        if skip:
            return [skip]
        sol = self._file(f"{name}/verifier")
        if self.registry.get(name).universal:
            return [universal.check_universal_verifier(sol, self._universal_key(name))]
        zkey = open_zkey(self._file(f"{name}/zkey"))
        return [checks.check_verifier(sol, zkey)]


def _order(art_id: str) -> tuple[str, int]:
    """The ptaus first, then each circuit's artifacts in pipeline order."""
    if kind_of(art_id) == "ptau":
        return "", 0
    name, _, kind = art_id.partition("/")
    return name, CIRCUIT_KINDS.index(kind)


def _label(art: Artifact) -> str:
    """The artifact's name in the table: its path; the ptau's file name."""
    if art.kind != "ptau":
        return str(art.path)
    return Path(art.path).name if art.path else str(art.settings.get("published"))


def _published_note(art: Artifact) -> str:
    """For a ptau recorded as a published file: its locked hash must be the pinned one."""
    published = art.settings.get("published")
    if published is None:
        return "not a published ptau"
    release = release_by_name(str(published))
    if release is None or release.blake2b != art.blake2b:
        raise IntegrityError(f"recorded as {published}, but its blake2b is not the pinned one")
    return f"{published} (pinned blake2b)"
