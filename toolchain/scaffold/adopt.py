"""`zkt init --adopt`: register an existing repository's circom mains, leaving the files in place.

A `.circom` file is a circuit when it declares `component main`; its public inputs are the
`{public [...]}` list of that declaration. Files without a main are libraries (included by the
others, as circom resolves includes: relative to the including file, then the -l directories).
Folders the toolchain or npm own (build/, node_modules/, .zkt/, dot-folders) are not searched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import UsageError

_SKIPPED_DIRS = frozenset({"build", "node_modules"})
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_MAIN = re.compile(r"\bcomponent\s+main\b\s*(?:\{\s*public\s*\[([^\]]*)\]\s*\})?\s*=")
_NAME_CHARS = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class Found:
    """A circuit to register: its registry name, its source relative to the root, its publics."""

    name: str
    source: str
    public: list[str]


@dataclass(frozen=True)
class Skipped:
    """A .circom file not registered, and why."""

    source: str
    reason: str


def circom_files(root: Path) -> list[Path]:
    """Every .circom file under `root`, outside build/, node_modules/ and dot-folders."""
    return sorted(
        path
        for path in root.rglob("*.circom")
        if not any(
            part in _SKIPPED_DIRS or part.startswith(".")
            for part in path.relative_to(root).parts[:-1]
        )
    )


def find_main(text: str) -> list[str] | None:
    """main's public input names if `text` declares `component main`, else None."""
    mains = _MAIN.findall(_COMMENT.sub("", text))
    if len(mains) > 1:
        raise ValueError(f"{len(mains)} `component main` declarations")
    if not mains:
        return None
    return [name.strip() for name in mains[0].split(",") if name.strip()]


def registry_name(path: Path, taken: set[str]) -> str:
    """A lower_snake registry name from the file name, unique among `taken`."""
    base = _NAME_CHARS.sub("_", path.stem.lower()).strip("_") or "circuit"
    if not base[0].isalpha():
        base = f"c_{base}"
    name, number = base[:60], 2
    while name in taken:
        name, number = f"{base[:56]}_{number}", number + 1
    return name


def survey(root: Path) -> tuple[list[Found], list[Skipped]]:
    """The circuits of the repository at `root` and the files passed over, with reasons."""
    found: list[Found] = []
    skipped: list[Skipped] = []
    for path in circom_files(root):
        source = path.relative_to(root).as_posix()
        try:
            public = find_main(path.read_text(errors="replace"))
        except ValueError as exc:
            skipped.append(Skipped(source, f"{exc}: circom allows one"))
            continue
        if public is None:
            skipped.append(Skipped(source, "no `component main`: a library, included by others"))
            continue
        name = registry_name(path, {f.name for f in found})
        found.append(Found(name, source, public))
    if not found:
        raise UsageError(f"no .circom file under {root} declares `component main`")
    return found, skipped


def registry_text(found: list[Found]) -> str:
    """circuits/circuits.toml for the circuits found, one [[circuit]] each."""
    lines = [
        "# Written by `zkt init --adopt`: one [[circuit]] per .circom file that declares",
        "# `component main`. The files stay where they are; `public` is main's public inputs.",
    ]
    for circuit in found:
        public = ", ".join(json.dumps(name) for name in circuit.public)
        lines += [
            "",
            "[[circuit]]",
            f'name = "{circuit.name}"',
            f"source = {json.dumps(circuit.source)}",  # a JSON string is a TOML basic string
            f"public = [{public}]",
        ]
    return "\n".join(lines) + "\n"
