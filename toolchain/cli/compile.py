"""`zkt render`, `zkt compile`, `zkt info`: circuits.toml entries to .circom, .r1cs and counts."""

from __future__ import annotations

import json

import click

from toolchain.cli.common import status, workspace


@click.command(name="render")
@click.argument("names", nargs=-1)
@click.pass_context
def render_cmd(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Render circuits from their templates into build/NAME/NAME.circom (all when none named)."""
    from toolchain.api.compile import render

    for path in render(workspace(ctx), names):
        click.echo(path)


@click.command(name="compile")
@click.argument("names", nargs=-1)
@click.pass_context
def compile_cmd(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Render and compile circuits to .r1cs, .sym and witness .wasm (all when none named).

    Results are cached by the hash of the rendered source, every included file, the circom
    version and the flags: an unchanged circuit is not recompiled. $ZKT_CIRCOM=native|wasmtime|node
    forces how circom runs.
    """
    from toolchain.api.compile import compile_circuits

    compile_circuits(workspace(ctx), names, report=status)


@click.command(name="info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as a JSON object.")
@click.pass_context
def info_cmd(ctx: click.Context, name: str, as_json: bool) -> None:
    """Constraint, wire, input, output and label counts of a circuit (compiles it if needed)."""
    from toolchain.api.compile import circuit_info

    counts = circuit_info(workspace(ctx), name)
    if as_json:
        click.echo(json.dumps(counts, indent=2))
        return
    click.echo(f"circuit {name}")
    for key, value in counts.items():
        click.echo(f"  {key.replace('_', ' '):<16}{value}")


COMMANDS = [render_cmd, compile_cmd, info_cmd]
