"""Which rapidsnark binary the real-binary tests run, and the line that says so in pytest's report.

Those tests run where a binary is found ($ZKT_RAPIDSNARK, else `rapidsnark` or `prover` on PATH)
and are deselected where none is: never skipped, and the report says which it was.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from toolchain.backends.rapidsnark import ENV, find_program

FIXTURE = "rapidsnark_binary"  # the fixture every real-binary test asks for
# Where an xdist worker hands its report line to the controller (`workeroutput`).
REPORT_KEY = "rapidsnark_report"


def report_line(count: int) -> str:
    """The line pytest prints after collection: the binary and its version, or that the `count`
    real-binary tests were not run because none was found."""
    program = find_program()
    if program is None:
        return (
            f"rapidsnark: not found (set {ENV} or put prover on PATH):"
            f" {count} real-binary tests not run"
        )
    return f"rapidsnark: {program} ({version_of(program)}): {count} real-binary tests run"


def version_of(program: Path) -> str:
    """The tag and commit of the git checkout the binary was built in (the v0.0.6 prover has no
    --version), else that it cannot be told."""
    describe = ["git", "-C", str(program.resolve().parent), "describe", "--tags", "--always"]
    commit = ["git", "-C", str(program.resolve().parent), "rev-parse", "--short=12", "HEAD"]
    try:
        tag, head = (
            subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
            for argv in (describe, commit)
        )
    except (OSError, subprocess.CalledProcessError):
        return "version unknown: the binary does not report one and is not in a git checkout"
    return f"{tag}, commit {head}"
