"""Replay every committed fuzz finding (fuzz/regressions/<harness>/<file>) through its harness:
each must now be refused with a ZktError (or accepted), in time and memory bounds."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from fuzz import harnesses

REGRESSIONS = Path(__file__).resolve().parents[2] / "fuzz" / "regressions"
CASES = sorted(p for p in REGRESSIONS.glob("*/*") if p.is_file())


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fuzz_finding_is_fixed(case: Path, tmp_path: Path) -> None:
    harnesses.warm_up(case.parent.name, tmp_path)
    tracemalloc.start()
    try:
        harnesses.check(case.parent.name, case.read_bytes(), tmp_path)
    finally:
        tracemalloc.stop()


def test_every_harness_runs_its_seeds(tmp_path: Path) -> None:
    for name in harnesses.HARNESSES:
        assert harnesses.seeds(name), name
        harnesses.warm_up(name, tmp_path)
