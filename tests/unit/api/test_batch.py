"""The batch api's own decisions, without proving: which inputs, which refusals, which exit."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from toolchain.api.batch import (
    BatchError,
    BatchResult,
    Outcome,
    batch_inputs,
    interrupts_deferred,
)
from toolchain.backends.executors import run_batch
from toolchain.errors import ToolError, UsageError


def test_only_json_files_are_inputs_in_name_order(tmp_path: Path) -> None:
    for name in ("b.json", "a.json", "notes.txt"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "folder.json").mkdir()
    assert batch_inputs(tmp_path, tmp_path / "out") == [tmp_path / "a.json", tmp_path / "b.json"]


def test_a_missing_inputs_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=f"--inputs {tmp_path / 'none'}: not a folder"):
        batch_inputs(tmp_path / "none", tmp_path / "out")


def test_a_batch_with_failures_exits_4_after_saying_how_many(tmp_path: Path) -> None:
    outcomes = [Outcome("a.json", 0.1, "{}", "[]"), Outcome("b.json", 0.0, reason="bad")]
    result = BatchResult("native", outcomes, 1.0, tmp_path)
    assert [o.source for o in result.failed] == ["b.json"]
    with pytest.raises(BatchError, match=f"^1 of 2 inputs failed; the 1 proved are in {tmp_path}$"):
        result.raise_if_failed()
    assert BatchError.exit_code == 4
    BatchResult("native", outcomes[:1], 1.0, tmp_path).raise_if_failed()


def test_the_dask_executor_without_distributed_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "toolchain.backends.cluster", None)
    with pytest.raises(
        ToolError, match=r"needs Dask's distributed: pip install 'zk-toolchain\[cluster\]'"
    ):
        run_batch(None, [], "dask://127.0.0.1:8786")  # type: ignore[arg-type]


def test_a_ctrl_c_while_a_proof_set_is_written_lands_after_it() -> None:
    steps: list[str] = []
    with pytest.raises(KeyboardInterrupt), interrupts_deferred():
        signal.raise_signal(signal.SIGINT)
        steps.append("written whole")
    assert steps == ["written whole"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_ignored_ctrl_c_stays_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interrupts_deferred():
            signal.raise_signal(signal.SIGINT)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
