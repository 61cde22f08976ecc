"""`zkt zkey ...`: file-level operations on .zkey files (phase 2, export, calldata)."""

from __future__ import annotations

from pathlib import Path

import click

from toolchain.cli.common import FILE, FORCE, PROMPT, status, tools, typed_entropy


@click.group()
def zkey() -> None:
    """File-level operations on .zkey files (contribute, beacon, verify, export, calldata)."""


@zkey.command(name="contribute")
@click.argument("zkey_in", type=FILE)
@click.argument("zkey_out", type=FILE)
@click.option("--name", "contributor", required=True, help="Your name, as recorded.")
@PROMPT
@FORCE
@click.pass_context
def zkey_contribute(
    ctx: click.Context, zkey_in: Path, zkey_out: Path, contributor: str, prompt: bool, force: bool
) -> None:
    """Contribute to ZKEY_IN, writing ZKEY_OUT (checked: exactly one more contribution)."""
    from toolchain.api.ceremony import contribution_entropy
    from toolchain.api.zkey import contribute_zkey

    pinned = tools(ctx)
    entropy = contribution_entropy(typed_entropy(prompt))
    contribute_zkey(pinned, zkey_in, zkey_out, contributor, entropy, force=force)
    status(f"{zkey_out}: contribution by {contributor} added")


@zkey.command(name="beacon")
@click.argument("zkey_in", type=FILE)
@click.argument("zkey_out", type=FILE)
@click.option("--hash", "beacon_hash", required=True, help="Beacon value (hex).")
@click.option(
    "--iterations-exp",
    type=click.IntRange(10, 63),
    required=True,
    help="The beacon hash is iterated 2^N times (SHA-256) before it seeds the contribution.",
)
@FORCE
@click.pass_context
def zkey_beacon(
    ctx: click.Context,
    zkey_in: Path,
    zkey_out: Path,
    beacon_hash: str,
    iterations_exp: int,
    force: bool,
) -> None:
    """Apply a public beacon to ZKEY_IN, writing ZKEY_OUT."""
    from toolchain.api.zkey import beacon_zkey

    beacon_zkey(tools(ctx), zkey_in, zkey_out, beacon_hash, iterations_exp, force=force)
    status(f"{zkey_out}: beacon applied")


@zkey.command(name="verify")
@click.argument("zkey_path", type=FILE)
@click.option("--r1cs", type=FILE, help="The circuit's .r1cs (for snarkjs's replay from genesis).")
@click.option("--ptau", type=FILE, help="The prepared ptau the key was set up from.")
@click.option(
    "--min-contributions",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Real (non-beacon) contributions the key must have; production ceremonies ask >= 20.",
)
@click.option(
    "--previous",
    type=FILE,
    help="The last key you accepted: ZKEY must extend it by exactly one contribution.",
)
@click.option(
    "--native",
    is_flag=True,
    help="Check against --previous natively only (no snarkjs, no r1cs or ptau needed).",
)
@click.pass_context
def zkey_verify(
    ctx: click.Context,
    zkey_path: Path,
    r1cs: Path | None,
    ptau: Path | None,
    min_contributions: int,
    previous: Path | None,
    native: bool,
) -> None:
    """Verify ZKEY against its r1cs and ptau, beyond what snarkjs checks.

    Refuses a key with no phase-2 contribution (delta = gamma: proofs can be forged), with fewer
    real contributions than --min-contributions (the public beacon does not count), and, with
    --previous, a chain that does not extend the accepted key by exactly one valid contribution
    with every earlier one unchanged (snarkjs accepts a history rebuilt from genesis). The new
    contribution's cryptography (proof of knowledge, delta step, L and H rescaled by the same
    ratio) is checked natively; --native skips snarkjs altogether.
    """
    from toolchain.api.zkey import verify_zkey

    checked = verify_zkey(tools(ctx), zkey_path, r1cs, ptau, previous, native, min_contributions)
    for passed in checked:
        click.echo(f"ok  {passed}")


@zkey.command(name="export")
@click.argument("zkey_path", type=FILE)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write verification_key.json and verifier.sol into (created if missing).",
)
@FORCE
@click.pass_context
def zkey_export(ctx: click.Context, zkey_path: Path, out: Path, force: bool) -> None:
    """Write OUT/verification_key.json and OUT/verifier.sol for the key's protocol.

    Groth16: the verification key is derived natively (byte for byte as snarkjs); PLONK and
    fflonk: by snarkjs. verifier.sol is snarkjs's Solidity template for the protocol.
    """
    from toolchain.api.zkey import export_zkey

    for path in export_zkey(tools(ctx), zkey_path, out, force=force):
        click.echo(path)


@zkey.command(name="calldata")
@click.argument("proof", type=FILE)
@click.argument("public", type=FILE)
def zkey_calldata(proof: Path, public: Path) -> None:
    """Solidity calldata for PROOF and PUBLIC (as snarkjs zkey export soliditycalldata).

    The layout is the one of the protocol PROOF names: Groth16, PLONK or fflonk.
    """
    from toolchain.api.zkey import calldata

    click.echo(calldata(proof, public))


COMMANDS = [zkey]
