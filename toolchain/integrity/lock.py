"""`zkt artifacts lock`: describe every artifact of the keyed circuits, check, write the manifest.

A circuit without artifacts/NAME/final.zkey has had no ceremony and is not locked. The artifacts
are checked together (verify.Checker, the same pass `verify` runs) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import JsonValue

from toolchain.build import collect_dependencies, include_dirs, source_path
from toolchain.ceremony.local import ptau_contributions
from toolchain.ceremony.transcript import read_transcript
from toolchain.config import CircuitEntry, Registry
from toolchain.errors import IntegrityError, UsageError
from toolchain.formats.ptau import open_ptau
from toolchain.formats.zkey import open_zkey
from toolchain.hashing import sha256_bytes
from toolchain.integrity.files import (
    Digests,
    artifact_path,
    find_ptau,
    release_by_hash,
)
from toolchain.integrity.model import (
    FORMAT,
    STEPS,
    TOOL_VERSIONS,
    Artifact,
    Manifest,
    Settings,
    manifest_path,
    read_manifest,
    write_manifest,
)
from toolchain.integrity.report import Report
from toolchain.integrity.verify import Checker
from toolchain.paths import Project, shown_path
from toolchain.render.templates import render_entry
from toolchain.runner.circom import CircomFlags
from toolchain.runner.tools import CIRCOM_VERSION, Tools


def locked_circuits(project: Project, registry: Registry) -> list[str]:
    """The registry circuits that have a final key, in registry order: the ones to lock."""
    return [entry.name for entry in registry.circuit if project.zkey(entry.name).is_file()]


def lock(
    project: Project,
    registry: Registry,
    tools: Tools,
    ptau: Path | None = None,
    *,
    allow_insecure_ptau: bool = False,
) -> Report:
    """Describe and check every artifact of the keyed circuits, then write the manifest.

    `ptau` is the prepared ptau the keys were set up with; without it, the one already locked
    is kept. A ptau with no phase-1 contribution is refused unless `allow_insecure_ptau` (the
    ceremony.toml says `source = "dev"`). Nothing is written when any check fails
    (IntegrityError with the details).
    """
    digests = Digests()
    manifest = _describe_all(project, registry, tools, ptau, digests)
    ptau_file = find_ptau(project, manifest.artifacts["ptau"], ptau)
    report = Checker(project, registry, manifest, digests, project, ptau_file).report()
    if report.failures:
        lines = [f"  {row.label} ({row.kind}): {row.detail}" for row in report.failures]
        raise IntegrityError("refusing to lock:\n" + "\n".join(lines))
    if not allow_insecure_ptau and locked_ptau_contributions(manifest, ptau_file) == 0:
        raise IntegrityError(
            f"refusing to lock: {ptau_file} has no phase-1 contribution, so whoever made it can"
            " forge proofs; keys from it are locked only when ceremony.toml [phase1] says"
            ' source = "dev"'
        )
    write_manifest(manifest_path(project), manifest)
    return report


def locked_ptau_contributions(manifest: Manifest, ptau_file: Path | None) -> int | None:
    """Phase-1 contributions of the manifest's ptau: the file's count, else the locked one."""
    if ptau_file is not None:
        return ptau_contributions(ptau_file)
    locked = manifest.artifacts["ptau"].settings.get("contributions")
    return locked if isinstance(locked, int) else None


def _describe_all(
    project: Project, registry: Registry, tools: Tools, ptau: Path | None, digests: Digests
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


@dataclass(frozen=True)
class _Describer:
    """Builds the manifest entries of one lock run."""

    project: Project
    tools: Tools
    digests: Digests

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
                "path": shown_path(self.project.root, path),
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
        release = release_by_hash(self.digests.of(path).blake2b)
        published = release.file_name if release else None
        settings: Settings = {
            "power": power,
            "published": published,
            "contributions": ptau_contributions(path),
        }
        art = self.artifact("ptau", path.resolve(), {}, settings)
        if published and not path.resolve().is_relative_to(self.project.root):
            return art.model_copy(update={"path": None})
        return art

    def circuit(self, entry: CircuitEntry, ptau: Artifact) -> dict[str, Artifact]:
        """The entries of one keyed circuit."""
        built = self._built(entry)
        return {**built, **self._keys(entry.name, built[f"{entry.name}/r1cs"], ptau)}

    def _built(self, entry: CircuitEntry) -> dict[str, Artifact]:
        name, project = entry.name, self.project
        source = self.artifact(
            "source", source_path(project, entry), {}, self._source_settings(entry)
        )
        compiled = self._compile_settings(entry)
        made_from = {f"{name}/source": source}
        return {
            f"{name}/source": source,
            f"{name}/r1cs": self.artifact("r1cs", project.r1cs(name), made_from, compiled),
            f"{name}/wasm": self.artifact("wasm", project.wasm(name), made_from, compiled),
        }

    def _source_settings(self, entry: CircuitEntry) -> Settings:
        """A rendered source: its template, hash and params; a hand-written one: just that."""
        public: Settings = {"public": list(entry.public)}
        if entry.template is None:
            return {"hand_written": True, **public}
        rendered = render_entry(self.project.templates_dir, entry)
        return {
            "template": shown_path(self.project.root, rendered.template_path),
            "template_sha256": rendered.template_sha256,
            "params": entry.params,
            **public,
        }

    def _compile_settings(self, entry: CircuitEntry) -> Settings:
        flags = CircomFlags(optimization=entry.circom.optimization)
        dirs = include_dirs(self.project, entry, self.tools)
        includes: Settings = dict(collect_dependencies(source_path(self.project, entry), dirs))
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
            path = artifact_path(project, name, kind)
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
