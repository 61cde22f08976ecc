"""mcl's library loaded on a thread ahead of its first use: once, failures left to the load that
needs mcl (`api.warmup`), and a load needed meanwhile waits for it (`engine_mcl.load_mcl`)."""

from __future__ import annotations

import threading
import time

import pytest

from toolchain.api import warmup
from toolchain.errors import ToolError
from toolchain.native import engine_mcl


@pytest.fixture(autouse=True)
def nothing_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts before any load."""
    monkeypatch.setattr(warmup, "_loading", {})


def test_mcl_loads_once_on_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    monkeypatch.setattr(
        engine_mcl, "load_mcl", lambda: threads.append(threading.current_thread().name)
    )
    warmup.start_mcl()
    warmup.start_mcl()
    warmup._loading["mcl"].result()
    assert len(threads) == 1 and threads[0].startswith("zkt-mcl")


def test_a_failed_load_is_left_to_the_load_that_needs_mcl(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ToolError("the mcl engine needs the mclbn256 wheel")

    monkeypatch.setattr(engine_mcl, "load_mcl", missing)
    warmup.start_mcl()
    assert warmup._loading["mcl"].result() is None  # nothing raised on the thread
    with pytest.raises(ToolError, match="mclbn256"):
        engine_mcl.load_mcl()


def test_a_load_needed_meanwhile_waits_for_the_one_under_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads, inside, most = [], [0], [0]

    def slow() -> str:
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.05)
        inside[0] -= 1
        loads.append(threading.current_thread().name)
        return "mcl"

    monkeypatch.setattr(engine_mcl, "_loaded_mcl", slow)
    warmup.start_mcl()  # the warm-up thread, then three more callers at once
    callers = [threading.Thread(target=engine_mcl.load_mcl) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    warmup._loading["mcl"].result()
    assert most[0] == 1 and len(loads) == 4  # one at a time (the cache is `_loaded_mcl`'s)


@pytest.mark.parametrize(
    ("backend", "engine", "environment", "used"),
    [
        ("auto", None, None, True),
        ("native", "mcl", None, True),
        ("native", None, "pure", False),
        ("auto", "pure", None, False),
        ("snarkjs", None, None, False),
        ("rapidsnark", "mcl", None, False),
        ("native", "bogus", None, False),  # refused later, where the engine is checked
    ],
)
def test_mcl_is_started_only_for_a_choice_that_may_prove_on_it(
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    engine: str | None,
    environment: str | None,
    used: bool,
) -> None:
    if environment is None:
        monkeypatch.delenv("ZKT_ENGINE", raising=False)
    else:
        monkeypatch.setenv("ZKT_ENGINE", environment)
    monkeypatch.setattr(engine_mcl, "load_mcl", lambda: None)
    warmup.start_mcl_for(backend, engine)
    assert ("mcl" in warmup._loading) is used


@pytest.mark.parametrize(
    ("args", "started"),
    [
        (["demo", "--backend", "snarkjs"], False),
        (["demo", "--backend=snarkjs"], False),
        (["demo", "--engine", "pure"], False),
        (["demo", "--backend", "snarkjs", "--backend", "native"], True),  # the last one counts
        (["demo"], True),
        ([], True),  # click then refuses the missing NAME
        (["demo", "--backend"], True),  # click then refuses the missing value
    ],
)
def test_zkt_prove_starts_mcl_from_the_options_it_is_given(
    monkeypatch: pytest.MonkeyPatch, args: list[str], started: bool
) -> None:
    from click.testing import CliRunner

    from toolchain.cli.main import cli

    monkeypatch.delenv("ZKT_ENGINE", raising=False)
    monkeypatch.setattr(engine_mcl, "load_mcl", lambda: None)
    CliRunner().invoke(cli, ["--project", "/nonexistent-zkt-project", "prove", *args])
    assert ("mcl" in warmup._loading) is started


@pytest.mark.parametrize(
    ("args", "set_up"), [(["demo", "--engine", "pure"], True), (["-h"], False)]
)
def test_zkt_prove_hands_big_blocks_back_unless_it_only_prints_help(
    monkeypatch: pytest.MonkeyPatch, args: list[str], set_up: bool
) -> None:
    from click.testing import CliRunner

    from toolchain.cli.main import cli

    calls: list[bool] = []
    monkeypatch.setattr(warmup, "return_big_blocks", lambda: calls.append(True))
    CliRunner().invoke(cli, ["--project", "/nonexistent-zkt-project", "prove", *args])
    assert bool(calls) is set_up
