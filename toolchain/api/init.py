"""Start a project: `zkt init` (a starter project) and `zkt init --adopt` (an existing repo)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolchain.config import read_registry
from toolchain.fsutil import write_atomic
from toolchain.paths import REGISTRY
from toolchain.scaffold import adopt, init
from toolchain.scaffold.init import Written

__all__ = ["Adopted", "Written", "adopt_project", "init_project"]


@dataclass(frozen=True)
class Adopted:
    """What `adopt_project` registered, passed over, created and left as it was."""

    found: list[adopt.Found]
    skipped: list[adopt.Skipped]
    written: Written


def init_project(root: Path) -> Written:
    """Write the starter project into `root`; nothing that exists there is changed."""
    return init.create_project(root)


def adopt_project(root: Path) -> Adopted:
    """Register every circom main under `root` in a new circuits.toml, plus the project files."""
    init.refuse_existing_project(root)
    found, skipped = adopt.survey(root)
    registry = root / REGISTRY
    write_atomic(registry, adopt.registry_text(found).encode())
    try:
        read_registry(registry)  # what we wrote must be what we read: validated like any registry
    except BaseException:
        registry.unlink()
        raise
    written = init.write_files(root, init.PROJECT_FILES)
    return Adopted(found, skipped, Written([registry, *written.created], written.kept))
