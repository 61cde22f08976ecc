"""The starter project `zkt init` writes: what goes where, created without touching what exists.

The files ship inside the package (toolchain/scaffold/files/), flat and without leading dots so
that every packaging tool carries them; FILES says where each one goes in the new project.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from toolchain.errors import UsageError
from toolchain.fsutil import write_atomic
from toolchain.paths import REGISTRY

FILES = {
    "circuits.toml": "circuits/circuits.toml",
    "preimage.circom": "circuits/src/preimage.circom",
    "multiplier.circom.j2": "templates/multiplier.circom.j2",
    "preimage-valid.json": "circuits/inputs/preimage/valid.json",
    "preimage-invalid_wrong_secret.json": "circuits/inputs/preimage/invalid_wrong_secret.json",
    "multiplier_3-valid.json": "circuits/inputs/multiplier_3/valid.json",
    "ceremony.toml": "ceremony/ceremony.toml",
    "noxfile.py": "noxfile.py",
    "gitignore": ".gitignore",
    "verify-artifacts.yml": ".github/workflows/verify-artifacts.yml",
    "test_circuits.py": "tests/test_circuits.py",
}
# What `zkt init --adopt` adds around the user's own circuits: no examples.
PROJECT_FILES = ("ceremony.toml", "noxfile.py", "gitignore", "verify-artifacts.yml")


@dataclass(frozen=True)
class Written:
    """What a scaffold step created, and what it left as it was because it existed."""

    created: list[Path]
    kept: list[Path]


def refuse_existing_project(root: Path) -> None:
    """UsageError when `root` already has a registry: init never rewrites a project."""
    if (root / REGISTRY).exists():
        raise UsageError(f"{root / REGISTRY} exists: {root} is already a zk-toolchain project")


def write_files(root: Path, names: tuple[str, ...] | list[str]) -> Written:
    """Copy the named scaffold files into `root`, skipping every destination that exists."""
    created, kept = [], []
    for name in names:
        target = root / FILES[name]
        if target.exists():
            kept.append(target)
            continue
        write_atomic(target, (files(__package__) / "files" / name).read_bytes())
        created.append(target)
    return Written(created, kept)


def create_project(root: Path) -> Written:
    """Write the starter project into `root` (made if needed); existing files are kept."""
    refuse_existing_project(root)
    return write_files(root, list(FILES))
