"""`zkt tools install|doctor`: the pinned external tools (snarkjs, circom2, circomlib)."""

from __future__ import annotations

import click

from toolchain.cli.common import project, status


@click.group()
def tools() -> None:
    """Install and check the pinned external tools (snarkjs, circom2, circomlib)."""


@tools.command()
@click.pass_context
def install(ctx: click.Context) -> None:
    """Install the pinned npm tools with `npm ci --ignore-scripts` (project-local folder)."""
    from toolchain.api.tools import install_tools

    target = install_tools(project(ctx))
    status(f"pinned tools installed in {target}")


@tools.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Show each tool's version, location and sha256; exit 3 when one is missing or unpinned."""
    from toolchain.api.tools import tools_doctor

    report = tools_doctor(project(ctx))
    for row in report.rows:
        mark = "ok " if row.ok else "BAD"
        click.echo(f"{mark} {row.name:<16} {row.version:<10} {row.location}")
        if row.sha256 != "-":
            click.echo(f"    sha256 {row.sha256}")
        if row.note:
            click.echo(f"    {row.note}")
    report.raise_for_failures()


COMMANDS = [tools]
