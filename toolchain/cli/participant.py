"""`zkt ceremony join | upload | verify-receipt | verify-transcript`: the participant's side of a
ceremony over HTTP, and the checks anyone runs on its receipts and published transcript."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolchain.cli.ceremony import ceremony
from toolchain.cli.common import FILE, PROMPT, status, tools, typed_entropy

if TYPE_CHECKING:
    from toolchain.coordinator.participant import Handoff

DIRECTORY = click.Path(file_okay=False, path_type=Path)
SERVER = click.option(
    "--server", required=True, metavar="URL", help="The coordinator, e.g. http://host:8787."
)
RECEIPTS = click.option(
    "--receipts",
    "receipts_dir",
    type=DIRECTORY,
    default=Path("receipts"),
    show_default=True,
    help="Where your signed receipts are stored (CIRCUIT_NNNN.json): keep them.",
)


@ceremony.command(name="join")
@SERVER
@click.option("--name", required=True, help="Your name: registered, and recorded in your keys.")
@click.option("--invite", metavar="CODE", help="Your invite code (invite-only ceremonies).")
@PROMPT
@RECEIPTS
@click.option(
    "--download-only",
    type=DIRECTORY,
    metavar="DIR",
    help="Air-gapped: wait for your slot, download the keys into DIR and print the token,"
    " the deadline and the commands to contribute offline and upload.",
)
@click.option(
    "--token-file",
    type=FILE,
    help="With --download-only: also write the token to FILE (mode 0600); else it is only shown.",
)
@click.pass_context
def join(
    ctx: click.Context,
    server: str,
    name: str,
    invite: str | None,
    prompt: bool,
    receipts_dir: Path,
    download_only: Path | None,
    token_file: Path | None,
) -> None:
    """Take part in a ceremony run by the coordinator at --server.

    Registers --name, waits in the queue (position and ETA shown, heartbeats sent), then for each
    circuit: downloads the current key (hash checked, resumed after a drop), contributes with
    fresh OS entropy (plus what you type with --prompt; never sent, logged or stored), uploads
    it and stores the coordinator's signed receipt once it checks out. Ctrl-C leaves the queue.

    The registration is kept in RECEIPTS/.registration.json (mode 0600) until every circuit has
    its receipt: run the same command again after a crash or Ctrl-C and it resumes as the
    registered name (same --server and --name) instead of registering again.
    """
    from toolchain.coordinator.client import Coordinator
    from toolchain.coordinator.participant import download_only as fetch_keys
    from toolchain.coordinator.participant import join as take_part

    if download_only is not None and prompt:
        raise click.UsageError("--prompt is for online contributions, not --download-only")
    if token_file is not None and download_only is None:
        raise click.UsageError("--token-file goes with --download-only")
    with Coordinator(server, report=status) as coordinator:
        if download_only is None:
            typed = typed_entropy(prompt)
            written = take_part(coordinator, tools(ctx), name, invite, typed, receipts_dir, status)
            for path in written:
                click.echo(path)
            return
        handoff = fetch_keys(coordinator, name, invite, download_only, status)
    if token_file is not None:
        from toolchain.coordinator.participant import save_token

        save_token(token_file, handoff.token)
    click.echo(offline_instructions(server, handoff))


def offline_instructions(server: str, handoff: Handoff) -> str:
    """What an air-gapped participant does next, with the exact commands."""
    from toolchain.coordinator.participant import key_name, when

    name = shlex.quote(handoff.name)
    keys = [
        f"  {path} ({turn.size} bytes, sha256 {turn.sha256[:16]}…)" for turn, path in handoff.keys
    ]
    commands, outputs = [], []
    for turn, path in handoff.keys:
        src = shlex.quote(str(path))
        out = shlex.quote(str(path.with_name(key_name(turn.circuit, turn.index + 1))))
        commands += [f"  zkt zkey contribute {src} {out} --name {name}",
                     f"    (or: snarkjs zkey contribute {src} {out} --name={name})"]  # fmt: skip
        outputs.append(out)
    send = f"zkt ceremony upload --server {shlex.quote(server)} --token {handoff.token}"
    lines = [
        f"token: {handoff.token}  (keep it private: it uploads as you)",
        f"deadline: {when(handoff.deadline)}",
        "keys:", *keys,
        "contribute to each key offline, under your registered name:", *commands,
        "then, before the deadline, send them back:", f"  {send} {' '.join(outputs)}",
    ]  # fmt: skip
    return "\n".join(lines)


@ceremony.command(name="upload")
@click.argument("keys", nargs=-1, required=True, type=FILE)
@SERVER
@click.option(
    "--token",
    envvar="ZKT_CEREMONY_TOKEN",
    help="The token `join --download-only` showed. Others on this machine may see a command"
    " line: prefer $ZKT_CEREMONY_TOKEN or --token-file.",
)
@click.option("--token-file", type=FILE, help="Read the token from FILE.")
@RECEIPTS
def upload(
    keys: tuple[Path, ...],
    server: str,
    token: str | None,
    token_file: Path | None,
    receipts_dir: Path,
) -> None:
    """Upload keys you contributed to offline (after `join --download-only`), one per circuit.

    Each key's circuit is found from its circuit hash. Its size must be the one the coordinator
    announced; each signed receipt is checked and stored under --receipts.
    """
    from toolchain.coordinator.client import Coordinator
    from toolchain.coordinator.participant import upload as send

    if (token is None) == (token_file is None):
        raise click.UsageError("give exactly one of --token and --token-file")
    secret = token if token is not None else Path(str(token_file)).read_text().strip()
    with Coordinator(server, secret, report=status) as coordinator:
        for path in send(coordinator, list(keys), receipts_dir, status):
            click.echo(path)


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
    from toolchain.coordinator.client import Coordinator
    from toolchain.coordinator.verify_receipt import check_against_published, check_against_server

    if (server is None) == (published is None):
        raise click.UsageError("give exactly one of --server URL and --transcript DIR")
    if server is not None:
        with Coordinator(server) as coordinator:
            checked = check_against_server(receipt, coordinator)
    else:
        checked = check_against_published(receipt, Path(str(published)))
    click.echo(
        f"{checked.circuit} #{checked.index} by {checked.participant}:"
        f" {checked.contribution_hash[:16]}… signed and in the chain: OK"
    )
