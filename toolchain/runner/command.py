"""The only module that starts subprocesses: argv lists, never shell strings.

A failure raises CommandError carrying argv, cwd, exit code and the tail of the output.
Secrets are passed on stdin (`input=`), never on argv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import CommandError, ToolError

TAIL_LINES = 40


@dataclass(frozen=True)
class Completed:
    """A finished process: its argv, exit code and decoded output."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str


def run(
    argv: list[str],
    *,
    cwd: Path | None = None,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    check: bool = True,
) -> Completed:
    """Run `argv`, capture its output; raise CommandError on a non-zero exit when `check`."""
    workdir = str(cwd or Path.cwd())
    try:
        proc = subprocess.run(
            argv,
            cwd=workdir,
            input=input,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ToolError(f"cannot start {argv[0]}: not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise CommandError(argv, workdir, -1, f"timed out after {timeout} s") from exc
    done = Completed(argv, proc.returncode, proc.stdout, proc.stderr)
    if check and proc.returncode != 0:
        raise CommandError(argv, workdir, proc.returncode, output_tail(done))
    return done


def output_tail(done: Completed, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of stderr and stdout, for error messages."""
    text = "\n".join(part for part in (done.stdout.strip(), done.stderr.strip()) if part)
    return "\n".join(text.splitlines()[-lines:])


def which(program: str) -> Path | None:
    """The absolute path of `program` on PATH, or None."""
    found = shutil.which(program)
    return Path(found) if found else None
