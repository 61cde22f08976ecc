"""`zkt witness`, `zkt prove`, `zkt verify`: inputs to a checked Groth16 proof."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import click

from toolchain.cli.common import FILE, FORCE, status, workspace


class LazyChoice(click.Choice[str]):
    """A click.Choice read on first use: the names live in modules too heavy for `zkt --help`."""

    def __init__(self, load: Callable[[], tuple[str, ...]]) -> None:
        self._load = cache(load)
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        """The names `load` returns (loaded once)."""
        return self._load()

    @choices.setter
    def choices(self, _: tuple[str, ...]) -> None:
        """click.Choice.__init__ assigns the (empty) choices: they come from `load` instead."""


def _backends() -> tuple[str, ...]:
    from toolchain.api.prove import backend_names

    return backend_names()


def _engines() -> tuple[str, ...]:
    from toolchain.api.prove import engine_names

    return engine_names()


def _verifiers() -> tuple[str, ...]:
    from toolchain.api.prove import verifier_names

    return verifier_names()


PROVE_BACKEND = click.option(
    "--backend",
    type=LazyChoice(_backends),
    default="auto",
    show_default=True,
    help="Groth16 prover; auto takes the fastest available: rapidsnark (if on PATH), then "
    "native on mcl, then snarkjs, then native on pure Python.",
)
VERIFY_BACKEND = click.option(
    "--backend",
    type=LazyChoice(_verifiers),
    default="auto",
    show_default=True,
    help="Groth16 verifier; auto is native (it checks what snarkjs skips); all runs every "
    "verifier (native, snarkjs), one line each, and exits 0 only if all accept.",
)
ENGINE = click.option(
    "--engine",
    type=LazyChoice(_engines),
    default=None,
    help="Arithmetic of the native backend (implies it): mcl (C++, pip install "
    "'zk-toolchain[fast]'), pure (Python) or auto (mcl when installed). "
    "Default: $ZKT_ENGINE, else auto.",
)


@click.command(name="witness")
@click.argument("name")
@click.argument("input_json", type=FILE)
@click.option(
    "-o", "--out", type=FILE, help="Where to write the .wtns (default: build/NAME/NAME.wtns)."
)
@FORCE
@click.pass_context
def witness_cmd(
    ctx: click.Context, name: str, input_json: Path, out: Path | None, force: bool
) -> None:
    """Compute a witness in process with wasmtime (no Node): same bytes as snarkjs.

    Inputs are checked first: missing or unknown signals, wrong array sizes and values that
    are negative or not below the field modulus r are refused with the signal's name. A failing
    circom assert is reported with the circuit's own message. The .wtns holds the private
    inputs: it is written readable by you only (mode 0600).
    """
    from toolchain.api.prove import compute_witness

    written = compute_witness(workspace(ctx), name, input_json, out, force=force)
    status(f"{name}: {written.count} witness values written to {written.path}")


@click.command(name="prove")
@click.argument("name")
@click.argument("input_json", type=FILE)
@PROVE_BACKEND
@ENGINE
@click.option("--zkey", type=FILE, help="Proving key.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace an earlier proof in OUT: proof.json and public.json (and witness.wtns) are"
    " replaced together. Without it any of them existing is refused (exit 2).",
)
@click.option(
    "--keep-witness",
    is_flag=True,
    help="Keep the witness as OUT/witness.wtns (mode 0600; it holds the private inputs).",
)
@click.pass_context
def prove_cmd(
    ctx: click.Context,
    name: str,
    input_json: Path,
    backend: str,
    engine: str | None,
    zkey: Path | None,
    out: Path | None,
    force: bool,
    keep_witness: bool,
) -> None:
    """Compute the witness and a Groth16 proof: OUT/proof.json and OUT/public.json.

    The proving key defaults to artifacts/NAME/final.zkey and the output folder to
    build/NAME/proof/. Every backend writes the same snarkjs-compatible JSON. Both files are
    written in a private staging folder inside OUT and moved in together after success: a
    failed prove leaves OUT as it was, and OUT never mixes an old proof with new public
    signals. The witness (the private inputs) is deleted unless --keep-witness.
    """
    from toolchain.api.prove import prove

    ws = workspace(ctx)
    result = prove(
        ws, name, input_json, backend, zkey, out, engine, status,
        force=force, keep_witness=keep_witness,
    )  # fmt: skip
    status(f"{name}: proof by {result.backend} in {result.proof.parent}")
    if result.witness is not None:
        status(f"{name}: witness kept (private inputs, mode 0600): {result.witness}")


@click.command(name="verify")
@click.argument("name")
@click.argument("proof", type=FILE)
@click.argument("public", type=FILE)
@VERIFY_BACKEND
@ENGINE
@click.option("--vkey", type=FILE, help="Verification key JSON.")
@click.pass_context
def verify_cmd(
    ctx: click.Context,
    name: str,
    proof: Path,
    public: Path,
    backend: str,
    engine: str | None,
    vkey: Path | None,
) -> None:
    """Verify PROOF (proof.json) for PUBLIC (public.json); exit 0 only for a valid proof.

    The key defaults to artifacts/NAME/verification_key.json. The native verifier also checks
    the number of public inputs, their range, and that every point is on its curve, not the
    identity, and (G2) in the prime-order subgroup.
    """
    from toolchain.api.prove import verify, verify_all

    ws = workspace(ctx)
    if backend == "all":
        used = verify_all(ws, name, proof, public, vkey, engine)
    else:
        used = [verify(ws, name, proof, public, backend, vkey, engine)]
    for verifier in used:
        click.echo(f"{name}: valid proof ({verifier} verifier)")


COMMANDS = [witness_cmd, prove_cmd, verify_cmd]
