"""Tests for toolchain.native.engines: choosing an engine by name, and by $ZKT_ENGINE through
toolchain.config.engine_name."""

from __future__ import annotations

import re
import sys

import pytest

from toolchain.config import ENGINE_ENV, engine_name
from toolchain.errors import ToolError, UsageError
from toolchain.native import engine_mcl
from toolchain.native.engine_mcl import MclEngine
from toolchain.native.engine_pure import PureEngine
from toolchain.native.engines import get_engine, mcl_unavailable_reason


def test_default_engine_is_mcl_when_it_loads_else_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert get_engine(engine_name(None)).name == ("pure" if mcl_unavailable_reason() else "mcl")
    assert get_engine("pure").name == "pure"


def test_engine_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ENV, "pure")
    assert isinstance(get_engine(engine_name(None)), PureEngine)
    monkeypatch.setenv(ENGINE_ENV, "no-such-engine")
    with pytest.raises(UsageError, match="no-such-engine"):
        get_engine(engine_name(None))


def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no-such-engine"):
        get_engine("no-such-engine")


def test_auto_prefers_mcl_and_names_or_environment_override(
    mcl_engine: MclEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert get_engine(engine_name(None)).name == get_engine("auto").name == "mcl"
    assert isinstance(get_engine("pure"), PureEngine)
    monkeypatch.setenv(ENGINE_ENV, "pure")
    assert isinstance(get_engine(engine_name(None)), PureEngine)
    assert isinstance(get_engine("mcl"), MclEngine)


def test_without_the_wheel_auto_is_pure_and_mcl_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    monkeypatch.setitem(sys.modules, "mclbn256", None)  # makes `import mclbn256` fail
    monkeypatch.setattr(engine_mcl, "_loaded_mcl", engine_mcl._loaded_mcl.__wrapped__)
    assert "pip install 'zk-toolchain[fast]'" in (mcl_unavailable_reason() or "")
    assert isinstance(get_engine(engine_name(None)), PureEngine)
    with pytest.raises(ToolError, match=r"pip install 'zk-toolchain\[fast\]'"):
        get_engine("mcl")
    monkeypatch.setenv(ENGINE_ENV, "mcl")
    with pytest.raises(ToolError, match="mclbn256"):
        get_engine(engine_name(None))


def test_unknown_engine_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="known: auto, pure, mcl"):
        get_engine("gpu")


def test_engine_name_is_explicit_else_environment_else_auto(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert engine_name(None) == "auto"
    monkeypatch.setenv(ENGINE_ENV, "pure")
    assert engine_name(None) == "pure"
    assert engine_name("mcl") == "mcl"


def test_unknown_engine_from_environment_keeps_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ENV, "bogus")
    message = "unknown engine 'bogus' (by name or $ZKT_ENGINE); known: auto, pure, mcl"
    with pytest.raises(UsageError, match=re.escape(message)):
        get_engine(engine_name(None))
