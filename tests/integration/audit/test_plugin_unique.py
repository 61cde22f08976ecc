"""The pytest plugin's `circuit.expect_unique_outputs()`: passes on a correct circuit, fails on an
under-constrained one naming what the forged witness changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolchain.pytest_plugin import CircuitFactory

PROJECT = Path(__file__).parent / "project"


def test_expect_unique_outputs(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    circuit = CircuitFactory((root,))
    circuit("bits_ok").expect_unique_outputs({"in": 200})
    with pytest.raises(
        pytest.fail.Exception,
        match=r"(?s)bits_bug: expected unique outputs, but the audit says under-constrained"
        r" \(undetermined: main\.out\[0\], .*\n  main\.out\[0\]: 0 -> 1",
    ):
        circuit("bits_bug").expect_unique_outputs({"in": 200}, seconds=2)
