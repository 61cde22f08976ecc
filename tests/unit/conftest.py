"""Unit tests never start external tools: the entry points that would are disabled here."""

from __future__ import annotations

from typing import NoReturn

import pytest


def _refuse(*_args: object, **_kwargs: object) -> NoReturn:
    raise AssertionError("a unit test tried to start an external tool; make it an integration test")


@pytest.fixture(autouse=True)
def _no_external_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("toolchain.runner.command.run", _refuse)
    monkeypatch.setattr("toolchain.runner.command.run_streaming", _refuse)
    monkeypatch.setattr("toolchain.runner.wasi.run_wasi_command", _refuse)
