"""`zkt ptau ...`: pick, fetch or write a dev Powers of Tau, or run a phase-1 ceremony."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolchain.cli.common import (
    FILE,
    FORCE,
    PROMPT,
    VERBOSE,
    VERBOSITY,
    progress,
    progress_bar,
    status,
    tools,
    typed_entropy,
    workspace,
)

if TYPE_CHECKING:
    from toolchain.api.ptau import Step

TRANSCRIPT = click.option(
    "--transcript",
    type=FILE,
    help="Append the accepted step to this JSON-lines transcript (created if missing). Its"
    " last record must end at the challenge this step builds on, else nothing is run.",
)


def _accepted(step: Step) -> None:
    who = f" by {step.name}" if step.kind == "contribution" else ""
    count = f"{step.contributions} contribution{'' if step.contributions == 1 else 's'}"
    status(f"{step.path}: {step.kind}{who} accepted ({count} in the file)")
    click.echo(f"next challenge {step.contribution_hash.hex()}")


@click.group()
def ptau() -> None:
    """Powers of Tau: pick the size a circuit needs, download published files, or run phase 1."""


@ptau.command()
@click.argument("name")
@click.pass_context
def pick(ctx: click.Context, name: str) -> None:
    """The smallest published ptau power that fits circuit NAME's Groth16 setup."""
    from toolchain.api.ptau import pick_ptau

    release = pick_ptau(workspace(ctx), name)
    click.echo(f"{name}: power {release.power} ({release.file_name})")


@ptau.command()
@click.option("--power", type=click.IntRange(1, 28), required=True, help="2^N constraints.")
@click.option(
    "--mirror",
    "mirrors",
    multiple=True,
    help="Base URL to look in (repeatable; default: $ZKT_PTAU_MIRRORS, else known mirrors).",
)
@click.option(
    "--to",
    "out",
    type=FILE,
    help="Destination (default: the cache, ~/.cache/zk-toolchain/ptau/).",
)
def fetch(power: int, mirrors: tuple[str, ...], out: Path | None) -> None:
    """Download the published Hermez prepared ptau of 2^POWER, checked against its pinned hash.

    The blake2b-512 of every file is pinned; mirrors are tried in turn, an interrupted
    download resumes (HTTP Range), and a file is renamed into place only when its hash matches.
    """
    from toolchain.api.ptau import fetch_ptau

    path = fetch_ptau(power, out, list(mirrors) or None)
    status(f"ptau 2^{power} verified: {path}")


@ptau.command()
@click.option("--power", type=click.IntRange(1, 20), required=True, help="2^N constraints.")
@click.option("--to", "out", type=FILE, required=True, help="The dev ptau to write.")
@click.option("--seed", default="zk-toolchain dev", show_default=True, help="Public seed.")
@FORCE
def dev(power: int, out: Path, seed: str, force: bool) -> None:
    """Write an INSECURE prepared ptau for tests and local development, in seconds.

    Its secrets come from a public seed, so anyone can forge proofs for circuits set up with
    it. It records no contribution and is refused by ceremony checks. Never ship keys made
    from it; use `zkt ptau fetch` or a real phase-1 ceremony.
    """
    from toolchain.api.ptau import dev_ptau

    dev_ptau(power, out, seed, force=force)
    status(f"WARNING: {out} is an INSECURE development ptau (public seed {seed!r})")
    status(f"dev ptau 2^{power} written: {out}")


@ptau.command(name="new")
@click.option("--power", type=click.IntRange(1, 28), required=True, help="2^N constraints.")
@click.option("--to", "out", type=FILE, required=True, help="The blank ptau to write.")
@TRANSCRIPT
@FORCE
@VERBOSE
@click.pass_context
def ptau_new(
    ctx: click.Context,
    power: int,
    out: Path,
    transcript: Path | None,
    force: bool,
    verbose: bool,
) -> None:
    """Start a phase-1 ceremony: the blank Powers of Tau of 2^POWER (snarkjs powersoftau new).

    The blank file holds no secret (tau = alpha = beta = 1) and is refused by verify and
    prepare until someone contributes: continue with `zkt ptau contribute`, or the offline
    export-challenge / contribute-challenge / import-response. Prints the first challenge.
    """
    from toolchain.api.ptau import new_ptau

    _accepted(new_ptau(tools(ctx), power, out, transcript, progress(verbose), force=force))


@ptau.command(name="contribute")
@click.argument("ptau_in", type=FILE)
@click.argument("ptau_out", type=FILE)
@click.option("--name", "contributor", required=True, help="Your name, as recorded (≤ 64).")
@PROMPT
@TRANSCRIPT
@FORCE
@VERBOSE
@click.pass_context
def ptau_contribute(
    ctx: click.Context,
    ptau_in: Path,
    ptau_out: Path,
    contributor: str,
    prompt: bool,
    transcript: Path | None,
    force: bool,
    verbose: bool,
) -> None:
    """Add your contribution to PTAU_IN, writing PTAU_OUT (snarkjs powersoftau contribute).

    Entropy: 64 random bytes from the OS, plus what you type with --prompt, handed to snarkjs
    on stdin: never on the command line, in logs or in the transcript. PTAU_OUT appears only
    once it holds PTAU_IN plus exactly your contribution. Publish the printed next-challenge
    hash: anyone can then find your contribution in the final file (`zkt ptau verify`).
    """
    from toolchain.api.ceremony import contribution_entropy
    from toolchain.api.ptau import contribute_ptau

    pinned, entropy = tools(ctx), contribution_entropy(typed_entropy(prompt))
    shown = progress(verbose)
    step = contribute_ptau(
        pinned, ptau_in, ptau_out, contributor, entropy, transcript, shown, force=force
    )
    _accepted(step)


@ptau.command(name="export-challenge")
@click.argument("ptau_path", metavar="PTAU", type=FILE)
@click.argument("challenge", type=FILE)
@FORCE
@VERBOSE
@click.pass_context
def ptau_export_challenge(
    ctx: click.Context, ptau_path: Path, challenge: Path, force: bool, verbose: bool
) -> None:
    """Write PTAU's current challenge for a participant who contributes offline.

    Send CHALLENGE to them; they run `zkt ptau contribute-challenge` on their own (possibly
    air-gapped) machine and send back the response, which `zkt ptau import-response` accepts
    only against this same PTAU. Prints the challenge hash their response must start with.
    """
    from toolchain.api.ptau import export_challenge

    digest = export_challenge(tools(ctx), ptau_path, challenge, progress(verbose), force=force)
    status(f"{challenge}: challenge of {ptau_path} written")
    click.echo(f"challenge {digest.hex()}")


@ptau.command(name="contribute-challenge")
@click.argument("challenge", type=FILE)
@click.argument("response", type=FILE)
@PROMPT
@FORCE
@VERBOSE
@click.pass_context
def ptau_contribute_challenge(
    ctx: click.Context, challenge: Path, response: Path, prompt: bool, force: bool, verbose: bool
) -> None:
    """Answer CHALLENGE offline, writing RESPONSE (snarkjs powersoftau challenge contribute).

    Needs node and the pinned snarkjs only: no ptau, no project, no network, so it suits an
    air-gapped machine. Entropy as in `zkt ptau contribute`. A response carries no name: the
    coordinator records yours on import. Publish both printed hashes (blake2b-512).
    """
    from toolchain.api.ceremony import contribution_entropy
    from toolchain.api.ptau import contribute_challenge

    pinned, entropy = tools(ctx), contribution_entropy(typed_entropy(prompt))
    shown = progress(verbose)
    answer = contribute_challenge(pinned, challenge, response, entropy, shown, force=force)
    status(f"{response}: response for power {answer.power} written")
    click.echo(f"challenge {answer.challenge_hash.hex()}")
    click.echo(f"response  {answer.response_hash.hex()}")


@ptau.command(name="import-response")
@click.argument("ptau_prev", type=FILE)
@click.argument("response", type=FILE)
@click.argument("ptau_out", type=FILE)
@click.option("--name", "contributor", required=True, help="The contributor's name (≤ 64).")
@TRANSCRIPT
@FORCE
@VERBOSE
@click.pass_context
def ptau_import_response(
    ctx: click.Context,
    ptau_prev: Path,
    response: Path,
    ptau_out: Path,
    contributor: str,
    transcript: Path | None,
    force: bool,
    verbose: bool,
) -> None:
    """Accept an offline RESPONSE to PTAU_PREV's current challenge, writing PTAU_OUT.

    Refused (exit 1) when RESPONSE answers any other challenge (a stale export: someone
    contributed since; export a new challenge) and when the result fails snarkjs powersoftau
    verify, which runs before acceptance because snarkjs's import checks no point.
    """
    from toolchain.api.ptau import import_response

    pinned, shown = tools(ctx), progress(verbose)
    step = import_response(
        pinned, ptau_prev, response, ptau_out, contributor, transcript, shown, force=force
    )
    _accepted(step)


@ptau.command(name="beacon")
@click.argument("ptau_in", type=FILE)
@click.argument("ptau_out", type=FILE)
@click.option(
    "--hash",
    "beacon_hash",
    required=True,
    help="Beacon value in hex (1–255 bytes), e.g. a future block hash announced in advance.",
)
@click.option(
    "--iterations-exp",
    type=click.IntRange(10, 63),
    required=True,
    help="SHA-256 is iterated 2^N times on the hash (10–63) to slow down grinding.",
)
@click.option("--name", default="beacon", show_default=True, help="Name recorded.")
@TRANSCRIPT
@FORCE
@VERBOSE
@click.pass_context
def ptau_beacon(
    ctx: click.Context,
    ptau_in: Path,
    ptau_out: Path,
    beacon_hash: str,
    iterations_exp: int,
    name: str,
    transcript: Path | None,
    force: bool,
    verbose: bool,
) -> None:
    """Close phase 1 with a public random beacon: a last contribution anyone can recompute.

    Commit to the beacon's source and time before it exists; the last real contributor then
    cannot have chosen the final randomness. Then run `zkt ptau prepare`.
    """
    from toolchain.api.ptau import beacon_ptau

    pinned, shown = tools(ctx), progress(verbose)
    step = beacon_ptau(
        pinned, ptau_in, ptau_out, beacon_hash, iterations_exp, name, transcript, shown, force=force
    )
    _accepted(step)


@ptau.command(name="prepare")
@click.argument("ptau_in", type=FILE)
@click.argument("ptau_out", type=FILE)
@TRANSCRIPT
@FORCE
@VERBOSITY
@click.pass_context
def ptau_prepare(
    ctx: click.Context,
    ptau_in: Path,
    ptau_out: Path,
    transcript: Path | None,
    force: bool,
    verbosity: int,
) -> None:
    """Prepare PTAU_IN for phase 2 (snarkjs powersoftau prepare phase2), writing PTAU_OUT.

    Adds the Lagrange sections `groth16 setup` reads; the contributions are unchanged. Slow:
    about 1 min at power 10, 6 at 13, 23 at 15: a progress bar shows how far it is. A file
    with no contribution is refused.
    """
    from toolchain.api.ptau import prepare_meter, prepare_ptau

    with progress_bar(prepare_meter(ptau_in), verbosity) as show:
        step = prepare_ptau(tools(ctx), ptau_in, ptau_out, transcript, show, force=force)
    _accepted(step)


@ptau.command(name="verify")
@click.argument("ptau_path", metavar="PTAU", type=FILE)
@click.option(
    "--previous",
    type=FILE,
    help="The last ptau you accepted: PTAU must extend it by exactly one contribution.",
)
@VERBOSE
@click.pass_context
def ptau_verify(ctx: click.Context, ptau_path: Path, previous: Path | None, verbose: bool) -> None:
    """Verify PTAU with snarkjs powersoftau verify, plus the rollback rule snarkjs lacks.

    snarkjs checks every contribution against the one before it back to the blank file, so it
    also accepts a history rebuilt from scratch that reuses earlier names. With --previous,
    every contribution of that file must be in PTAU unchanged, followed by exactly one new
    one. Exit 0 only when all checks pass (1 otherwise). Lists the contributions with the
    next-challenge hash each printed, so contributors can find theirs.
    """
    from toolchain.api.ptau import verify_ptau

    report = verify_ptau(tools(ctx), ptau_path, previous, progress(verbose))
    state = "prepared for phase 2" if report.prepared else "not prepared"
    click.echo(f"ok  snarkjs powersoftau verify (power {report.power}, {state})")
    if previous is not None and report.added is not None:
        click.echo(f"ok  extends {previous} by exactly one contribution ({report.added})")
    for number, contribution in enumerate(report.contributions, 1):
        kind = "beacon" if contribution.is_beacon else ""
        digest = contribution.next_challenge.hex()[:32]
        click.echo(f"  #{number:<3} {contribution.label:<24} {kind:<6} {digest}…")


COMMANDS = [ptau]
