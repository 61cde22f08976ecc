"""join's download cache (participant.cached_download) against scripted answers: a key already
downloaded is not fetched again, and an announced sha256 that is not 64 hex digits never
becomes a file name."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from tests.unit.coordinator.test_client import KEY, coordinator, turn
from toolchain.coordinator.participant import cached_download
from toolchain.errors import FormatError


def no_request(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request {request.url}")


def test_a_key_already_downloaded_is_not_fetched_again(tmp_path: Path) -> None:
    kept = tmp_path / f"{hashlib.sha256(KEY).hexdigest()}.zkey"
    kept.write_bytes(KEY)
    reports: list[str] = []
    assert cached_download(coordinator(no_request), turn(), tmp_path, reports.append) == kept
    assert reports == []


def test_an_announced_sha256_that_is_no_hash_is_refused(tmp_path: Path) -> None:
    hostile = turn().model_copy(update={"sha256": "../../outside"})
    cache = tmp_path / "cache"
    shown = "multiplier_2: the coordinator announced sha256 '../../outside', not 64 hex digits"
    with pytest.raises(FormatError, match=f"^{shown}$"):
        cached_download(coordinator(no_request), hostile, cache, lambda _: None)
    assert not cache.exists() and list(tmp_path.iterdir()) == []
