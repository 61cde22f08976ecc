"""`zkt ceremony serve` and `invite`: the ceremony over HTTP, run by its coordinator.

Its `finalize --coordinator` is in cli/ceremony.py; the participant's commands are in
cli/participant.py.
"""

from __future__ import annotations

from pathlib import Path

import click

from toolchain.cli.ceremony import ceremony
from toolchain.cli.common import status, workspace

DATA = click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Coordinator data directory (default: <project>/.zkt/coordinator).",
)


@ceremony.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8787, show_default=True, type=int, help="Port to listen on.")
@DATA
@click.pass_context
def ceremony_serve(ctx: click.Context, host: str, port: int, data: Path | None) -> None:
    """Run the ceremony coordinator: HTTP API under /api/v1, status page at /.

    Serves the circuits of ceremony/ceremony.toml with its [coordinator] settings (slot time,
    heartbeats, retries, invites, limits). Creates each circuit's initial key if needed,
    re-verifies every accepted chain and restores the queue at start. Logs are JSON lines on
    stderr. Put it behind a TLS proxy to serve beyond this machine.
    """
    from toolchain.coordinator.serve import serve

    serve(workspace(ctx), host, port, data, status)


@ceremony.command(name="invite")
@click.option("--count", required=True, type=int, help="How many single-use codes to print.")
@click.option(
    "--expires",
    "hours",
    type=float,
    help="Hours each code stays valid (default: [coordinator] invite_hours, 72).",
)
@DATA
@click.pass_context
def ceremony_invite(ctx: click.Context, count: int, hours: float | None, data: Path | None) -> None:
    """Print single-use invite codes, one per line (for `join --invite CODE`)."""
    from toolchain.coordinator.serve import invite

    for code in invite(workspace(ctx), count, hours, data):
        click.echo(code)
