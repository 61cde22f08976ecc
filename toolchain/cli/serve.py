"""`zkt serve`: the prover service over HTTP for the circuits locked in artifacts/manifest.json."""

from __future__ import annotations

from pathlib import Path

import click

from toolchain.cli.common import FILE, status, workspace
from toolchain.cli.prove import PROVE_BACKEND


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="TCP port to listen on.")  # fmt: skip
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Prover worker processes, each loading every locked key once (with a dask executor:"
    " jobs sent to the cluster at once).",
)
@click.option(
    "--executor",
    default="local",
    show_default=True,
    help="Where proofs run: local (worker processes) or dask://HOST:PORT (a Dask distributed"
    " cluster whose workers read the keys and wasm at the same paths).",
)
@click.option(
    "--api-keys",
    type=FILE,
    help="TOML or JSON file mapping each API key's sha256 to the circuits it may use"
    ' (["*"]: all). Without it every request is allowed.',
)
@click.option("--queue-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Jobs that may wait for a worker; beyond, 429 with Retry-After.")  # fmt: skip
@click.option("--max-body-kib", type=click.IntRange(min=1), default=1024, show_default=True,
              help="Largest request body accepted; beyond, 413.")  # fmt: skip
@click.option(
    "--state",
    type=FILE,
    help="SQLite file of the job table: every job's status and result (never its inputs),"
    " kept across restarts. [default: build/service/jobs.sqlite3]",
)
@PROVE_BACKEND
@click.pass_context
def serve_cmd(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    executor: str,
    api_keys: Path | None,
    queue_size: int,
    max_body_kib: int,
    backend: str,
    state: Path | None,
) -> None:
    """Serve proofs over HTTP: POST /v1/proofs, GET /v1/proofs/ID, POST /v1/verify, /health,
    /ready, /metrics (Prometheus), /openapi.json.

    Serves every circuit whose key is locked in artifacts/manifest.json: the locked artifacts
    are verified first, then each worker loads every key once. Every proof is verified before
    it is returned. Jobs and their results are kept in a SQLite file (--state) across restarts.
    SIGTERM drains: no new jobs, the accepted ones finish.
    """
    from toolchain.service.serve import ServeOptions, serve

    options = ServeOptions(
        host, port, workers, executor, api_keys, queue_size, max_body_kib * 1024, backend, state
    )
    serve(workspace(ctx), options, status)


COMMANDS = [serve_cmd]
