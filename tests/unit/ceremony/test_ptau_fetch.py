"""ptau download against local HTTP servers: resume, mirror fallback, hash pinning, pick_power."""

from __future__ import annotations

import hashlib
import random
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from toolchain.ceremony.ptau_fetch import (
    DownloadError,
    PtauRelease,
    default_mirrors,
    ensure_ptau,
    fetch_ptau,
    mirror_bases,
    pick_power,
    read_releases,
    release_for_power,
)
from toolchain.errors import IntegrityError, UsageError

DATA = random.Random(636).randbytes(300 * 1024)
RELEASE = PtauRelease(
    power=8,
    file_name="fake_08.ptau",
    blake2b=hashlib.blake2b(DATA).hexdigest(),
    max_constraints=256,
    url="http://127.0.0.1:9/fake_08.ptau",
)
RELEASES = {8: RELEASE}


@dataclass
class Behaviour:
    """What one test server answers to GET /fake_08.ptau."""

    body: bytes = DATA
    status: int = 200
    ranges: bool = True
    cut_first_at: int | None = None  # the first reply closes the connection after this byte
    location: str | None = None  # answer 302 to here
    requests: list[dict[str, str]] = field(default_factory=list)


def _handler_for(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            behaviour.requests.append(dict(self.headers.items()))
            if behaviour.location is not None:
                self._reply(302, b"", {"Location": behaviour.location + self.path})
            elif behaviour.status != 200:
                self._reply(behaviour.status, b"", {})
            else:
                self._serve(behaviour.body)

        def _serve(self, body: bytes) -> None:
            match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if not (behaviour.ranges and match):
                self._reply(200, body, {}, 0)
            elif int(match.group(1)) >= len(body):
                self._reply(416, b"", {"Content-Range": f"bytes */{len(body)}"})
            else:
                start = int(match.group(1))
                span = f"bytes {start}-{len(body) - 1}/{len(body)}"
                self._reply(206, body[start:], {"Content-Range": span}, start)

        def _reply(self, status: int, body: bytes, headers: dict[str, str], start: int = 0) -> None:
            self.send_response(status)
            if behaviour.ranges:
                headers = {**headers, "Accept-Ranges": "bytes"}
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            cut = behaviour.cut_first_at
            if cut is not None and len(behaviour.requests) == 1:
                body = body[: max(0, cut - start)]
                self.close_connection = True
            self.wfile.write(body)

    return Handler


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], str]]:
    """Start local servers for one test; each call returns its base URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(behaviour: Behaviour) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(behaviour))
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def fetch(dest: Path, mirrors: list[str]) -> Path:
    return fetch_ptau(8, dest, mirrors, progress=False, releases=RELEASES)


def test_download_writes_verified_file(serve: Callable[[Behaviour], str], tmp_path: Path) -> None:
    dest = tmp_path / "sub" / "pot.ptau"
    assert fetch(dest, [serve(Behaviour())]) == dest
    assert dest.read_bytes() == DATA
    assert not (tmp_path / "sub" / "pot.ptau.part").exists()


def test_interrupted_download_resumes_with_range(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    behaviour = Behaviour(cut_first_at=100_000)
    base = serve(behaviour)
    dest, part = tmp_path / "pot.ptau", tmp_path / "pot.ptau.part"
    with pytest.raises(
        DownloadError,
        match=(
            r"^no mirror delivered fake_08\.ptau with the pinned blake2b 5f39a0cd2143c32d\.\.\.:\n"
            r"  http://127\.0\.0\.1:\d+/fake_08\.ptau: RemoteProtocolError: peer closed"
            r" connection without sending complete message body \(received 100000 bytes,"
            r" expected 307200\)\n"
            r"add a mirror serving this exact file with \$ZKT_PTAU_MIRRORS=<base URL>"
            r"\[,<base URL>\.\.\.\] \(any host will do: the hash is checked\)\n"
            r"the partial download .*/pot\.ptau\.part is kept and will be resumed$"
        ),
    ):
        fetch(dest, [base])
    assert part.read_bytes() == DATA[:100_000] and not dest.exists()
    fetch(dest, [base])
    assert dest.read_bytes() == DATA and not part.exists()
    assert "Range" not in behaviour.requests[0]
    assert behaviour.requests[1]["Range"] == "bytes=100000-"


def test_truncated_body_resumes_at_next_mirror(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    second = Behaviour()
    fetch(tmp_path / "pot.ptau", [serve(Behaviour(cut_first_at=50_000)), serve(second)])
    assert (tmp_path / "pot.ptau").read_bytes() == DATA
    assert second.requests[0]["Range"] == "bytes=50000-"


def test_truncated_body_without_ranges_starts_over(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    second = Behaviour()
    first = serve(Behaviour(cut_first_at=50_000, ranges=False))
    fetch(tmp_path / "pot.ptau", [first, serve(second)])
    assert (tmp_path / "pot.ptau").read_bytes() == DATA
    assert "Range" not in second.requests[0]


def test_server_ignoring_range_restarts_from_zero(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    behaviour = Behaviour(ranges=False)
    (tmp_path / "pot.ptau.part").write_bytes(DATA[:1000])
    fetch(tmp_path / "pot.ptau", [serve(behaviour)])
    assert (tmp_path / "pot.ptau").read_bytes() == DATA
    assert behaviour.requests[0]["Range"] == "bytes=1000-"


def test_complete_partial_answered_416_is_verified(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    behaviour = Behaviour()
    (tmp_path / "pot.ptau.part").write_bytes(DATA)
    fetch(tmp_path / "pot.ptau", [serve(behaviour)])
    assert (tmp_path / "pot.ptau").read_bytes() == DATA
    assert len(behaviour.requests) == 1


def test_bad_partial_is_dropped_and_fetched_fresh(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    behaviour = Behaviour()
    (tmp_path / "pot.ptau.part").write_bytes(b"\0" * 1000)
    fetch(tmp_path / "pot.ptau", [serve(behaviour)])
    assert (tmp_path / "pot.ptau").read_bytes() == DATA
    assert [r.get("Range") for r in behaviour.requests] == ["bytes=1000-", None]


def test_wrong_bytes_fall_back_to_next_mirror(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    bad = serve(Behaviour(body=DATA[:-1] + b"\0"))
    dest = tmp_path / "pot.ptau"
    fetch(dest, [bad, serve(Behaviour())])
    assert dest.read_bytes() == DATA


def test_wrong_bytes_everywhere_leave_no_file(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    with pytest.raises(DownloadError, match=r"fake_08.ptau: blake2b [0-9a-f]{16}\.\.\. != pinned"):
        fetch(tmp_path / "pot.ptau", [serve(Behaviour(body=b"x" * 5000))])
    assert list(tmp_path.iterdir()) == []


def test_404_falls_back_to_next_mirror(serve: Callable[[Behaviour], str], tmp_path: Path) -> None:
    missing = Behaviour(status=404)
    fetch(tmp_path / "pot.ptau", [serve(missing), serve(Behaviour())])
    assert (tmp_path / "pot.ptau").read_bytes() == DATA
    assert len(missing.requests) == 1


def test_redirect_to_another_server_is_followed(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    target = Behaviour()
    (tmp_path / "pot.ptau.part").write_bytes(DATA[:7])
    fetch(tmp_path / "pot.ptau", [serve(Behaviour(location=serve(target)))])
    assert (tmp_path / "pot.ptau").read_bytes() == DATA
    assert target.requests[0]["Range"] == "bytes=7-"


def test_all_mirrors_failing_names_each(serve: Callable[[Behaviour], str], tmp_path: Path) -> None:
    mirrors = [serve(Behaviour(status=404)), serve(Behaviour(status=503)), closed_port_url()]
    with pytest.raises(
        DownloadError,
        match=(
            r"^no mirror delivered fake_08\.ptau with the pinned blake2b 5f39a0cd2143c32d\.\.\.:\n"
            r"  http://127\.0\.0\.1:\d+/fake_08\.ptau: HTTP 404 Not Found\n"
            r"  http://127\.0\.0\.1:\d+/fake_08\.ptau: HTTP 503 Service Unavailable\n"
            r"  http://127\.0\.0\.1:\d+/fake_08\.ptau: ConnectError: \[Errno 111\] Connection"
            r" refused\n"
            r"add a mirror serving this exact file with \$ZKT_PTAU_MIRRORS=<base URL>"
            r"\[,<base URL>\.\.\.\] \(any host will do: the hash is checked\)$"
        ),
    ) as raised:
        fetch(tmp_path / "pot.ptau", mirrors)
    message = str(raised.value)
    for base, reason in zip(mirrors, ["HTTP 404", "HTTP 503", "ConnectError"], strict=True):
        assert re.search(f"{re.escape(base)}/fake_08.ptau: {reason}", message)
    assert raised.value.exit_code == 7
    assert not (tmp_path / "pot.ptau").exists()


def test_existing_good_dest_makes_no_request(
    serve: Callable[[Behaviour], str], tmp_path: Path
) -> None:
    behaviour = Behaviour()
    dest = tmp_path / "pot.ptau"
    dest.write_bytes(DATA)
    assert fetch(dest, [serve(behaviour)]) == dest
    assert behaviour.requests == []


def test_existing_bad_dest_is_refused(serve: Callable[[Behaviour], str], tmp_path: Path) -> None:
    behaviour = Behaviour()
    dest = tmp_path / "pot.ptau"
    dest.write_bytes(b"mine")
    with pytest.raises(IntegrityError, match="move or delete it"):
        fetch(dest, [serve(behaviour)])
    assert dest.read_bytes() == b"mine" and behaviour.requests == []


def test_ensure_ptau_fetches_the_table_file_into_the_cache(
    serve: Callable[[Behaviour], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZKT_CACHE", str(tmp_path))
    behaviour = Behaviour(status=404)
    with pytest.raises(DownloadError, match=r"powersOfTau28_hez_final_08\.ptau: HTTP 404"):
        ensure_ptau(8, [serve(behaviour)], progress=False)
    assert (tmp_path / "ptau").is_dir() and len(behaviour.requests) == 1


def _snarkjs_power(n_constraints: int, n_public: int) -> int:
    # Port of zkey_new.js: log2(nConstraints + nPubInputs + nOutputs + 1 - 1) + 1, floor log2.
    value = n_constraints + n_public
    return (value.bit_length() - 1 if value else 0) + 1


@pytest.mark.parametrize(
    ("n_constraints", "n_public", "power"),
    [(0, 0, 8), (1, 1, 8), (255, 0, 8), (255, 1, 9), (256, 0, 9), (1000, 23, 10), (1000, 24, 11),
     (2**20 - 3, 3, 21), (2**28 - 1, 0, 28)],
)  # fmt: skip
def test_pick_power(n_constraints: int, n_public: int, power: int) -> None:
    assert pick_power(n_constraints, n_public) == power
    assert power == max(8, _snarkjs_power(n_constraints, n_public))


def test_pick_power_beyond_28_is_refused() -> None:
    with pytest.raises(UsageError, match="2\\^28"):
        pick_power(2**28, 0)


def test_pinned_table_covers_8_to_28() -> None:
    releases = read_releases()
    assert sorted(releases) == list(range(8, 29))
    assert releases[28].file_name == "powersOfTau28_hez_final.ptau"
    assert releases[10].max_constraints == 1024
    assert all(len(r.blake2b) == 128 for r in releases.values())


def test_unknown_power_lists_valid_range() -> None:
    with pytest.raises(UsageError, match="8\\.\\.28"):
        release_for_power(7)


def test_mirrors_come_from_caller_then_env_then_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    release = release_for_power(10)
    monkeypatch.delenv("ZKT_PTAU_MIRRORS", raising=False)
    defaults = [
        "https://storage.googleapis.com/zkevm/ptau",
        "https://hermez.s3-eu-west-1.amazonaws.com",
    ]
    assert mirror_bases(release) == default_mirrors(release) == defaults
    monkeypatch.setenv("ZKT_PTAU_MIRRORS", "https://a.example/p/, http://b.example  https://c")
    assert mirror_bases(release) == ["https://a.example/p", "http://b.example", "https://c"]
    assert mirror_bases(release, ["https://d.example"]) == ["https://d.example"]
    with pytest.raises(
        UsageError, match=r"^ptau mirror 'ftp://e\.example' is not an http\(s\) URL$"
    ):
        mirror_bases(release, ["ftp://e.example"])
