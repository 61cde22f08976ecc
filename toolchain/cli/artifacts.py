"""`zkt artifacts lock|verify`: the artifact manifest, hashes and provenance."""

from __future__ import annotations

from pathlib import Path

import click

from toolchain.cli.common import FILE, status, workspace


@click.group()
def artifacts() -> None:
    """The artifact manifest, artifacts/manifest.json: hashes and provenance, locked and checked."""


@artifacts.command(name="lock")
@click.option(
    "--ptau",
    type=FILE,
    help=(
        "Another place to find the ptaus the keys were set up on (each is found by the blake2b"
        " its transcript's setup record holds, at the recorded path, where the last lock found"
        " it, or in the ptau cache); the ptau of keys without a transcript. Refused when no key"
        " was set up on it."
    ),
)
@click.pass_context
def artifacts_lock(ctx: click.Context, ptau: Path | None) -> None:
    """Write artifacts/manifest.json: every artifact's hashes, the step that made it, its inputs.

    Locks each circuit that has artifacts/NAME/final.zkey (compiled first if needed): rendered
    source, r1cs, wasm, final key, ceremony transcript, verification key and verifier.sol, plus
    the ptau each key was set up on (one entry per distinct ptau, id ptau/ + 16 hex digits of
    its blake2b). Nothing is written, and the exit code is 6, if they do not belong together.

    Each circuit is audited first (`zkt audit`, default budget) and its verdict recorded with
    its r1cs; an under-constrained circuit whose circuits.toml policy is `fail` is refused
    (exit 1, nothing written), `warn` and `unknown` verdicts are locked with a warning.
    """
    from toolchain.api.artifacts import lock_artifacts

    report = lock_artifacts(workspace(ctx), ptau, report=status)
    click.echo(report.table())
    status(f"{len(report.rows)} artifacts locked in artifacts/manifest.json")


@artifacts.command(name="verify")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Render and compile the circuits afresh, with an empty cache, instead of reading build/.",
)
@click.option(
    "--ptau",
    type=FILE,
    help=(
        "Where one of the locked ptaus is: it stands for the one with its content (default: each"
        " ptau's recorded path, else the ptau cache)."
    ),
)
@click.pass_context
def artifacts_verify(ctx: click.Context, rebuild: bool, ptau: Path | None) -> None:
    """Check every locked artifact against artifacts/manifest.json; exit 6 on any mismatch.

    Hashes are recomputed from the files (streamed), then the relations: each verification key
    and verifier.sol derive from their zkey, each zkey from the locked r1cs (header and every
    coefficient) and its own ptau (alpha, beta), the transcript ends at the final key. An absent
    ptau is reported as SKIPPED. A recorded audit verdict `unique` is proven again by
    propagation, and the recorded audit policy must still be circuits.toml's. Without
    --rebuild, build/ must hold a `zkt compile` of the circuits.
    """
    from toolchain.api.artifacts import verify_artifacts

    report = verify_artifacts(workspace(ctx), rebuild, ptau, report=status)
    click.echo(report.table())
    report.raise_for_failures()


COMMANDS = [artifacts]
