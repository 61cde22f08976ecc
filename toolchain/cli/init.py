"""`zkt init`: start a project here, or adopt the circom repository that is here."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolchain.cli.common import status

if TYPE_CHECKING:
    from toolchain.api.init import Written


@click.command(name="init")
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option(
    "--adopt",
    is_flag=True,
    help="Register the .circom files of an existing repository that declare `component main`"
    " (with their public inputs), leaving them where they are.",
)
def init_cmd(directory: Path, adopt: bool) -> None:
    """Start a zk-toolchain project in DIRECTORY (default: here); nothing that exists changes.

    Without --adopt: an example hand-written circuit and template with inputs, circuits.toml,
    ceremony/ceremony.toml, a noxfile.py (`nox -l`), tests using the pytest plugin, a .gitignore
    and a CI workflow running `zkt artifacts verify`. Refused where circuits/circuits.toml exists.
    """
    from toolchain.api.init import adopt_project, init_project

    if not adopt:
        _created(directory, init_project(directory))
        status(f"next: {_cd(directory)}zkt tools install && nox  (compile, test, audit)")
        return
    adopted = adopt_project(directory)
    for circuit in adopted.found:
        click.echo(f"registered {circuit.name}: {circuit.source} public {circuit.public}")
    for skip in adopted.skipped:
        click.echo(f"skipped    {skip.source}: {skip.reason}")
    _created(directory, adopted.written)


def _created(root: Path, written: Written) -> None:
    for path in written.created:
        click.echo(f"created    {path.relative_to(root)}")
    for path in written.kept:
        click.echo(f"kept       {path.relative_to(root)} (it exists)")


COMMANDS = [init_cmd]


def _cd(directory: Path) -> str:
    """`cd DIRECTORY && ` to get there from here, or nothing when it is here."""
    return (
        ""
        if directory.resolve() == Path.cwd().resolve()
        else f"cd {shlex.quote(str(directory))} && "
    )
