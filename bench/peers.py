"""`python bench/run.py peers`: our prover beside its peers on the same key and witness.

On the same key and witness (the ≈2^12 and ≈2^14 hash_chain circuits), one proof by the
snarkjs CLI (`groth16 prove`, a whole `node` process), by snarkjs in a persistent node process
with the key loaded (`runner.snarkjs_worker`, one warm-up proof first), by our native prover in
process (every engine, key decoded) and by groth16py (arkworks, from the `bench` extra: its
`import_zkey` reads the snarkjs .zkey itself, and its proof is checked against our verification
key) and, where its binary is found ($ZKT_RAPIDSNARK, else `rapidsnark` or `prover` on PATH), by
rapidsnark (a whole `prover` process; its first proof made through the backend, which checks it
against the key); the median of REPEAT proofs each and its ratio to the snarkjs CLI.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from prove_profile import BLINDING, REPEAT, Keyed, engines, keyed_circuits, median_time

PEER_CIRCUITS = ("hash_chain_4k", "hash_chain_16k")


def snarkjs_argv(circuit: Keyed, out: Path) -> list[str]:
    """`snarkjs groth16 prove` of the circuit's key and witness, as a `node` command line."""
    tools = Path(os.environ["ZKT_TOOLS_DIR"])
    cli = tools / "node_modules" / "snarkjs" / "build" / "cli.cjs"
    proof, public = out / f"{circuit.name}.proof.json", out / f"{circuit.name}.public.json"
    return [
        "node",
        str(cli),
        "groth16",
        "prove",
        *map(str, (circuit.zkey, circuit.wtns, proof, public)),
    ]


def snarkjs_cli(circuit: Keyed) -> float:
    """Median seconds of a whole `snarkjs groth16 prove` process."""
    argv = snarkjs_argv(circuit, circuit.wtns.parent)
    return median_time(partial(subprocess.run, argv, check=True, capture_output=True))


def snarkjs_worker(circuit: Keyed) -> float:
    """Median seconds of a `prove` request to a persistent snarkjs worker, its key loaded."""
    from toolchain.api.workspace import open_workspace
    from toolchain.runner.snarkjs_worker import SnarkjsWorker

    tools = open_workspace(circuit.wtns.parent).tools
    with SnarkjsWorker(tools) as worker:
        worker.prove(circuit.zkey, circuit.wtns)  # loads and keeps the key
        return median_time(partial(worker.prove, circuit.zkey, circuit.wtns))


def groth16py_prove(circuit: Keyed) -> tuple[float, float]:
    """groth16py (arkworks): seconds to import the .zkey, median seconds of a proof.

    SystemExit unless its proof verifies under our verification key: same key, same witness.
    """
    import groth16py  # GPL-3.0, the `bench` extra only: never imported by the toolchain

    imported = median_time(partial(groth16py.import_zkey, str(circuit.zkey)), 1)
    pk, _ = groth16py.import_zkey(str(circuit.zkey))
    proof = groth16py.prove_wtns(pk, str(circuit.wtns))
    public = circuit.witness[1 : 1 + _n_public(circuit)]
    ours = groth16py.Verifier(groth16py.VerifyingKey.from_snarkjs_file(str(circuit.vkey)))
    if not ours.verify(proof, public):
        raise SystemExit(f"{circuit.name}: groth16py's proof fails our verification key")
    return imported, median_time(partial(groth16py.prove_wtns, pk, str(circuit.wtns)))


def _n_public(circuit: Keyed) -> int:
    return int(json.loads(circuit.vkey.read_text())["nPublic"])


def rapidsnark(circuit: Keyed, program: Path) -> float:
    """Median seconds of a whole rapidsnark `prover` process; its first proof is made through
    the backend (kept only when it verifies natively against the key)."""
    from toolchain.backends.rapidsnark import RapidsnarkBackend

    argv = rapidsnark_argv(circuit, program)
    RapidsnarkBackend().prove(*map(Path, argv[1:]))
    return median_time(partial(subprocess.run, argv, check=True, capture_output=True))


def rapidsnark_argv(circuit: Keyed, program: Path) -> list[str]:
    """A rapidsnark `prover` command line: the circuit's key and witness, its outputs beside
    the witness."""
    out = circuit.wtns.parent
    proof, public = out / f"{circuit.name}.rs.proof.json", out / f"{circuit.name}.rs.public.json"
    return [str(program), *map(str, (circuit.zkey, circuit.wtns, proof, public))]


def rapidsnark_rows(circuit: Keyed, program: Path | None) -> dict[str, float]:
    """The rapidsnark row, or none where no binary is found."""
    if program is None:
        return {}
    return {"rapidsnark (whole `prover` process)": rapidsnark(circuit, program)}


def rapidsnark_note(program: Path | None) -> str:
    """Which rapidsnark binary ran, or that none was found."""
    if program is None:
        return "rapidsnark: not found (set ZKT_RAPIDSNARK or put prover on PATH): no row."
    return f"rapidsnark: {program}."


def native(circuit: Keyed, engine: Any) -> float:
    """Median seconds of our prover in process (key decoded beforehand in the engine's layout,
    as `zkt prove` reads it; fixed blinding)."""
    from toolchain.formats.zkey import read_zkey
    from toolchain.native.prover import create_proof

    zkey = read_zkey(circuit.zkey, engine.key_layout)
    return median_time(partial(create_proof, zkey, circuit.witness, *BLINDING, engine))


def bench_peers(fresh_project: Callable[[Path], Path]) -> str:
    """Every prover on the same key and witness, seconds and ratio to the snarkjs CLI."""
    from toolchain.backends.rapidsnark import find_program

    load = os.getloadavg()[0]
    lines = [
        "| circuit | constraints | prover | s/proof | vs snarkjs CLI |",
        "|---|---:|---|---:|---:|",
    ]
    notes = []
    program = find_program()
    for circuit in keyed_circuits(fresh_project, PEER_CIRCUITS).values():
        cli = snarkjs_cli(circuit)
        imported, arkworks = groth16py_prove(circuit)
        rows = {
            "snarkjs CLI (whole `node` process)": cli,
            "snarkjs, persistent node process, key loaded": snarkjs_worker(circuit),
            "groth16py (arkworks), key imported": arkworks,
            **rapidsnark_rows(circuit, program),
            **{
                f"zkt native {e.name}, in process, key decoded": native(circuit, e)
                for e in engines()
            },
        }
        lines += [
            f"| {circuit.name} | {circuit.constraints} | {label} | {secs:.3f} | {cli / secs:.2f}× |"
            for label, secs in rows.items()
        ]
        notes.append(f"{circuit.name} {1000 * imported:.0f} ms")
    lines += [
        "",
        f"Median of {REPEAT} proofs each, one run, same .zkey and .wtns for every prover; load"
        f" average (1 min) {load:.1f} at the start on {os.cpu_count()} cores shared with other"
        " jobs. vs snarkjs CLI: how many times faster than a whole `snarkjs groth16 prove`."
        " groth16py reads the snarkjs .zkey itself (`import_zkey`, not timed in its row: "
        + ", ".join(notes)
        + "), and its proofs verify under the same verification key. "
        + rapidsnark_note(program),
    ]
    return "\n".join(lines)
