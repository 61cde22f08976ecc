"""`python bench/run.py growth`: time per constraint from 2^10 to 2^16, and one proof's memory.

≈2^10, 2^12, 2^14 and 2^16 constraints (hash_chain_64k is a bench-only entry, see
bench/circuits.toml) keyed from one dev ptau of 2^16: the snarkjs CLI and the mcl engine in
process per constraint, and the peak RSS of one whole proof process (a fresh `python` that
sets glibc's malloc as `zkt prove` does (`native.memory`), reads the key and the witness and
proves once; and the snarkjs CLI's `node`) beside the
key's size, also as the peak over the process's floor (its size after the imports), and the
largest circuit's proof process stage by stage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peers import native, rapidsnark_argv, rapidsnark_note, snarkjs_argv, snarkjs_cli
from prove_profile import CACHE, PTAU_POWER, REPEAT, Keyed, engines, keyed_circuits

GROWTH_CIRCUITS = ("hash_chain_1k", "hash_chain_4k", "hash_chain_16k", "hash_chain_64k")

# A fresh process: imports, then the key, the witness and one proof on mcl, printing as JSON
# VmRSS and VmHWM (KiB) after the imports ("floor") and after each stage it can see.
_ONE_PROOF = """
import json, sys
from contextlib import contextmanager
from pathlib import Path
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.native.engines import get_engine
from toolchain.native.memory import return_big_blocks
from toolchain.native.prover import prove

return_big_blocks()  # as the `zkt prove` process does

def kib(field):
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field)))

rows = []

@contextmanager
def stages(name):
    yield
    rows.append((name, kib("VmRSS:"), kib("VmHWM:")))

engine = get_engine("mcl")
with stages("floor"):
    pass
if sys.argv[1:]:
    with stages("key read (header, coefficients; points checked)"):
        key = read_zkey(sys.argv[1], engine.key_layout)
    with stages("witness read"):
        witness = read_wtns(sys.argv[2])
    prove(key, witness, engine, stages)
print(json.dumps(rows))
"""

_PEAK_OF_CHILD = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


@dataclass(frozen=True)
class Memory:
    """One proof process's memory in MiB: resident after each stage it saw (the first is
    "floor": after the imports and the engine's start) and the peak so far at each."""

    stages: list[tuple[str, float, float]]

    @property
    def floor(self) -> float:
        """Resident after the imports and the engine's start."""
        return self.stages[0][1]

    @property
    def peak(self) -> float:
        """The process's peak resident size (VmHWM at its end)."""
        return self.stages[-1][2]

    def added(self, peak: float, key: float) -> float:
        """A peak over the floor, as a multiple of the key's size."""
        return (peak - self.floor) / key


def proof_memory(circuit: Keyed | None) -> Memory:
    """A fresh process proving once on mcl (None: imports only), resident size per stage.

    The process's own VmRSS and VmHWM: Linux carries `ru_maxrss` across exec from the forking
    parent (this bench, keys loaded), so a child's rusage would report the parent's size. The
    MSMs the prover runs on threads have no stage of their own: their memory shows in the
    stages they overlap.
    """
    args = [] if circuit is None else [str(circuit.zkey), str(circuit.wtns)]
    done = subprocess.run(
        [sys.executable, "-c", _ONE_PROOF, *args], check=True, capture_output=True, text=True
    )
    rows = json.loads(done.stdout)
    return Memory([(name, rss / 1024, peak / 1024) for name, rss, peak in rows])


def stage_memory_table(circuit: Keyed, memory: Memory) -> list[str]:
    """The largest circuit's proof process stage by stage: resident, peak so far, and the
    peak over the floor as a multiple of the key."""
    key = circuit.zkey.stat().st_size / 2**20
    lines = [
        f"| {circuit.name}: after stage | RSS MiB | peak so far MiB | (peak − floor) / key |",
        "|---|---:|---:|---:|",
    ]
    seen: set[str] = set()
    for name, rss, peak in memory.stages:
        # the witness map times A and B's moves and product, then C's, under the same names
        label = f"{name}, again" if name in seen else name
        seen.add(name)
        lines.append(f"| {label} | {rss:.0f} | {peak:.0f} | {memory.added(peak, key):.1f}× |")
    return lines


def peak_rss_mib(argv: list[str]) -> float:
    """Peak RSS in MiB of one process running `argv`, through a small watcher process
    (`ru_maxrss` of its children: the watcher is a fresh `python`, smaller than the provers)."""
    watched = [sys.executable, "-c", _PEAK_OF_CHILD, *argv]
    return int(subprocess.run(watched, check=True, capture_output=True, text=True).stdout) / 1024


def rapidsnark_peak(circuit: Keyed, program: Path | None) -> str:
    """The peak RSS of one rapidsnark `prover` process in MiB and over the key, or — where
    no binary is found."""
    if program is None:
        return "—"
    peak = peak_rss_mib(rapidsnark_argv(circuit, program))
    return f"{peak:.0f} ({peak / (circuit.zkey.stat().st_size / 2**20):.1f}×)"


def bench_growth(fresh_project: Callable[[Path], Path]) -> str:
    """Time per constraint from 2^10 to 2^16, and one proof's peak RSS beside the key size."""
    from toolchain.backends.rapidsnark import find_program

    load, program = os.getloadavg()[0], find_program()
    mcl = next(e for e in engines() if e.name == "mcl")
    circuits = keyed_circuits(fresh_project, GROWTH_CIRCUITS)
    start = proof_memory(None)
    lines = [
        "| circuit | constraints | key MiB | snarkjs CLI s | µs/constraint | mcl in process s"
        " | µs/constraint | vs CLI | mcl proof process peak RSS MiB | RSS / key"
        " | (peak − floor) / key | snarkjs CLI peak RSS MiB | rapidsnark peak RSS MiB (/ key) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    memory: dict[str, Memory] = {}
    for c in circuits.values():
        key, n = c.zkey.stat().st_size / 2**20, c.constraints
        cli, ours = snarkjs_cli(c), native(c, mcl)
        proof = memory[c.name] = proof_memory(c)
        snarkjs_peak = peak_rss_mib(snarkjs_argv(c, c.wtns.parent))
        lines.append(
            f"| {c.name} | {n} | {key:.1f} | {cli:.3f} | {1e6 * cli / n:.1f}"
            f" | {ours:.3f} | {1e6 * ours / n:.1f} | {cli / ours:.2f}× | {proof.peak:.0f}"
            f" | {proof.peak / key:.1f}× | {proof.added(proof.peak, key):.1f}×"
            f" | {snarkjs_peak:.0f} | {rapidsnark_peak(c, program)} |"
        )
    largest = circuits[GROWTH_CIRCUITS[-1]]
    lines += ["", *stage_memory_table(largest, memory[largest.name])]
    made = CACHE / f"dev_{PTAU_POWER}.ptau.seconds"
    ptau = f"{made.read_text().strip()} s" if made.is_file() else "(made by an earlier run)"
    lines += [
        "",
        f"Median of {REPEAT} proofs for the times (mcl: in process, key decoded); one run, load"
        f" average (1 min) {load:.1f} at the start on {os.cpu_count()} cores shared with other"
        " jobs. Peak RSS: VmHWM of a fresh `python` that imports, decodes the key, reads"
        " the witness and proves once on mcl, and `ru_maxrss` of one `snarkjs groth16 prove`"
        " `node` and of one rapidsnark `prover` (a whole process: "
        + rapidsnark_note(program)
        + ") (peak − floor) / key: that peak less the same process's VmRSS after its"
        f" imports and the engine's start (its floor: {memory[largest.name].floor:.0f} MiB for"
        f" {largest.name}; a process that only imports and starts the engine holds"
        f" {start.floor:.0f} MiB, its mcl set-up peaking at {start.peak:.0f} MiB), over the"
        " key's file size. The stage table: VmRSS and VmHWM"
        " of the largest circuit's proof process after each stage it sees (the other threads"
        " take the A, B1, C and B2 MSMs from the first prover stage on, without a row). The"
        " dev ptau"
        f" of 2^{PTAU_POWER}"
        f" (toolchain.ceremony.devptau) took {ptau} to make; it is cached under build/bench.",
    ]
    return "\n".join(lines)
