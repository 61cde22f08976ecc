"""The compiled-module cache loads only modules we wrote: private to this user, sha256 as named."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
import wasmtime

from toolchain.runner import wasi
from toolchain.runner.wasi import load_module

WAT = '(module (func (export "answer") (result i32) (i32.const 42)))'


@pytest.fixture
def wasm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small module on disk; this process's memo of loaded modules starts empty."""
    monkeypatch.setattr(wasi, "_LOADED", {})
    path = tmp_path / "answer.wasm"
    path.write_bytes(wasmtime.wat2wasm(WAT))
    return path


@pytest.fixture
def deserialized(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every cache file wasmtime deserialises (it still does)."""
    seen: list[str] = []
    real = wasmtime.Module.deserialize_file

    def spy(engine: wasmtime.Engine, path: str) -> wasmtime.Module:
        seen.append(path)
        return real(engine, path)

    monkeypatch.setattr(wasmtime.Module, "deserialize_file", spy)
    return seen


def _reload(wasm: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> wasmtime.Module:
    """Load `wasm` as a new process would: from the disk cache, not this process's memo."""
    monkeypatch.setattr(wasi, "_LOADED", {})
    return load_module(wasm, cache)


def _answer(module: wasmtime.Module) -> object:
    store = wasmtime.Store(wasi.shared_engine())
    answer = wasmtime.Instance(store, module, []).exports(store)["answer"]
    assert isinstance(answer, wasmtime.Func)
    return answer(store)


def test_a_cached_module_is_named_by_its_sha256_in_a_private_folder(
    wasm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deserialized: list[str]
) -> None:
    load_module(wasm, tmp_path / "cache")
    [cached] = (tmp_path / "cache" / "wasmtime").iterdir()
    digest = hashlib.sha256(wasm.read_bytes()).hexdigest()
    stem, named, suffix = cached.name.rsplit(".", 2)
    assert stem.startswith(f"{digest}-") and suffix == "cwasm"
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == named
    assert stat.S_IMODE(cached.parent.stat().st_mode) == 0o700
    assert _answer(_reload(wasm, tmp_path / "cache", monkeypatch)) == 42
    assert deserialized == [str(cached)]


def test_a_module_others_can_write_is_compiled_again_not_loaded(
    wasm: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deserialized: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    load_module(wasm, tmp_path / "cache")
    [cached] = (tmp_path / "cache" / "wasmtime").iterdir()
    cached.chmod(0o666)
    assert _answer(_reload(wasm, tmp_path / "cache", monkeypatch)) == 42
    assert deserialized == []
    assert f"ignoring cached module: {cached}: writable by others (mode 666)" in caplog.text
    assert stat.S_IMODE(cached.stat().st_mode) == 0o644  # rewritten by us
    _reload(wasm, tmp_path / "cache", monkeypatch)
    assert len(deserialized) == 1


def test_a_module_in_a_folder_others_can_write_is_not_loaded(
    wasm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deserialized: list[str]
) -> None:
    load_module(wasm, tmp_path / "cache")
    folder = tmp_path / "cache" / "wasmtime"
    folder.chmod(0o777)
    _reload(wasm, tmp_path / "cache", monkeypatch)
    assert deserialized == []
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # closed again when the module is stored


def test_a_module_of_another_user_is_not_loaded(
    wasm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deserialized: list[str]
) -> None:
    load_module(wasm, tmp_path / "cache")
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    _reload(wasm, tmp_path / "cache", monkeypatch)
    assert deserialized == []


def test_a_module_whose_hash_is_not_its_name_is_compiled_again(
    wasm: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deserialized: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    load_module(wasm, tmp_path / "cache")
    [cached] = (tmp_path / "cache" / "wasmtime").iterdir()
    whole = cached.read_bytes()
    cached.write_bytes(whole[:100] + bytes([whole[100] ^ 1]) + whole[101:])
    assert _answer(_reload(wasm, tmp_path / "cache", monkeypatch)) == 42
    assert deserialized == []
    assert f"ignoring cached module: {cached}: its sha256 is " in caplog.text
    assert cached.read_bytes() == whole


def test_an_entry_of_the_old_unnamed_format_is_replaced(
    wasm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deserialized: list[str]
) -> None:
    load_module(wasm, tmp_path / "cache")
    [cached] = (tmp_path / "cache" / "wasmtime").iterdir()
    old = cached.with_name(cached.name.rsplit(".", 2)[0] + ".cwasm")
    cached.rename(old)
    _reload(wasm, tmp_path / "cache", monkeypatch)
    assert deserialized == []
    assert [p.name for p in old.parent.iterdir()] == [cached.name]
