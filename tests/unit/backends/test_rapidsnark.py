"""How the rapidsnark binary is found ($ZKT_RAPIDSNARK, PATH) and the line pytest prints when
none is; no process is started (tests/integration/rapidsnark/test_stand_ins.py starts some)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.conftest import exactly
from tests.integration.rapidsnark import binary
from tests.integration.rapidsnark.binary import report_line
from toolchain.backends.rapidsnark import RapidsnarkBackend, find_program
from toolchain.errors import UsageError


def script(path: Path, body: str) -> Path:
    """An executable shell script at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def no_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither $ZKT_RAPIDSNARK nor a `rapidsnark` or `prover` on PATH."""
    monkeypatch.delenv("ZKT_RAPIDSNARK", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))


def refusal(raw: str, fault: str) -> str:
    return exactly(
        f"ZKT_RAPIDSNARK={raw}: {fault}: set it to the rapidsnark prover binary, or unset it"
    )


def test_a_wrong_zkt_rapidsnark_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain"
    plain.write_text("not a program\n")
    cases = [(tmp_path / "missing", "no such file"), (tmp_path, "not an executable file")]
    for path, fault in [*cases, (plain, "not an executable file")]:
        monkeypatch.setenv("ZKT_RAPIDSNARK", str(path))
        with pytest.raises(UsageError, match=refusal(str(path), fault)):
            RapidsnarkBackend().available()


def test_zkt_rapidsnark_comes_before_path_and_empty_means_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_path = script(tmp_path / "bin" / "prover", "exit 0")
    configured = script(tmp_path / "build" / "prover", "exit 0")
    monkeypatch.setenv("PATH", str(on_path.parent))
    monkeypatch.setenv("ZKT_RAPIDSNARK", str(configured))
    assert find_program() == configured
    monkeypatch.setenv("ZKT_RAPIDSNARK", "")
    assert find_program() == on_path


@pytest.mark.usefixtures("no_binary")
def test_missing_names_both_ways_to_find_it() -> None:
    backend = RapidsnarkBackend()
    assert not backend.available()
    assert backend.missing() == (
        "ZKT_RAPIDSNARK is not set and none of rapidsnark, prover is on PATH"
    )


@pytest.mark.usefixtures("no_binary")
def test_report_line_without_a_binary() -> None:
    assert report_line(6) == (
        "rapidsnark: not found (set ZKT_RAPIDSNARK or put prover on PATH):"
        " 6 real-binary tests not run"
    )


def test_report_line_with_a_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = script(tmp_path / "bin" / "prover", "exit 1")
    monkeypatch.setenv("ZKT_RAPIDSNARK", str(program))
    monkeypatch.setattr(binary, "version_of", lambda found: f"v0.0.6 at {found.name}")
    assert report_line(6) == f"rapidsnark: {program} (v0.0.6 at prover): 6 real-binary tests run"
