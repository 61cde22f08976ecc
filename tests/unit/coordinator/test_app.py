"""The HTTP layer's pure parts: the rate limiter, Range parsing, the status page."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.coordinator.app import RangeRefusal, RateLimiter, ranged_file, status_page
from toolchain.coordinator.protocol import QueueStatus
from toolchain.coordinator.service import Refusal


def test_the_rate_limit_is_per_key_and_per_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    limiter.check("a"), limiter.check("a"), limiter.check("b")
    with pytest.raises(Refusal) as caught:
        limiter.check("a")
    assert (caught.value.code, caught.value.retry_after) == ("rate_limited", 60.0)
    now[0] = 60.5
    limiter.check("a")


@pytest.mark.parametrize(
    ("header", "expected"),
    [("bytes=0-3", "bytes 0-3/10"), ("bytes=7-", "bytes 7-9/10"), ("bytes=-4", "bytes 6-9/10"),
     ("bytes=8-99", "bytes 8-9/10")],
)  # fmt: skip
def test_ranges(tmp_path: Path, header: str, expected: str) -> None:
    path = tmp_path / "k"
    path.write_bytes(bytes(range(10)))
    answer = ranged_file(path, "ab", header)
    assert (answer.status_code, answer.headers["content-range"]) == (206, expected)


@pytest.mark.parametrize(
    "header", ["bytes=10-", "bytes=5-2", "bytes=-", "items=0-1", "bytes=0-1,3-4"]
)
def test_ranges_that_cannot_be_served(tmp_path: Path, header: str) -> None:
    path = tmp_path / "k"
    path.write_bytes(bytes(10))
    with pytest.raises(RangeRefusal, match=r"is not within the 10 bytes$"):
        ranged_file(path, "ab", header)


def test_the_status_page_escapes_and_has_no_script() -> None:
    status = QueueStatus(
        ceremony="<b>x</b>", closed=False, queue_length=0, current_contributor="<script>",
        current_deadline=None, circuits=[], average_turn_seconds=None,
        estimated_wait_seconds=None,
    )  # fmt: skip
    page = status_page(status)
    assert "<script" not in page and "&lt;script&gt;" in page and "&lt;b&gt;" in page
    assert '<meta http-equiv="refresh" content="10">' in page
