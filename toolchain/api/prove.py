"""Witness, prove and verify: inputs to a checked Groth16 proof, on any backend."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from toolchain import backends
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace, existing
from toolchain.errors import InputError, VerificationError
from toolchain.formats.snarkjs_json import read_verification_inputs
from toolchain.formats.wtns import write_wtns
from toolchain.formats.zkey import check_zkey
from toolchain.fsutil import refuse_overwrite
from toolchain.native.engines import ENGINE_NAMES
from toolchain.witness.calculator import WitnessCalculator


def backend_names() -> tuple[str, ...]:
    """The --backend choices: auto and every Groth16 backend."""
    return backends.NAMES


def engine_names() -> tuple[str, ...]:
    """The --engine choices: auto and every arithmetic engine of the native backend."""
    return ENGINE_NAMES


def load_inputs(path: Path) -> dict[str, object]:
    """A circuit input JSON file: an object of signal names (InputError when malformed)."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such input file") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: circuit inputs must be a JSON object")
    return data


@dataclass(frozen=True)
class WitnessResult:
    """Where `compute_witness` wrote the .wtns and how many values it holds."""

    path: Path
    count: int


def compute_witness(
    ws: Workspace, name: str, input_path: Path, out: Path | None = None
) -> WitnessResult:
    """Compile `name` if needed, compute its witness natively and write `out` (.wtns).

    `out` defaults to build/NAME/NAME.wtns.
    """
    target = out or ws.project.build_dir(name) / f"{name}.wtns"
    refuse_overwrite(target, input_path)
    inputs = load_inputs(input_path)
    compile_circuits(ws, (name,))
    calculator = WitnessCalculator(ws.project.wasm(name), sym_path=ws.project.sym(name))
    values = calculator.calculate(inputs)
    write_wtns(target, values)
    return WitnessResult(target, len(values))


@dataclass(frozen=True)
class ProveResult:
    """What `prove` wrote and which backend wrote it."""

    backend: str
    proof: Path
    public: Path


def prove(
    ws: Workspace,
    name: str,
    input_path: Path,
    backend: str = "auto",
    zkey: Path | None = None,
    out_dir: Path | None = None,
    engine: str | None = None,
) -> ProveResult:
    """Witness (native, wasmtime) then proof by the chosen backend: DIR/proof.json, public.json."""
    key = existing(zkey or ws.project.zkey(name), "proving key", "run `zkt setup` or pass --zkey")
    check_zkey(key)  # header, sizes, IC and chain, before any backend reads it
    prover = backends.prover_backend(backend, ws.tools, engine)
    out = out_dir or ws.project.proof_dir(name)
    proof, public = out / "proof.json", out / "public.json"
    for target in (proof, public):
        refuse_overwrite(target, input_path, key)
    compute_witness(ws, name, input_path, out / "witness.wtns")
    prover.prove(key, out / "witness.wtns", proof, public)
    return ProveResult(prover.name, proof, public)


def verify(
    ws: Workspace,
    name: str,
    proof: Path,
    public: Path,
    backend: str = "auto",
    vkey: Path | None = None,
    engine: str | None = None,
) -> str:
    """Verify a proof; VerificationError when it is invalid. Returns the backend's name."""
    key = existing(vkey or ws.project.vkey(name), "verification key", "pass --vkey")
    verifier = backends.verifier_backend(backend, ws.tools, engine)
    read_verification_inputs(key, public, proof)  # strictly, before any backend sees them
    if not verifier.verify(key, public, proof):
        raise VerificationError(f"{name}: INVALID proof ({verifier.name} verifier)")
    return verifier.name
