"""Unit tests never start external tools (the entry points that would are disabled here), and
the arithmetic engine fixtures every unit test shares."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

from toolchain.native.engine import Engine
from toolchain.native.engine_mcl import MclEngine
from toolchain.native.engine_pure import PureEngine
from toolchain.native.engines import mcl_unavailable_reason

ENGINES = ("pure", "mcl")


def _refuse(*_args: object, **_kwargs: object) -> NoReturn:
    raise AssertionError("a unit test tried to start an external tool; make it an integration test")


@pytest.fixture(autouse=True)
def _no_external_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("toolchain.runner.command.run", _refuse)
    monkeypatch.setattr("toolchain.runner.command.run_streaming", _refuse)
    monkeypatch.setattr("toolchain.runner.wasi.run_wasi_command", _refuse)


def mcl_required() -> bool:
    """Return whether a missing mcl engine must fail the run (CI, or ZKT_REQUIRE_MCL=1)."""
    return os.environ.get("ZKT_REQUIRE_MCL") == "1" or bool(os.environ.get("CI"))


def skip_or_fail_without_mcl() -> None:
    """Skip the test when mcl cannot load, or fail it where mcl is required."""
    reason = mcl_unavailable_reason()
    if reason is None:
        return
    if mcl_required():
        pytest.fail(f"the mcl engine is required here (CI or ZKT_REQUIRE_MCL=1): {reason}")
    pytest.skip(reason)


@pytest.fixture(params=ENGINES)
def each_engine(request: pytest.FixtureRequest) -> Engine:
    """Return each engine in turn: pure in this process (no MSM workers), then mcl on 2 threads."""
    if request.param == "pure":
        return PureEngine(workers=1)
    skip_or_fail_without_mcl()
    return MclEngine(workers=2)


@pytest.fixture
def mcl_engine() -> MclEngine:
    """Return the mcl engine alone, for the tests about mcl itself (skip or fail as above)."""
    skip_or_fail_without_mcl()
    return MclEngine(workers=2)
