"""`zkt audit`: under-constrained signals, per circuit, with the evidence a user can replay.

Orchestration only: compile, compute the honest witness of each example input (every
circuits/inputs/NAME/valid*.json in turn, or the user's one), run the engine
(`toolchain.audit`), apply the circuit's `audit` policy from circuits.toml and write a forged
witness as .wtns. With `prove`, the forged witness is proved with the circuit's own Groth16 key
by the native backend (straight from the .wtns: `zkt prove` takes input JSON, which cannot
express a forged witness) and the proof is verified with the circuit's verification key.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from toolchain.api.compile import compile_circuits
from toolchain.api.prove import load_inputs
from toolchain.api.workspace import Workspace, existing
from toolchain.audit.system import System, system_of
from toolchain.audit.verdict import (
    UNDER_CONSTRAINED,
    UNIQUE,
    UNKNOWN,
    Verdict,
    audit,
    unproven_outputs,
)
from toolchain.audit.verdict import differences as differences
from toolchain.backends.native import NativeBackend
from toolchain.build import Reporter
from toolchain.errors import UsageError, VerificationError
from toolchain.formats.r1cs import read_r1cs
from toolchain.formats.sym import read_sym
from toolchain.formats.wtns import write_wtns
from toolchain.paths import shown_path
from toolchain.witness.calculator import WitnessCalculator

DEFAULT_SECONDS = 10.0
FORGED_WTNS = "forged.wtns"
FORGED_PROOF, FORGED_PUBLIC = "forged_proof.json", "forged_public.json"


@dataclass(frozen=True)
class ForgedProof:
    """A proof of the forged witness with the circuit's own key, and whether its vkey accepts it."""

    proof: Path
    public: Path
    verified: bool


@dataclass(frozen=True)
class CircuitAudit:
    """One circuit's audit: its policy, the verdict (None when skipped), the input it came from
    and every input searched."""

    name: str
    policy: str
    reason: str
    verdict: Verdict | None = None
    system: System | None = None
    input: Path | None = None
    forged_wtns: Path | None = None
    forged_proof: ForgedProof | None = None
    searched: tuple[Path, ...] = ()

    @property
    def status(self) -> str:
        """unique, under-constrained, unknown, or skipped."""
        return "skipped" if self.verdict is None else self.verdict.status

    def names(self, wires: Sequence[int]) -> list[str]:
        """The signal names of these wires (`wire N` where the .sym names none)."""
        system = self.system
        return [system.name(w) if system is not None else f"wire {w}" for w in wires]


def audit_circuits(
    ws: Workspace,
    names: tuple[str, ...],
    *,
    seconds: float = DEFAULT_SECONDS,
    input_path: Path | None = None,
    prove: bool = False,
    report: Reporter = lambda _: None,
) -> list[CircuitAudit]:
    """Audit the named circuits (all when none), `seconds` of search each; with `prove`, prove
    each forged witness with the circuit's key (artifacts/NAME/final.zkey) and verify it."""
    if seconds <= 0:
        raise UsageError(f"--seconds must be positive, not {seconds:g}")
    entries = ws.registry.select(names)
    if input_path is not None and len(entries) != 1:
        raise UsageError("--input fits one circuit: name exactly one")
    audits = []
    for entry in entries:
        if entry.audit == "skip":
            audits.append(CircuitAudit(entry.name, entry.audit, entry.audit_reason))
            continue
        found = _audit_one(ws, entry.name, entry.audit, seconds, input_path, report)
        if prove and found.forged_wtns is not None:
            if entry.protocol != "groth16":
                raise UsageError(f"{entry.name}: forged proofs are made with Groth16 keys only")
            found = replace(found, forged_proof=prove_forgery(ws, entry.name, found.forged_wtns))
        audits.append(found)
    return audits


def _audit_one(
    ws: Workspace,
    name: str,
    policy: str,
    seconds: float,
    input_path: Path | None,
    report: Reporter,
) -> CircuitAudit:
    sources = [input_path] if input_path is not None else example_inputs(ws, name)
    # a missing or malformed file is refused before any compile
    examples = [(source, load_inputs(source)) for source in sources]
    compile_circuits(ws, (name,), report)
    project = ws.project
    calculator = WitnessCalculator(project.wasm(name), sym_path=project.sym(name))
    system = system_of(read_r1cs(project.r1cs(name)), read_sym(project.sym(name)))
    verdict, source, searched = _audit_examples(system, calculator, examples, seconds)
    forged = None
    if verdict.status == UNDER_CONSTRAINED and verdict.forgery is not None:
        forged = project.build_dir(name) / FORGED_WTNS
        write_wtns(forged, verdict.forgery.witness)
    tried = f", {len(searched)} example inputs" if len(searched) > 1 else ""
    report(f"{name}: {verdict.status} ({verdict.seconds:.2f} s{tried})")
    return CircuitAudit(name, policy, "", verdict, system, source, forged, searched=searched)


def _audit_examples(
    system: System,
    calculator: WitnessCalculator,
    examples: Sequence[tuple[Path, dict[str, object]]],
    seconds: float,
) -> tuple[Verdict, Path, tuple[Path, ...]]:
    """The audit from each example's honest witness in turn, the time left shared evenly among
    the examples not yet searched, until one settles it: unique (propagation, the same for
    every input: the first example says it) or under-constrained (a bug may show only for some
    inputs: IsZero's without `in * out === 0` has no second output when in = 0). Else the last
    example's unknown. Returns the verdict (its seconds those of the whole audit), the example
    it came from and the examples searched."""
    start = time.monotonic()
    deadline = start + seconds
    searched: list[Path] = []
    for left, (source, inputs) in zip(range(len(examples), 0, -1), examples, strict=True):
        honest = calculator.calculate(inputs, source=str(source))
        searched.append(source)
        verdict = audit(system, honest, max(deadline - time.monotonic(), 0.0) / left)
        if verdict.status != UNKNOWN:
            break
    return replace(verdict, seconds=time.monotonic() - start), source, tuple(searched)


def prove_forgery(ws: Workspace, name: str, wtns: Path) -> ForgedProof:
    """Prove a forged witness with the circuit's own key (native Groth16) and verify the proof
    with its verification key: the bug, beyond argument."""
    project = ws.project
    hint = f"run `zkt setup {name}` first"
    zkey = existing(project.zkey(name), "proving key", hint)
    vkey = existing(project.vkey(name), "verification key", hint)
    proof, public = project.build_dir(name) / FORGED_PROOF, project.build_dir(name) / FORGED_PUBLIC
    backend = NativeBackend()
    backend.prove(zkey, wtns, proof, public)
    return ForgedProof(proof, public, backend.verify(vkey, public, proof))


def propagation_verdict(ws: Workspace, name: str) -> str:
    """unique when propagation alone determines every output of the compiled circuit, else
    unknown: the verdict without an example input (no second witness is looked for)."""
    project = ws.project
    system = system_of(read_r1cs(project.r1cs(name)), read_sym(project.sym(name)))
    return UNKNOWN if unproven_outputs(system) else UNIQUE


def example_inputs(ws: Workspace, name: str) -> list[Path]:
    """The circuit's example inputs, circuits/inputs/NAME/valid*.json, by name."""
    found = sorted(ws.project.inputs_dir(name).glob("valid*.json"))
    if not found:
        raise UsageError(
            f"{name}: no example input circuits/inputs/{name}/valid*.json; give one with --input"
        )
    return found


def check_policies(audits: Sequence[CircuitAudit]) -> None:
    """VerificationError (exit 1, code under_constrained) when a `fail` circuit is forgeable."""
    failed = [a.name for a in audits if a.status == UNDER_CONSTRAINED and a.policy == "fail"]
    if failed:
        raise VerificationError(
            f"under-constrained: {', '.join(failed)} (a second witness with the same inputs"
            " satisfies every constraint; see the forged .wtns)",
            code="under_constrained",
        )


def warnings(audits: Sequence[CircuitAudit]) -> list[str]:
    """One line for each verdict that is not a pass: unknown ones, and forgeable `warn` ones."""
    lines = []
    for a in audits:
        if a.status == UNKNOWN and a.verdict is not None:
            left = ", ".join(a.names(a.verdict.undetermined_outputs))
            lines.append(
                f"{a.name}: unknown after {a.verdict.seconds:.1f} s (not proven safe);"
                f" outputs left undecided: {left}"
            )
        elif a.status == UNDER_CONSTRAINED and a.policy == "warn":
            lines.append(f'{a.name}: under-constrained, reported only (audit = "warn")')
    return lines


def as_json(a: CircuitAudit, root: Path) -> dict[str, object]:
    """One circuit's audit as JSON: verdict, what was left, and the two witnesses' differences;
    paths inside the project `root` relative to it."""
    out: dict[str, object] = {"circuit": a.name, "policy": a.policy, "verdict": a.status}
    if a.verdict is None:
        out["reason"] = a.reason
        return out
    v = a.verdict
    out.update(
        {
            "input": shown(root, a.input),
            "inputs_searched": [shown(root, p) for p in a.searched],
            "seconds": round(v.seconds, 3),
            "search": v.stopped,
            "outputs": a.names(v.outputs),
            "undetermined_outputs": a.names(v.undetermined_outputs),
            "undetermined_intermediates": len(v.undetermined_intermediates),
            # With unique outputs, internal signals a second witness showed free (reported,
            # not failed: IsZero's inv when in = 0 is one).
            "free_internal": a.names(v.forgery.differs)
            if v.status == UNIQUE and v.forgery is not None
            else [],
            "differences": [
                {"signal": a.names([w])[0], "wire": w, "honest": str(h), "forged": str(f)}
                for w, h, f in differences(v)
            ],
            "forged_witness": shown(root, a.forged_wtns),
        }
    )
    if a.forged_proof is not None:
        out["forged_proof"] = {
            "proof": shown(root, a.forged_proof.proof),
            "public": shown(root, a.forged_proof.public),
            "verified": a.forged_proof.verified,
        }
    return out


def shown(root: Path, path: Path | None) -> str | None:
    """A path as the report shows it: relative to the project root when inside."""
    return None if path is None else shown_path(root, path)
