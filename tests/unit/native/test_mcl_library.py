"""The mcl library cache: extracted once from the wheel, loaded only when private and intact."""

from __future__ import annotations

import ctypes
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.unit.conftest import skip_or_fail_without_mcl
from toolchain.native import mcl_library
from toolchain.native.mcl_library import MAIN, SUMS, cache_entry, distrust, load_library

LIBMCL = "lib/libmcl.so"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache of this test's own; the wheel must load here (or the test is skipped)."""
    skip_or_fail_without_mcl()
    monkeypatch.setenv("ZKT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every ctypes.CDLL call as (path, sha256 of the file at that moment); none really loads."""
    seen: list[tuple[str, str]] = []

    def spy(path: str, *_args: Any, **_kwargs: Any) -> object:
        seen.append((path, hashlib.sha256(Path(path).read_bytes()).hexdigest()))
        return object()

    monkeypatch.setattr(mcl_library.ctypes, "CDLL", spy)
    return seen


def _wheel_bytes() -> dict[str, bytes]:
    from mclbn256 import mclbn256 as wheel

    return {MAIN: wheel.mclbn256_bs, LIBMCL: wheel.mcl_bs}


def _entry() -> Path:
    entry = cache_entry()
    assert entry is not None
    return entry


def test_the_first_load_extracts_the_wheel_libraries_privately_with_their_hashes(
    cache: Path,
) -> None:
    load_library()
    entry = _entry()
    assert entry.is_relative_to(cache / "mcl")
    wheel = _wheel_bytes()
    for name, data in wheel.items():
        assert (entry / name).read_bytes() == data
        assert stat.S_IMODE((entry / name).stat().st_mode) == 0o600
    for folder in (entry, entry / "lib"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in wheel.items()}
    assert (entry / SUMS).read_text() == "".join(f"{h}  {n}\n" for n, h in sums.items())
    assert distrust(entry) is None


def test_a_later_load_takes_the_cached_library_without_the_wheel(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_library()

    def no_wheel() -> None:
        raise AssertionError("the wheel was imported although the cache holds its library")

    monkeypatch.setattr(mcl_library, "_wheel", no_wheel)
    library = load_library()
    assert isinstance(library, ctypes.CDLL)
    assert Path(library._name) == _entry() / MAIN
    assert library.mclBn_getVersion() > 0  # it is mcl, and libmcl came along ($ORIGIN/lib)


@pytest.mark.parametrize("name", [MAIN, LIBMCL])
def test_a_tampered_library_is_replaced_not_loaded(
    cache: Path, loads: list[tuple[str, str]], name: str
) -> None:
    load_library()
    entry = _entry()
    tampered = bytearray((entry / name).read_bytes())
    tampered[4096] ^= 1
    (entry / name).write_bytes(bytes(tampered))
    assert f"{entry / name}: its sha256 is " in (distrust(entry) or "")
    load_library()
    assert (entry / name).read_bytes() == _wheel_bytes()[name]
    tampered_hash = hashlib.sha256(tampered).hexdigest()
    assert all(digest != tampered_hash for _, digest in loads)
    assert loads == []  # replaced this time: the wheel's own copy served this process
    load_library()
    assert [path for path, _ in loads] == [str(entry / MAIN)]


def test_an_entry_others_can_write_is_replaced_not_loaded(
    cache: Path, loads: list[tuple[str, str]]
) -> None:
    load_library()
    entry = _entry()
    (entry / "lib").chmod(0o777)
    assert distrust(entry) == f"{entry / 'lib'}: writable by others (mode 777)"
    load_library()
    assert loads == []
    assert stat.S_IMODE((entry / "lib").stat().st_mode) == 0o700
    assert distrust(entry) is None


def test_files_of_another_user_are_not_trusted(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_library()
    entry = _entry()
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    assert distrust(entry) == f"{entry}: owned by uid {uid}, not by this user"


def test_a_symlinked_entry_is_not_followed(cache: Path, loads: list[tuple[str, str]]) -> None:
    load_library()
    entry = _entry()
    elsewhere = entry.with_name("elsewhere")
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere, target_is_directory=True)
    assert distrust(entry) == f"{entry}: not a folder"
    load_library()
    assert loads == []
    assert not entry.is_symlink()
    assert distrust(entry) is None


@pytest.mark.parametrize(
    "line",
    [f"{'0' * 64}  ../../elsewhere.so", f"{'0' * 64} {MAIN}", "not a line at all"],
)
def test_a_sums_file_naming_anything_else_is_refused(cache: Path, line: str) -> None:
    load_library()
    entry = _entry()
    (entry / SUMS).write_text(f"{line}\n")
    assert f"{entry / SUMS}: unexpected line" in (distrust(entry) or "")


def test_without_a_writable_cache_the_wheel_library_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    skip_or_fail_without_mcl()
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("ZKT_CACHE", str(tmp_path / "a-file" / "cache"))
    from mclbn256 import mclbn256 as wheel

    assert load_library() is wheel.lib
    assert "could not cache the mcl library" in caplog.text


def test_a_checked_library_that_does_not_load_falls_back_to_the_wheel_and_stays(
    cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    load_library()
    entry = _entry()
    before = {p: p.stat().st_mtime_ns for p in entry.rglob("*")}

    def noexec(path: str, *_args: Any, **_kwargs: Any) -> None:
        raise OSError(f"{path}: failed to map segment from shared object")

    monkeypatch.setattr(mcl_library.ctypes, "CDLL", noexec)
    from mclbn256 import mclbn256 as wheel

    assert load_library() is wheel.lib
    assert "cannot load the cached mcl library" in caplog.text
    assert {p: p.stat().st_mtime_ns for p in entry.rglob("*")} == before  # not rewritten
