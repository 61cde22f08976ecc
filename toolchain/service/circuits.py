"""The circuits the service proves: those whose key is locked in artifacts/manifest.json.

At start the locked circuits are compiled (a cache hit when unchanged), then every locked
artifact is verified against the manifest (`api.artifacts.verify_artifacts`): a key, witness
wasm or verification key that differs from its lock stops the service before it listens. Each
circuit's `ProverSpec` carries the locked sha256 its workers check again when they load it.
The server process keeps each circuit's witness calculator (to refuse bad inputs before they
are queued) and its verification key (for POST /v1/verify). The service proves and verifies
Groth16 circuits: a locked PLONK or fflonk circuit is refused at start (`zkt prove` proves it,
one input or a batch), before anything is compiled or loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.api.artifacts import verify_artifacts
from toolchain.api.batch import prover_spec
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace
from toolchain.backends.batch import ProverSpec
from toolchain.build import Reporter
from toolchain.errors import IntegrityError, UsageError
from toolchain.formats.snarkjs_json import read_verification_key
from toolchain.integrity.model import manifest_path, read_manifest
from toolchain.native.groth16 import VerificationKey
from toolchain.witness.calculator import WitnessCalculator


@dataclass(frozen=True)
class LockedCircuit:
    """A circuit the service proves, with what the server process itself holds of it."""

    spec: ProverSpec
    vkey_sha256: str
    vkey: VerificationKey
    calculator: WitnessCalculator

    @property
    def name(self) -> str:
        """The circuit's name."""
        return self.spec.circuit


def locked_circuits(ws: Workspace, backend: str, report: Reporter) -> dict[str, LockedCircuit]:
    """Every circuit with a locked key, its artifacts verified (IntegrityError if one differs)."""
    manifest = read_manifest(manifest_path(ws.project))
    names = [name for name in manifest.circuits() if f"{name}/zkey" in manifest.artifacts]
    if not names:
        raise UsageError("artifacts/manifest.json locks no key: run `zkt artifacts lock` first")
    refuse_universal(ws, names)
    compile_circuits(ws, tuple(names), report)
    verify_artifacts(ws, report=report).raise_for_failures()
    circuits = {}
    for name in names:
        spec = prover_spec(ws, name, None, backend, None, None, report)
        locked = manifest.artifacts[f"{name}/zkey"].sha256
        if spec.zkey_sha256 != locked:  # changed since it was verified a moment ago
            raise IntegrityError(f"{name}: the key's sha256 is not the locked {locked[:16]}…")
        vkey = manifest.artifacts.get(f"{name}/vkey")
        if vkey is None:
            raise UsageError(f"{name}: lock its verification_key.json too (zkt artifacts lock)")
        circuits[name] = LockedCircuit(
            spec,
            vkey.sha256,
            read_verification_key(ws.project.vkey(name)),
            WitnessCalculator(spec.wasm, sym_path=spec.sym),
        )
    return circuits


def refuse_universal(ws: Workspace, names: list[str]) -> None:
    """UsageError naming the first PLONK or fflonk circuit among `names`: /v1/verify and the
    workers' checks are Groth16's."""
    entry = ws.registry.first_universal(names)
    if entry is not None:
        raise UsageError(
            f"{entry.name} is a {entry.protocol} circuit: zkt serve serves Groth16 circuits only;"
            f" prove it with `zkt prove {entry.name}` (or --inputs DIR for a batch)"
        )
