"""Pure argv builders and output parsers for the snarkjs CLI (no process is started here).

A failed snarkjs run becomes a `SnarkjsError`: one line naming the command, the input files it
was given and the fault snarkjs reported (its `[ERROR]` line or the JavaScript error, never the
stack); argv, exit code and the output tail stay on the exception for debugging.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolchain.errors import CommandError
from toolchain.runner import command
from toolchain.runner.circom import strip_ansi

_LOGGED = re.compile(r"\[ERROR\]\s*snarkJS:\s*(.*)")
_JS_ERROR = re.compile(r"^\s*(?:Uncaught\s+)?([A-Za-z]*Error):\s*(.*)$")
_JS_FRAME = re.compile(r"^at\s")
_ERROR_PREFIX = re.compile(r"^(?:Error:\s*)+")
_VERB = re.compile(r"[a-z][a-z0-9]*")


class SnarkjsError(CommandError):
    """snarkjs failed: prints as one line (command, input files, fault); keeps argv and tail."""

    def __init__(self, argv: list[str], cwd: str, returncode: int, output: str) -> None:
        tail = "\n".join(strip_ansi(output).strip().splitlines()[-20:])
        super().__init__(argv, cwd, returncode, tail)
        self.summary = describe_failure(argv[2:], returncode, output)

    def __str__(self) -> str:
        return self.summary


def describe_failure(args: list[str], returncode: int, output: str) -> str:
    """`snarkjs groth16 prove (a.zkey, w.wtns): Invalid witness length ...` from its output."""
    verb = " ".join(arg for arg in args[:3] if _VERB.fullmatch(arg))
    inputs = [arg for arg in args if not _VERB.fullmatch(arg) and _is_input(Path(arg))]
    named = f" ({', '.join(inputs)})" if inputs else ""
    return f"snarkjs {verb}{named} failed: {fault_line(output, returncode)}"


def _is_input(path: Path) -> bool:
    """An existing file that is not a staged output (those live in a `.zkt-*` temp folder)."""
    return path.is_file() and not path.parent.name.startswith(".zkt-")


def fault_line(output: str, returncode: int) -> str:
    """The fault snarkjs reported, on one line: its logged error, else the JS error message."""
    lines = [line.strip() for line in strip_ansi(output).splitlines() if line.strip()]
    for line in lines:
        logged = _LOGGED.search(line)
        if logged and logged.group(1):
            return command.shorten(_ERROR_PREFIX.sub("", logged.group(1)))
    for line in lines:
        thrown = _JS_ERROR.match(line)
        if thrown:
            kind, message = thrown.groups()
            return command.shorten(message if kind == "Error" else f"{kind}: {message}")
    return command.last_line([line for line in lines if not _JS_FRAME.match(line)], returncode)


def prove_argv(
    zkey: Path, wtns: Path, proof: Path, public: Path, protocol: str = "groth16"
) -> list[str]:
    """`groth16 prove` arguments (`plonk prove`, `fflonk prove`: the same four files)."""
    return [protocol, "prove", str(zkey), str(wtns), str(proof), str(public)]


def verify_argv(vkey: Path, public: Path, proof: Path, protocol: str = "groth16") -> list[str]:
    """`groth16 verify` arguments (`plonk verify`, `fflonk verify`: the same three files)."""
    return [protocol, "verify", str(vkey), str(public), str(proof)]


# What snarkjs 0.7.6 prints on stdout after a proof it accepts, by protocol (exit code 0 too).
_ACCEPTED = {"groth16": "OK!", "plonk": "OK!", "fflonk": "PROOF VERIFIED SUCCESSFULLY"}


def verify_succeeded(returncode: int, output: str, protocol: str = "groth16") -> bool:
    """snarkjs prints `OK!` and exits 0 for a valid proof, `Invalid proof` and 1 otherwise
    (fflonk: `PROOF VERIFIED SUCCESSFULLY`)."""
    return returncode == 0 and _ACCEPTED[protocol] in strip_ansi(output)


def setup_argv(r1cs: Path, ptau: Path, zkey: Path) -> list[str]:
    """`groth16 setup`: the initial phase-2 zkey of a circuit from a prepared ptau."""
    return ["groth16", "setup", str(r1cs), str(ptau), str(zkey)]


def universal_setup_argv(protocol: str, r1cs: Path, ptau: Path, zkey: Path) -> list[str]:
    """`plonk setup` / `fflonk setup`: a PLONK-family key straight from a prepared ptau."""
    return [protocol, "setup", str(r1cs), str(ptau), str(zkey)]


def export_verification_key_argv(zkey: Path, out: Path) -> list[str]:
    """`zkey export verificationkey` (any protocol: snarkjs reads it from the key)."""
    return ["zkey", "export", "verificationkey", str(zkey), str(out)]


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
