"""`zkt --help` and `zkt --version` load click and the CLI only: no maths, servers or backends."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("py_ecc", "wasmtime", "httpx", "tqdm", "pydantic", "jinja2", "toolchain.backends")

# Run in a fresh interpreter: this test process has loaded everything already.
PROBE = """
import sys
from toolchain.cli.main import main
try:
    main([{flag!r}])
except SystemExit:
    pass
print("\\n".join(sys.modules))
"""


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_startup_loads_nothing_heavy(flag: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(flag=flag)], capture_output=True, text=True, check=True
    )
    loaded = done.stdout.splitlines()
    heavy = [m for m in loaded if m.startswith(HEAVY)]
    assert heavy == []
    assert [m for m in loaded if m.startswith("toolchain.api")] == []
