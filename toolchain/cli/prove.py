"""`zkt witness`, `zkt prove`, `zkt verify`: inputs to a checked proof (Groth16, PLONK, fflonk)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolchain.cli.common import FILE, FORCE, status, workspace

if TYPE_CHECKING:
    from toolchain.api.batch import BatchResult, Outcome


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
    help="Prover; auto takes the fastest available: for Groth16 rapidsnark (the binary "
    "$ZKT_RAPIDSNARK names, else rapidsnark or prover on PATH), then native on mcl, then "
    "snarkjs, then native on pure Python; PLONK and fflonk circuits are proved by snarkjs only.",
)
VERIFY_BACKEND = click.option(
    "--backend",
    type=LazyChoice(_verifiers),
    default="auto",
    show_default=True,
    help="Verifier, for the proof system the key names; auto is native for Groth16 (it checks "
    "what snarkjs skips), snarkjs for PLONK and fflonk; all runs every verifier of that system "
    "(Groth16: native, snarkjs), one line each, and exits 0 only if all accept.",
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


class _ProveCommand(click.Command):
    """`zkt prove`: mcl's library loads on a thread from the time the options are parsed (their
    choices import the prover) while the command goes on, when the --backend and --engine
    given may prove on mcl, and big freed blocks go back to the system (`api.warmup`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Prepare the process to prove, then parse (not for --help: it only prints)."""
        if not {"-h", "--help"} & set(args):
            from toolchain.api.warmup import prepare_to_prove

            prepare_to_prove(_given(args, "--backend") or "auto", _given(args, "--engine"))
        return super().parse_args(ctx, args)


def _given(args: list[str], option: str) -> str | None:
    """The last value of `option` (as `--opt VALUE` or `--opt=VALUE`) in raw arguments, before
    click checks them (a wrong one is refused by the parse that follows)."""
    value = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == option:
            value = args[index + 1] if index + 1 < len(args) else None
        elif arg.startswith(f"{option}="):
            value = arg.partition("=")[2]
    return value


@click.command(name="prove", cls=_ProveCommand)
@click.argument("name")
@click.argument("input_json", type=FILE, required=False)
@PROVE_BACKEND
@ENGINE
@click.option("--zkey", type=FILE, help="Proving key.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (with --inputs: one subfolder per input, named after its file).",
)
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
@click.option(
    "--inputs",
    type=click.Path(file_okay=False, path_type=Path),
    help="Batch: prove every *.json in this folder instead of INPUT_JSON (needs --out).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Batch: worker processes, each loading the key once (--executor local).",
)
@click.option(
    "--executor",
    default="local",
    show_default=True,
    help="Batch: where the workers run: local (a process pool) or dask://HOST:PORT (a Dask"
    " distributed cluster whose workers read the key and wasm at the same paths).",
)
@click.pass_context
def prove_cmd(
    ctx: click.Context,
    name: str,
    input_json: Path | None,
    backend: str,
    engine: str | None,
    zkey: Path | None,
    out: Path | None,
    force: bool,
    keep_witness: bool,
    inputs: Path | None,
    jobs: int,
    executor: str,
) -> None:
    """Compute the witness and a proof: OUT/proof.json and OUT/public.json.

    The proof system is the circuit's (circuits.toml `protocol`: groth16, plonk or fflonk); the
    key must be of that system. The witness is computed and its inputs checked natively first,
    whatever the backend. The proving key defaults to artifacts/NAME/final.zkey and the output
    folder to
    build/NAME/proof/. Every backend writes the same snarkjs-compatible JSON. Both files are
    written in a private staging folder inside OUT and moved in together after success: a
    failed prove leaves OUT as it was, and OUT never mixes an old proof with new public
    signals. The witness (the private inputs) is not kept unless --keep-witness.

    With --inputs DIR instead of INPUT_JSON, every DIR/*.json is proved by -j worker processes
    (or a Dask cluster), each loading the key once, into OUT/<input stem>/. Every proof is
    verified before it is written (Groth16 natively, PLONK and fflonk by snarkjs). An input
    that fails is reported with its reason and the others go on; the exit code is then 4, after
    the good proofs are written.
    """
    if inputs is None:
        single = _single_input(input_json, jobs, executor)
        _prove_one(ctx, name, single, backend, engine, zkey, out, force, keep_witness)
        return
    if input_json is not None or out is None or keep_witness:
        raise click.UsageError(
            "--inputs needs --out, and takes neither INPUT_JSON nor --keep-witness"
        )
    _prove_many(ctx, name, inputs, out, backend, engine, zkey, force, jobs, executor)


def _single_input(input_json: Path | None, jobs: int, executor: str) -> Path:
    """Without --inputs: INPUT_JSON is needed, the batch options are refused."""
    if input_json is None:
        raise click.UsageError("Missing argument 'INPUT_JSON'.")
    if jobs != 1 or executor != "local":
        raise click.UsageError("-j and --executor are for batches: add --inputs DIR")
    return input_json


def _prove_one(
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
    """`zkt prove NAME INPUT_JSON`: one proof."""
    from toolchain.api.prove import prove

    ws = workspace(ctx)
    result = prove(
        ws, name, input_json, backend, zkey, out, engine, status,
        force=force, keep_witness=keep_witness,
    )  # fmt: skip
    status(f"{name}: proof by {result.backend} in {result.proof.parent}")
    if result.witness is not None:
        status(f"{name}: witness kept (private inputs, mode 0600): {result.witness}")


def _prove_many(
    ctx: click.Context,
    name: str,
    inputs_dir: Path,
    out: Path,
    backend: str,
    engine: str | None,
    zkey: Path | None,
    force: bool,
    jobs: int,
    executor: str,
) -> None:
    """`zkt prove NAME --inputs DIR --out OUT`: a bar, failures one line each, a summary."""
    from tqdm import tqdm

    from toolchain.api.batch import batch_inputs, prove_batch

    ws = workspace(ctx)
    inputs = batch_inputs(inputs_dir, out)
    with tqdm(total=len(inputs), file=sys.stderr, unit="proof", disable=None) as bar:

        def show(outcome: Outcome) -> None:
            if not outcome.ok:
                bar.write(f"{name}: {outcome.source}: failed: {outcome.reason}", file=sys.stderr)
            bar.update()

        result = prove_batch(
            ws, name, inputs, out, backend, jobs=jobs, executor=executor, zkey=zkey,
            engine=engine, report=status, on_outcome=show, force=force,
        )  # fmt: skip
    _summary(result)
    result.raise_if_failed()


def _summary(result: BatchResult) -> None:
    """The batch's table: proved, failed, wall-clock seconds and the rate."""
    failed = len(result.failed)
    per_hour = 3600 * (len(result.outcomes) - failed) / result.seconds if result.seconds else 0
    status(f"{'ok':>6} {'failed':>6} {'seconds':>8} {'proofs/hour':>11}  backend")
    status(
        f"{len(result.outcomes) - failed:>6} {failed:>6} {result.seconds:>8.2f}"
        f" {per_hour:>11.0f}  {result.backend}"
    )


@click.command(name="verify")
@click.argument("name")
@click.argument("proof", type=FILE, required=False)
@click.argument("public", type=FILE, required=False)
@VERIFY_BACKEND
@ENGINE
@click.option("--vkey", type=FILE, help="Verification key JSON.")
@click.pass_context
def verify_cmd(
    ctx: click.Context,
    name: str,
    proof: Path | None,
    public: Path | None,
    backend: str,
    engine: str | None,
    vkey: Path | None,
) -> None:
    """Verify PROOF (proof.json) for PUBLIC (public.json); exit 0 only for a valid proof.

    Without PROOF and PUBLIC: the ones `zkt prove NAME` wrote by default, in build/NAME/proof/.
    The key defaults to artifacts/NAME/verification_key.json; its "protocol" (groth16, plonk,
    fflonk) says which verifier runs, and a proof of another protocol is refused. Whatever the
    backend, the three files are checked first: the number of public inputs, their range, and
    that every point is on its curve (Groth16 also: not the identity, G2 in the prime-order
    subgroup).
    """
    from toolchain.api.prove import proof_files, verify, verify_all

    ws = workspace(ctx)
    proof, public = proof_files(ws, name, proof, public)
    if backend == "all":
        used = verify_all(ws, name, proof, public, vkey, engine)
    else:
        used = [verify(ws, name, proof, public, backend, vkey, engine)]
    for verifier in used:
        click.echo(f"{name}: valid proof ({verifier} verifier)")


COMMANDS = [witness_cmd, prove_cmd, verify_cmd]
