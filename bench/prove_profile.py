"""`python bench/run.py profile`: one native Groth16 proof split into its stages.

For the ≈2^12 and ≈2^14 hash_chain circuits on every engine that loads (pure; mcl with the fast
extra): decoding the .zkey, computing the witness (a calculator kept for the circuit), then the
prover's own stages as `toolchain.native.stages.StageTimer` records them (the A and B rows, the
polynomial work step by step, each MSM, the blinding). Each stage is the median of REPEAT runs
and is shown with its share of the whole (key + witness + prover).

Also the keyed circuits the `peers` and `growth` benches share: compiled and keyed (snarkjs
groth16 setup, no contribution: test keys) from a dev ptau cached under build/bench, the
compile cache and the keys kept there too, so a second run starts at once.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "build" / "bench"
SEED = "zk-toolchain bench"
REPEAT = 3
PROFILE_CIRCUITS = ("hash_chain_4k", "hash_chain_16k")
# One dev ptau for every bench here: 2^16 fits hash_chain_64k (bench/circuits.toml).
PTAU_POWER = 16
# Fixed blinding: the same proof every run.
BLINDING = (5, 7)


def median_time(action: Callable[[], object], repeat: int = REPEAT) -> float:
    """Median wall time of `repeat` runs of `action`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cached_ptau(power: int) -> Path:
    """The dev ptau of 2^power under build/bench, made (and timed) on first use."""
    from toolchain.ceremony.devptau import write_dev_ptau

    path = CACHE / f"dev_{power}.ptau"
    if not path.is_file():
        started = time.perf_counter()
        write_dev_ptau(path, power, SEED)
        seconds = time.perf_counter() - started
        (CACHE / f"dev_{power}.ptau.seconds").write_text(f"{seconds:.1f}\n")
    return path


@dataclass(frozen=True)
class Keyed:
    """A compiled, keyed circuit and one witness for it (as a list and as a .wtns file)."""

    name: str
    constraints: int
    zkey: Path
    vkey: Path
    wasm: Path
    sym: Path
    inputs: dict[str, Any]
    wtns: Path
    witness: list[int]


def keyed_circuits(
    fresh_project: Callable[[Path], Path], names: tuple[str, ...]
) -> dict[str, Keyed]:
    """`names` compiled and keyed from the cached dev ptau of 2^PTAU_POWER, a witness each."""
    from toolchain.api.compile import compile_circuits
    from toolchain.api.workspace import open_workspace

    os.environ["ZKT_CACHE"] = str(CACHE / "cache")
    os.environ.setdefault("ZKT_TOOLS_DIR", str(REPO / ".zkt" / "tools"))
    root = CACHE / "project"
    shutil.rmtree(root, ignore_errors=True)
    project = fresh_project(root)
    registry = project / "circuits" / "circuits.toml"
    # the bench-only entries (hash_chain_64k) join this copy of the registry only
    registry.write_text(
        registry.read_text() + "\n" + (REPO / "bench" / "circuits.toml").read_text()
    )
    ws = open_workspace(project)
    built = {result.name: result for result in compile_circuits(ws, names)}
    ptau = cached_ptau(PTAU_POWER)
    return {name: _keyed(ws, name, built[name].header.n_constraints, ptau) for name in names}


def _keyed(ws: Any, name: str, constraints: int, ptau: Path) -> Keyed:
    """One circuit's key (cached by r1cs and ptau hash), verification key and witness."""
    from toolchain.ceremony.phase2 import export_verification_key, new_zkey
    from toolchain.formats.wtns import write_wtns
    from toolchain.hashing import hash_file
    from toolchain.witness.calculator import WitnessCalculator

    p = ws.project
    keys = CACHE / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    zkey = keys / f"{name}-{hash_file(p.r1cs(name))[:16]}-{ptau.stem}.zkey"
    if not zkey.is_file():
        new_zkey(ws.tools, p.r1cs(name), ptau, zkey)
    vkey = p.root / f"{name}.vkey.json"
    export_verification_key(zkey, vkey)
    given = p.root / "circuits" / "inputs" / name / "valid.json"
    inputs = json.loads(given.read_text()) if given.is_file() else {"a": "1", "b": "2"}
    witness = WitnessCalculator(p.wasm(name), sym_path=p.sym(name)).calculate(inputs)
    wtns = p.root / f"{name}.wtns"
    write_wtns(wtns, witness)
    return Keyed(name, constraints, zkey, vkey, p.wasm(name), p.sym(name), inputs, wtns, witness)


def engines() -> list[Any]:
    """Every engine that loads here: pure always, mcl with the fast extra."""
    from toolchain.native.engines import get_engine, mcl_unavailable_reason

    return [get_engine("pure")] + ([] if mcl_unavailable_reason() else [get_engine("mcl")])


def profiled_engines() -> dict[str, Any]:
    """The profile's columns: pure; mcl one MSM at a time on one thread (each MSM's own cost),
    then mcl as `zkt prove` runs it (MSMs on threads, overlapping the polynomial work)."""
    from toolchain.native.engine_mcl import MclEngine

    columns = {}
    for engine in engines():
        if engine.name == MclEngine.name:
            columns["mcl, 1 thread"] = MclEngine(workers=1)
        columns[engine.name] = engine
    return columns


def profile_stages(circuit: Keyed, engine: Any, repeat: int = REPEAT) -> dict[str, float]:
    """Median seconds of every stage of one proof: the key read in the engine's layout, the
    witness, the prover's stages, then the check of the proof against the key."""
    from toolchain.backends.native import check_made_proof, load_key
    from toolchain.formats.zkey import read_zkey
    from toolchain.native.prover import create_proof, public_signals
    from toolchain.native.stages import StageTimer
    from toolchain.witness.calculator import WitnessCalculator

    calculator = WitnessCalculator(circuit.wasm, sym_path=circuit.sym)
    seconds = {
        "key load/decode": median_time(lambda: read_zkey(circuit.zkey, engine.key_layout), repeat),
        "witness": median_time(lambda: calculator.calculate(circuit.inputs), repeat),
    }
    key = load_key(circuit.zkey, engine)
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        timer = StageTimer()
        started = time.perf_counter()
        proof = create_proof(key.zkey, circuit.witness, *BLINDING, engine, timer)
        elapsed = time.perf_counter() - started
        runs.append(
            {**timer.seconds, "prover, between stages": elapsed - sum(timer.seconds.values())}
        )
    for stage in runs[0]:
        seconds[stage] = statistics.median(run[stage] for run in runs)
    public = public_signals(key.zkey, circuit.witness)
    check = partial(check_made_proof, circuit.zkey, "bench", key.vkey, public, proof, engine)
    seconds["check of the proof against the key"] = median_time(check, repeat)
    return seconds


def bench_profile(fresh_project: Callable[[Path], Path]) -> str:
    """The stage table: each stage's median seconds and share, per circuit and engine."""
    load = os.getloadavg()[0]
    circuits = keyed_circuits(fresh_project, PROFILE_CIRCUITS)
    columns: dict[str, dict[str, float]] = {}
    for circuit in circuits.values():
        for label, engine in profiled_engines().items():
            columns[f"{circuit.name} {label}"] = profile_stages(circuit, engine)
    return _stage_table(columns, load)


def _stage_table(columns: dict[str, dict[str, float]], load: float) -> str:
    """Rows of stages (a stage a column lacks shows –), a seconds and a share column per
    circuit and engine, then the total."""
    stages = list(dict.fromkeys(stage for seconds in columns.values() for stage in seconds))
    totals = {label: sum(seconds.values()) for label, seconds in columns.items()}
    head = " | ".join(f"{label} s | %" for label in columns)
    lines = [f"| stage | {head} |", "|---|" + "---:|---:|" * len(columns)]
    for stage in stages:
        cells = " | ".join(
            f"{seconds[stage]:.3f} | {100 * seconds[stage] / totals[label]:.0f}%"
            if stage in seconds
            else "– | –"
            for label, seconds in columns.items()
        )
        lines.append(f"| {stage} | {cells} |")
    lines.append(
        "| **total** | " + " | ".join(f"**{t:.3f}** | 100%" for t in totals.values()) + " |"
    )
    lines += [
        "",
        f"Median of {REPEAT} runs per stage, in process, fixed blinding; load average (1 min)"
        f" {load:.1f} at the start on {os.cpu_count()} cores shared with other jobs. key:"
        " `read_zkey` of the .zkey in the engine's layout (pure: checked affine tuples; mcl:"
        " coordinates checked below p and identities found, points left in the file, read at"
        " each MSM); witness: the circuit's calculator kept"
        " (wasmtime); poly: the A·B−C witness map (A, B and C moved to the odd coset: a"
        " cyclic and a negacyclic convolution of half the size each with gmpy2, else an inverse"
        " NTT, the shift and an NTT; then the pointwise products); MSM B2 is in G2; C (L) is"
        " the private-signal query. `mcl, 1 thread` runs the MSMs one at a time after the"
        " polynomial work, each timed; `mcl` (what `zkt prove` runs) queues the A, B1, C and"
        " B2 MSMs at once, in parts of at most 2^14 points, for the other threads, beside the"
        " polynomial work, then H's parts, and this thread takes parts from the queue too: its"
        " one MSM row is its share of them and its wait for the rest. Last, the check every"
        " native proof gets against its key before it is kept.",
    ]
    return "\n".join(lines)
