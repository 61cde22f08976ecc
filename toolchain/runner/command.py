"""The only module that starts subprocesses: argv lists, never shell strings.

A failure raises CommandError carrying argv, cwd, exit code and the tail of the output.
Secrets are passed on stdin (`input=`), never on argv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from toolchain.errors import CommandError, ToolError

TAIL_LINES = 40
MAX_FAULT = 200  # a tool's fault, as one line of an error message
Popen = subprocess.Popen[bytes]


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


def run_streaming(
    argv: list[str],
    on_line: Callable[[str], None],
    *,
    cwd: Path | None = None,
    input: str | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> Completed:
    """Like `run`, but hand each output line (stdout and stderr merged) to `on_line` as it comes.

    For long tools (snarkjs `-v` on big ptau files) whose progress should be shown live. `input`
    is written and closed before the output is read, so it must be small (an entropy line);
    without it stdin is empty, so a tool that prompts reads EOF instead of waiting on a terminal.
    If `on_line` raises (Ctrl-C included), the process is killed before the error propagates.
    """
    workdir = str(cwd or Path.cwd())
    try:
        proc = subprocess.Popen(
            argv,
            cwd=workdir,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            text=True,
            errors="replace",
        )
    except FileNotFoundError as exc:
        raise ToolError(f"cannot start {argv[0]}: not found") from exc
    output = _relay_output(proc, input, on_line)
    done = Completed(argv, proc.returncode, output, "")
    if check and proc.returncode != 0:
        raise CommandError(argv, workdir, proc.returncode, output_tail(done))
    return done


def _relay_output(
    proc: subprocess.Popen[str], input: str | None, on_line: Callable[[str], None]
) -> str:
    lines: list[str] = []
    try:
        _feed(proc, input)
        assert proc.stdout is not None  # Popen was given stdout=PIPE
        for line in proc.stdout:
            lines.append(line)
            on_line(line.rstrip("\n"))
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        if proc.stdout is not None:
            proc.stdout.close()
    return "".join(lines)


def _feed(proc: subprocess.Popen[str], input: str | None) -> None:
    if proc.stdin is None:
        return
    # A tool that exits before reading its input closes the pipe: its exit code and output
    # say why, so the broken pipe itself is not the error to report (as in communicate()).
    with suppress(BrokenPipeError):
        proc.stdin.write(input or "")
        proc.stdin.flush()
    with suppress(BrokenPipeError):
        proc.stdin.close()


def spawn(argv: list[str], *, stderr: IO[bytes]) -> Popen:
    """Start a long-lived child speaking a line protocol on its stdin and stdout (both pipes).

    The caller owns the process (writes, reads, waits, kills); its stderr goes to `stderr`, a
    file, so that it can never fill a pipe nobody reads.
    """
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    except FileNotFoundError as exc:
        raise ToolError(f"cannot start {argv[0]}: not found") from exc


def stop(proc: Popen, grace: float = 0.0) -> int:
    """Close a spawned child's stdin (EOF: it may finish and exit), kill it after `grace` s;
    its exit code."""
    if proc.stdin is not None:
        with suppress(BrokenPipeError):
            proc.stdin.close()
    try:
        return proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def output_tail(done: Completed, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of stderr and stdout, for error messages."""
    text = "\n".join(part for part in (done.stdout.strip(), done.stderr.strip()) if part)
    return "\n".join(text.splitlines()[-lines:])


def shorten(text: str, limit: int = MAX_FAULT) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def last_line(lines: list[str], returncode: int) -> str:
    """A failed tool's last output line, shortened, or that it printed nothing."""
    return shorten(lines[-1]) if lines else f"exit code {returncode} and no message"


def which(program: str) -> Path | None:
    """The absolute path of `program` on PATH, or None."""
    found = shutil.which(program)
    return Path(found) if found else None
