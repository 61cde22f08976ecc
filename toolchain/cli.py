"""`zkt`: argument parsing only; maps error families to exit codes and one-line messages."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from toolchain import __version__, api, backends
from toolchain.ceremony import checks, phase1, phase2
from toolchain.ceremony.chain import label
from toolchain.ceremony.entropy import Secret, fresh_entropy
from toolchain.ceremony.phase1 import Step
from toolchain.ceremony.snarkjs_step import Progress
from toolchain.errors import ConfigError, ZktError
from toolchain.native.engines import ENGINE_NAMES
from toolchain.paths import find_project_root, tools_dir
from toolchain.runner.tools import Tools


def _status(message: str) -> None:
    click.echo(message, err=True)


def _workspace(ctx: click.Context) -> api.Workspace:
    root: Path | None = ctx.obj.get("project")
    return api.open_workspace(root)


def _tools(ctx: click.Context) -> Tools:
    """The pinned tools: the project's when inside one, else the user's."""
    return Tools(tools_dir(_optional_root(ctx)))


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


ENGINE = click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default=None,
    help="Arithmetic of the native backend (implies it): mcl (C++, pip install "
    "'zk-toolchain[fast]'), pure (Python) or auto (mcl when installed). "
    "Default: $ZKT_ENGINE, else auto.",
)


@cli.command(name="prove")
@click.argument("name")
@click.argument("input_json", type=click.Path(dir_okay=False, path_type=Path))
@BACKEND
@ENGINE
@click.option("--zkey", type=click.Path(dir_okay=False, path_type=Path), help="Proving key.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.pass_context
def prove_cmd(
    ctx: click.Context,
    name: str,
    input_json: Path,
    backend: str,
    engine: str | None,
    zkey: Path | None,
    out: Path | None,
) -> None:
    """Compute the witness and a Groth16 proof: OUT/proof.json and OUT/public.json.

    The proving key defaults to artifacts/NAME/final.zkey and the output folder to
    build/NAME/proof/. Every backend writes the same snarkjs-compatible JSON.
    """
    result = api.prove(_workspace(ctx), name, input_json, backend, zkey, out, engine)
    _status(f"{name}: proof by {result.backend} in {result.proof.parent}")


@cli.command(name="verify")
@click.argument("name")
@click.argument("proof", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("public", type=click.Path(dir_okay=False, path_type=Path))
@BACKEND
@ENGINE
@click.option(
    "--vkey", type=click.Path(dir_okay=False, path_type=Path), help="Verification key JSON."
)
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
    used = api.verify(_workspace(ctx), name, proof, public, backend, vkey, engine)
    click.echo(f"{name}: valid proof ({used} verifier)")


@cli.group()
def ptau() -> None:
    """Powers of Tau: pick the size a circuit needs, download published files, or run phase 1."""


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


def _entropy(prompt: bool) -> Secret:
    typed = click.prompt("Type some random text (hidden)", hide_input=True) if prompt else ""
    return fresh_entropy(typed)


PROMPT = click.option(
    "--prompt/--no-prompt",
    default=False,
    help="Also mix in text you type (hidden). OS randomness is always used.",
)
PTAU = click.option(
    "--ptau",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Prepared ptau (default: what ceremony/ceremony.toml [phase1] says).",
)


@cli.command(name="setup")
@click.argument("names", nargs=-1)
@PTAU
@click.pass_context
def setup_cmd(ctx: click.Context, names: tuple[str, ...], ptau: Path | None) -> None:
    """Start the phase-2 ceremony of circuits: groth16 setup from the r1cs and a prepared ptau.

    Circuits default to those ceremony.toml lists. The initial key goes to
    build/NAME/ceremony/NAME_0000.zkey and record 0 to ceremony/transcripts/NAME.jsonl.
    It has no contribution yet: continue with `zkt ceremony contribute`.
    """
    for record in api.setup(_workspace(ctx), names, ptau, _status):
        _status(f"setup: {record.file.path} (circuit hash {record.contribution_hash[:16]}…)")


@cli.group()
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
    record = api.contribute(_workspace(ctx), name, contributor, _entropy(prompt))
    _status(f"{name}: contribution {record.index} by {contributor} accepted")
    click.echo(f"contribution hash {record.contribution_hash}")


@ceremony.command(name="beacon")
@click.argument("name")
@click.pass_context
def ceremony_beacon(ctx: click.Context, name: str) -> None:
    """Close circuit NAME's chain with the beacon committed in ceremony.toml."""
    record = api.beacon(_workspace(ctx), name)
    _status(f"{name}: beacon applied as contribution {record.index}")


@ceremony.command(name="finalize")
@click.argument("name")
@PTAU
@click.pass_context
def ceremony_finalize(ctx: click.Context, name: str, ptau: Path | None) -> None:
    """Verify NAME's last key in full and export final.zkey, verification_key.json, verifier.sol.

    Verification: snarkjs zkey verify (rebuilds the initial key from r1cs + ptau), at least one
    real contribution (delta != gamma) and the committed beacon as the last contribution.
    """
    final = api.finalize(_workspace(ctx), name, ptau, _status)
    _status(f"{name}: verified; artifacts in {final.parent}")


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
    api.run_ceremony(_workspace(ctx), names, contributors, ptau, _status)


@ceremony.command(name="ptau")
@click.pass_context
def ceremony_ptau(ctx: click.Context) -> None:
    """Make sure the ptau ceremony.toml names is here (fetch it, or regenerate the dev one).

    Prints its path, for `zkt artifacts lock --ptau` / `verify --ptau`.
    """
    click.echo(api.ceremony_ptau(_workspace(ctx), None, _status))


@ceremony.command(name="status")
@click.argument("name")
@click.pass_context
def ceremony_status(ctx: click.Context, name: str) -> None:
    """The accepted steps of circuit NAME's ceremony, from its transcript."""
    for r in api.transcript(_workspace(ctx), name):
        click.echo(f"{r.index:>3} {r.kind:<12} {r.name:<24} {r.contribution_hash[:16]}  {r.time}")


@cli.group()
def zkey() -> None:
    """File-level phase-2 operations on .zkey files (contribute, beacon, verify, export)."""


@zkey.command(name="contribute")
@click.argument("zkey_in", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("zkey_out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", "contributor", required=True, help="Your name, as recorded.")
@PROMPT
@click.pass_context
def zkey_contribute(
    ctx: click.Context, zkey_in: Path, zkey_out: Path, contributor: str, prompt: bool
) -> None:
    """Contribute to ZKEY_IN, writing ZKEY_OUT (checked: exactly one more contribution)."""
    tools = _tools(ctx)
    phase2.contribute(tools, zkey_in, zkey_out, contributor, _entropy(prompt))
    checks.accept_contribution(zkey_in, zkey_out)
    _status(f"{zkey_out}: contribution by {contributor} added")


@zkey.command(name="beacon")
@click.argument("zkey_in", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("zkey_out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--hash", "beacon_hash", required=True, help="Beacon value (hex).")
@click.option("--iterations-exp", type=click.IntRange(10, 63), required=True)
@click.pass_context
def zkey_beacon(
    ctx: click.Context, zkey_in: Path, zkey_out: Path, beacon_hash: str, iterations_exp: int
) -> None:
    """Apply a public beacon to ZKEY_IN, writing ZKEY_OUT."""
    tools = _tools(ctx)
    phase2.apply_beacon(tools, zkey_in, zkey_out, beacon_hash, iterations_exp, "beacon")
    checks.accept_contribution(zkey_in, zkey_out)
    _status(f"{zkey_out}: beacon applied")


@zkey.command(name="verify")
@click.argument("zkey_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--r1cs", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ptau", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
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
    previous: Path | None,
    native: bool,
) -> None:
    """Verify ZKEY against its r1cs and ptau, beyond what snarkjs checks.

    Refuses a key with no phase-2 contribution (delta = gamma: proofs can be forged) and, with
    --previous, a chain that does not extend the accepted key by exactly one valid contribution
    with every earlier one unchanged (snarkjs accepts a history rebuilt from genesis). The new
    contribution's cryptography (proof of knowledge, delta step, L and H rescaled by the same
    ratio) is checked natively; --native skips snarkjs altogether.
    """
    tools = _tools(ctx)
    for passed in api.verify_zkey(tools, zkey_path, r1cs, ptau, previous, native):
        click.echo(f"ok  {passed}")


@zkey.command(name="export")
@click.argument("zkey_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.pass_context
def zkey_export(ctx: click.Context, zkey_path: Path, out: Path) -> None:
    """Write OUT/verification_key.json (native, as snarkjs) and OUT/verifier.sol."""
    for path in api.export_zkey(_tools(ctx), zkey_path, out):
        click.echo(path)


@zkey.command(name="calldata")
@click.argument("proof", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("public", type=click.Path(dir_okay=False, path_type=Path))
def zkey_calldata(proof: Path, public: Path) -> None:
    """Solidity calldata for PROOF and PUBLIC (as snarkjs zkey export soliditycalldata)."""
    click.echo(api.calldata(proof, public))


PTAU_FILE = click.Path(dir_okay=False, path_type=Path)
TRANSCRIPT = click.option(
    "--transcript",
    type=PTAU_FILE,
    help="Append the accepted step to this JSON-lines transcript (created if missing). Its"
    " last record must end at the challenge this step builds on, else nothing is run.",
)
VERBOSE = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Show snarkjs's progress as it works (big powers take minutes to hours).",
)


def _progress(verbose: bool) -> Progress | None:
    return _status if verbose else None


def _accepted(step: Step) -> None:
    who = f" by {step.name}" if step.kind == "contribution" else ""
    count = f"{step.contributions} contribution{'' if step.contributions == 1 else 's'}"
    _status(f"{step.path}: {step.kind}{who} accepted ({count} in the file)")
    click.echo(f"next challenge {step.contribution_hash.hex()}")


@ptau.command(name="new")
@click.option("--power", type=click.IntRange(1, 28), required=True, help="2^N constraints.")
@click.option("--to", "out", type=PTAU_FILE, required=True, help="The blank ptau to write.")
@TRANSCRIPT
@VERBOSE
@click.pass_context
def ptau_new(
    ctx: click.Context, power: int, out: Path, transcript: Path | None, verbose: bool
) -> None:
    """Start a phase-1 ceremony: the blank Powers of Tau of 2^POWER (snarkjs powersoftau new).

    The blank file holds no secret (tau = alpha = beta = 1) and is refused by verify and
    prepare until someone contributes: continue with `zkt ptau contribute`, or the offline
    export-challenge / contribute-challenge / import-response. Prints the first challenge.
    """
    _accepted(
        phase1.new_ptau(_tools(ctx), power, out, transcript=transcript, progress=_progress(verbose))
    )


@ptau.command(name="contribute")
@click.argument("ptau_in", type=PTAU_FILE)
@click.argument("ptau_out", type=PTAU_FILE)
@click.option("--name", "contributor", required=True, help="Your name, as recorded (≤ 64).")
@PROMPT
@TRANSCRIPT
@VERBOSE
@click.pass_context
def ptau_contribute(
    ctx: click.Context,
    ptau_in: Path,
    ptau_out: Path,
    contributor: str,
    prompt: bool,
    transcript: Path | None,
    verbose: bool,
) -> None:
    """Add your contribution to PTAU_IN, writing PTAU_OUT (snarkjs powersoftau contribute).

    Entropy: 64 random bytes from the OS, plus what you type with --prompt, handed to snarkjs
    on stdin: never on the command line, in logs or in the transcript. PTAU_OUT appears only
    once it holds PTAU_IN plus exactly your contribution. Publish the printed next-challenge
    hash: anyone can then find your contribution in the final file (`zkt ptau verify`).
    """
    tools, entropy = _tools(ctx), _entropy(prompt)
    _accepted(
        phase1.contribute(
            tools,
            ptau_in,
            ptau_out,
            contributor,
            entropy,
            transcript=transcript,
            progress=_progress(verbose),
        )
    )


@ptau.command(name="export-challenge")
@click.argument("ptau_path", metavar="PTAU", type=PTAU_FILE)
@click.argument("challenge", type=PTAU_FILE)
@VERBOSE
@click.pass_context
def ptau_export_challenge(
    ctx: click.Context, ptau_path: Path, challenge: Path, verbose: bool
) -> None:
    """Write PTAU's current challenge for a participant who contributes offline.

    Send CHALLENGE to them; they run `zkt ptau contribute-challenge` on their own (possibly
    air-gapped) machine and send back the response, which `zkt ptau import-response` accepts
    only against this same PTAU. Prints the challenge hash their response must start with.
    """
    digest = phase1.export_challenge(_tools(ctx), ptau_path, challenge, progress=_progress(verbose))
    _status(f"{challenge}: challenge of {ptau_path} written")
    click.echo(f"challenge {digest.hex()}")


@ptau.command(name="contribute-challenge")
@click.argument("challenge", type=PTAU_FILE)
@click.argument("response", type=PTAU_FILE)
@PROMPT
@VERBOSE
@click.pass_context
def ptau_contribute_challenge(
    ctx: click.Context, challenge: Path, response: Path, prompt: bool, verbose: bool
) -> None:
    """Answer CHALLENGE offline, writing RESPONSE (snarkjs powersoftau challenge contribute).

    Needs node and the pinned snarkjs only: no ptau, no project, no network, so it suits an
    air-gapped machine. Entropy as in `zkt ptau contribute`. A response carries no name: the
    coordinator records yours on import. Publish both printed hashes (blake2b-512).
    """
    tools, entropy = _tools(ctx), _entropy(prompt)
    answer = phase1.contribute_challenge(
        tools, challenge, response, entropy, progress=_progress(verbose)
    )
    _status(f"{response}: response for power {answer.power} written")
    click.echo(f"challenge {answer.challenge_hash.hex()}")
    click.echo(f"response  {answer.response_hash.hex()}")


@ptau.command(name="import-response")
@click.argument("ptau_prev", type=PTAU_FILE)
@click.argument("response", type=PTAU_FILE)
@click.argument("ptau_out", type=PTAU_FILE)
@click.option("--name", "contributor", required=True, help="The contributor's name (≤ 64).")
@TRANSCRIPT
@VERBOSE
@click.pass_context
def ptau_import_response(
    ctx: click.Context,
    ptau_prev: Path,
    response: Path,
    ptau_out: Path,
    contributor: str,
    transcript: Path | None,
    verbose: bool,
) -> None:
    """Accept an offline RESPONSE to PTAU_PREV's current challenge, writing PTAU_OUT.

    Refused (exit 1) when RESPONSE answers any other challenge (a stale export: someone
    contributed since; export a new challenge) and when the result fails snarkjs powersoftau
    verify, which runs before acceptance because snarkjs's import checks no point.
    """
    tools = _tools(ctx)
    _accepted(
        phase1.import_response(
            tools,
            ptau_prev,
            response,
            ptau_out,
            contributor,
            transcript=transcript,
            progress=_progress(verbose),
        )
    )


@ptau.command(name="beacon")
@click.argument("ptau_in", type=PTAU_FILE)
@click.argument("ptau_out", type=PTAU_FILE)
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
    verbose: bool,
) -> None:
    """Close phase 1 with a public random beacon: a last contribution anyone can recompute.

    Commit to the beacon's source and time before it exists; the last real contributor then
    cannot have chosen the final randomness. Then run `zkt ptau prepare`.
    """
    tools, progress = _tools(ctx), _progress(verbose)
    _accepted(
        phase1.beacon(
            tools,
            ptau_in,
            ptau_out,
            beacon_hash,
            iterations_exp,
            name,
            transcript=transcript,
            progress=progress,
        )
    )


@ptau.command(name="prepare")
@click.argument("ptau_in", type=PTAU_FILE)
@click.argument("ptau_out", type=PTAU_FILE)
@TRANSCRIPT
@VERBOSE
@click.pass_context
def ptau_prepare(
    ctx: click.Context, ptau_in: Path, ptau_out: Path, transcript: Path | None, verbose: bool
) -> None:
    """Prepare PTAU_IN for phase 2 (snarkjs powersoftau prepare phase2), writing PTAU_OUT.

    Adds the Lagrange sections `groth16 setup` reads; the contributions are unchanged. Slow:
    about 1 min at power 10, 6 at 13, 23 at 15; use -v to watch snarkjs's progress. A file
    with no contribution is refused.
    """
    step = phase1.prepare(
        _tools(ctx), ptau_in, ptau_out, transcript=transcript, progress=_progress(verbose)
    )
    _accepted(step)


@ptau.command(name="verify")
@click.argument("ptau_path", metavar="PTAU", type=PTAU_FILE)
@click.option(
    "--previous",
    type=PTAU_FILE,
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
    report = phase1.verify(_tools(ctx), ptau_path, previous, progress=_progress(verbose))
    state = "prepared for phase 2" if report.prepared else "not prepared"
    click.echo(f"ok  snarkjs powersoftau verify (power {report.power}, {state})")
    if previous is not None and report.added is not None:
        click.echo(f"ok  extends {previous} by exactly one contribution ({label(report.added)})")
    for number, contribution in enumerate(report.contributions, 1):
        kind = "beacon" if contribution.params.is_beacon else ""
        digest = contribution.next_challenge.hex()[:32]
        click.echo(f"  #{number:<3} {label(contribution):<24} {kind:<6} {digest}…")


@cli.group()
def artifacts() -> None:
    """The artifact manifest, artifacts/manifest.json: hashes and provenance, locked and checked."""


@artifacts.command(name="lock")
@click.option(
    "--ptau",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The prepared ptau the keys were set up with (default: the one already locked).",
)
@click.pass_context
def artifacts_lock(ctx: click.Context, ptau: Path | None) -> None:
    """Write artifacts/manifest.json: every artifact's hashes, the step that made it, its inputs.

    Locks each circuit that has artifacts/NAME/final.zkey (compiled first if needed): rendered
    source, r1cs, wasm, final key, ceremony transcript, verification key and verifier.sol, plus
    the ptau. Nothing is written, and the exit code is 6, if they do not belong together.
    """
    report = api.lock_artifacts(_workspace(ctx), ptau, report=_status)
    click.echo(report.table())
    _status(f"{len(report.rows)} artifacts locked in artifacts/manifest.json")


@artifacts.command(name="verify")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Render and compile the circuits afresh, with an empty cache, instead of reading build/.",
)
@click.option(
    "--ptau",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the locked ptau is (default: its recorded path, else the ptau cache).",
)
@click.pass_context
def artifacts_verify(ctx: click.Context, rebuild: bool, ptau: Path | None) -> None:
    """Check every locked artifact against artifacts/manifest.json; exit 6 on any mismatch.

    Hashes are recomputed from the files (streamed), then the relations: each verification key
    and verifier.sol derive from their zkey, each zkey from the locked r1cs (header and every
    coefficient) and ptau (alpha, beta), the transcript ends at the final key. An absent ptau is
    reported as SKIPPED. Without --rebuild, build/ must hold a `zkt compile` of the circuits.
    """
    report = api.verify_artifacts(_workspace(ctx), rebuild, ptau, report=_status)
    click.echo(report.table())
    report.raise_for_failures()


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
