"""mcl's library loaded on a thread ahead of its first use: once, waited for, failures left to
the load that needs mcl (`api.warmup`)."""

from __future__ import annotations

import threading

import pytest

from toolchain.api import warmup
from toolchain.errors import ToolError
from toolchain.native import engine_mcl


@pytest.fixture(autouse=True)
def nothing_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts before any load."""
    monkeypatch.setattr(warmup, "_loading", {})


def test_mcl_loads_once_on_a_thread_and_is_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    monkeypatch.setattr(
        engine_mcl, "load_mcl", lambda: threads.append(threading.current_thread().name)
    )
    warmup.start_mcl()
    warmup.start_mcl()
    warmup.wait_mcl()
    assert len(threads) == 1 and threads[0].startswith("zkt-mcl")


def test_a_failed_load_is_left_to_the_load_that_needs_mcl(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ToolError("the mcl engine needs the mclbn256 wheel")

    monkeypatch.setattr(engine_mcl, "load_mcl", missing)
    warmup.start_mcl()
    warmup.wait_mcl()  # nothing raised here


def test_waiting_without_a_start_returns_at_once() -> None:
    warmup.wait_mcl()
    assert warmup._loading == {}
