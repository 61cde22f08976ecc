"""Running snarkjs for a ceremony step: staged outputs, progress lines, entropy on stdin.

A step writes into a temporary folder beside its target (`staged`), the file is checked by the
caller and renamed into place only when the block succeeds; an output may not be an input.
snarkjs logs some errors and still exits 0, so a logged error or a missing output is a failure
(`snarkjs_writes`), reported on one line by `SnarkjsError`. With a progress callback snarkjs
runs with `-v` and its lines are relayed as they come, de-coloured and without its entropy prompt.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from toolchain.ceremony.entropy import Secret, stdin_answer
from toolchain.fsutil import refuse_overwrite
from toolchain.runner import command
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.circom import strip_ansi
from toolchain.runner.snarkjs import SnarkjsError
from toolchain.runner.tools import Tools, node_path

Progress = Callable[[str], None]
ENTROPY_PROMPT = "Enter a random text. (Entropy): "


def snarkjs_writes(
    tools: Tools,
    args: list[str],
    partial: Path,
    progress: Progress | None,
    entropy: Secret | None = None,
) -> None:
    """Run snarkjs to write `partial`; a logged error or a missing file is a failure even
    after exit 0 (beacon with bad parameters logs an error and exits 0)."""
    done = run_snarkjs(tools, args, progress, entropy, check=False)
    failed = done.returncode != 0 or snarkjs_args.logged_error(done.stdout)
    if failed or not partial.is_file():
        raise SnarkjsError(done.argv, str(Path.cwd()), done.returncode, done.stdout + done.stderr)


def run_snarkjs(
    tools: Tools,
    args: list[str],
    progress: Progress | None,
    entropy: Secret | None,
    *,
    check: bool,
) -> command.Completed:
    """Run the pinned snarkjs (`-v` and line by line to `progress` when given)."""
    tools.require("snarkjs")
    verbose = ["-v"] if progress is not None else []
    argv = [str(node_path()), str(tools.snarkjs_cli), *args, *verbose]
    answer = stdin_answer(entropy) if entropy is not None else None
    return command.run_streaming(argv, _relay(progress), input=answer, check=check)


def _relay(progress: Progress | None) -> Callable[[str], None]:
    """snarkjs's log lines, de-coloured and without its entropy prompt, to `progress`."""

    def show(line: str) -> None:
        text = strip_ansi(line).replace(ENTROPY_PROMPT, "").rstrip()
        if progress is not None and text:
            progress(text)

    return show


@contextmanager
def staged(out: Path, *inputs: Path) -> Iterator[Path]:
    """A path in a temporary folder beside `out`, renamed onto `out` when the block succeeds."""
    refuse_overwrite(out, *inputs)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".zkt-ptau-") as tmp:
        partial = Path(tmp) / out.name
        yield partial
        fsync_file(partial)
        partial.replace(out)


def fsync_file(path: Path) -> None:
    """Flush a finished file to disk before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
