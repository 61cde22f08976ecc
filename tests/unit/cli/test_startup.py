"""`zkt --help` and `zkt --version` load click and the CLI only: no maths, servers or backends."""

from __future__ import annotations

import subprocess
import sys

import pytest

from toolchain.cli import main as cli_main

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


def test_the_process_entry_point_freezes_the_collector_however_main_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen: list[bool] = []
    monkeypatch.setattr(cli_main.gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(cli_main, "main", lambda: sys.exit(4))
    with pytest.raises(SystemExit) as exited:
        cli_main.run()
    assert exited.value.code == 4 and frozen == [True]


def test_python_dash_m_toolchain_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "toolchain", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("zkt, version ")
