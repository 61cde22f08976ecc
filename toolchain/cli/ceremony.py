"""`zkt setup` and `zkt ceremony ...`: a local phase-2 ceremony per circuit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolchain.cli.common import FILE, PROMPT, status, typed_entropy, workspace

if TYPE_CHECKING:
    from toolchain.api.ceremony import Record

PTAU = click.option(
    "--ptau",
    type=FILE,
    help="Prepared ptau (default: what ceremony/ceremony.toml [phase1] says).",
)


@click.command(name="setup")
@click.argument("names", nargs=-1)
@PTAU
@click.pass_context
def setup_cmd(ctx: click.Context, names: tuple[str, ...], ptau: Path | None) -> None:
    """Set up circuits from the r1cs and a prepared ptau: a phase-2 ceremony or a universal key.

    Circuits default to those ceremony.toml lists. A Groth16 circuit (protocol = "groth16" in
    circuits.toml, the default) starts its phase-2 ceremony: the initial key goes to
    build/NAME/ceremony/NAME_0000.zkey and record 0 to ceremony/transcripts/NAME.jsonl. It has
    no contribution yet: continue with `zkt ceremony contribute`.

    A PLONK or fflonk circuit (protocol = "plonk" or "fflonk") needs no phase 2: its final key,
    verification_key.json and verifier.sol go straight to artifacts/NAME/, and the ptau it used
    to ceremony/transcripts/NAME.jsonl. Its security rests on the ptau's contributors alone.
    """
    from toolchain.api.ceremony import setup

    for record in setup(workspace(ctx), names, ptau, status):
        if record.contribution_hash:
            status(f"setup: {record.file.path} (circuit hash {record.contribution_hash[:16]}…)")
        else:
            status(f"setup: {record.file.path} ({record.name}, sha256 {record.file.sha256[:16]}…)")


@click.group()
def ceremony() -> None:
    """A local phase-2 ceremony per circuit: contribute, beacon, finalize, status."""


@ceremony.command(name="contribute")
@click.argument("name")
@click.option("--name", "contributor", required=True, help="Your name, as recorded.")
@PROMPT
@click.pass_context
def ceremony_contribute(ctx: click.Context, name: str, contributor: str, prompt: bool) -> None:
    """Add your contribution to circuit NAME's latest accepted key.

    Entropy comes from the OS (plus what you type with --prompt), reaches snarkjs on stdin and
    is never written anywhere. The result is accepted only if it extends the latest key by
    exactly one contribution for the same circuit.
    """
    from toolchain.api.ceremony import contribute, contribution_entropy

    ws = workspace(ctx)
    record = contribute(ws, name, contributor, contribution_entropy(typed_entropy(prompt)))
    status(f"{name}: contribution {record.index} by {contributor} accepted")
    click.echo(f"contribution hash {record.contribution_hash}")


@ceremony.command(name="beacon")
@click.argument("name")
@click.pass_context
def ceremony_beacon(ctx: click.Context, name: str) -> None:
    """Close circuit NAME's chain with the beacon committed in ceremony.toml."""
    from toolchain.api.ceremony import beacon

    record = beacon(workspace(ctx), name)
    status(f"{name}: beacon applied as contribution {record.index}")


@ceremony.command(name="finalize")
@click.argument("name", required=False)
@PTAU
@click.option(
    "--force",
    is_flag=True,
    help="Replace artifacts already exported (says what it replaces; old proofs stop verifying).",
)
@click.option(
    "--coordinator",
    is_flag=True,
    help="Close the ceremony `zkt ceremony serve` runs (no NAME): beacon, verify, export,"
    " lock the manifest, write the published directory. Run it again after an interruption:"
    " it resumes where it stopped, after hashing every key the last run left against the"
    " coordinator's (refused if one changed) and exporting the verification key and verifier"
    " again from the checked beacon key.",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --coordinator: its data directory (default: <project>/.zkt/coordinator).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --coordinator: the published directory (default: <data>/published).",
)
@click.pass_context
def ceremony_finalize(
    ctx: click.Context, name: str | None, ptau: Path | None, force: bool, coordinator: bool,
    data: Path | None, out: Path | None,
) -> None:  # fmt: skip
    """Verify NAME's last key in full and export final.zkey, verification_key.json, verifier.sol.

    Verification: every step again, pairwise from the initial key (which must match the r1cs and
    ptau recorded at setup); snarkjs zkey verify (rebuilds the initial key from r1cs + ptau); at
    least min_contributions real contributions (ceremony.toml; the beacon does not count); and
    the committed beacon as the last contribution. Exported artifacts are never replaced
    without --force. With --coordinator: the same for every circuit of the served ceremony,
    once each has min_contributions (see README, "Running a ceremony (coordinator)").
    """
    if coordinator and name is not None:
        raise click.UsageError(
            "--coordinator finalizes every circuit of the served ceremony: no NAME"
        )
    if coordinator:
        from toolchain.coordinator.publish import finalize as close_and_publish

        folder = close_and_publish(workspace(ctx), data, out, status)
        status(f"ceremony closed; published directory {folder}")
        return
    if name is None:
        raise click.UsageError("give NAME, or --coordinator")
    from toolchain.api.ceremony import finalize

    final = finalize(workspace(ctx), name, ptau, status, force)
    status(f"{name}: verified; artifacts in {final.parent}")


@ceremony.command(name="run")
@click.argument("names", nargs=-1)
@click.option(
    "--contributor",
    "contributors",
    multiple=True,
    required=True,
    help="A participant's name (repeat for each; each contributes once, in order).",
)
@PTAU
@click.pass_context
def ceremony_run(
    ctx: click.Context, names: tuple[str, ...], contributors: tuple[str, ...], ptau: Path | None
) -> None:
    """Run a whole local ceremony: setup, one contribution per --contributor, beacon, finalize.

    For the circuits named, else those ceremony.toml lists. Each contribution gets fresh OS
    entropy. A circuit whose ceremony already ended with the beacon is left untouched.
    """
    from toolchain.api.ceremony import run_ceremony

    run_ceremony(workspace(ctx), names, contributors, ptau, status)


@ceremony.command(name="ptau")
@click.pass_context
def ceremony_ptau(ctx: click.Context) -> None:
    """Make sure the ptau ceremony.toml names is here (fetch it, or regenerate the dev one).

    Prints its path, for `zkt artifacts lock --ptau` / `verify --ptau`.
    """
    from toolchain.api.ceremony import ceremony_ptau as find_ptau

    click.echo(find_ptau(workspace(ctx), None, status))


@ceremony.command(name="status")
@click.argument("name")
@click.option(
    "--verify",
    is_flag=True,
    help="Re-verify every step pairwise from the initial key (needs the intermediate keys).",
)
@PTAU
@click.pass_context
def ceremony_status(ctx: click.Context, name: str, verify: bool, ptau: Path | None) -> None:
    """The accepted steps of circuit NAME's ceremony, from its transcript."""
    from toolchain.api.ceremony import transcript, verify_ceremony

    ws = workspace(ctx)
    records = verify_ceremony(ws, name, ptau, status) if verify else transcript(ws, name)
    for r in records:
        click.echo(_status_row(r))
    if verify:
        status(f"{name}: {len(records)} steps re-verified pairwise from the initial key")


def _status_row(r: Record) -> str:
    """One transcript record; a universal setup names its key and ptau (it has no chain hash)."""
    if r.kind == "universal_setup":
        key, ptau = r.file.sha256[:16], r.inputs.get("ptau_blake2b", "")[:16]
        return (
            f"{r.index:>3} {r.kind:<12} {r.name:<24} key sha256 {key}…, ptau blake2b {ptau}…"
            f" ({r.inputs.get('ptau_contributions', '?')} phase-1 contributions), no phase 2"
            f"  {r.time}"
        )
    return f"{r.index:>3} {r.kind:<12} {r.name:<24} {r.contribution_hash[:16]}  {r.time}"


COMMANDS = [setup_cmd, ceremony]
