"""`zkt`: argument parsing only; maps error families to exit codes and one-line messages."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from toolchain import __version__, api, backends
from toolchain.errors import ConfigError, ZktError
from toolchain.paths import find_project_root


def _status(message: str) -> None:
    click.echo(message, err=True)


def _workspace(ctx: click.Context) -> api.Workspace:
    root: Path | None = ctx.obj.get("project")
    return api.open_workspace(root)


def _optional_root(ctx: click.Context) -> Path | None:
    """The project root when inside one; tools commands also work outside a project."""
    try:
        return find_project_root(ctx.obj.get("project"))
    except ConfigError:
        return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkt")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project root (default: $ZKT_PROJECT or the nearest parent with circuits/circuits.toml).",
)
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """zk-toolchain: circom templates to hash-locked Groth16 artifacts and proofs.

    Circuits are listed in circuits/circuits.toml and rendered from templates/*.circom.j2.
    Set ZKT_DEBUG=1 to see tracebacks.
    """
    ctx.ensure_object(dict)
    ctx.obj["project"] = project


@cli.command()
@click.argument("names", nargs=-1)
@click.pass_context
def render(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Render circuits from their templates into build/NAME/NAME.circom (all when none named)."""
    for path in api.render(_workspace(ctx), names):
        click.echo(path)


@cli.command(name="compile")
@click.argument("names", nargs=-1)
@click.pass_context
def compile_cmd(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Render and compile circuits to .r1cs, .sym and witness .wasm (all when none named).

    Results are cached by the hash of the rendered source, every included file, the circom
    version and the flags: an unchanged circuit is not recompiled. $ZKT_CIRCOM=native|wasmtime|node
    forces how circom runs.
    """
    api.compile_circuits(_workspace(ctx), names, report=_status)


@cli.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as a JSON object.")
@click.pass_context
def info(ctx: click.Context, name: str, as_json: bool) -> None:
    """Constraint, wire, input, output and label counts of a circuit (compiles it if needed)."""
    counts = api.circuit_info(_workspace(ctx), name)
    if as_json:
        click.echo(json.dumps(counts, indent=2))
        return
    click.echo(f"circuit {name}")
    for key, value in counts.items():
        click.echo(f"  {key.replace('_', ' '):<16}{value}")


@cli.command()
@click.argument("name")
@click.argument("input_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the .wtns (default: build/NAME/NAME.wtns).",
)
@click.pass_context
def witness(ctx: click.Context, name: str, input_json: Path, out: Path | None) -> None:
    """Compute a witness in process with wasmtime (no Node): same bytes as snarkjs.

    Inputs are checked first: missing or unknown signals, wrong array sizes and values that
    are negative or not below the field modulus r are refused with the signal's name. A failing
    circom assert is reported with the circuit's own message.
    """
    ws = _workspace(ctx)
    target = out or ws.project.build_dir(name) / f"{name}.wtns"
    count = api.compute_witness(ws, name, input_json, target)
    _status(f"{name}: {count} witness values written to {target}")


BACKEND = click.option(
    "--backend",
    type=click.Choice(backends.NAMES),
    default="auto",
    show_default=True,
    help="Groth16 implementation; auto proves with the fastest available, verifies natively.",
)


@cli.command(name="prove")
@click.argument("name")
@click.argument("input_json", type=click.Path(dir_okay=False, path_type=Path))
@BACKEND
@click.option("--zkey", type=click.Path(dir_okay=False, path_type=Path), help="Proving key.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.pass_context
def prove_cmd(
    ctx: click.Context,
    name: str,
    input_json: Path,
    backend: str,
    zkey: Path | None,
    out: Path | None,
) -> None:
    """Compute the witness and a Groth16 proof: OUT/proof.json and OUT/public.json.

    The proving key defaults to artifacts/NAME/final.zkey and the output folder to
    build/NAME/proof/. Every backend writes the same snarkjs-compatible JSON.
    """
    result = api.prove(_workspace(ctx), name, input_json, backend, zkey, out)
    _status(f"{name}: proof by {result.backend} in {result.proof.parent}")


@cli.command(name="verify")
@click.argument("name")
@click.argument("proof", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("public", type=click.Path(dir_okay=False, path_type=Path))
@BACKEND
@click.option(
    "--vkey", type=click.Path(dir_okay=False, path_type=Path), help="Verification key JSON."
)
@click.pass_context
def verify_cmd(
    ctx: click.Context, name: str, proof: Path, public: Path, backend: str, vkey: Path | None
) -> None:
    """Verify PROOF (proof.json) for PUBLIC (public.json); exit 0 only for a valid proof.

    The key defaults to artifacts/NAME/verification_key.json. The native verifier also checks
    the number of public inputs, their range, and that every point is on its curve, not the
    identity, and (G2) in the prime-order subgroup.
    """
    used = api.verify(_workspace(ctx), name, proof, public, backend, vkey)
    click.echo(f"{name}: valid proof ({used} verifier)")


@cli.group()
def ptau() -> None:
    """Powers of Tau files: pick the size a circuit needs, download published ones."""


@ptau.command()
@click.argument("name")
@click.pass_context
def pick(ctx: click.Context, name: str) -> None:
    """The smallest published ptau power that fits circuit NAME's Groth16 setup."""
    release = api.pick_ptau(_workspace(ctx), name)
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
    type=click.Path(dir_okay=False, path_type=Path),
    help="Destination (default: the cache, ~/.cache/zk-toolchain/ptau/).",
)
def fetch(power: int, mirrors: tuple[str, ...], out: Path | None) -> None:
    """Download the published Hermez prepared ptau of 2^POWER, checked against its pinned hash.

    The blake2b-512 of every file is pinned; mirrors are tried in turn, an interrupted
    download resumes (HTTP Range), and a file is renamed into place only when its hash matches.
    """
    path = api.fetch_ptau(power, out, list(mirrors) or None)
    _status(f"ptau 2^{power} verified: {path}")


@ptau.command()
@click.option("--power", type=click.IntRange(1, 20), required=True, help="2^N constraints.")
@click.option("--to", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--seed", default="zk-toolchain dev", show_default=True, help="Public seed.")
def dev(power: int, out: Path, seed: str) -> None:
    """Write an INSECURE prepared ptau for tests and local development, in seconds.

    Its secrets come from a public seed, so anyone can forge proofs for circuits set up with
    it. It records no contribution and is refused by ceremony checks. Never ship keys made
    from it; use `zkt ptau fetch` or a real phase-1 ceremony.
    """
    _status(f"WARNING: {out} is an INSECURE development ptau (public seed {seed!r})")
    api.dev_ptau(power, out, seed)
    _status(f"dev ptau 2^{power} written: {out}")


@cli.group()
def tools() -> None:
    """Install and check the pinned external tools (snarkjs, circom2, circomlib)."""


@tools.command()
@click.pass_context
def install(ctx: click.Context) -> None:
    """Install the pinned npm tools with `npm ci --ignore-scripts` (project-local folder)."""
    target = api.install_tools(_optional_root(ctx))
    _status(f"pinned tools installed in {target}")


@tools.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Show each tool's version, location and sha256; exit 3 when one is missing or unpinned."""
    rows = api.tools_doctor(_optional_root(ctx))
    for row in rows:
        mark = "ok " if row.ok else "BAD"
        click.echo(f"{mark} {row.name:<16} {row.version:<10} {row.location}")
        if row.sha256 != "-":
            click.echo(f"    sha256 {row.sha256}")
        if row.note:
            click.echo(f"    {row.note}")
    if not all(row.ok for row in rows):
        sys.exit(3)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `zkt` console script."""
    try:
        cli.main(args=argv, prog_name="zkt", standalone_mode=False)
    except ZktError as exc:
        if os.environ.get("ZKT_DEBUG"):
            raise
        click.echo(f"zkt: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a missing or unreadable file named on the command line
        if os.environ.get("ZKT_DEBUG"):
            raise
        click.echo(f"zkt: error: {exc.filename or ''}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("zkt: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
