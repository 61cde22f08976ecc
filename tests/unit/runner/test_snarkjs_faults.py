"""snarkjs's failure output reduced to one line: its logged error or the JavaScript error."""

from __future__ import annotations

from pathlib import Path

from toolchain.runner.snarkjs import SnarkjsError, describe_failure, fault_line

STACK = """\x1b[31;22m[ERROR] \x1b[39;1msnarkJS\x1b[0m: Error: Invalid witness length. \
Circuit: 8, witness: 4
    at groth16Prove$1 (/x/snarkjs/build/cli.cjs:5732:15)
    at async clProcessor (/x/snarkjs/build/cli.cjs:517:27)
"""
THROWN = """/x/snarkjs/build/cli.cjs:1234
        throw new Error("x");
TypeError: Cannot read properties of null (reading 'map')
    at Object.beacon (/x/snarkjs/build/cli.cjs:99:1)
"""


def test_logged_error_without_prefix_or_colour() -> None:
    assert fault_line(STACK, 1) == "Invalid witness length. Circuit: 8, witness: 4"


def test_thrown_error_keeps_its_kind() -> None:
    assert fault_line(THROWN, 1) == "TypeError: Cannot read properties of null (reading 'map')"


def test_no_message_names_the_exit_code() -> None:
    assert fault_line("   \n", 7) == "exit code 7 and no message"


def test_summary_names_the_command_and_existing_inputs(tmp_path: Path) -> None:
    key = tmp_path / "a.zkey"
    key.write_bytes(b"")
    staged = tmp_path / ".zkt-ptau-x" / "out.zkey"
    args = ["groth16", "prove", str(key), str(tmp_path / "missing.wtns"), str(staged)]
    assert describe_failure(args, 1, STACK) == (
        f"snarkjs groth16 prove ({key}) failed: Invalid witness length. Circuit: 8, witness: 4"
    )


def test_error_prints_one_line_and_keeps_the_tail() -> None:
    error = SnarkjsError(["node", "cli.cjs", "zkey", "beacon", "/nope"], "/", 1, THROWN)
    assert str(error) == (
        "snarkjs zkey beacon failed: TypeError: Cannot read properties of null (reading 'map')"
    )
    assert error.returncode == 1 and "at Object.beacon" in error.output_tail
