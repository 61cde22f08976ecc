"""The high-level verbs behind the CLI: render, compile, info, witness, prove, verify, ptau..."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from toolchain import backends, build
from toolchain.build import BuildResult, Reporter
from toolchain.ceremony import checks, devptau, phase2, ptau_fetch
from toolchain.ceremony.entropy import Secret, fresh_entropy
from toolchain.ceremony.local import LocalCeremony
from toolchain.ceremony.ptau_fetch import PtauRelease
from toolchain.ceremony.transcript import Record
from toolchain.config import (
    ENGINE_ENV,
    CeremonyConfig,
    Registry,
    engine_name,
    read_ceremony_config,
    read_registry,
)
from toolchain.errors import InputError, UsageError, VerificationError, ZktError
from toolchain.formats.snarkjs_json import read_proof, read_public
from toolchain.formats.wtns import write_wtns
from toolchain.fsutil import refuse_overwrite
from toolchain.integrity import manifest
from toolchain.native import engines as native_engine
from toolchain.native.engine_mcl import load_mcl
from toolchain.paths import Project, find_project_root, tools_dir
from toolchain.runner import tools as tool_finder
from toolchain.runner.tools import Tools, ToolStatus
from toolchain.witness.calculator import WitnessCalculator


@dataclass
class Workspace:
    """One project: its paths, its registry (parsed once) and its pinned tools."""

    project: Project
    tools: Tools = field(init=False)

    def __post_init__(self) -> None:
        self.tools = Tools(self.project.tools_dir)

    @cached_property
    def registry(self) -> Registry:
        """circuits/circuits.toml, validated."""
        return read_registry(self.project.registry)


def open_workspace(root: Path | None = None) -> Workspace:
    """The workspace at `root`, or found from $ZKT_PROJECT / the current directory upwards."""
    return Workspace(Project(find_project_root(root)))


def render(ws: Workspace, names: tuple[str, ...] = ()) -> list[Path]:
    """Render the named circuits (all when none) into build/<name>/<name>.circom."""
    written = []
    for entry in ws.registry.select(names):
        build.render_to_build(ws.project, entry)
        written.append(ws.project.source(entry.name))
    return written


def compile_circuits(
    ws: Workspace, names: tuple[str, ...] = (), report: Reporter = lambda _: None
) -> list[BuildResult]:
    """Render and compile the named circuits (all when none), through the cache."""
    results = []
    for entry in ws.registry.select(names):
        result = build.compile_entry(ws.project, entry, ws.tools, report)
        report(
            f"{result.name}: {result.status} ({result.header.n_constraints} constraints,"
            f" {result.seconds:.2f} s)"
        )
        results.append(result)
    return results


def circuit_info(ws: Workspace, name: str) -> dict[str, int]:
    """The counts `snarkjs r1cs info` reports, read natively from the compiled .r1cs."""
    (result,) = compile_circuits(ws, (name,))
    h = result.header
    return {
        "constraints": h.n_constraints,
        "wires": h.n_wires,
        "public_inputs": h.n_pub_in,
        "private_inputs": h.n_prv_in,
        "outputs": h.n_pub_out,
        "labels": h.n_labels,
    }


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


def compute_witness(ws: Workspace, name: str, input_path: Path, out: Path) -> int:
    """Compile `name` if needed, compute its witness natively and write `out` (.wtns)."""
    refuse_overwrite(out, input_path)
    inputs = load_inputs(input_path)
    compile_circuits(ws, (name,))
    calculator = WitnessCalculator(ws.project.wasm(name), sym_path=ws.project.sym(name))
    values = calculator.calculate(inputs)
    write_wtns(out, values)
    return len(values)


@dataclass(frozen=True)
class ProveResult:
    """What `prove` wrote and which backend wrote it."""

    backend: str
    proof: Path
    public: Path


def _existing(path: Path, what: str, hint: str) -> Path:
    if not path.is_file():
        raise UsageError(f"no {what} at {path}: {hint}")
    return path


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
    key = _existing(zkey or ws.project.zkey(name), "proving key", "run `zkt setup` or pass --zkey")
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
    key = _existing(vkey or ws.project.vkey(name), "verification key", "pass --vkey")
    verifier = backends.verifier_backend(backend, ws.tools, engine)
    if not verifier.verify(key, public, proof):
        raise VerificationError(f"{name}: INVALID proof ({verifier.name} verifier)")
    return verifier.name


def pick_ptau(ws: Workspace, name: str) -> PtauRelease:
    """The smallest published ptau that fits the Groth16 setup of circuit `name`."""
    (result,) = compile_circuits(ws, (name,))
    return ptau_fetch.release_for_power(
        ptau_fetch.pick_power(result.header.n_constraints, result.header.n_public)
    )


def fetch_ptau(power: int, out: Path | None, mirrors: list[str] | None) -> Path:
    """Download the published ptau of `power` (hash-checked) to `out`, or into the cache."""
    if out is None:
        return ptau_fetch.ensure_ptau(power, mirrors)
    return ptau_fetch.fetch_ptau(power, out, mirrors)


def dev_ptau(power: int, out: Path, seed: str) -> Path:
    """Write an INSECURE prepared ptau whose secrets derive from `seed` (tests, development)."""
    devptau.write_dev_ptau(out, power, seed)
    return out


def ceremony_config(ws: Workspace) -> CeremonyConfig:
    """ceremony/ceremony.toml, validated."""
    return read_ceremony_config(ws.project.ceremony_config)


def ceremony_circuits(ws: Workspace, names: tuple[str, ...]) -> list[str]:
    """The circuits named, else those ceremony.toml lists, else every registry circuit."""
    chosen = names or tuple(ceremony_config(ws).ceremony.circuits)
    return [entry.name for entry in ws.registry.select(chosen)]


def ceremony_ptau(ws: Workspace, explicit: Path | None, report: Reporter) -> Path:
    """The prepared ptau of the ceremony: --ptau, else what ceremony.toml's [phase1] says."""
    if explicit is not None:
        return _existing(explicit, "ptau", "check the --ptau path")
    phase1 = ceremony_config(ws).phase1
    if phase1.source == "file":
        assert phase1.path is not None  # the config model requires it for "file"
        return _existing(ws.project.root / phase1.path, "ptau", "fix [phase1] path")
    if phase1.source == "fetch":
        return ptau_fetch.ensure_ptau(phase1.power)
    seed_tag = hashlib.sha256(phase1.seed.encode()).hexdigest()[:16]
    path = ws.project.dev_ptau(phase1.power, seed_tag)
    report(f"WARNING: ceremony.toml asks for an INSECURE dev ptau (public seed {phase1.seed!r})")
    if not path.is_file():
        devptau.write_dev_ptau(path, phase1.power, phase1.seed)
    return path


def _ceremony(ws: Workspace, name: str) -> LocalCeremony:
    return LocalCeremony(ws.project, ws.tools, name)


def setup(
    ws: Workspace, names: tuple[str, ...], ptau: Path | None, report: Reporter = lambda _: None
) -> list[Record]:
    """Compile, then start the phase-2 ceremony (groth16 setup) of each circuit."""
    chosen = ceremony_circuits(ws, names)
    compile_circuits(ws, tuple(chosen), report)
    source = ceremony_ptau(ws, ptau, report)
    return [_ceremony(ws, name).start(source) for name in chosen]


def contribute(ws: Workspace, name: str, contributor: str, entropy: Secret) -> Record:
    """Add one contribution to circuit `name`'s ceremony."""
    return _ceremony(ws, name).contribute(contributor, entropy)


def beacon(ws: Workspace, name: str) -> Record:
    """Apply the beacon committed in ceremony.toml to circuit `name`'s ceremony."""
    return _ceremony(ws, name).apply_beacon(ceremony_config(ws).beacon)


def finalize(ws: Workspace, name: str, ptau: Path | None, report: Reporter) -> Path:
    """Verify the last key of `name` in full and export it to artifacts/NAME/."""
    source = ceremony_ptau(ws, ptau, report)
    return _ceremony(ws, name).finalize(source, ceremony_config(ws).beacon)


def run_ceremony(
    ws: Workspace,
    names: tuple[str, ...],
    contributors: tuple[str, ...],
    ptau: Path | None,
    report: Reporter,
) -> list[str]:
    """A whole local ceremony per circuit: setup, one contribution each, beacon, finalize.

    Circuits whose ceremony already ended with the beacon and has artifacts are left as they
    are; returns the circuits finalized now.
    """
    config, done = ceremony_config(ws), []
    chosen = ceremony_circuits(ws, names)
    source = ceremony_ptau(ws, ptau, report)
    compile_circuits(ws, tuple(chosen), report)
    for name in chosen:
        ceremony = _ceremony(ws, name)
        records = ceremony.records()
        if records and records[-1].kind == "beacon" and ws.project.zkey(name).is_file():
            report(f"{name}: ceremony already finalized ({len(records)} steps)")
            continue
        if not records:
            ceremony.start(source)
        for who in contributors:
            record = ceremony.contribute(who, fresh_entropy())
            report(f"{name}: contribution {record.index} by {who} accepted")
        ceremony.apply_beacon(config.beacon)
        ceremony.finalize(source, config.beacon)
        report(f"{name}: beacon applied, verified, exported to {ws.project.artifacts_dir(name)}")
        done.append(name)
    return done


def transcript(ws: Workspace, name: str) -> list[Record]:
    """The accepted steps of circuit `name`'s ceremony."""
    return _ceremony(ws, name).records()


def verify_zkey(
    tools: Tools,
    zkey: Path,
    r1cs: Path | None,
    ptau: Path | None,
    previous: Path | None,
    native: bool = False,
) -> list[str]:
    """Our checks, plus snarkjs's (r1cs + ptau) unless `native`; the names of those passed."""
    passed = []
    if not native:
        if r1cs is None or ptau is None:
            raise UsageError("--r1cs and --ptau are needed unless --native is given")
        checks.check_snarkjs_accepts(tools, r1cs, ptau, zkey)
        passed.append("snarkjs zkey verify")
    elif previous is None:
        raise UsageError("--native checks a contribution against --previous: give it")
    checks.check_has_contribution(zkey)
    passed.append("has a phase-2 contribution (delta != gamma)")
    if previous is not None:
        checks.accept_contribution(previous, zkey)
        passed.append(f"extends {previous.name} by exactly one contribution")
        passed.append("native: proof of knowledge, delta step, L and H rescaled, rest unchanged")
    return passed


def export_zkey(tools: Tools, zkey: Path, out_dir: Path) -> list[Path]:
    """verification_key.json and verifier.sol for `zkey`, into `out_dir`."""
    return [
        phase2.export_verification_key(zkey, out_dir / "verification_key.json"),
        phase2.export_solidity_verifier(tools, zkey, out_dir / "verifier.sol"),
    ]


def calldata(proof: Path, public: Path) -> str:
    """Solidity calldata for a proof, as `snarkjs zkey export soliditycalldata` prints it."""
    return phase2.solidity_calldata(read_proof(proof), read_public(public))


def lock_artifacts(
    ws: Workspace, ptau: Path | None = None, report: Reporter = lambda _: None
) -> manifest.Report:
    """Compile the circuits that have a final key, then check and lock their artifacts."""
    names = tuple(manifest.locked_circuits(ws.project, ws.registry))
    if names:  # with none, lock says so; compile_circuits(()) would build every circuit
        compile_circuits(ws, names, report)
    return manifest.lock(ws.project, ws.registry, ws.tools, ptau)


def verify_artifacts(
    ws: Workspace,
    rebuild: bool = False,
    ptau: Path | None = None,
    report: Reporter = lambda _: None,
) -> manifest.Report:
    """Hash every locked artifact again and check their relations (`rebuild`: compile afresh)."""
    return manifest.verify(
        ws.project, ws.registry, ws.tools, rebuild=rebuild, ptau=ptau, report=report
    )


def install_tools(root: Path | None) -> Path:
    """Install the pinned npm tools for the project at `root` (or the user cache)."""
    target = tools_dir(root)
    tool_finder.install(target)
    return target


def tools_doctor(root: Path | None) -> list[ToolStatus]:
    """The state of every external tool for the project at `root`, and of the native engine."""
    return [*tool_finder.doctor(Tools(tools_dir(root))), engine_status()]


def engine_status() -> ToolStatus:
    """The arithmetic engine of the native prover and verifier ($ZKT_ENGINE, else auto)."""
    try:
        chosen = native_engine.get_engine(engine_name(None)).name
    except ZktError as exc:  # $ZKT_ENGINE names an unknown engine, or mcl without its wheel
        return ToolStatus("engine", "-", f"${ENGINE_ENV}", "-", False, str(exc))
    why_not_mcl = native_engine.mcl_unavailable_reason()
    if why_not_mcl:
        return ToolStatus("engine: pure", "-", "toolchain.native", "-", True, why_not_mcl)
    wheel = f"mclbn256 {importlib.metadata.version('mclbn256')}, alt_bn128 checked"
    note = "" if chosen == "mcl" else f"mcl installed; ${ENGINE_ENV} chose {chosen}"
    return ToolStatus(f"engine: {chosen}", f"mcl {load_mcl().version()}", wheel, "-", True, note)
