"""What several verb groups share: the workspace and tools of --project, status lines, prompts."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def progress_bar(meter: Callable[[str], float | None], verbosity: int) -> Iterator[Progress]:
    """One bar on stderr fed by a tool's progress lines (`meter` reads how far each says it is);
    with -v the tool's other lines are shown above it, with -v -v its DEBUG lines too."""
    from tqdm import tqdm

    shown = sys.stderr.isatty()  # a log file gets the lines, not the bar's redraws
    style = "{l_bar}{bar}| {elapsed}"
    with tqdm(total=100, file=sys.stderr, bar_format=style, disable=not shown) as bar:

        def show(line: str) -> None:
            fraction = meter(line)
            if fraction is not None and 100 * fraction > bar.n:
                bar.update(100 * fraction - bar.n)
            if verbosity >= 2 or (verbosity == 1 and not line.startswith("[DEBUG]")):
                bar.write(line, file=sys.stderr)

        yield show
        bar.update(100 - bar.n)


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
VERBOSITY = click.option(
    "-v",
    "--verbose",
    "verbosity",
    count=True,
    help="Show snarkjs's messages above the progress bar; -v -v adds its DEBUG lines.",
)
FILE = click.Path(dir_okay=False, path_type=Path)
