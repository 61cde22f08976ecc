"""`python bench/run.py growth`: time per constraint from 2^10 to 2^16, and one proof's memory.

≈2^10, 2^12, 2^14 and 2^16 constraints (hash_chain_64k is a bench-only entry, see
bench/circuits.toml) keyed from one dev ptau of 2^16: the snarkjs CLI and the mcl engine in
process per constraint, and the peak RSS of one whole proof process (a fresh `python` that
decodes the key, reads the witness and proves once; and the snarkjs CLI's `node`) beside the
key's size.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from peers import native, snarkjs_argv, snarkjs_cli
from prove_profile import CACHE, PTAU_POWER, REPEAT, Keyed, engines, keyed_circuits

GROWTH_CIRCUITS = ("hash_chain_1k", "hash_chain_4k", "hash_chain_16k", "hash_chain_64k")

_ONE_PROOF = """
import sys
from pathlib import Path
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.native.engines import get_engine
from toolchain.native.prover import prove

def kib(field):
    status = Path("/proc/self/status").read_text()
    return next(line.split()[1] for line in status.splitlines() if line.startswith(field))

engine = get_engine("mcl")
floor = kib("VmRSS:")
if sys.argv[1:]:
    prove(read_zkey(sys.argv[1], engine.key_layout), read_wtns(sys.argv[2]), engine)
print(floor, kib("VmHWM:"))
"""

_PEAK_OF_CHILD = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_mib(circuit: Keyed | None) -> tuple[float, float]:
    """(RSS after imports, peak RSS) in MiB of a fresh process proving once on mcl (None: none).

    The process's own VmHWM: Linux carries `ru_maxrss` across exec from the forking parent
    (this bench, keys loaded), so a child's rusage would report the parent's size.
    """
    args = [] if circuit is None else [str(circuit.zkey), str(circuit.wtns)]
    done = subprocess.run(
        [sys.executable, "-c", _ONE_PROOF, *args], check=True, capture_output=True, text=True
    )
    floor, peak = map(int, done.stdout.split())
    return floor / 1024, peak / 1024


def snarkjs_peak_rss_mib(circuit: Keyed) -> float:
    """Peak RSS in MiB of one `snarkjs groth16 prove` process, through a small watcher process
    (`ru_maxrss` of its children: the watcher is a fresh `python`, far smaller than `node`)."""
    argv = [sys.executable, "-c", _PEAK_OF_CHILD, *snarkjs_argv(circuit, circuit.wtns.parent)]
    return int(subprocess.run(argv, check=True, capture_output=True, text=True).stdout) / 1024


def bench_growth(fresh_project: Callable[[Path], Path]) -> str:
    """Time per constraint from 2^10 to 2^16, and one proof's peak RSS beside the key size."""
    load = os.getloadavg()[0]
    mcl = next(e for e in engines() if e.name == "mcl")
    circuits = keyed_circuits(fresh_project, GROWTH_CIRCUITS)
    floor, start_peak = peak_rss_mib(None)
    lines = [
        "| circuit | constraints | key MiB | snarkjs CLI s | µs/constraint | mcl in process s"
        " | µs/constraint | vs CLI | mcl proof process peak RSS MiB | RSS / key | snarkjs CLI"
        " peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in circuits.values():
        key, n = c.zkey.stat().st_size / 2**20, c.constraints
        cli, ours = snarkjs_cli(c), native(c, mcl)
        _, peak = peak_rss_mib(c)
        lines.append(
            f"| {c.name} | {n} | {key:.1f} | {cli:.3f} | {1e6 * cli / n:.1f}"
            f" | {ours:.3f} | {1e6 * ours / n:.1f} | {cli / ours:.2f}× | {peak:.0f}"
            f" | {peak / key:.1f}× | {snarkjs_peak_rss_mib(c):.0f} |"
        )
    made = CACHE / f"dev_{PTAU_POWER}.ptau.seconds"
    ptau = f"{made.read_text().strip()} s" if made.is_file() else "(made by an earlier run)"
    lines += [
        "",
        f"Median of {REPEAT} proofs for the times (mcl: in process, key decoded); one run, load"
        f" average (1 min) {load:.1f} at the start on {os.cpu_count()} cores shared with other"
        " jobs. Peak RSS: VmHWM of a fresh `python` that imports, decodes the key, reads"
        f" the witness and proves once on mcl ({floor:.0f} MiB resident after the imports"
        f" and the engine's start, whose mcl set-up peaks at {start_peak:.0f} MiB), and"
        f" `ru_maxrss` of one `snarkjs groth16 prove` `node`. The dev ptau of 2^{PTAU_POWER}"
        f" (toolchain.ceremony.devptau) took {ptau} to make; it is cached under build/bench.",
    ]
    return "\n".join(lines)
