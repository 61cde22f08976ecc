"""Benchmarks for `nox -s bench`: measured side by side in one run, written as tables with ratios.

    python bench/run.py [startup] [compile] [prove] [batch] [protocols] [coordinator] [service]
                        [profile] [peers] [growth]

startup: `zkt --version` and `zkt --help` (the console script, whole processes) beside
`python -c "import click"`, the floor any click CLI pays; the median of STARTUP_REPEAT runs
each, interleaved, and the ratio to that floor (goal: at most 2.5×).

compile: `zkt compile` of every example circuit in a fresh copy of the project, four ways —
full compile (empty compile cache; circom's own module cache warm), restore from the cache
(build/ deleted), the no-op that re-hashes every input (all templates and sources touched: the
stat fast path cannot trust them) and the no-op on the stat fast path (nothing changed) — as
whole CLI processes, beside `zkt --version` (the start-up floor).

prove: the hash_chain circuits of about 2^10, 2^12 and 2^14 constraints, keyed from a dev ptau:
witness, prove and verify, snarkjs CLI (whole `node` process, as users run it) beside the
native path in process on every engine that loads (pure; mcl with the fast extra); the median
of REPEAT runs each, and native / snarkjs as a ratio. The witness twice: from a calculator kept
for the circuit, and from a new calculator per witness (as the api computes one). Then whole
processes: `zkt prove NAME INPUT --engine E` (compile check, witness, key, proof, JSON out: the
user's command, after one warm-up run) beside `snarkjs groth16 prove` (witness given: the
issue's measure) and beside `snarkjs groth16 fullprove` (from the same input, like `zkt prove`).

Whole `zkt` processes run with bytecode (without PYTHONDONTWRITEBYTECODE), as an installed
package has it: without, every process compiles the modules it imports from source again.

batch: proofs/hour and p50/p95 seconds per proof on the small circuit (hash_chain_1k) and the
≈2^14 one (hash_chain_16k), distinct inputs, side by side: a `snarkjs groth16 fullprove` CLI
loop (one `node` process per proof, as scripts run it), `fullprove` requests to one persistent
snarkjs worker, a `--backend snarkjs -j 2` batch (a worker per process), a `-j 2` native batch
and the same batch on a 2-worker Dask LocalCluster (`prove_batch`, what `zkt prove --inputs`
runs), each as a ratio to the loop; counts in BATCH_COUNTS, bounded at 2^14.

protocols: Groth16, PLONK and fflonk side by side on the ≈2^12 circuit (hash_chain_4k), keyed
from one INSECURE dev ptau big enough for fflonk: setup, proof size (proof.json, and the ABI
calldata of verifyProof), prove and verify time (snarkjs CLI, median of REPEAT), native verify
time (where a native verifier exists: the NATIVE_VERIFY hook) and the gas of one verifyProof
transaction on py-evm (tests/integration/evm: the pinned solcjs, installed in tests/evm), beside
what eth-tester's estimate_gas answers (too low: see the README's on-chain section). Ratios to
Groth16.

coordinator: 50 clients polling a real `zkt ceremony serve` on loopback for a fixed count of
requests, idle and while an upload is verified (bench/coordinator_load.py): requests/s, p95.

service: `zkt serve` under a bounded loopback load; see bench/service.py.

profile: one native proof split into its stages (bench/prove_profile.py); peers: snarkjs CLI,
snarkjs worker, groth16py, rapidsnark (where its binary is found: $ZKT_RAPIDSNARK or PATH) and
native on one key and witness (bench/peers.py); growth: 2^10 → 2^16 per constraint and one
proof's peak RSS (bench/growth.py).
"""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from coordinator_load import bench_coordinator
from growth import bench_growth
from peers import bench_peers
from prove_profile import REPEAT, bench_profile, engines, median_time

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "build" / "bench"


def process_env() -> dict[str, str]:
    """The environment of measured processes: this one's, bytecode allowed (see above)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def zkt(project: Path, *args: str) -> float:
    """Wall time of one `zkt` CLI run (seconds); fails loudly if the command fails."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "toolchain", *args],
        cwd=project,
        check=True,
        capture_output=True,
        env=process_env(),
    )
    return time.perf_counter() - started


STARTUP_REPEAT = 21


def wall(argv: list[str]) -> float:
    """Wall time of one process (seconds); fails loudly if it fails."""
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=process_env())
    return time.perf_counter() - started


def bench_startup() -> str:
    """`zkt --version` and `zkt --help` beside `python -c "import click"`: median, ratio."""
    script = Path(sys.executable).with_name("zkt")
    zkt_argv = [str(script)] if script.is_file() else [sys.executable, "-m", "toolchain"]
    runs = {
        'python -c "import click"': [sys.executable, "-c", "import click"],
        "zkt --version": [*zkt_argv, "--version"],
        "zkt --help": [*zkt_argv, "--help"],
    }
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(STARTUP_REPEAT):  # interleaved, so a busy moment hits every row alike
        for label, argv in runs.items():
            times[label].append(wall(argv))
    medians = {label: sorted(t)[len(t) // 2] for label, t in times.items()}
    floor = medians['python -c "import click"']
    lines = ["| startup (whole process) | median s | vs import click |", "|---|---:|---:|"]
    lines += [f"| {label} | {secs:.3f} | {secs / floor:.1f}× |" for label, secs in medians.items()]
    return "\n".join(lines)


def fresh_project(root: Path) -> Path:
    for folder in ("templates", "circuits"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def touch_sources(project: Path) -> None:
    """A new mtime for every template and hand-written source (content unchanged)."""
    for path in [*project.glob("templates/*.j2"), *project.glob("circuits/src/*.circom")]:
        os.utime(path)


def bench_compile() -> str:
    """Full compile vs restore-from-cache vs no-op (re-hashing, then stat fast path)."""
    with tempfile.TemporaryDirectory(prefix="zkt-bench-") as tmp:
        os.environ["ZKT_CACHE"] = str(Path(tmp) / "cache")
        os.environ.setdefault("ZKT_TOOLS_DIR", str(REPO / ".zkt" / "tools"))
        project = fresh_project(Path(tmp) / "project")
        zkt(project, "compile", "multiplier_2")  # warm circom.wasm's compiled-module cache
        shutil.rmtree(Path(tmp) / "cache" / "compile")
        full = zkt(project, "compile")
        shutil.rmtree(project / "build")
        restore = zkt(project, "compile")
        time.sleep(2.1)  # past the racy window: the next run's stats are trusted
        rehash = []
        for _ in range(3):
            touch_sources(project)
            time.sleep(2.1)
            rehash.append(zkt(project, "compile"))
        noop = min(zkt(project, "compile") for _ in range(5))
        version = min(zkt(project, "--version") for _ in range(5))
    rows = [
        ("full compile", full),
        ("restore from cache", restore),
        ("no-op, every input re-hashed", min(rehash)),
        ("no-op, stat fast path", noop),
        ("zkt --version (start-up)", version),
    ]
    lines = ["| zkt compile (all example circuits) | seconds | vs no-op |", "|---|---:|---:|"]
    lines += [f"| {label} | {secs:.3f} | {secs / noop:.1f}× |" for label, secs in rows]
    return "\n".join(lines)


PROVE_CIRCUITS = ("hash_chain_1k", "hash_chain_4k", "hash_chain_16k")


def snarkjs(tools: Path, *args: str) -> str:
    """One whole snarkjs CLI process (fails loudly): its stdout."""
    cli = tools / "node_modules" / "snarkjs" / "build" / "cli.cjs"
    return subprocess.run(
        ["node", str(cli), *args], check=True, capture_output=True, text=True
    ).stdout


def _verify_time(vk: Any, signals: list[int], proof: Any, engine: Any) -> float:
    """Median time of `verify_proof` on proofs it has not seen, against a key it has (as a
    verifier of many proofs: each G2 point's subgroup check is remembered). The proofs are the
    made one re-randomised, (A/ρ, ρ·B, C), which verifies as it did."""
    from toolchain.native.field import R
    from toolchain.native.verifier import verify_proof

    rhos = [secrets.randbelow(R - 1) + 1 for _ in range(REPEAT)]
    fresh = iter(  # made before the clock starts
        [
            replace(proof, a_g1=engine.msm_g1([proof.a_g1], [pow(rho, -1, R)]), b_g2=b_g2)
            for rho, b_g2 in zip(rhos, engine.batch_mul_g2(proof.b_g2, rhos), strict=True)
        ]
    )
    verdicts = [verify_proof(vk, signals, proof, engine)]  # the key's points checked here
    seconds = median_time(lambda: verdicts.append(verify_proof(vk, signals, next(fresh), engine)))
    if not all(verdicts):
        raise AssertionError("the proof or a re-randomised one did not verify")
    return seconds


def _measure_circuit(ws: Any, name: str, ptau: Path, tools: Path, out: Path) -> list[str]:
    """Witness, prove and verify of one circuit: snarkjs CLI beside native, as table rows."""
    from toolchain.api.compile import compile_circuits
    from toolchain.api.prove import load_inputs
    from toolchain.ceremony.phase2 import export_verification_key, new_zkey
    from toolchain.formats.snarkjs_json import read_proof, read_public, read_verification_key
    from toolchain.formats.wtns import read_wtns
    from toolchain.formats.zkey import read_zkey
    from toolchain.native.prover import prove
    from toolchain.witness.calculator import WitnessCalculator

    (built,) = compile_circuits(ws, (name,))
    p = ws.project
    new_zkey(ws.tools, p.r1cs(name), ptau, p.zkey(name))
    export_verification_key(p.zkey(name), p.vkey(name))
    input_path = p.root / "circuits" / "inputs" / name / "valid.json"
    wtns, proof, public = out / "w.wtns", out / "proof.json", out / "public.json"
    calculator = WitnessCalculator(p.wasm(name), sym_path=p.sym(name))
    inputs = load_inputs(input_path)
    args = {
        "witness": ("wtns", "calculate", p.wasm(name), input_path, wtns),
        "prove": ("groth16", "prove", p.zkey(name), wtns, proof, public),
        "verify": ("groth16", "verify", p.vkey(name), public, proof),
    }
    theirs = {step: median_time(partial(snarkjs, tools, *map(str, a))) for step, a in args.items()}
    witness = read_wtns(wtns)
    vk, signals, parsed = (
        read_verification_key(p.vkey(name)),
        read_public(public),
        read_proof(proof),
    )
    witness_time = median_time(partial(calculator.calculate, inputs))
    ours = {
        engine.name: {
            "witness": witness_time,
            "prove": median_time(
                partial(prove, read_zkey(p.zkey(name), engine.key_layout), witness, engine)
            ),
            "verify": _verify_time(vk, signals, parsed, engine),
        }
        for engine in engines()
    }
    n = built.header.n_constraints
    rows = [_row(name, n, step, theirs[step], [o[step] for o in ours.values()]) for step in args]
    # The api's way (a calculator per witness: the wasm hashed, its module looked up, checked).
    fresh = median_time(
        lambda: WitnessCalculator(p.wasm(name), sym_path=p.sym(name)).calculate(inputs)
    )
    rows.insert(1, _row(name, n, "witness, new calculator", theirs["witness"], [fresh] * len(ours)))
    return rows + _process_rows(p, name, n, input_path, theirs["prove"], tools, out)


def _process_rows(
    p: Any, name: str, n: int, input_path: Path, prove: float, tools: Path, out: Path
) -> list[str]:
    """Whole `zkt prove` processes per engine beside `snarkjs groth16 prove` and `fullprove`."""
    files = (input_path, p.wasm(name), p.zkey(name), out / "proof.json", out / "public.json")
    fullprove = median_time(partial(snarkjs, tools, "groth16", "fullprove", *map(str, files)))
    ours = []
    for engine in engines():
        argv = ("prove", name, str(input_path), "--out", str(out / "zkt"), "--engine", engine.name)
        zkt(p.root, *argv, "--force")  # warm-up: compile stamps, mcl's libraries extracted
        ours.append(median_time(partial(zkt, p.root, *argv, "--force")))
    step = "whole process: `zkt prove` vs snarkjs"
    return [
        _row(name, n, f"{step} `groth16 prove` (witness given)", prove, ours),
        _row(name, n, f"{step} `groth16 fullprove`", fullprove, ours),
    ]


def _row(name: str, n: int, step: str, theirs: float, ours: list[float]) -> str:
    cells = " | ".join(f"{t:.3f} | {t / theirs:.2f}×" for t in ours)
    return f"| {name} | {n} | {step} | {theirs:.3f} | {cells} |"


def bench_prove() -> str:
    """snarkjs CLI vs native: witness, prove, verify on ~2^10, 2^12, 2^14 constraints."""
    from toolchain.api.workspace import open_workspace
    from toolchain.ceremony.devptau import write_dev_ptau

    names = [engine.name for engine in engines()]
    columns = " | ".join(f"{e} s | {e} / snarkjs" for e in names)
    lines = [f"| circuit | constraints | step | snarkjs CLI s | {columns} |"]
    lines.append("|---|---:|---|---:|" + "---:|---:|" * len(names))
    with tempfile.TemporaryDirectory(prefix="zkt-bench-") as tmp:
        os.environ["ZKT_CACHE"] = str(Path(tmp) / "cache")
        tools = Path(os.environ.setdefault("ZKT_TOOLS_DIR", str(REPO / ".zkt" / "tools")))
        ws = open_workspace(fresh_project(Path(tmp) / "project"))
        ptau = Path(tmp) / "dev.ptau"
        write_dev_ptau(ptau, 14, "zk-toolchain bench")
        for name in PROVE_CIRCUITS:
            out = Path(tmp) / name
            out.mkdir()
            lines += _measure_circuit(ws, name, ptau, tools, out)
    lines.append("")
    lines.append(
        "snarkjs CLI: whole `node` processes; native: in process (zkey and witness loaded),"
        " except the whole-process rows: `zkt prove` from the input JSON (a ratio under 0.33×"
        " is 3× faster)."
    )
    return "\n".join(lines)


# proofs of each circuit: (the CLI loop, the persistent worker and the snarkjs batch, the
# native and cluster batches); bounded at 2^14 so that the whole bench takes a few minutes
BATCH_COUNTS = {"hash_chain_1k": (20, 20, 100), "hash_chain_16k": (5, 10, 10)}


@dataclass(frozen=True)
class Run:
    """One way of proving a circuit: the wall clock of all its proofs, each proof's seconds."""

    label: str
    wall: float
    each: list[float]

    @property
    def per_proof(self) -> float:
        """Wall seconds per proof (start-up and loads included)."""
        return self.wall / len(self.each)

    def row(self, circuit: str, loop: Run) -> str:
        """The table row: proofs/hour and its ratio to the CLI loop, p50 and p95 seconds."""
        p50, p95 = (
            statistics.quantiles(self.each, n=100, method="inclusive")[q - 1] for q in (50, 95)
        )
        return (
            f"| {circuit} | {self.label} | {len(self.each)} | {3600 / self.per_proof:.0f} |"
            f" {loop.per_proof / self.per_proof:.1f}× | {p50:.3f} | {p95:.3f} |"
        )


def _batch_inputs(folder: Path, count: int) -> list[Path]:
    """`count` distinct valid inputs of a hash_chain circuit."""
    folder.mkdir()
    paths = [folder / f"input_{i:03d}.json" for i in range(count)]
    for i, path in enumerate(paths):
        path.write_text(f'{{"a": "{i + 1}", "b": "{i + 2}"}}')
    return paths


def _fullprove_loop(ws: Any, tools: Path, name: str, inputs: list[Path], out: Path) -> Run:
    """`snarkjs groth16 fullprove` of every input, one `node` process each."""
    p = ws.project
    out.mkdir()
    each = []
    for path in inputs:
        proof, public = out / f"{path.stem}.proof.json", out / f"{path.stem}.public.json"
        files = (path, p.wasm(name), p.zkey(name), proof, public)
        started = time.perf_counter()
        snarkjs(tools, "groth16", "fullprove", *map(str, files))
        each.append(time.perf_counter() - started)
    return Run("snarkjs groth16 fullprove CLI loop", sum(each), each)


def _worker_loop(ws: Any, name: str, inputs: list[Path]) -> Run:
    """`fullprove` requests to one persistent snarkjs worker (its start and loads in the wall
    clock and in the first request's seconds)."""
    from toolchain.runner.snarkjs_worker import SnarkjsWorker

    p, each = ws.project, []
    started = time.perf_counter()
    with SnarkjsWorker(ws.tools) as worker:
        for path in inputs:
            begun = time.perf_counter()
            worker.fullprove(p.zkey(name), p.wasm(name), path)
            each.append(time.perf_counter() - begun)
    return Run("persistent snarkjs worker, fullprove", time.perf_counter() - started, each)


def _batch(ws: Any, name: str, inputs: list[Path], out: Path, label: str, **how: Any) -> Run:
    """`api.batch.prove_batch` of `inputs` (what `zkt prove --inputs` runs): its wall clock and
    each input's seconds in its worker (witness, prove, native verify)."""
    from toolchain.api.batch import prove_batch

    result = prove_batch(ws, name, inputs, out, **how)
    if any(not outcome.ok for outcome in result.outcomes):
        raise SystemExit(f"{name}: {label}: {[o.reason for o in result.outcomes if not o.ok]}")
    return Run(label, result.seconds, [outcome.seconds for outcome in result.outcomes])


def _measure_batches(ws: Any, tools: Path, name: str, root: Path, dask: str) -> list[Run]:
    """Every way of proving `name`, side by side, on distinct inputs."""
    loop_count, worker_count, batch_count = BATCH_COUNTS[name]
    inputs = _batch_inputs(root / name, batch_count)
    return [
        _fullprove_loop(ws, tools, name, inputs[:loop_count], root / f"{name}_loop"),
        _worker_loop(ws, name, inputs[:worker_count]),
        _batch(
            ws, name, inputs[:worker_count], root / f"{name}_snarkjs",
            "batch -j 2 --backend snarkjs (a worker per process)", backend="snarkjs", jobs=2,
        ),
        _batch(
            ws, name, inputs, root / f"{name}_native", "batch -j 2 --backend native",
            backend="native", jobs=2,
        ),
        _batch(
            ws, name, inputs, root / f"{name}_dask", "batch, Dask LocalCluster of 2",
            backend="native", executor=dask,
        ),
    ]  # fmt: skip


def _keyed_workspace(root: Path) -> Any:
    """A fresh project with test keys (dev ptau of 2^14, no contribution) for BATCH_COUNTS."""
    from toolchain.api.compile import compile_circuits
    from toolchain.api.workspace import open_workspace
    from toolchain.ceremony.devptau import write_dev_ptau
    from toolchain.ceremony.phase2 import new_zkey

    ws = open_workspace(fresh_project(root / "project"))
    write_dev_ptau(root / "dev.ptau", 14, "zk-toolchain bench")
    compile_circuits(ws, tuple(BATCH_COUNTS))
    for name in BATCH_COUNTS:
        new_zkey(ws.tools, ws.project.r1cs(name), root / "dev.ptau", ws.project.zkey(name))
    return ws


def bench_batch() -> str:
    """Proofs/hour and p50/p95 per proof: CLI loop, persistent snarkjs worker, batches."""
    from distributed import LocalCluster

    load = os.getloadavg()[0]
    tables = []
    with tempfile.TemporaryDirectory(prefix="zkt-bench-") as tmp:
        root = Path(tmp)
        os.environ["ZKT_CACHE"] = str(root / "cache")
        tools = Path(os.environ.setdefault("ZKT_TOOLS_DIR", str(REPO / ".zkt" / "tools")))
        ws = _keyed_workspace(root)
        with LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster:  # fmt: skip
            dask = "dask://" + cluster.scheduler_address.removeprefix("tcp://")
            for name in BATCH_COUNTS:
                runs = _measure_batches(ws, tools, name, root, dask)
                tables += [run.row(name, runs[0]) for run in runs]
    return _batch_table(tables, load, os.getloadavg()[0])


def _batch_table(rows: list[str], load_before: float, load_after: float) -> str:
    """The rows of `bench_batch` under their header and how they were measured."""
    lines = [
        f"Load average (1 min) {load_before:.1f} at the start, {load_after:.1f} at the end,"
        f" on {os.cpu_count()} cores shared with other jobs.",
        "",
        "| circuit | how | proofs | proofs/hour | vs CLI loop | p50 s/proof | p95 s/proof |",
        "|---|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "One run, side by side, distinct inputs. proofs/hour: the proofs over the wall clock of"
        " the whole run (the loop: every `node` process; the worker: its start, key and wasm"
        " loads and every request; a batch: `prove_batch`, what `zkt prove --inputs` runs in"
        " process, with its workers' start, key loads, every proof verified natively and"
        " written). p50/p95 per proof: the loop, one whole process; the worker, one request"
        " round trip (the first includes the loads); a batch, one input's witness, prove and"
        " native verify in its worker, from its outcome. The LocalCluster's 2 worker processes"
        " start before the batches (not timed) and load each key when its batch registers the"
        " plugin (timed).",
    ]
    return "\n".join(lines)


PROTOCOLS = ("groth16", "plonk", "fflonk")
PROTOCOLS_CIRCUIT = "hash_chain_4k"
# snarkjs makes hash_chain_4k's 4k R1CS constraints into 41957 PLONK gates (each addition is one):
# a 2^16 domain. fflonk commits to 9·n + 18 powers of τ: 2^19 (n = 2^16). Groth16 and PLONK read
# only the first part of the same file.
PROTOCOLS_PTAU_POWER = 19


def _native_groth16_verify(vkey: Path, public: Path, proof: Path) -> bool:
    from toolchain.formats.snarkjs_json import read_proof, read_public, read_verification_key
    from toolchain.native.verifier import verify_proof

    vk, signals, parsed = read_verification_key(vkey), read_public(public), read_proof(proof)
    return verify_proof(vk, signals, parsed, engines()[-1])


def _native_plonk_verify(vkey: Path, public: Path, proof: Path) -> bool:
    from toolchain.formats.universal_json import read_universal_verification_inputs
    from toolchain.native.plonk import verify_plonk
    from toolchain.native.universal import PlonkProof, PlonkVerificationKey

    vk, signals, parsed = read_universal_verification_inputs(vkey, public, proof)
    assert isinstance(vk, PlonkVerificationKey) and isinstance(parsed, PlonkProof)
    return verify_plonk(vk, signals, parsed, engines()[-1])


# The native verifier of each protocol (vkey, public, proof -> valid), on the fastest engine that
# loads, files parsed included (fflonk has none: snarkjs verifies it).
NATIVE_VERIFY: dict[str, Callable[[Path, Path, Path], bool]] = {
    "groth16": _native_groth16_verify,
    "plonk": _native_plonk_verify,
}


@dataclass
class ProtocolRun:
    """What one protocol measured on the circuit: seconds, bytes, gas."""

    protocol: str
    files: dict[str, Path]
    metrics: dict[str, float | None]


def _measure_protocol(
    tools: Path, protocol: str, r1cs: Path, ptau: Path, wtns: Path, out: Path
) -> ProtocolRun:
    """Setup, prove and verify with the snarkjs CLI; sizes; native verify where there is one."""
    out.mkdir()
    files = {k: out / f"{k}.{ext}" for k, ext in (("zkey", "zkey"), ("vkey", "json"),
             ("proof", "json"), ("public", "json"), ("sol", "sol"))}  # fmt: skip
    started = time.perf_counter()
    snarkjs(tools, protocol, "setup", str(r1cs), str(ptau), str(files["zkey"]))
    setup = time.perf_counter() - started
    snarkjs(tools, "zkey", "export", "verificationkey", str(files["zkey"]), str(files["vkey"]))
    snarkjs(tools, "zkey", "export", "solidityverifier", str(files["zkey"]), str(files["sol"]))
    prove_args = (protocol, "prove", files["zkey"], wtns, files["proof"], files["public"])
    prove = median_time(partial(snarkjs, tools, *map(str, prove_args)))
    verify_args = (protocol, "verify", files["vkey"], files["public"], files["proof"])
    verify = median_time(partial(snarkjs, tools, *map(str, verify_args)))
    native = NATIVE_VERIFY.get(protocol)
    if native is not None and not native(files["vkey"], files["public"], files["proof"]):
        raise SystemExit(f"{protocol}: the native verifier refuses snarkjs's proof")
    native_s = (
        median_time(partial(native, files["vkey"], files["public"], files["proof"]))
        if native
        else None
    )
    metrics = {"setup s (snarkjs CLI)": setup, "proof.json bytes": files["proof"].stat().st_size,
               "prove s (snarkjs CLI)": prove, "verify s (snarkjs CLI)": verify,
               "native verify s (in process)": native_s}  # fmt: skip
    return ProtocolRun(protocol, files, metrics)


def _measure_gas(tools: Path, runs: list[ProtocolRun]) -> None:
    """Each verifier.sol compiled (solcjs), deployed on py-evm; calldata bytes and gas added."""
    sys.path.insert(0, str(REPO))  # the on-chain tests' helpers (tests/integration/evm/chain.py)
    from tests.integration.evm.chain import (
        Chain,
        compile_verifiers,
        encode_call,
        parse_calldata,
        solc_missing,
    )

    if reason := solc_missing():
        raise SystemExit(reason)
    sources = {f"{run.protocol}.sol": run.files["sol"].read_text() for run in runs}
    contracts, chain = compile_verifiers(sources), Chain()
    for run in runs:
        contract = contracts[f"{run.protocol}.sol"]
        verifier = chain.deploy(contract)
        args = ("zkey", "export", "soliditycalldata", run.files["public"], run.files["proof"])
        numbers = parse_calldata(snarkjs(tools, *map(str, args)))
        if verifier.call(numbers) != "true":
            raise SystemExit(f"{run.protocol}: verifyProof does not accept snarkjs's proof")
        run.metrics["verifyProof calldata bytes"] = len(encode_call(contract, numbers))
        run.metrics["verifyProof gas (transaction)"] = verifier.gas(numbers)
        run.metrics["eth-tester estimate_gas (too low)"] = verifier.estimate_gas(numbers)


def bench_protocols() -> str:
    """Groth16, PLONK, fflonk on hash_chain_4k: sizes, times, gas; ratios to Groth16."""
    from toolchain.api.compile import compile_circuits
    from toolchain.api.workspace import open_workspace
    from toolchain.ceremony.devptau import write_dev_ptau

    name = PROTOCOLS_CIRCUIT
    with tempfile.TemporaryDirectory(prefix="zkt-bench-") as tmp:
        root = Path(tmp)
        os.environ["ZKT_CACHE"] = str(root / "cache")
        tools = Path(os.environ.setdefault("ZKT_TOOLS_DIR", str(REPO / ".zkt" / "tools")))
        ws = open_workspace(fresh_project(root / "project"))
        (built,) = compile_circuits(ws, (name,))
        ptau = root / "dev.ptau"
        write_dev_ptau(ptau, PROTOCOLS_PTAU_POWER, "zk-toolchain bench")
        p, wtns = ws.project, root / "witness.wtns"
        inputs = p.root / "circuits" / "inputs" / name / "valid.json"
        snarkjs(tools, "wtns", "calculate", str(p.wasm(name)), str(inputs), str(wtns))
        runs = [
            _measure_protocol(tools, proto, p.r1cs(name), ptau, wtns, root / proto)
            for proto in PROTOCOLS
        ]
        _measure_gas(tools, runs)
    return _protocols_table(name, built.header.n_constraints, runs)


def _protocols_table(name: str, constraints: int, runs: list[ProtocolRun]) -> str:
    """One row per metric, a column per protocol and its ratio to Groth16."""
    base, others = runs[0], runs[1:]
    head = " | ".join(f"{r.protocol} | {r.protocol} / groth16" for r in others)
    lines = [f"| {name} ({constraints} R1CS constraints) | groth16 | {head} |",
             "|---|---:|" + "---:|---:|" * len(others)]  # fmt: skip
    for metric, ours in base.metrics.items():
        cells = [_cell(r.metrics[metric], ours) for r in others]
        lines.append(f"| {metric} | {_number(ours)} | {' | '.join(cells)} |")
    lines += [
        "",
        f"One run, side by side; INSECURE dev ptau of 2^{PROTOCOLS_PTAU_POWER} (a public seed: a"
        " bench, not a key to use), no phase-2 contribution for Groth16. snarkjs CLI: whole"
        f" `node` processes, median of {REPEAT}. native verify: in process, fastest engine;"
        " empty where zk-toolchain has no native verifier for the protocol yet. Gas: one mined"
        " verifyProof transaction on py-evm (21k and calldata included); estimate_gas: what"
        " eth-tester answers, a limit at which verifyProof returns false or reverts.",
    ]
    return "\n".join(lines)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else f"{value}"


def _cell(value: float | None, base: float | None) -> str:
    ratio = f"{value / base:.2f}×" if value is not None and base else "—"
    return f"{_number(value)} | {ratio}"


def bench_service() -> str:
    """`zkt serve` under a bounded loopback load (bench/service.py)."""
    from service import bench_service as measure

    with tempfile.TemporaryDirectory(prefix="zkt-bench-") as tmp:
        root = Path(tmp)
        os.environ["ZKT_CACHE"] = str(root / "cache")
        os.environ.setdefault("ZKT_TOOLS_DIR", str(REPO / ".zkt" / "tools"))
        return measure(root, fresh_project(root / "project"))


BENCHES: dict[str, Callable[[], str]] = {
    "startup": bench_startup,
    "compile": bench_compile,
    "prove": bench_prove,
    "batch": bench_batch,
    "protocols": bench_protocols,
    "coordinator": partial(bench_coordinator, REPO),
    "service": bench_service,
    "profile": partial(bench_profile, fresh_project),
    "peers": partial(bench_peers, fresh_project),
    "growth": partial(bench_growth, fresh_project),
}


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names or list(BENCHES):
        table = BENCHES[name]()
        (OUT / f"{name}.md").write_text(table + "\n")
        print(f"\n## {name}\n\n{table}")


if __name__ == "__main__":
    main(sys.argv[1:])
