"""The participant's HTTP client against scripted answers (httpx.MockTransport): refusals in
their exit-code families, bounded retries with backoff, resumed downloads, streamed uploads,
the queue wait and leaving on Ctrl-C."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from toolchain.ceremony.phase2 import mpc_params
from toolchain.ceremony.ptau_fetch import DownloadError
from toolchain.coordinator.client import Backoff, Coordinator
from toolchain.coordinator.participant import (
    circuit_of,
    duration,
    leaving_on_failure,
    recover_receipt,
    wait_for_slot,
)
from toolchain.coordinator.protocol import ActiveTurn, CeremonyInfo, CircuitState
from toolchain.errors import FormatError, IntegrityError, UsageError, VerificationError

Handler = Callable[[httpx.Request], httpx.Response]
KEY = bytes(range(256)) * 40
VECTORS = Path(__file__).resolve().parents[2] / "vectors"


def coordinator(handler: Handler, sleeps: list[float] | None = None) -> Coordinator:
    """A client of a scripted coordinator; its waits are recorded, not slept."""
    record = sleeps if sleeps is not None else []
    return Coordinator(
        "http://coordinator.test",
        "tok",
        sleep=record.append,
        transport=httpx.MockTransport(handler),
    )


def error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}})


def queue_state(state: str, **extra: object) -> dict[str, object]:
    base = {"state": state, "queue_length": 3, "retries_left": 2, "heartbeat_seconds": 7,
            "circuits_pending": ["multiplier_2"]}  # fmt: skip
    return base | extra


@pytest.mark.parametrize(
    ("status", "code", "family"),
    [
        (409, "not_your_slot", UsageError),
        (403, "invite_invalid", UsageError),
        (422, "chain_rebuilt", VerificationError),
        (400, "wrong_size", IntegrityError),
    ],
)
def test_a_refusal_is_one_line_in_its_family(status: int, code: str, family: type) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return error(status, code, "what went wrong")

    with pytest.raises(family) as caught:
        coordinator(handler).turn()
    assert str(caught.value) == f"what went wrong ({code})"
    assert len(calls) == 1  # a refusal is not retried


def test_transient_failures_are_retried_with_backoff() -> None:
    done = httpx.Response(200, json=queue_state("left"))
    answers: list[object] = [
        httpx.ConnectError("refused"), httpx.Response(503), httpx.ReadTimeout("slow"), done
    ]  # fmt: skip
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx.Response)
        return answer

    assert coordinator(handler, sleeps).queue("me").state == "left"
    assert sleeps == [0.5, 1.0, 2.0]


def test_retries_are_bounded_and_honour_retry_after() -> None:
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3"})

    with pytest.raises(
        DownloadError, match=r"/api/v1/status: HTTP 429 \(gave up after 8 attempts\)"
    ):
        coordinator(handler, sleeps).request("GET", "/status")
    assert sleeps == [3.0, 3.0, 3.0, 4.0, 8.0, 15.0, 15.0]
    assert list(Backoff(attempts=4, first=1.0, cap=3.0).delays()) == [1.0, 2.0, 3.0]


def test_a_call_that_must_not_repeat_is_not_resent_once_sent() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("no answer")

    with pytest.raises(DownloadError, match=r"/api/v1/register: ReadTimeout: no answer"):
        coordinator(handler).register("alice", None)
    assert len(calls) == 1


def test_a_server_that_is_not_a_url_is_refused() -> None:
    with pytest.raises(UsageError, match=r"--server 'localhost:8787': give the coordinator's"):
        Coordinator("localhost:8787")


class Cut(httpx.SyncByteStream):
    """A body that stops after `keep` bytes with a dropped connection."""

    def __init__(self, data: bytes, keep: int) -> None:
        self.data, self.keep = data, keep

    def __iter__(self) -> Iterator[bytes]:
        yield self.data[: self.keep]
        raise httpx.ReadError("connection reset")


def turn(data: bytes = KEY) -> ActiveTurn:
    return ActiveTurn(circuit="multiplier_2", index=2, sha256=hashlib.sha256(data).hexdigest(),
                      size=len(data), upload_size=len(data) + 100)  # fmt: skip


def test_a_dropped_download_resumes_with_a_range(tmp_path: Path) -> None:
    ranges: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/circuits/multiplier_2/keys/2"
        ranges.append(request.headers.get("range"))
        if len(ranges) == 1:
            return httpx.Response(200, headers={"Content-Length": str(len(KEY)),
                                  "Accept-Ranges": "bytes"}, stream=Cut(KEY, 3000))  # fmt: skip
        start = int(request.headers["range"].removeprefix("bytes=").rstrip("-"))
        headers = {"Content-Range": f"bytes {start}-{len(KEY) - 1}/{len(KEY)}"}
        return httpx.Response(206, headers=headers, stream=httpx.ByteStream(KEY[start:]))

    sleeps: list[float] = []
    got = coordinator(handler, sleeps).download(turn(), tmp_path / "multiplier_2_0002.zkey", False)
    assert got.read_bytes() == KEY and ranges == [None, "bytes=3000-"] and sleeps == [0.5]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["multiplier_2_0002.zkey"]


def test_a_download_with_another_hash_is_refused_and_removed(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(KEY[:-1] + b"\x00"))

    shown = r"multiplier_2 key 2: downloaded 10240 bytes with sha256 [0-9a-f]{16}…, the coord"
    with pytest.raises(IntegrityError, match=shown + r"inator announced 10240 bytes"):
        coordinator(handler).download(turn(), tmp_path / "k.zkey", False)
    assert not list(tmp_path.iterdir())


def test_an_upload_streams_with_its_exact_content_length(tmp_path: Path) -> None:
    key = tmp_path / "multiplier_2_0003.zkey"
    key.write_bytes(KEY)
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(path=request.url.path, length=request.headers.get("content-length"),
                    chunked="transfer-encoding" in request.headers, body=request.read(),
                    auth=request.headers.get("authorization"))  # fmt: skip
        return error(422, "wrong_name", "named bob, registered as alice")

    with pytest.raises(VerificationError, match=r"^named bob, registered as alice \(wrong_name\)$"):
        coordinator(handler).upload("multiplier_2", key)
    assert seen == {"path": "/api/v1/contributions/multiplier_2", "length": str(len(KEY)),
                    "chunked": False, "body": KEY, "auth": "Bearer tok"}  # fmt: skip


def test_waiting_shows_position_and_eta_and_heartbeats_at_the_interval() -> None:
    answers = [queue_state("waiting", position=2, eta_seconds=200.0),
               queue_state("waiting", position=2, eta_seconds=200.0),
               queue_state("waiting", position=1, eta_seconds=61.0),
               queue_state("active", deadline=2e9, queue_length=2)]  # fmt: skip
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(f"{request.method} {request.url.path.removeprefix('/api/v1')}")
        return httpx.Response(200, json=answers.pop(0))

    lines: list[str] = []
    sleeps: list[float] = []
    state = wait_for_slot(coordinator(handler, sleeps), lines.append)
    assert state.state == "active"
    assert paths == ["POST /queue/join"] + ["POST /queue/heartbeat"] * 3
    assert sleeps == [7, 7, 7]
    assert lines[:2] == [
        "waiting: position 2 of 3, ETA 3m20s",
        "waiting: position 1 of 3, ETA 1m01s",
    ]
    assert lines[2].startswith("your turn: multiplier_2; deadline 2033-05-18T03:33:20+00:00 (in ")


def test_an_expired_place_is_said_with_the_coordinators_message() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=queue_state("expired", message="3 heartbeats missed"))

    with pytest.raises(
        UsageError, match=r"^no slot: the coordinator says you are expired: 3 heart"
    ):
        wait_for_slot(coordinator(handler), lambda _: None)


def test_ctrl_c_leaves_the_queue() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(200, json=queue_state("left"))

    lines: list[str] = []
    with pytest.raises(KeyboardInterrupt), leaving_on_failure(coordinator(handler), lines.append):
        raise KeyboardInterrupt
    assert paths == ["/api/v1/queue/leave"] and lines == ["interrupted: left the queue"]


def test_durations() -> None:
    assert [duration(s) for s in (0, 45.4, 200, 3725)] == ["0s", "45s", "3m20s", "1h02m"]


def test_receipt_fields_name_the_first_difference() -> None:
    from toolchain.coordinator.protocol import Receipt
    from toolchain.coordinator.verify_receipt import check_fields

    receipt = Receipt(ceremony="c", circuit="m", index=3, participant="alice",
                      contribution_hash="ab" * 64, previous_hash="cd" * 64, file_sha256="ef" * 32,
                      time="t", coordinator_public_key="00" * 32)  # fmt: skip
    check_fields(receipt, {"index": 3, "participant": "alice"}, "x")
    with pytest.raises(VerificationError, match=r"^receipt m #3: index is 3, your upload says 4$"):
        check_fields(receipt, {"index": 4}, "your upload")
    assert json.loads(receipt.model_dump_json())["index"] == 3


def signed_for(data: bytes) -> dict[str, object]:
    """A receipt body (unsigned content does not matter here) for a key with bytes `data`."""
    receipt = {"ceremony": "c", "circuit": "multiplier_2", "index": 3, "participant": "alice",
               "contribution_hash": "ab" * 64, "previous_hash": "cd" * 64,
               "file_sha256": hashlib.sha256(data).hexdigest(), "time": "t",
               "coordinator_public_key": "00" * 32}  # fmt: skip
    return {"receipt": receipt, "signature": "00" * 64}


def test_a_lost_upload_answer_is_found_once_verified(tmp_path: Path) -> None:
    key = tmp_path / "multiplier_2_0003.zkey"
    key.write_bytes(KEY)
    answers = [error(404, "not_found", "no receipt"), httpx.Response(200, json=queue_state(
        "verifying")), httpx.Response(200, json=signed_for(KEY))]  # fmt: skip
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path.removeprefix("/api/v1"))
        return answers.pop(0)

    sleeps: list[float] = []
    found = recover_receipt(coordinator(handler, sleeps), turn(), key)
    assert found.receipt.file_sha256 == hashlib.sha256(KEY).hexdigest()
    assert paths == ["/receipts/multiplier_2/3", "/queue/me", "/receipts/multiplier_2/3"]
    assert sleeps == [2.0]


def test_a_lost_upload_is_sent_again_when_nothing_was_accepted(tmp_path: Path) -> None:
    key = tmp_path / "multiplier_2_0003.zkey"
    key.write_bytes(KEY)
    answers = [error(404, "not_found", "no receipt"),
               httpx.Response(200, json=queue_state("active")),
               httpx.Response(200, json=signed_for(KEY))]  # fmt: skip
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path.removeprefix('/api/v1')}")
        return answers.pop(0)

    recover_receipt(coordinator(handler), turn(), key)
    assert calls[-1] == "PUT /contributions/multiplier_2"


def ceremony_with(*circuits: tuple[str, str]) -> CeremonyInfo:
    """A CeremonyInfo naming `circuits` as (name, circuit hash) pairs."""
    states = [CircuitState(name=name, cs_hash=cs, index=0, contributions=0, sha256="0" * 64,
                           size=1, contribution_hash=cs) for name, cs in circuits]  # fmt: skip
    return CeremonyInfo(ceremony="c", circuits=states, coordinator_public_key="00" * 32,
                        min_contributions=1, invite_only=False, slot_seconds=600,
                        heartbeat_seconds=15, max_retries=2, closed=False)  # fmt: skip


def test_a_keys_circuit_is_found_by_its_circuit_hash(tmp_path: Path) -> None:
    key = VECTORS / "multiplier" / "multiplier_0001.zkey"
    cs = mpc_params(key).cs_hash.hex()
    assert circuit_of(ceremony_with(("range_32", "ab" * 64), ("multiplier_2", cs)), key) == (
        "multiplier_2"
    )
    renamed = tmp_path / "range_32_0001.zkey"
    renamed.write_bytes(key.read_bytes())
    assert circuit_of(ceremony_with(("multiplier_2", cs), ("range_32", cs)), renamed) == "range_32"
    with pytest.raises(UsageError, match=r"circuit hash [0-9a-f]{16}… is none of this ceremony's"
                       r" circuits \(range_32\)$"):  # fmt: skip
        circuit_of(ceremony_with(("range_32", "ab" * 64)), key)
    with pytest.raises(UsageError, match=r"several circuits have its circuit hash \(a, b\)"):
        circuit_of(ceremony_with(("a", cs), ("b", cs)), key)


def test_something_that_is_not_a_coordinator_is_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/ceremony"):
            return httpx.Response(200, json={"hello": "world"})
        return httpx.Response(404, text="<html>not here</html>")

    shown = r"^http://coordinator.test/api/v1/turn: HTTP 404 without an error code \(is --server"
    with pytest.raises(UsageError, match=shown + r" a zk-toolchain coordinator\?\)$"):
        coordinator(handler).turn()
    with pytest.raises(FormatError) as caught:
        coordinator(handler).ceremony()
    assert str(caught.value) == (
        "the coordinator's answer is not a CeremonyInfo: 10 validation errors for CeremonyInfo"
    )
