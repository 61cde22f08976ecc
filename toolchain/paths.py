"""The single owner of where every file lives: project tree, build outputs, caches, tools."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import ConfigError

REGISTRY = Path("circuits") / "circuits.toml"


def find_project_root(start: Path | None = None) -> Path:
    """The nearest directory (from `start`, $ZKT_PROJECT or cwd upwards) holding the registry."""
    if start is None and os.environ.get("ZKT_PROJECT"):
        start = Path(os.environ["ZKT_PROJECT"])
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / REGISTRY).is_file():
            return candidate
    raise ConfigError(f"no {REGISTRY} found in {here} or any parent (use --project DIR)")


def cache_dir() -> Path:
    """The content-addressed cache: $ZKT_CACHE, else $XDG_CACHE_HOME or ~/.cache, /zk-toolchain."""
    if os.environ.get("ZKT_CACHE"):
        return Path(os.environ["ZKT_CACHE"]).resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "zk-toolchain"


def shown_path(root: Path, path: Path) -> str:
    """A path as manifests and transcripts record it: relative to the project root when inside."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


@dataclass(frozen=True)
class Project:
    """Paths inside one project checkout."""

    root: Path

    @property
    def registry(self) -> Path:
        """circuits/circuits.toml."""
        return self.root / REGISTRY

    @property
    def templates_dir(self) -> Path:
        """templates/ (only *.circom.j2)."""
        return self.root / "templates"

    @property
    def lib_dir(self) -> Path:
        """circuits/lib/: hand-written circom shared by templates."""
        return self.root / "circuits" / "lib"

    @property
    def tools_dir(self) -> Path:
        """Where `zkt tools install` puts the pinned npm tools ($ZKT_TOOLS_DIR overrides)."""
        return tools_dir(self.root)

    def inputs_dir(self, name: str) -> Path:
        """circuits/inputs/<name>/: example inputs of one circuit."""
        return self.root / "circuits" / "inputs" / name

    def build_dir(self, name: str) -> Path:
        """build/<name>/: rendered source and compiled outputs of one circuit."""
        return self.root / "build" / name

    def source(self, name: str) -> Path:
        """build/<name>/<name>.circom: the rendered circuit."""
        return self.build_dir(name) / f"{name}.circom"

    def r1cs(self, name: str) -> Path:
        """build/<name>/<name>.r1cs."""
        return self.build_dir(name) / f"{name}.r1cs"

    def sym(self, name: str) -> Path:
        """build/<name>/<name>.sym."""
        return self.build_dir(name) / f"{name}.sym"

    def wasm(self, name: str) -> Path:
        """build/<name>/<name>_js/<name>.wasm: the witness generator."""
        return self.build_dir(name) / f"{name}_js" / f"{name}.wasm"

    def artifacts_dir(self, name: str) -> Path:
        """artifacts/<name>/: the final, committed artifacts of one circuit."""
        return self.root / "artifacts" / name

    def zkey(self, name: str) -> Path:
        """artifacts/<name>/final.zkey: the proving key after the phase-2 ceremony."""
        return self.artifacts_dir(name) / "final.zkey"

    def vkey(self, name: str) -> Path:
        """artifacts/<name>/verification_key.json."""
        return self.artifacts_dir(name) / "verification_key.json"

    def verifier_sol(self, name: str) -> Path:
        """artifacts/<name>/verifier.sol: the Solidity verifier."""
        return self.artifacts_dir(name) / "verifier.sol"

    @property
    def ceremony_config(self) -> Path:
        """ceremony/ceremony.toml."""
        return self.root / "ceremony" / "ceremony.toml"

    def transcript(self, name: str) -> Path:
        """ceremony/transcripts/<name>.jsonl: the phase-2 record of one circuit (committed)."""
        return self.root / "ceremony" / "transcripts" / f"{name}.jsonl"

    def ceremony_key(self, name: str, index: int) -> Path:
        """build/<name>/ceremony/<name>_NNNN.zkey: the key after contribution NNNN."""
        return self.build_dir(name) / "ceremony" / f"{name}_{index:04d}.zkey"

    def dev_ptau(self, power: int, seed_tag: str) -> Path:
        """build/ptau/dev_NN_TAG.ptau: an INSECURE dev ptau, regenerated from its seed."""
        return self.root / "build" / "ptau" / f"dev_{power:02d}_{seed_tag}.ptau"

    def proof_dir(self, name: str) -> Path:
        """build/<name>/proof/: default output of `zkt prove`."""
        return self.build_dir(name) / "proof"

    def build_stamp(self, name: str) -> Path:
        """build/<name>/.zkt-build.json: which cache entry the build dir holds."""
        return self.build_dir(name) / ".zkt-build.json"


def tools_dir(root: Path | None) -> Path:
    """$ZKT_TOOLS_DIR, else <project>/.zkt/tools, else <cache>/tools outside a project."""
    if os.environ.get("ZKT_TOOLS_DIR"):
        return Path(os.environ["ZKT_TOOLS_DIR"]).resolve()
    if root is not None:
        return root / ".zkt" / "tools"
    return cache_dir() / "tools"
