"""`zkt artifacts lock`: describe every artifact of the keyed circuits, check, write the manifest.

A circuit without artifacts/NAME/final.zkey has had no ceremony and is not locked. The artifacts
are checked together (verify.Checker, the same pass `verify` runs) before anything is written.
Each circuit's audit verdict (run by the caller: it needs the witness calculator) is recorded in
its r1cs settings; an under-constrained circuit whose policy is `fail` is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import JsonValue

from toolchain.audit.verdict import UNDER_CONSTRAINED, UNKNOWN
from toolchain.build import collect_dependencies, include_dirs, source_path
from toolchain.ceremony import ptau_fetch
from toolchain.ceremony.local import setup_record
from toolchain.ceremony.transcript import read_transcript
from toolchain.config import CircuitEntry, Registry
from toolchain.errors import IntegrityError, UsageError, VerificationError
from toolchain.formats.ptau import open_ptau
from toolchain.formats.universal_zkey import UNIVERSAL_IDS, open_universal_zkey
from toolchain.formats.zkey import open_zkey, zkey_protocol
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
    ptau_id,
    read_manifest,
    write_manifest,
)
from toolchain.integrity.report import Report
from toolchain.integrity.verify import Checker
from toolchain.paths import Project, shown_path
from toolchain.render.templates import render_entry
from toolchain.runner.circom import CircomFlags
from toolchain.runner.tools import CIRCOM_VERSION, Tools


@dataclass(frozen=True)
class AuditRecord:
    """A circuit's audit as the lock records it: its registry policy and verdict (unique,
    under-constrained, unknown, skipped), the reason of a skip, and the first forged signal of
    an under-constrained verdict (named in refusals and warnings, not recorded)."""

    policy: str
    verdict: str
    reason: str = ""
    forged: str = ""

    def settings(self) -> Settings:
        """The r1cs setting "audit": policy and verdict, and the reason of a skip."""
        out: Settings = {"policy": self.policy, "verdict": self.verdict}
        return {**out, "reason": self.reason} if self.policy == "skip" else out


def check_audits(audits: Mapping[str, AuditRecord]) -> None:
    """VerificationError (exit 1, code under_constrained) for the first circuit whose policy is
    `fail` and whose verdict is under-constrained: such a circuit is not locked."""
    for name, record in audits.items():
        if record.policy == "fail" and record.verdict == UNDER_CONSTRAINED:
            raise VerificationError(
                f"refusing to lock: {name} is under-constrained ({record.forged} can be forged"
                f" with the same inputs; `zkt audit {name}` shows the second witness)",
                code="under_constrained",
            )


def audit_warnings(audits: Mapping[str, AuditRecord]) -> list[str]:
    """One WARNING line per locked verdict that is not a pass: unknown, or under-constrained
    under `warn`."""
    lines = []
    for name, record in audits.items():
        if record.verdict == UNDER_CONSTRAINED:
            lines.append(
                f"WARNING: {name} is under-constrained ({record.forged} can be forged), locked"
                ' because circuits.toml says audit = "warn"'
            )
        elif record.verdict == UNKNOWN:
            lines.append(f"WARNING: {name}: audit verdict unknown (not proven unique), locked")
    return lines


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
    audits: Mapping[str, AuditRecord] | None = None,
) -> Report:
    """Describe and check every artifact of the keyed circuits, then write the manifest.

    Each circuit's ptau is the one its transcript's setup record names (blake2b, found at the
    recorded path, at `ptau`, or in the ptau cache for a published file); without a transcript,
    the one already locked for it, else `ptau`. A ptau with no phase-1 contribution is refused
    unless `allow_insecure_ptau` (the ceremony.toml says `source = "dev"`). `audits` (circuit →
    its audit) are recorded in the r1cs settings; a `fail` circuit that is under-constrained is
    refused (check_audits). Nothing is written when any check fails (IntegrityError with the
    details).
    """
    audits = audits or {}
    check_audits(audits)
    digests = Digests()
    manifest, ptau_files = _describe_all(project, registry, tools, ptau, digests, audits)
    report = Checker(project, registry, manifest, digests, project, ptau_files, tools).report()
    if report.failures:
        lines = [f"  {row.label} ({row.kind}): {row.detail}" for row in report.failures]
        raise IntegrityError("refusing to lock:\n" + "\n".join(lines))
    for art_id, ptau_file in ptau_files.items():
        count = ptau_contributions_of(manifest.artifacts[art_id], ptau_file)
        if not allow_insecure_ptau and count == 0:
            raise IntegrityError(
                f"refusing to lock: {ptau_file or art_id} has no phase-1 contribution, so whoever"
                " made it can forge proofs; keys from it are locked only when ceremony.toml"
                ' [phase1] says source = "dev"'
            )
    write_manifest(manifest_path(project), manifest)
    return report


def ptau_contributions_of(art: Artifact, ptau_file: Path | None) -> int | None:
    """Phase-1 contributions of a locked ptau: the file's count, else the locked one."""
    if ptau_file is not None:
        return open_ptau(ptau_file).contribution_count()
    locked = art.settings.get("contributions")
    return locked if isinstance(locked, int) else None


def circuit_ptau_contributions(manifest: Manifest, name: str) -> int | None:
    """Phase-1 contributions of the ptau circuit `name` was locked with, as the lock recorded
    them (lock counted them in the file; verify checks the file still lists as many)."""
    ref = manifest.ptau_of(name)
    return None if ref is None else ptau_contributions_of(manifest.artifacts[ref], None)


def _describe_all(
    project: Project,
    registry: Registry,
    tools: Tools,
    ptau: Path | None,
    digests: Digests,
    audits: Mapping[str, AuditRecord],
) -> tuple[Manifest, dict[str, Path | None]]:
    """The new manifest, and the file of each ptau in it (None: kept from the last lock)."""
    names = locked_circuits(project, registry)
    if not names:
        raise UsageError("no circuit has artifacts/NAME/final.zkey yet: nothing to lock")
    if ptau is not None and not ptau.is_file():
        raise UsageError(f"no ptau at {ptau}")
    describer = _Describer(project, tools, digests, audits)
    previous = read_manifest(manifest_path(project)) if manifest_path(project).is_file() else None
    ptaus = _Ptaus(project, digests, describer, ptau, previous)
    artifacts: dict[str, Artifact] = {}
    for name in names:
        artifacts.update(describer.circuit(registry.get(name), *ptaus.of(name)))
    ptaus.check_override_used()
    manifest = Manifest(format=FORMAT, artifacts={**ptaus.artifacts, **artifacts})
    return manifest, ptaus.files


@dataclass
class _Ptaus:
    """Each circuit's ptau, one manifest entry per distinct file (by blake2b)."""

    project: Project
    digests: Digests
    describer: _Describer
    override: Path | None  # --ptau: another place to look, or the ptau of circuits without record
    previous: Manifest | None  # the manifest being replaced, if any
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    files: dict[str, Path | None] = field(default_factory=dict)
    used_override: bool = False

    def of(self, name: str) -> tuple[str, Artifact]:
        """The id and entry of the ptau circuit `name`'s key was set up on."""
        setup = setup_record(self.project, name)
        recorded = setup.inputs if setup is not None else {}
        want = recorded.get("ptau_blake2b") or self._locked_blake2b(name)
        path = self._find(name, want, recorded.get("ptau_path"))
        if path is None:  # the locked entry is kept, as its file is absent (want is not None)
            kept = self._previous_entry(want)
            assert kept is not None  # _find returns None only then
            return self._add(kept, None)
        self.used_override |= path == self.override
        return self._add(self.describer.ptau(path), path)

    def check_override_used(self) -> None:
        """UsageError when --ptau is the ptau of no circuit: a mistake better said than ignored."""
        if self.override is not None and not self.used_override:
            blake2b = self.digests.of(self.override).blake2b
            raise UsageError(
                f"--ptau {self.override} (blake2b {blake2b[:16]}…) is the ptau of no keyed"
                " circuit: their setup records name others"
            )

    def _add(self, art: Artifact, path: Path | None) -> tuple[str, Artifact]:
        art_id = ptau_id(art.blake2b)
        known = self.artifacts.setdefault(art_id, art)
        if known.blake2b != art.blake2b:
            raise IntegrityError(
                f"two different ptaus share the id {art_id}: they cannot be locked together"
            )
        self.files.setdefault(art_id, path)
        return art_id, known

    def _locked_blake2b(self, name: str) -> str | None:
        """The blake2b of the ptau the last lock recorded for `name`, if any."""
        locked = self.previous.ptau_of(name) if self.previous else None
        return self.previous.artifacts[locked].blake2b if self.previous and locked else None

    def _previous_entry(self, blake2b: str | None) -> Artifact | None:
        arts = self.previous.artifacts if self.previous else {}
        return next(
            (art for art in arts.values() if art.kind == "ptau" and art.blake2b == blake2b), None
        )

    def _candidates(self, want: str, recorded: str | None) -> list[Path]:
        """Where a ptau may be besides --ptau: recorded at setup, locked before, cached."""
        places = [self.project.root / recorded] if recorded else []
        kept = self._previous_entry(want)
        if kept is not None and (found := find_ptau(self.project, kept)) is not None:
            places.append(found)
        release = release_by_hash(want)
        if release is not None:
            places.append(ptau_fetch.cached_ptau_path(release))
        return [place for place in places if place.is_file()]

    def _find(self, name: str, want: str | None, recorded: str | None) -> Path | None:
        """The file of `name`'s ptau (blake2b `want`, setup path `recorded`); None when only the
        previous lock knows it."""
        if want is None:
            if self.override is None:
                raise UsageError(
                    f"pass --ptau PATH: no setup record or lock names the ptau {name} was set up on"
                )
            return self.override
        places = self._candidates(want, recorded)
        offered = [self.override] if self.override is not None else []
        for place in [*offered, *places]:
            if self.digests.of(place).blake2b == want:
                return place
        if places:  # the recorded file is there, with other content
            got = self.digests.of(places[0]).blake2b
            raise IntegrityError(
                f"{name} was set up on the ptau with blake2b {want[:16]}…, {places[0]} has"
                f" blake2b {got[:16]}…: use the ptau it was set up with"
            )
        if self._previous_entry(want) is not None:
            return None
        raise UsageError(_not_found(name, want, self.override, self.digests))


def _not_found(name: str, want: str, override: Path | None, digests: Digests) -> str:
    """Why `name`'s ptau was not found: nowhere recorded, and --ptau (if any) is another."""
    where = (
        f"--ptau {override} has blake2b {digests.of(override).blake2b[:16]}…"
        if override
        else "no recorded path holds it"
    )
    return f"{name} was set up on the ptau with blake2b {want[:16]}…, {where}: pass --ptau PATH"


@dataclass(frozen=True)
class _Describer:
    """Builds the manifest entries of one lock run."""

    project: Project
    tools: Tools
    digests: Digests
    audits: Mapping[str, AuditRecord]

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
        opened = open_ptau(path)
        release = release_by_hash(self.digests.of(path).blake2b)
        published = release.file_name if release else None
        settings: Settings = {
            "power": opened.header.power,
            "published": published,
            "contributions": opened.contribution_count(),
        }
        art = self.artifact("ptau", path.resolve(), {}, settings)
        if published and not path.resolve().is_relative_to(self.project.root):
            return art.model_copy(update={"path": None})
        return art

    def circuit(self, entry: CircuitEntry, ptau_ref: str, ptau: Artifact) -> dict[str, Artifact]:
        """The entries of one keyed circuit, whose key was set up on `ptau` (id `ptau_ref`)."""
        built = self._built(entry)
        setup = {f"{entry.name}/r1cs": built[f"{entry.name}/r1cs"], ptau_ref: ptau}
        return {**built, **self._keys(entry.name, setup)}

    def _built(self, entry: CircuitEntry) -> dict[str, Artifact]:
        name, project = entry.name, self.project
        source = self.artifact(
            "source", source_path(project, entry), {}, self._source_settings(entry)
        )
        compiled = self._compile_settings(entry)
        made_from = {f"{name}/source": source}
        audited = self.audits.get(name)
        verdict: Settings = {"audit": audited.settings()} if audited else {}
        r1cs = self.artifact("r1cs", project.r1cs(name), made_from, {**compiled, **verdict})
        return {
            f"{name}/source": source,
            f"{name}/r1cs": r1cs,
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

    def _keys(self, name: str, setup: dict[str, Artifact]) -> dict[str, Artifact]:
        """zkey, transcript, vkey and verifier; `setup`: the r1cs and ptau the key came from."""
        project = self.project
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
    protocol = zkey_protocol(project.zkey(name))
    if protocol in UNIVERSAL_IDS:
        return _universal_settings(project.zkey(name), head)
    zkey = open_zkey(project.zkey(name))
    mpc = zkey.read_mpc_params()
    return {
        "protocol": protocol,
        "n_vars": zkey.header.n_vars,
        "n_public": zkey.header.n_public,
        "domain_size": zkey.header.domain_size,
        "circuit_hash": mpc.cs_hash.hex(),
        "contributions": len(mpc.contributions),
        "transcript_head": head,
    }


def _universal_settings(path: Path, head: JsonValue) -> Settings:
    """A PLONK or fflonk key's protocol and header counts (it has no circuit hash or chain)."""
    header = open_universal_zkey(path).header
    return {
        "protocol": header.protocol,
        "n_vars": header.n_vars,
        "n_public": header.n_public,
        "domain_size": header.domain_size,
        "n_additions": header.n_additions,
        "n_constraints": header.n_constraints,
        "transcript_head": head,
    }
