"""What several verb groups share: the workspace and tools of --project, status lines, prompts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from toolchain.api.workspace import Tools, Workspace

Progress = Callable[[str], None]


def status(message: str) -> None:
    """A progress or result line for people: stderr, so stdout stays the command's output."""
    click.echo(message, err=True)


def project(ctx: click.Context) -> Path | None:
    """The --project option of the root group (None: $ZKT_PROJECT or the nearest parent)."""
    root: Path | None = ctx.obj.get("project")
    return root


def workspace(ctx: click.Context) -> Workspace:
    """The project the command works on (ConfigError outside a project)."""
    from toolchain.api.workspace import open_workspace

    return open_workspace(project(ctx))


def tools(ctx: click.Context) -> Tools:
    """The pinned tools: the project's when inside one, else the user's."""
    from toolchain.api.workspace import project_tools

    return project_tools(project(ctx))


def typed_entropy(prompt: bool) -> str:
    """Text the participant types (hidden) with --prompt, else nothing; OS randomness is added."""
    return click.prompt("Type some random text (hidden)", hide_input=True) if prompt else ""


def progress(verbose: bool) -> Progress | None:
    """Where snarkjs's progress goes: stderr with -v, nowhere otherwise."""
    return status if verbose else None


PROMPT = click.option(
    "--prompt/--no-prompt",
    default=False,
    help="Also mix in text you type (hidden). OS randomness is always used.",
)
VERBOSE = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Show snarkjs's progress as it works (big powers take minutes to hours).",
)
FORCE = click.option(
    "--force",
    is_flag=True,
    help="Replace the output if it exists (without it an existing output is refused, exit 2)."
    " An input is never replaced.",
)
FILE = click.Path(dir_okay=False, path_type=Path)
