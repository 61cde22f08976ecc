"""The artifact manifest's model and I/O: artifacts/manifest.json, validated and written.

lock.py writes it, verify.py checks it (report.py is the verdict table).

Layout (JSON, sorted keys, two-space indent, final newline, no times: it diffs well in git):

    {"format": 1, "artifacts": {ID: ARTIFACT, ...}}

    ID               file                                    step
    ptau/HEX16       a prepared ptau keys were set up on     ptau
                     (HEX16: the first 16 hex digits of its
                     blake2b; one entry per distinct ptau)
    NAME/source      build/NAME/NAME.circom, or the          render
                     hand-written file circuits.toml names
    NAME/r1cs        build/NAME/NAME.r1cs                    compile
    NAME/wasm        build/NAME/NAME_js/NAME.wasm            compile
    NAME/zkey        artifacts/NAME/final.zkey               setup+ceremony
    NAME/transcript  ceremony/transcripts/NAME.jsonl         ceremony  (when there is one)
    NAME/vkey        artifacts/NAME/verification_key.json    export    (when exported)
    NAME/verifier    artifacts/NAME/verifier.sol             export    (when exported)

    ARTIFACT = {
      "kind":     the ID's last part ("ptau" for a ptau),
      "path":     relative to the project root; a ptau outside the project is recorded by its
                  absolute path, or as null when it is a published file (then looked for in
                  the ptau cache): the ptau is large and need not be present to verify,
      "size", "sha256", "blake2b":  of the whole file (blake2b-512, as ptau files are pinned),
      "step":     as above,
      "tools":    {tool: version} pinned for that step when locked (zk-toolchain, circom,
                  circomlib, snarkjs),
      "inputs":   {ID: "sha256:HEX"} of the artifacts it was made from ("blake2b:HEX" for the
                  ptau): r1cs, wasm ← source; zkey, transcript ← r1cs + the ptau
                  that circuit was set up on (its own: circuits may use different ptaus);
                  vkey, verifier ← zkey,
      "settings": what else determined it:
                  source      template, template_sha256, params, public;
                              hand-written: hand_written (true), public
                  r1cs, wasm  circom (version), optimization, prime, includes {file: sha256}
                  r1cs        also audit: {policy ("fail", "warn", "skip": circuits.toml's),
                              verdict ("unique", "under-constrained", "unknown", "skipped"),
                              reason (a skip's only)}, the `zkt audit` run at lock time
                              (absent in older manifests: they verify, the verdict unchecked)
                  ptau        power, published (the Hermez file name whose pinned hash it has),
                              contributions (phase-1 contributions in its section 7; 0: INSECURE,
                              locked only with ceremony.toml's source = "dev"; absent in older
                              manifests)
                  zkey        protocol (groth16, plonk, fflonk; absent in older manifests:
                              groth16), n_vars, n_public, domain_size, then for Groth16
                              circuit_hash, contributions, for PLONK/fflonk n_additions,
                              n_constraints; transcript_head (sha256 of the transcript's last
                              line, or null)
                  transcript  records, head
    }

Manifests locked before per-circuit ptaus have one artifact with the id "ptau" that every key
names; they verify as they are, and the next lock writes ptau/HEX16 ids.
"""

from __future__ import annotations

import json
import re
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
from toolchain.errors import FormatError, UsageError
from toolchain.fsutil import write_atomic
from toolchain.paths import Project
from toolchain.runner.tools import CIRCOM_VERSION, PINNED
from toolchain.textlimits import JsonRefusal, load_json

FORMAT: Literal[1] = 1
LEGACY_PTAU = "ptau"  # the one ptau of manifests locked before per-circuit ptaus
_PTAU_ID = re.compile(r"ptau/[0-9a-f]{16}")
MANIFEST = Path("artifacts") / "manifest.json"
MAX_MANIFEST_DEPTH = 32  # the manifest nests 4 deep; its free-form provenance a few more
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

    def ptau_inputs(self) -> list[str]:
        """The ids of the ptaus among its inputs (one for a key or transcript, else none)."""
        return sorted(ref for ref in self.inputs if _is_ptau(ref))

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
        if not self.ptaus():
            raise ValueError("no 'ptau' artifact: every key comes from one")
        return self

    def circuits(self) -> list[str]:
        """The names of the locked circuits, sorted."""
        return sorted({art_id.split("/")[0] for art_id in self.artifacts if not _is_ptau(art_id)})

    def ptaus(self) -> list[str]:
        """The ids of the locked ptaus, sorted."""
        return sorted(art_id for art_id in self.artifacts if _is_ptau(art_id))

    def ptau_of(self, name: str) -> str | None:
        """The id of the ptau circuit `name`'s key names among its inputs (None: not just one)."""
        key = self.artifacts.get(f"{name}/zkey")
        named = key.ptau_inputs() if key else []
        return named[0] if len(named) == 1 else None

    def keyed_on(self, ptau: str) -> list[str]:
        """The circuits whose key was set up on the ptau `ptau` (an id), sorted."""
        return [name for name in self.circuits() if self.ptau_of(name) == ptau]


def ptau_id(blake2b: str) -> str:
    """The id of the ptau with this blake2b: ptau/ and its first 16 hex digits."""
    return f"ptau/{blake2b[:16]}"


def _is_ptau(art_id: str) -> bool:
    return art_id == LEGACY_PTAU or _PTAU_ID.fullmatch(art_id) is not None


def kind_of(art_id: str) -> str | None:
    """The kind an artifact id names ("ptau", or the part after NAME/), None if malformed."""
    if _is_ptau(art_id):
        return "ptau"
    name, _, kind = art_id.partition("/")
    return kind if name and kind in CIRCUIT_KINDS else None


# --- reading and writing ---------------------------------------------------------------------


def manifest_path(project: Project) -> Path:
    """artifacts/manifest.json of `project`."""
    return project.root / MANIFEST


def parse_manifest(data: bytes | str, source: str) -> Manifest:
    """Validate manifest JSON; FormatError naming every bad key (`artifacts.ID.sha256: ...`)."""
    try:
        obj = load_json(data, max_depth=MAX_MANIFEST_DEPTH)
    except JsonRefusal as exc:
        raise FormatError(f"{source}: not valid JSON: {exc}") from None
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
