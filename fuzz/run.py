"""`nox -s fuzz`: run every harness of fuzz/harnesses.py under atheris for a share of the time.

    python fuzz/run.py [--seconds N] [--harness NAME ...]

Each harness runs in its own process for N / (number of harnesses) seconds, its corpus seeded
from the committed vectors (a scratch copy, so the seeds stay as committed). libFuzzer stops a
harness at its first finding and writes the input to build/fuzz/<harness>/; this script then
fails, naming it. Commit a finding as fuzz/regressions/<harness>/<name> once it is fixed:
tests/unit/test_fuzz_regressions.py replays every file there.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "build" / "fuzz"
NAMES = ("r1cs", "wtns", "zkey", "ptau", "sym", "snarkjs_json", "inputs", "toml", "verifier")
RSS_LIMIT_MB = 2048


def main() -> int:
    """Run the harnesses in turn; 1 when any found something."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="total time, split evenly")
    parser.add_argument("--harness", action="append", choices=NAMES)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: the process of one harness
    args, rest = parser.parse_known_args()
    if args.one:
        return _fuzz_one(args.one, rest)
    names = args.harness or list(NAMES)
    share = max(1, args.seconds // len(names))
    failed = [name for name in names if not _run(name, share)]
    if failed:
        print(f"fuzz: findings in {', '.join(failed)} (inputs under {OUT})", file=sys.stderr)
    return 1 if failed else 0


def _run(name: str, seconds: int) -> bool:
    """One harness in a child process for `seconds`; True when it found nothing."""
    artifacts = OUT / name
    artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"zkt-fuzz-{name}-") as corpus:
        argv = [
            sys.executable, __file__, "--one", name, corpus,
            f"-max_total_time={seconds}", "-timeout=2",
            f"-rss_limit_mb={RSS_LIMIT_MB}", "-max_len=65536", "-print_final_stats=1",
            f"-artifact_prefix={artifacts}/",
        ]  # fmt: skip
        print(f"fuzz: {name} for {seconds} s", flush=True)
        done = subprocess.run(argv, check=False)
    return done.returncode == 0


def _fuzz_one(name: str, libfuzzer_args: list[str]) -> int:
    """The child process: seeds copied into the corpus, caches warmed, then atheris."""
    import tracemalloc

    import atheris

    with atheris.instrument_imports(include=["toolchain", "fuzz"]):
        from fuzz import harnesses
    corpus = Path(libfuzzer_args[0])
    for seed in harnesses.seeds(name):
        shutil.copy(seed, corpus / seed.name)
    workdir = harnesses.scratch()
    harnesses.warm_up(name, workdir)  # one-time caches (engines, compiled regexes) are not findings
    tracemalloc.start()

    def one_input(data: bytes) -> None:
        harnesses.check(name, data, workdir)

    atheris.Setup([sys.argv[0], *libfuzzer_args], one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
