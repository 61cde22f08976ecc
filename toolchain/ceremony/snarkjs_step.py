"""Running snarkjs for a ceremony step: staged outputs, progress lines, entropy on stdin.

A step writes into a temporary folder beside its target (`staged`), the file is checked by the
caller and renamed into place only when the block succeeds; an output may not be an input.
snarkjs logs some errors and still exits 0, so a logged error or a missing output is a failure
(`snarkjs_writes`), reported on one line by `SnarkjsError`. With a progress callback snarkjs
runs with `-v` and its lines are relayed as they come, de-coloured and without its entropy
prompt; `PrepareMeter` reads how far `prepare phase2` is from them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from toolchain.ceremony.entropy import Secret, stdin_answer
from toolchain.fsutil import fsync_file, refuse_overwrite
from toolchain.runner import command
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.circom import strip_ansi
from toolchain.runner.snarkjs import SnarkjsError
from toolchain.runner.tools import Tools, node_path

Progress = Callable[[str], None]
ENTROPY_PROMPT = "Enter a random text. (Entropy): "

# prepare phase2 rewrites each section as Lagrange evaluations, one FFT per power 0..power (tauG1
# one more); its -v lines say "SECTION: fft BITS mix end: I/N". A G2 point costs ~3 G1 points.
_PREPARE_SECTIONS = (("tauG1", 1, 1), ("tauG2", 3, 0), ("alphaTauG1", 1, 0), ("betaTauG1", 1, 0))
_FFT_DONE = re.compile(r"(\w+): fft (\d+) mix end: (\d+)/(\d+)")


class PrepareMeter:
    """How far `snarkjs powersoftau prepare phase2 -v` is, at `power`, from its FFT lines."""

    def __init__(self, power: int) -> None:
        self._start: dict[tuple[str, int], tuple[float, float]] = {}
        done = 0.0
        for section, point_cost, extra in _PREPARE_SECTIONS:
            for bits in range(power + 1 + extra):
                work = point_cost * max(bits, 1) * 2.0**bits  # an FFT: n log n
                self._start[(section, bits)] = (done, work)
                done += work
        self._total = done

    def fraction(self, line: str) -> float | None:
        """The share of the work done once `line` was printed; None if it does not say."""
        match = _FFT_DONE.search(line)
        step = self._start.get((match[1], int(match[2]))) if match else None
        if match is None or step is None:
            return None
        start, work = step
        return (start + work * (int(match[3]) + 1) / max(int(match[4]), 1)) / self._total


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
