"""Running the real CLI and snarkjs from tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from toolchain.runner.tools import Tools


def zkt(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `zkt` CLI in a subprocess (as a user would)."""
    return subprocess.run(
        [sys.executable, "-m", "toolchain", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def snarkjs(*args: str) -> str:
    """Run the pinned snarkjs CLI and return its de-coloured output."""
    tools = Tools(Path(os.environ["ZKT_TOOLS_DIR"]))
    done = subprocess.run(
        ["node", str(tools.snarkjs_cli), *args], capture_output=True, text=True, check=True
    )
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)


def snarkjs_r1cs_info(r1cs: Path) -> dict[str, int]:
    """`snarkjs r1cs info`, as the JSON keys of `zkt info --json`."""
    text = snarkjs("r1cs", "info", str(r1cs))
    labels = {
        "Constraints": "constraints",
        "Wires": "wires",
        "Public Inputs": "public_inputs",
        "Private Inputs": "private_inputs",
        "Outputs": "outputs",
        "Labels": "labels",
    }
    found = dict(re.findall(r"# of ([A-Za-z ]+): (\d+)", text))
    return {key: int(found[label]) for label, key in labels.items()}
