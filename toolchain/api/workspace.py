"""A project and its pinned tools, as every verb receives them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from toolchain.config import Registry, read_registry
from toolchain.errors import ConfigError, UsageError
from toolchain.paths import Project, find_project_root, tools_dir
from toolchain.runner.tools import Tools as Tools  # re-exported: the CLI annotates with it


@dataclass
class Workspace:
    """One project: its paths, its registry (parsed once) and its pinned tools."""

    project: Project
    tools: Tools = field(init=False)

    def __post_init__(self) -> None:
        self.tools = Tools(self.project.tools_dir)

    @cached_property
    def registry(self) -> Registry:
        """circuits/circuits.toml, validated."""
        return read_registry(self.project.registry)


def open_workspace(root: Path | None = None) -> Workspace:
    """The workspace at `root`, or found from $ZKT_PROJECT / the current directory upwards."""
    return Workspace(Project(find_project_root(root)))


def optional_root(root: Path | None) -> Path | None:
    """The project root when inside one; tools commands also work outside a project."""
    try:
        return find_project_root(root)
    except ConfigError:
        return None


def project_tools(root: Path | None) -> Tools:
    """The pinned tools: the project's when inside one, else the user's."""
    return Tools(tools_dir(optional_root(root)))


def existing(path: Path, what: str, hint: str) -> Path:
    """`path` when it is a file; UsageError naming `what` and how to get one otherwise."""
    if not path.is_file():
        raise UsageError(f"no {what} at {path}: {hint}")
    return path
