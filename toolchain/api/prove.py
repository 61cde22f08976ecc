"""Witness, prove and verify: inputs to a checked proof (Groth16, PLONK or fflonk), on any backend.

The proof system is the circuit's (circuits.toml `protocol`): its key must be of that system, the
backend must prove it (snarkjs proves all three; native and rapidsnark Groth16 only). Verifying
reads the system from the verification key, and checks the three files strictly first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from toolchain import backends
from toolchain.api.ceremony import warn_if_insecure
from toolchain.api.compile import compile_circuits
from toolchain.api.warmup import start_mcl_for
from toolchain.api.workspace import Workspace, existing
from toolchain.backends.base import ProverBackend
from toolchain.backends.native import NativeBackend
from toolchain.backends.rapidsnark import RapidsnarkBackend
from toolchain.backends.snarkjs import SnarkjsBackend
from toolchain.build import Reporter
from toolchain.config import ENGINE_NAMES, CircuitEntry, Protocol, engine_name
from toolchain.errors import InputError, UsageError, VerificationError
from toolchain.formats.snarkjs_json import read_verification_inputs
from toolchain.formats.universal_json import (
    read_universal_verification_inputs,
    read_verification_protocol,
)
from toolchain.formats.universal_zkey import open_universal_zkey
from toolchain.formats.wtns import write_wtns
from toolchain.formats.zkey import check_zkey, zkey_protocol
from toolchain.fsutil import refuse_existing, staged_outputs
from toolchain.paths import shown_path
from toolchain.textlimits import JsonRefusal, load_json
from toolchain.witness.calculator import WitnessCalculator


def backend_names() -> tuple[str, ...]:
    """The --backend choices: auto and every prover backend."""
    return backends.NAMES


def verifier_names() -> tuple[str, ...]:
    """The --backend choices of verify: auto, every backend that verifies, and all of them."""
    verifiers = (b.name for b in (NativeBackend, SnarkjsBackend, RapidsnarkBackend) if b.can_verify)
    return ("auto", *verifiers, "all")


def engine_names() -> tuple[str, ...]:
    """The --engine choices: auto and every arithmetic engine of the native backend."""
    return ENGINE_NAMES


# Circuit inputs nest one level per array dimension or bus; deeper than this is hostile.
MAX_INPUT_DEPTH = 64


class _DuplicateKeyError(JsonRefusal):
    """A JSON object names a key twice (json keeps the last one silently, like the JS)."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    counts = Counter(key for key, _ in pairs)
    twice = sorted(f'"{key[:64]}"' for key, count in counts.items() if count > 1)
    if twice:
        raise _DuplicateKeyError(f"{', '.join(twice)} given twice in one object")
    return dict(pairs)


def load_inputs(path: Path) -> dict[str, object]:
    """A circuit input JSON file: an object of signal names (InputError when malformed)."""
    try:
        data = load_json(
            Path(path).read_bytes(), max_depth=MAX_INPUT_DEPTH, pairs_hook=_unique_keys
        )
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such input file") from exc
    except _DuplicateKeyError as exc:
        raise InputError(f"{path}: {exc}") from None
    except JsonRefusal as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: circuit inputs must be a JSON object")
    return data


@dataclass(frozen=True)
class WitnessResult:
    """Where `compute_witness` wrote the .wtns and how many values it holds."""

    path: Path
    count: int


def compute_witness(
    ws: Workspace, name: str, input_path: Path, out: Path | None = None, *, force: bool = False
) -> WitnessResult:
    """Compile `name` if needed, compute its witness natively and write `out` (.wtns, 0600).

    `out` defaults to build/NAME/NAME.wtns; an existing one is replaced only when `force`d.
    """
    target = out or ws.project.build_dir(name) / f"{name}.wtns"
    refuse_existing(target, input_path, force=force)
    values = _witness_values(ws, name, input_path)
    write_wtns(target, values)
    return WitnessResult(target, len(values))


def _witness_values(ws: Workspace, name: str, input_path: Path) -> list[int]:
    """The witness of `name` for the inputs in `input_path`, compiling the circuit if needed."""
    inputs = load_inputs(input_path)
    compile_circuits(ws, (name,))
    calculator = WitnessCalculator(ws.project.wasm(name), sym_path=ws.project.sym(name))
    return calculator.calculate(inputs, source=str(input_path))


PROOF, PUBLIC, WITNESS = "proof.json", "public.json", "witness.wtns"


@dataclass(frozen=True)
class ProveResult:
    """What `prove` wrote and which backend wrote it; `witness` only when kept."""

    backend: str
    proof: Path
    public: Path
    witness: Path | None = None


def prove(
    ws: Workspace,
    name: str,
    input_path: Path,
    backend: str = "auto",
    zkey: Path | None = None,
    out_dir: Path | None = None,
    engine: str | None = None,
    report: Reporter = lambda _: None,
    *,
    force: bool = False,
    keep_witness: bool = False,
) -> ProveResult:
    """Witness (native, wasmtime) then proof by the chosen backend: DIR/proof.json, public.json.

    DIR's proof.json, public.json and witness.wtns are one set: any of them existing is refused
    unless `force`d, then all are replaced together (a witness not kept again goes). Everything
    is written in a private staging folder inside DIR, moved in only after success, so a failure
    leaves DIR as it was. The witness holds the private inputs: it is deleted with the staging
    folder unless `keep_witness` (then DIR/witness.wtns, mode 0600). Proving with the circuit's
    own key reports when its setup used an insecure ptau.
    """
    start_mcl_for(backend, engine)  # on a thread while the registry and key are checked
    key = proving_key(ws, name, zkey, engine, report)
    protocol = ws.registry.get(name).protocol
    prover = backends.prover_backend(backend, ws.tools, engine, protocol)
    out = out_dir or ws.project.proof_dir(name)
    with staged_outputs(out, (PROOF, PUBLIC, WITNESS), input_path, key, force=force) as stage:
        if isinstance(prover, NativeBackend):
            prover.preload(key)  # read on a thread while the witness is computed
        values = _witness_values(ws, name, input_path)
        _prove_staged(prover, key, values, stage, keep_witness=keep_witness)
    kept = out / WITNESS if keep_witness else None
    return ProveResult(prover.name, out / PROOF, out / PUBLIC, kept)


def _prove_staged(
    prover: ProverBackend, key: Path, values: list[int], stage: Path, *, keep_witness: bool
) -> None:
    """The proof of `values` in `stage`, and the .wtns there when kept. The native backend
    takes the witness in memory; the others read it from the .wtns, deleted after unless kept."""
    if isinstance(prover, NativeBackend):
        if keep_witness:
            write_wtns(stage / WITNESS, values)
        prover.prove_witness(key, values, stage / PROOF, stage / PUBLIC)
        return
    write_wtns(stage / WITNESS, values)
    prover.prove(key, stage / WITNESS, stage / PROOF, stage / PUBLIC)
    if not keep_witness:
        (stage / WITNESS).unlink()


def proving_key(
    ws: Workspace, name: str, zkey: Path | None, engine: str | None, report: Reporter
) -> Path:
    """The checked proving key of `name` (or `zkey`); circuit and engine names checked first.

    The key must be of the circuit's proof system; a Groth16 key is checked in depth (header,
    sizes, IC and chain), a PLONK or fflonk one by its header and every section size (its
    points beyond the header are checked through the proof made from it). Proving with the
    circuit's own key reports when its setup used an insecure ptau.
    """
    entry = ws.registry.get(name)
    engine_name(engine)  # an unknown --engine or $ZKT_ENGINE is refused for every backend
    key = existing(zkey or ws.project.zkey(name), "proving key", "run `zkt setup` or pass --zkey")
    check_key_protocol(key, entry)
    if entry.universal:
        open_universal_zkey(key, entry.protocol)  # header and sizes, before snarkjs reads it
    else:
        check_zkey(key)  # header, sizes, IC and chain, before any backend reads it
    if key.resolve() == ws.project.zkey(name).resolve():
        warn_if_insecure(ws, name, report)
    return key


def check_key_protocol(key: Path, entry: CircuitEntry) -> Protocol:
    """The key's proof system, which must be the circuit's (UsageError otherwise)."""
    protocol = zkey_protocol(key)
    if protocol != entry.protocol:
        raise UsageError(
            f"{key}: a {protocol} key, but {entry.name} is a {entry.protocol} circuit"
            " (circuits.toml)"
        )
    return entry.protocol


def verify(
    ws: Workspace,
    name: str,
    proof: Path,
    public: Path,
    backend: str = "auto",
    vkey: Path | None = None,
    engine: str | None = None,
) -> str:
    """Verify a proof; VerificationError when it is invalid. Returns the backend's name.

    The proof system is the verification key's; a proof of another one is refused. The three
    files are checked strictly before any backend sees them.
    """
    key = _verification_key(ws, name, vkey, engine)
    protocol = read_verification_protocol(key, proof)
    verifier = backends.verifier_backend(backend, ws.tools, engine, protocol)
    read_verification_files(protocol, key, public, proof)
    if not verifier.verify(key, public, proof):
        raise VerificationError(f"{name}: INVALID proof ({verifier.name} verifier)")
    return verifier.name


def _verification_key(ws: Workspace, name: str, vkey: Path | None, engine: str | None) -> Path:
    """The verification key of `name` (or `vkey`); circuit and engine names checked first."""
    ws.registry.get(name)
    engine_name(engine)  # an unknown --engine or $ZKT_ENGINE is refused for every backend
    return existing(vkey or ws.project.vkey(name), "verification key", "pass --vkey")


def read_verification_files(protocol: Protocol, vkey: Path, public: Path, proof: Path) -> None:
    """The strict checks of `protocol`'s parser on the key, public signals and proof."""
    if protocol == "groth16":
        read_verification_inputs(vkey, public, proof)
    else:
        read_universal_verification_inputs(vkey, public, proof)


def proof_files(
    ws: Workspace, name: str, proof: Path | None, public: Path | None
) -> tuple[Path, Path]:
    """PROOF and PUBLIC as given, or both where `zkt prove NAME` writes them by default
    (build/NAME/proof/); UsageError when only one is given or the defaults are missing."""
    if proof is not None and public is not None:
        return proof, public
    if proof is not None:
        raise UsageError("give both PROOF and PUBLIC, or neither (then `zkt prove`'s own)")
    ws.registry.get(name)  # a registered name, before it becomes a path
    folder = ws.project.proof_dir(name)
    proof, public = folder / PROOF, folder / PUBLIC
    missing = next((path for path in (proof, public) if not path.is_file()), None)
    if missing is not None:
        raise UsageError(
            f"{name}: no {shown_path(ws.project.root, missing)}: run `zkt prove {name} INPUT`"
            " first, or name PROOF and PUBLIC"
        )
    return proof, public


def verify_all(
    ws: Workspace,
    name: str,
    proof: Path,
    public: Path,
    vkey: Path | None = None,
    engine: str | None = None,
) -> list[str]:
    """Verify with every verifier of the key's proof system in turn; each must accept.

    Groth16: native and snarkjs; PLONK and fflonk: snarkjs (`backends.VERIFIES`).
    """
    key = _verification_key(ws, name, vkey, engine)
    every = backends.verifier_names_for(read_verification_protocol(key, proof))
    native = NativeBackend.name
    return [
        verify(ws, name, proof, public, b, vkey, engine if b == native else None) for b in every
    ]
