"""The high-level verbs behind the CLI: render, compile, info, witness, prove, verify, ptau..."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from toolchain import backends, build
from toolchain.build import BuildResult, Reporter
from toolchain.ceremony import devptau, ptau_fetch
from toolchain.ceremony.ptau_fetch import PtauRelease
from toolchain.config import Registry, read_registry
from toolchain.errors import InputError, UsageError, VerificationError
from toolchain.formats.wtns import write_wtns
from toolchain.fsutil import refuse_overwrite
from toolchain.native.witness import WitnessCalculator
from toolchain.paths import Project, find_project_root, tools_dir
from toolchain.runner import tools as tool_finder
from toolchain.runner.tools import Tools, ToolStatus


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
) -> ProveResult:
    """Witness (native, wasmtime) then proof by the chosen backend: DIR/proof.json, public.json."""
    key = _existing(zkey or ws.project.zkey(name), "proving key", "run `zkt setup` or pass --zkey")
    prover = backends.prover_backend(backend, ws.tools)
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
) -> str:
    """Verify a proof; VerificationError when it is invalid. Returns the backend's name."""
    key = _existing(vkey or ws.project.vkey(name), "verification key", "pass --vkey")
    verifier = backends.verifier_backend(backend, ws.tools)
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


def install_tools(root: Path | None) -> Path:
    """Install the pinned npm tools for the project at `root` (or the user cache)."""
    target = tools_dir(root)
    tool_finder.install(target)
    return target


def tools_doctor(root: Path | None) -> list[ToolStatus]:
    """The state of every external tool for the project at `root`."""
    return tool_finder.doctor(Tools(tools_dir(root)))
