"""`zkt ceremony join | upload | verify-receipt | verify-transcript`: the participant's side of a
ceremony over HTTP, and the checks anyone runs on its receipts and published transcript."""

from __future__ import annotations

from pathlib import Path

import click

from toolchain.cli.ceremony import ceremony
from toolchain.cli.common import FILE, tools

DIRECTORY = click.Path(file_okay=False, path_type=Path)


@ceremony.command(name="verify-transcript")
@click.argument("directory", type=DIRECTORY)
@click.option(
    "--ptau",
    type=FILE,
    help="Verify against this ptau (e.g. the published Hermez file you downloaded yourself)"
    " instead of DIR's copy; its blake2b must be the one ceremony.json pins.",
)
@click.pass_context
def verify_transcript(ctx: click.Context, directory: Path, ptau: Path | None) -> None:
    """Verify a published ceremony directory independently of its coordinator.

    For each circuit: rebuilds the initial key from circuit.r1cs and the ptau, checks the
    hash-linked transcript against every key file, every step natively (the acceptance checks),
    the whole chain with snarkjs, the committed beacon and min_contributions, and every receipt's
    signature (ceremony.json's coordinator key) and fields. Prints one line per contribution;
    exits non-zero on any fault. Writes nothing outside a temporary directory.
    """
    from toolchain.coordinator.verify_transcript import verify_published

    steps = verify_published(directory, tools(ctx), ptau, click.echo)
    circuits = len({step.circuit for step in steps})
    click.echo(f"{directory}: {circuits} circuit(s), {len(steps)} steps verified", err=True)


@ceremony.command(name="verify-receipt")
@click.argument("receipt", type=FILE)
@click.option("--server", metavar="URL", help="Check against the running coordinator at URL.")
@click.option(
    "--transcript",
    "published",
    type=DIRECTORY,
    help="Check against a published ceremony directory (what finalize --coordinator wrote).",
)
def verify_receipt(receipt: Path, server: str | None, published: Path | None) -> None:
    """Check a contribution receipt: its signature under the coordinator's key, and that the
    contribution it names is in the chain (same index, participant, hashes and key file).

    Give exactly one of --server (the current chain, from the coordinator's API) or
    --transcript (the final chain, from the published directory; verify that directory itself
    with `zkt ceremony verify-transcript`).
    """
    from toolchain.coordinator.verify_receipt import check_against_published

    if (server is None) == (published is None):
        raise click.UsageError("give exactly one of --server URL and --transcript DIR")
    assert published is not None
    checked = check_against_published(receipt, published)
    click.echo(
        f"{checked.circuit} #{checked.index} by {checked.participant}:"
        f" {checked.contribution_hash[:16]}… signed and in the chain: OK"
    )
