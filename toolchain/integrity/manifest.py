"""The artifact manifest, artifacts/manifest.json: hashes and provenance of every shipped artifact.

`lock` describes every artifact of the circuits that have a final key (artifacts/NAME/final.zkey;
a circuit without one has had no ceremony and is not locked), checks that they belong together
(integrity/checks.py) and writes the manifest. `verify` hashes every file again, streaming, and
repeats the checks; with `rebuild`, the sources, r1cs and wasm are not read from build/ but
rendered and compiled afresh into a temporary build with an empty cache.

Layout (JSON, sorted keys, two-space indent, final newline, no times: it diffs well in git):

    {"format": 1, "artifacts": {ID: ARTIFACT, ...}}

    ID               file                                    step
    ptau             the prepared ptau the keys came from    ptau
    NAME/source      build/NAME/NAME.circom                  render
    NAME/r1cs        build/NAME/NAME.r1cs                    compile
    NAME/wasm        build/NAME/NAME_js/NAME.wasm            compile
    NAME/zkey        artifacts/NAME/final.zkey               setup+ceremony
    NAME/transcript  ceremony/transcripts/NAME.jsonl         ceremony  (when there is one)
    NAME/vkey        artifacts/NAME/verification_key.json    export    (when exported)
    NAME/verifier    artifacts/NAME/verifier.sol             export    (when exported)

    ARTIFACT = {
      "kind":     the ID's last part ("ptau" for the ptau),
      "path":     relative to the project root; a ptau outside the project is recorded by its
                  absolute path, or as null when it is a published file (then looked for in
                  the ptau cache): the ptau is large and need not be present to verify,
      "size", "sha256", "blake2b":  of the whole file (blake2b-512, as ptau files are pinned),
      "step":     as above,
      "tools":    {tool: version} pinned for that step when locked (zk-toolchain, circom,
                  circomlib, snarkjs),
      "inputs":   {ID: "sha256:HEX"} of the artifacts it was made from ("blake2b:HEX" for the
                  ptau): r1cs, wasm ← source; zkey, transcript ← r1cs + ptau;
                  vkey, verifier ← zkey,
      "settings": what else determined it:
                  source      template, template_sha256, params, public
                  r1cs, wasm  circom (version), optimization, prime, includes {file: sha256}
                  ptau        power, published (the Hermez file name whose pinned hash it has)
                  zkey        n_vars, n_public, domain_size, circuit_hash, contributions,
                              transcript_head (sha256 of the transcript's last line, or null)
                  transcript  records, head
    }
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    ValidationError,
    model_validator,
)

from toolchain import __version__
from toolchain.build import Reporter, collect_dependencies, compile_entry, include_dirs
from toolchain.ceremony import ptau_fetch
from toolchain.ceremony.ptau_fetch import PtauRelease
from toolchain.ceremony.transcript import FileHashes, file_hashes, read_transcript
from toolchain.config import CircuitEntry, Registry
from toolchain.errors import FormatError, IntegrityError, ToolError, UsageError, ZktError
from toolchain.formats.ptau import open_ptau
from toolchain.formats.r1cs import read_r1cs
from toolchain.formats.zkey import ZkeyFile, open_zkey
from toolchain.fsutil import write_atomic
from toolchain.hashing import sha256_bytes
from toolchain.integrity import checks
from toolchain.paths import Project
from toolchain.render.templates import render_entry
from toolchain.runner.circom import CircomFlags
from toolchain.runner.tools import CIRCOM_VERSION, PINNED, Tools

FORMAT: Literal[1] = 1
MANIFEST = Path("artifacts") / "manifest.json"
OK, MISMATCH, MISSING, SKIPPED = "OK", "MISMATCH", "MISSING", "SKIPPED"
BUILD_KINDS = ("source", "r1cs", "wasm")
CIRCUIT_KINDS = (*BUILD_KINDS, "zkey", "transcript", "vkey", "verifier")
TOOL_VERSIONS = {"zk-toolchain": __version__, "circom": CIRCOM_VERSION, **PINNED}
# kind → (step, tools of that step)
STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ptau": ("ptau", ()),
    "source": ("render", ("zk-toolchain",)),
    "r1cs": ("compile", ("circom", "circomlib")),
    "wasm": ("compile", ("circom", "circomlib")),
    "zkey": ("setup+ceremony", ("snarkjs",)),
    "transcript": ("ceremony", ("snarkjs", "zk-toolchain")),
    "vkey": ("export", ("zk-toolchain",)),
    "verifier": ("export", ("snarkjs",)),
}

Kind = Literal["ptau", "source", "r1cs", "wasm", "zkey", "transcript", "vkey", "verifier"]
Step = Literal["ptau", "render", "compile", "setup+ceremony", "ceremony", "export"]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Blake2b = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{128}$")]
Link = Annotated[str, StringConstraints(pattern=r"^(sha256:[0-9a-f]{64}|blake2b:[0-9a-f]{128})$")]
Settings = dict[str, JsonValue]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Artifact(_Strict):
    """One locked file: where it is, its hashes, and what made it."""

    kind: Kind
    path: str | None
    size: int = Field(ge=0)
    sha256: Sha256
    blake2b: Blake2b
    step: Step
    tools: dict[str, str]
    inputs: dict[str, Link]
    settings: Settings

    def link(self) -> str:
        """How the artifacts made from this one name it among their inputs."""
        return f"blake2b:{self.blake2b}" if self.kind == "ptau" else f"sha256:{self.sha256}"


class Manifest(_Strict):
    """The whole artifacts/manifest.json."""

    format: Literal[1]
    artifacts: dict[str, Artifact]

    @model_validator(mode="after")
    def _ids_name_kinds(self) -> Manifest:
        for art_id, art in self.artifacts.items():
            if kind_of(art_id) != art.kind:
                raise ValueError(f"artifact {art_id!r} has kind {art.kind!r}")
        if "ptau" not in self.artifacts:
            raise ValueError("no 'ptau' artifact: every key comes from one")
        return self

    def circuits(self) -> list[str]:
        """The names of the locked circuits, sorted."""
        return sorted({art_id.split("/")[0] for art_id in self.artifacts if art_id != "ptau"})


def kind_of(art_id: str) -> str | None:
    """The kind an artifact id names ("ptau", or the part after NAME/), None if malformed."""
    if art_id == "ptau":
        return art_id
    name, _, kind = art_id.partition("/")
    return kind if name and kind in CIRCUIT_KINDS else None


# --- reading and writing ---------------------------------------------------------------------


def manifest_path(project: Project) -> Path:
    """artifacts/manifest.json of `project`."""
    return project.root / MANIFEST


def parse_manifest(data: bytes | str, source: str) -> Manifest:
    """Validate manifest JSON; FormatError naming every bad key (`artifacts.ID.sha256: ...`)."""
    try:
        obj = json.loads(data)
    except ValueError as exc:
        raise FormatError(f"{source}: not valid JSON: {exc}") from exc
    try:
        return Manifest.model_validate(obj)
    except ValidationError as exc:
        raise FormatError(_describe_errors(source, exc)) from exc


def _describe_errors(source: str, exc: ValidationError) -> str:
    lines = [f"{source}: {exc.error_count()} problem(s)"]
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"]) or "(top level)"
        lines.append(f"  {where}: {err['msg']}")
    return "\n".join(lines)


def read_manifest(path: Path) -> Manifest:
    """The manifest at `path`; UsageError when there is none yet."""
    if not path.is_file():
        raise UsageError(f"no {path}: run `zkt artifacts lock` first")
    return parse_manifest(path.read_bytes(), str(path))


def dump_manifest(manifest: Manifest) -> str:
    """Deterministic JSON: sorted keys, two-space indent, final newline."""
    return json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Write the manifest atomically (temp file, fsync, rename)."""
    write_atomic(path, dump_manifest(manifest).encode())


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One artifact's verdict: OK, MISMATCH, MISSING, or SKIPPED (an absent ptau only)."""

    artifact: str
    kind: str
    label: str
    status: str
    detail: str


@dataclass(frozen=True)
class Report:
    """Every artifact's row, in pipeline order."""

    rows: list[Row]

    @property
    def failures(self) -> list[Row]:
        """The rows that fail verification (MISMATCH or MISSING)."""
        return [row for row in self.rows if row.status in (MISMATCH, MISSING)]

    def table(self) -> str:
        """A plain-text table: artifact, kind, status, detail; one row per artifact."""
        cells = [("artifact", "kind", "status", "detail")]
        cells += [(row.label, row.kind, row.status, row.detail) for row in self.rows]
        widths = [max(len(line[col]) for line in cells) for col in range(3)]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line[:3], widths, strict=True))
            + f"  {line[3]}"
            for line in cells
        )

    def raise_for_failures(self) -> None:
        """IntegrityError (exit 6) naming every failing artifact, if any fails."""
        if self.failures:
            named = ", ".join(f"{row.label} ({row.kind} {row.status})" for row in self.failures)
            raise IntegrityError(f"{len(self.failures)} artifact(s) failed verification: {named}")


# --- lock ------------------------------------------------------------------------------------


def locked_circuits(project: Project, registry: Registry) -> list[str]:
    """The registry circuits that have a final key, in registry order: the ones to lock."""
    return [entry.name for entry in registry.circuit if project.zkey(entry.name).is_file()]


def lock(project: Project, registry: Registry, tools: Tools, ptau: Path | None = None) -> Report:
    """Describe and check every artifact of the keyed circuits, then write the manifest.

    `ptau` is the prepared ptau the keys were set up with; without it, the one already locked
    is kept. Nothing is written when any check fails (IntegrityError with the details).
    """
    digests = _Digests()
    manifest = _describe_all(project, registry, tools, ptau, digests)
    ptau_file = _find_ptau(project, manifest.artifacts["ptau"], ptau)
    report = _Checker(project, registry, manifest, digests, project, ptau_file).report()
    if report.failures:
        lines = [f"  {row.label} ({row.kind}): {row.detail}" for row in report.failures]
        raise IntegrityError("refusing to lock:\n" + "\n".join(lines))
    write_manifest(manifest_path(project), manifest)
    return report


def _describe_all(
    project: Project, registry: Registry, tools: Tools, ptau: Path | None, digests: _Digests
) -> Manifest:
    names = locked_circuits(project, registry)
    if not names:
        raise UsageError("no circuit has artifacts/NAME/final.zkey yet: nothing to lock")
    describer = _Describer(project, tools, digests)
    ptau_artifact = describer.ptau(ptau) if ptau is not None else _locked_ptau(project)
    artifacts = {"ptau": ptau_artifact}
    for name in names:
        artifacts.update(describer.circuit(registry.get(name), ptau_artifact))
    return Manifest(format=FORMAT, artifacts=artifacts)


def _locked_ptau(project: Project) -> Artifact:
    if not manifest_path(project).is_file():
        raise UsageError("pass --ptau PATH: the prepared ptau the keys were set up with")
    return read_manifest(manifest_path(project)).artifacts["ptau"]


@dataclass
class _Digests:
    """Each file hashed once per run: lock describes, then checks, the same files."""

    seen: dict[Path, FileHashes] = field(default_factory=dict)

    def of(self, path: Path) -> FileHashes:
        """Size, sha256 and blake2b-512 of `path`, streamed."""
        key = path.resolve()  # a ptau may be named relative to the cwd and by its full path
        if key not in self.seen:
            self.seen[key] = file_hashes(key)
        return self.seen[key]


@dataclass(frozen=True)
class _Describer:
    """Builds the manifest entries of one lock run."""

    project: Project
    tools: Tools
    digests: _Digests

    def artifact(
        self, kind: str, path: Path, inputs: dict[str, Artifact], settings: Settings
    ) -> Artifact:
        """The entry of one file: hashes, step, tools, input links and settings."""
        if not path.is_file():
            raise UsageError(f"cannot lock {path}: not found")
        hashes = self.digests.of(path)
        step, step_tools = STEPS[kind]
        return Artifact.model_validate(
            {
                "kind": kind,
                "path": _shown(self.project.root, path),
                "size": hashes.size,
                "sha256": hashes.sha256,
                "blake2b": hashes.blake2b,
                "step": step,
                "tools": {tool: TOOL_VERSIONS[tool] for tool in step_tools},
                "inputs": {ref: art.link() for ref, art in inputs.items()},
                "settings": settings,
            }
        )

    def ptau(self, path: Path) -> Artifact:
        """The ptau's entry; a published file outside the project is recorded without a path."""
        if not path.is_file():
            raise UsageError(f"no ptau at {path}")
        power = open_ptau(path).header.power
        release = _release_by_hash(self.digests.of(path).blake2b)
        published = release.file_name if release else None
        art = self.artifact("ptau", path.resolve(), {}, {"power": power, "published": published})
        if published and not path.resolve().is_relative_to(self.project.root):
            return art.model_copy(update={"path": None})
        return art

    def circuit(self, entry: CircuitEntry, ptau: Artifact) -> dict[str, Artifact]:
        """The entries of one keyed circuit."""
        built = self._built(entry)
        return {**built, **self._keys(entry.name, built[f"{entry.name}/r1cs"], ptau)}

    def _built(self, entry: CircuitEntry) -> dict[str, Artifact]:
        name, project = entry.name, self.project
        rendered = render_entry(project.templates_dir, entry)
        source = self.artifact(
            "source",
            project.source(name),
            {},
            {
                "template": _shown(project.root, rendered.template_path),
                "template_sha256": rendered.template_sha256,
                "params": entry.params,
                "public": list(entry.public),
            },
        )
        compiled = self._compile_settings(entry)
        made_from = {f"{name}/source": source}
        return {
            f"{name}/source": source,
            f"{name}/r1cs": self.artifact("r1cs", project.r1cs(name), made_from, compiled),
            f"{name}/wasm": self.artifact("wasm", project.wasm(name), made_from, compiled),
        }

    def _compile_settings(self, entry: CircuitEntry) -> Settings:
        flags = CircomFlags(optimization=entry.circom.optimization)
        dirs = include_dirs(self.project, entry, self.tools)
        includes: Settings = dict(collect_dependencies(self.project.source(entry.name), dirs))
        return {
            "circom": CIRCOM_VERSION,
            "optimization": flags.optimization,
            "prime": flags.prime,
            "includes": includes,
        }

    def _keys(self, name: str, r1cs: Artifact, ptau: Artifact) -> dict[str, Artifact]:
        project = self.project
        setup = {f"{name}/r1cs": r1cs, "ptau": ptau}
        out: dict[str, Artifact] = {}
        head = None
        if project.transcript(name).is_file():
            out[f"{name}/transcript"] = self._transcript(name, setup)
            head = out[f"{name}/transcript"].settings["head"]
        zkey = self.artifact("zkey", project.zkey(name), setup, _zkey_settings(project, name, head))
        out[f"{name}/zkey"] = zkey
        for kind in ("vkey", "verifier"):
            path = _layout(project, name, kind)
            if path.is_file():
                out[f"{name}/{kind}"] = self.artifact(kind, path, {f"{name}/zkey": zkey}, {})
        return out

    def _transcript(self, name: str, setup: dict[str, Artifact]) -> Artifact:
        path = self.project.transcript(name)
        settings: Settings = {"records": len(read_transcript(path)), "head": transcript_head(path)}
        return self.artifact("transcript", path, setup, settings)


def transcript_head(path: Path) -> str | None:
    """sha256 of a transcript's last line (it commits to every record before), None if empty."""
    lines = path.read_bytes().splitlines(keepends=True)
    return sha256_bytes(lines[-1]) if lines else None


def _zkey_settings(project: Project, name: str, head: JsonValue) -> Settings:
    zkey = open_zkey(project.zkey(name))
    mpc = zkey.read_mpc_params()
    return {
        "n_vars": zkey.header.n_vars,
        "n_public": zkey.header.n_public,
        "domain_size": zkey.header.domain_size,
        "circuit_hash": mpc.cs_hash.hex(),
        "contributions": len(mpc.contributions),
        "transcript_head": head,
    }


def _shown(root: Path, path: Path) -> str:
    """A path as the manifest records it: relative to the project root when inside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _layout(project: Project, name: str, kind: str) -> Path:
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


def _release_by_hash(blake2b: str) -> PtauRelease | None:
    return next((r for r in ptau_fetch.read_releases().values() if r.blake2b == blake2b), None)


def _release_by_name(file_name: str) -> PtauRelease | None:
    return next((r for r in ptau_fetch.read_releases().values() if r.file_name == file_name), None)


def _find_ptau(project: Project, art: Artifact, override: Path | None) -> Path | None:
    """The ptau: `override`, else its recorded path, else the cached copy of a published one."""
    if override is not None:
        if not override.is_file():
            raise UsageError(f"no ptau at {override}")
        return override
    candidates = [project.root / art.path] if art.path else []
    published = art.settings.get("published")
    release = _release_by_name(published) if isinstance(published, str) else None
    if release is not None:
        candidates.append(ptau_fetch.cached_ptau_path(release))
    return next((path for path in candidates if path.is_file()), None)


# --- verify ----------------------------------------------------------------------------------


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
    ptau_file = _find_ptau(project, manifest.artifacts["ptau"], ptau)
    if not rebuild:
        return _Checker(project, registry, manifest, _Digests(), project, ptau_file).report()
    with tempfile.TemporaryDirectory(prefix="zkt-rebuild-") as tmp:
        scratch = Path(tmp).resolve()
        build = ScratchBuild(project.root, scratch / "build")
        errors = _rebuild(build, registry, tools, manifest.circuits(), scratch / "cache", report)
        checker = _Checker(project, registry, manifest, _Digests(), build, ptau_file, errors)
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
    with _cache_at(cache):
        for name in names:
            try:
                compile_entry(build, registry.get(name), tools, report)
            except ToolError:
                raise
            except ZktError as exc:
                errors[name] = f"rebuild failed: {exc}"
    return errors


@contextmanager
def _cache_at(path: Path) -> Iterator[None]:
    """$ZKT_CACHE = `path` for the block: cache_dir() reads it at every call, build.py too."""
    previous = os.environ.get("ZKT_CACHE")
    os.environ["ZKT_CACHE"] = str(path)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["ZKT_CACHE"]
        else:
            os.environ["ZKT_CACHE"] = previous


class _Absent(Exception):
    """The file to check is not there: MISSING, or SKIPPED for a ptau (it need not be)."""

    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status


@dataclass
class _Checker:
    """One verification pass over a manifest; rows are checked in pipeline order."""

    project: Project
    registry: Registry
    manifest: Manifest
    digests: _Digests
    build: Project  # where source, r1cs and wasm are read: build/, or a fresh rebuild
    ptau_file: Path | None
    rebuild_errors: dict[str, str] | None = None  # set in rebuild mode
    failed: set[str] = field(default_factory=set)

    def report(self) -> Report:
        """Every artifact's row."""
        ordered = sorted(self.manifest.artifacts, key=_order)
        return Report([self.check(art_id) for art_id in ordered])

    def check(self, art_id: str) -> Row:
        """Hashes, then input links, then relations; the first failure decides the row."""
        art = self.manifest.artifacts[art_id]
        try:
            notes = [*self._hashes(art_id, art), *self._links(art), *self._relations(art_id, art)]
        except _Absent as exc:
            status, detail = exc.status, str(exc)
        except ZktError as exc:
            status, detail = MISMATCH, str(exc)
        else:
            status, detail = OK, "; ".join(note for note in notes if note) or "hashes match"
        if status in (MISMATCH, MISSING):
            self.failed.add(art_id)
        return Row(art_id, art.kind, _label(art), status, detail)

    def path_of(self, art_id: str) -> Path | None:
        """Where the artifact is read from (None: an absent ptau)."""
        if art_id == "ptau":
            return self.ptau_file
        name, _, kind = art_id.partition("/")
        return _layout(self.build if kind in BUILD_KINDS else self.project, name, kind)

    def _hashes(self, art_id: str, art: Artifact) -> list[str]:
        notes = [_published_note(art)] if art.kind == "ptau" else []
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

    def _absence(self, art: Artifact, notes: list[str]) -> tuple[str, str]:
        if art.kind == "ptau":
            return SKIPPED, "; ".join([*notes, "ptau not present: hash and relations not checked"])
        if art.kind in BUILD_KINDS:
            return MISSING, "not found: run `zkt compile` first, or verify with --rebuild"
        return MISSING, "not found"

    def _check_recorded_path(self, art_id: str, art: Artifact) -> None:
        if art.kind == "ptau":
            return
        name, _, kind = art_id.partition("/")
        expected = _shown(self.project.root, _layout(self.project, name, kind))
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
        name = art_id.partition("/")[0]
        relation: dict[str, Callable[[str], list[str]]] = {
            "ptau": self._ptau_relations,
            "source": self._source_relations,
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

    def _ptau_relations(self, _name: str) -> list[str]:
        art = self.manifest.artifacts["ptau"]
        power = open_ptau(self._file("ptau")).header.power
        if power != art.settings.get("power"):
            raise IntegrityError(f"its header says power {power}, the lock {art.settings['power']}")
        return [f"power {power}"]

    def _source_relations(self, name: str) -> list[str]:
        art = self.manifest.artifacts[f"{name}/source"]
        entry = self.registry.get(name)
        return [checks.check_rendered(self.project.templates_dir, entry, art.sha256)]

    def _zkey_relations(self, name: str) -> list[str]:
        transcript = self.project.transcript(name)
        if f"{name}/transcript" not in self.manifest.artifacts and transcript.is_file():
            raise IntegrityError(f"{_shown(self.project.root, transcript)} was never locked")
        zkey = open_zkey(self._file(f"{name}/zkey"))
        contributions = len(zkey.read_mpc_params().contributions)
        notes = [*self._zkey_r1cs(name, zkey), self._zkey_ptau(zkey)]
        return [*notes, f"{contributions} phase-2 contribution(s)"]

    def _zkey_r1cs(self, name: str, zkey: ZkeyFile) -> list[str]:
        skip = self._unusable(f"{name}/r1cs")
        if skip:
            return [skip]
        r1cs = read_r1cs(self._file(f"{name}/r1cs"))
        shape = checks.check_zkey_shape(zkey, r1cs.header)
        return [shape, checks.check_coefficients(zkey, r1cs)]

    def _zkey_ptau(self, zkey: ZkeyFile) -> str:
        if self.ptau_file is None:
            return "ptau not present: skipped relation"
        skip = self._unusable("ptau")
        return skip or checks.check_zkey_ptau(zkey, open_ptau(self.ptau_file))

    def _transcript_relations(self, name: str) -> list[str]:
        skip = self._unusable(f"{name}/zkey") or self._unusable(f"{name}/r1cs")
        if skip:
            return [skip]
        records = read_transcript(self._file(f"{name}/transcript"))
        zkey = open_zkey(self._file(f"{name}/zkey"))
        locked = self.manifest.artifacts
        hashes = (locked[f"{name}/zkey"].sha256, locked[f"{name}/r1cs"].sha256)
        return [checks.check_transcript(records, zkey, *hashes, locked["ptau"].blake2b)]

    def _vkey_relations(self, name: str) -> list[str]:
        skip = self._unusable(f"{name}/zkey")
        if skip:
            return [skip]
        zkey = open_zkey(self._file(f"{name}/zkey"))
        return [checks.check_vkey(self._file(f"{name}/vkey"), zkey)]

    def _verifier_relations(self, name: str) -> list[str]:
        skip = self._unusable(f"{name}/zkey")
        if skip:
            return [skip]
        zkey = open_zkey(self._file(f"{name}/zkey"))
        return [checks.check_verifier(self._file(f"{name}/verifier"), zkey)]


def _order(art_id: str) -> tuple[str, int]:
    """The ptau first, then each circuit's artifacts in pipeline order."""
    if art_id == "ptau":
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
    release = _release_by_name(str(published))
    if release is None or release.blake2b != art.blake2b:
        raise IntegrityError(f"recorded as {published}, but its blake2b is not the pinned one")
    return f"{published} (pinned blake2b)"
