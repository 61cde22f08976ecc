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


def zkey_contribute_argv(zkey_in: Path, zkey_out: Path, name: str) -> list[str]:
    """`zkey contribute` without `-e`: snarkjs then reads the entropy from stdin."""
    return ["zkey", "contribute", str(zkey_in), str(zkey_out), f"--name={name}"]


def zkey_beacon_argv(
    zkey_in: Path, zkey_out: Path, beacon_hash: str, iterations_exp: int, name: str
) -> list[str]:
    """`zkey beacon`: the beacon is public, so its hash may stand on the command line."""
    return [
        "zkey", "beacon", str(zkey_in), str(zkey_out), beacon_hash, str(iterations_exp),
        f"--name={name}",
    ]  # fmt: skip


def zkey_verify_argv(r1cs: Path, ptau: Path, zkey: Path) -> list[str]:
    """`zkey verify r1cs`: rebuilds the initial key from r1cs + ptau and replays the chain."""
    return ["zkey", "verify", str(r1cs), str(ptau), str(zkey)]


def zkey_verify_succeeded(returncode: int, output: str) -> bool:
    """snarkjs prints `ZKey Ok!` for a key it accepts."""
    return returncode == 0 and "ZKey Ok!" in strip_ansi(output)


def solidity_verifier_argv(zkey: Path, out: Path) -> list[str]:
    """`zkey export solidityverifier`."""
    return ["zkey", "export", "solidityverifier", str(zkey), str(out)]


# Powers of Tau (phase 1). snarkjs reads options only as `--key=value` (a separate value would be
# taken for a positional argument); entropy is never passed here: snarkjs prompts for it on stdin.
PTAU_CURVE = "bn128"


def powersoftau_new_argv(power: int, out: Path) -> list[str]:
    """`powersoftau new`: the blank accumulator of 2^power."""
    return ["powersoftau", "new", PTAU_CURVE, str(power), str(out)]


def powersoftau_contribute_argv(ptau_in: Path, ptau_out: Path, name: str) -> list[str]:
    """`powersoftau contribute` (entropy on stdin)."""
    return ["powersoftau", "contribute", str(ptau_in), str(ptau_out), f"--name={name}"]


def powersoftau_export_challenge_argv(ptau: Path, challenge: Path) -> list[str]:
    """`powersoftau export challenge`: the current accumulator, uncompressed, for offline use."""
    return ["powersoftau", "export", "challenge", str(ptau), str(challenge)]


def powersoftau_challenge_contribute_argv(challenge: Path, response: Path) -> list[str]:
    """`powersoftau challenge contribute` (entropy on stdin): a response to a challenge file."""
    return ["powersoftau", "challenge", "contribute", PTAU_CURVE, str(challenge), str(response)]


def powersoftau_import_response_argv(
    ptau_prev: Path, response: Path, ptau_out: Path, name: str
) -> list[str]:
    """`powersoftau import response`: a response applied to the ptau whose challenge it answers."""
    argv = ["powersoftau", "import", "response", str(ptau_prev), str(response), str(ptau_out)]
    return [*argv, f"--name={name}"]


def powersoftau_beacon_argv(
    ptau_in: Path, ptau_out: Path, beacon_hash_hex: str, iterations_exp: int, name: str
) -> list[str]:
    """`powersoftau beacon`: a contribution keyed by a public random beacon."""
    argv = ["powersoftau", "beacon", str(ptau_in), str(ptau_out), beacon_hash_hex]
    return [*argv, str(iterations_exp), f"--name={name}"]


def powersoftau_prepare_argv(ptau_in: Path, ptau_out: Path) -> list[str]:
    """`powersoftau prepare phase2`: adds the Lagrange sections 12–15."""
    return ["powersoftau", "prepare", "phase2", str(ptau_in), str(ptau_out)]


def powersoftau_verify_argv(ptau: Path) -> list[str]:
    """`powersoftau verify`."""
    return ["powersoftau", "verify", str(ptau)]


def logged_error(output: str) -> bool:
    """Whether snarkjs logged an error: some commands (beacon) then still exit 0."""
    return "[ERROR]" in strip_ansi(output)


def powersoftau_verify_succeeded(returncode: int, output: str) -> bool:
    """snarkjs ends a passing `powersoftau verify` with `Powers of Tau Ok!` and exit 0."""
    passed = "Powers of Tau Ok!" in strip_ansi(output)
    return returncode == 0 and passed and not logged_error(output)
