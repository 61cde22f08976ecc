"""command.run_streaming: live lines for long snarkjs steps (starts real processes: python)."""

from __future__ import annotations

import sys
import time

import pytest

from toolchain.errors import CommandError, ToolError
from toolchain.runner import command

PY = sys.executable


def test_lines_arrive_in_order_with_stderr_merged() -> None:
    script = "import sys; print('one', flush=True); print('two', file=sys.stderr, flush=True)"
    lines: list[str] = []
    done = command.run_streaming([PY, "-c", script], lines.append)
    assert lines == ["one", "two"]
    assert done.returncode == 0 and done.stdout == "one\ntwo\n" and done.stderr == ""


def test_input_reaches_stdin_and_stdin_is_empty_without_it() -> None:
    echo = [PY, "-c", "import sys; print(repr(sys.stdin.read()))"]
    lines: list[str] = []
    command.run_streaming(echo, lines.append, input="secret line\n")
    command.run_streaming(echo, lines.append)
    assert lines == ["'secret line\\n'", "''"]


def test_failure_raises_with_the_output_tail() -> None:
    script = "print('context'); raise SystemExit(3)"
    with pytest.raises(CommandError, match="exited with code 3") as caught:
        command.run_streaming([PY, "-c", script], lambda _line: None)
    assert "context" in caught.value.output_tail
    done = command.run_streaming([PY, "-c", script], lambda _line: None, check=False)
    assert done.returncode == 3


def test_a_missing_program_is_a_tool_error() -> None:
    with pytest.raises(ToolError, match="not found"):
        command.run_streaming(["zkt-no-such-program"], lambda _line: None)


def test_a_tool_that_ignores_its_input_is_not_a_broken_pipe() -> None:
    done = command.run_streaming([PY, "-c", "pass"], lambda _line: None, input="x" * 2**20)
    assert done.returncode == 0


def test_an_interrupted_reader_kills_the_process() -> None:
    script = "import time; print('started', flush=True); time.sleep(30)"

    def interrupt(_line: str) -> None:
        raise KeyboardInterrupt("the reader stopped")

    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt, match=r"^the reader stopped$"):  # the reader's own
        command.run_streaming([PY, "-c", script], interrupt)
    assert time.monotonic() - began < 10
