"""Pure argv builders and output parsers for the snarkjs CLI (no process is started here)."""

from __future__ import annotations

from pathlib import Path

from toolchain.runner.circom import strip_ansi


def prove_argv(zkey: Path, wtns: Path, proof: Path, public: Path) -> list[str]:
    """`groth16 prove` arguments."""
    return ["groth16", "prove", str(zkey), str(wtns), str(proof), str(public)]


def verify_argv(vkey: Path, public: Path, proof: Path) -> list[str]:
    """`groth16 verify` arguments."""
    return ["groth16", "verify", str(vkey), str(public), str(proof)]


def verify_succeeded(returncode: int, output: str) -> bool:
    """snarkjs prints `OK!` and exits 0 for a valid proof, `Invalid proof` and 1 otherwise."""
    return returncode == 0 and "OK!" in strip_ansi(output)


def setup_argv(r1cs: Path, ptau: Path, zkey: Path) -> list[str]:
    """`groth16 setup`: the initial phase-2 zkey of a circuit from a prepared ptau."""
    return ["groth16", "setup", str(r1cs), str(ptau), str(zkey)]
