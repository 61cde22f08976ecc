"""`return_big_blocks`: after it, a big block freed goes back to the system at once, where
glibc's own threshold, raised by an earlier big block, keeps it in the process."""

from __future__ import annotations

import subprocess
import sys

# A fresh process: one 16 MiB block freed (glibc raises its threshold past 8 MiB), then an
# 8 MiB block made, touched and freed; prints how much VmRSS that last free gave back, in MiB.
_CHILD = """
import sys
from pathlib import Path

def rss():
    status = Path("/proc/self/status").read_text()
    return int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmRSS:"))) // 1024

if sys.argv[1] == "set":
    from toolchain.native.memory import return_big_blocks
    assert return_big_blocks()
first = bytearray(16 << 20)
del first
block = bytearray(8 << 20)
before = rss()
del block
print(before - rss())
"""


def _given_back(mode: str) -> int:
    run = subprocess.run([sys.executable, "-c", _CHILD, mode], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return int(run.stdout)


def test_a_freed_big_block_goes_back_only_once_the_threshold_is_fixed() -> None:
    assert _given_back("default") < 2  # glibc kept the 8 MiB: its threshold had grown
    assert _given_back("set") >= 7
