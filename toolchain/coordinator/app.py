"""The coordinator's HTTP API (FastAPI): the routes of protocol.py in front of service.Coordinator.

Every route runs on the event loop thread (the SQLite connection is used from that thread
only); the one slow step, checking an uploaded key, runs in a process pool, so status, queue
and downloads keep answering while a key is verified. An upload is streamed to a temp file
with its sha256 computed on the way in, after its Content-Length was checked against the exact
size the next key must have. Every refusal is `ErrorResponse` with a CODES code and the
request id; every request is one JSON log line. Limits: request bodies (413), requests per
minute per token and per address (429 with Retry-After).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.requests import ClientDisconnect

from toolchain.coordinator.acceptance import verify_upload
from toolchain.coordinator.db import Participant
from toolchain.coordinator.protocol import (
    API,
    CODES,
    ActiveTurn,
    CeremonyInfo,
    QueueState,
    QueueStatus,
    RegisterRequest,
    RegisterResponse,
    SignedReceipt,
    TranscriptEntry,
)
from toolchain.coordinator.service import MIB, Coordinator, Upload, token_hash
from toolchain.web.models import Refusal
from toolchain.web.plumbing import Check, Wire, bearer, check_body, content_length, install

SWEEP_SECONDS = 1.0
CHUNK = 1 << 16
LOG = logging.getLogger("zkt.coordinator")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
WIRE = Wire(CODES, LOG, invalid="bad_request")
_ERRORS = WIRE.responses()


class RateLimiter:
    """At most `per_minute` requests per key in any 60 s window (keys idle for a minute are
    forgotten once more than MAX_KEYS are tracked)."""

    MAX_KEYS = 10_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self.clock = per_minute, clock
        self._seen: dict[str, deque[float]] = {}

    def check(self, key: str) -> None:
        """Count one request for `key`; Refusal rate_limited (with Retry-After) beyond the rate."""
        now = self.clock()
        if len(self._seen) > self.MAX_KEYS:
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - 60}
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - 60:
            seen.popleft()
        if len(seen) >= self.per_minute:
            wait = max(1.0, 60 - (now - seen[0]))
            raise Refusal("rate_limited", f"more than {self.per_minute} requests a minute", wait)
        seen.append(now)


class RangeRefusal(Refusal):
    """A Range header that cannot be served: 416 with `Content-Range: bytes */SIZE`."""

    def __init__(self, header: str, size: int) -> None:
        message = f"range {header!r} is not within the {size} bytes"
        super().__init__(
            "bad_request", message, status=416, headers={"Content-Range": f"bytes */{size}"}
        )


def create_app(coordinator: Coordinator, pool: Executor) -> FastAPI:
    """The ASGI app over `coordinator`; uploads are verified in `pool`."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweep_forever(coordinator))
        yield
        task.cancel()

    app = FastAPI(
        title="zk-toolchain ceremony coordinator",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install(app, WIRE, _limits(coordinator))
    app.include_router(_public_routes(coordinator))
    app.include_router(_participant_routes(coordinator, pool))
    return app


async def _sweep_forever(coordinator: Coordinator) -> None:
    while True:
        coordinator.sweep()
        await asyncio.sleep(SWEEP_SECONDS)


def _limits(coordinator: Coordinator) -> Check:
    """The checks before every route: requests per minute per address and per token, then the
    body's size (a body must say its length)."""
    limiter = RateLimiter(coordinator.options.rate_per_minute)
    max_body = coordinator.options.max_body_mib * MIB

    def check(request: Request) -> None:
        client = request.client.host if request.client else "?"
        limiter.check(f"address {client}")
        token = bearer(request)
        if token:
            limiter.check(f"token {token_hash(token)}")
        check_body(request, max_body, chunked="bad_request", limit=f"{max_body // MIB} MiB")

    return check


def _public_routes(coordinator: Coordinator) -> APIRouter:
    router = APIRouter(responses=_ERRORS)

    @router.get(API + "/ceremony")
    async def ceremony() -> CeremonyInfo:
        return coordinator.info()

    @router.get(API + "/status")
    async def status() -> QueueStatus:
        return coordinator.status()

    @router.get(API + "/transcript/{circuit}")
    async def transcript(circuit: str) -> list[TranscriptEntry]:
        return coordinator.transcript(circuit)

    @router.get(API + "/receipts/{circuit}/{index}")
    async def receipt(circuit: str, index: int) -> SignedReceipt:
        return coordinator.receipt(circuit, index)

    @router.get(API + "/pubkey")
    async def pubkey() -> dict[str, str]:
        return {"algorithm": "Ed25519", "public_key": coordinator.public_key}

    @router.get(
        API + "/circuits/{circuit}/keys/{index}",
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}}},
    )
    async def key(circuit: str, index: int, request: Request) -> Response:
        path, step = coordinator.key_file(circuit, index)
        return ranged_file(path, step.sha256, request.headers.get("range"))

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(status_page(coordinator.status()))

    return router


def ranged_file(path: Path, sha256: str, header: str | None) -> Response:
    """The file, or the one byte range `header` asks for (206; 416 if it cannot be served)."""
    size = path.stat().st_size
    headers = {"X-Content-Sha256": sha256, "ETag": f'"{sha256}"', "Accept-Ranges": "bytes"}
    start, end = 0, size - 1
    if header is not None:
        start, end = _parse_range(header, size)
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    return StreamingResponse(
        _read(path, start, end + 1),
        status_code=206 if header is not None else 200,
        media_type="application/octet-stream",
        headers=headers,
    )


def _parse_range(header: str, size: int) -> tuple[int, int]:
    match = _RANGE.match(header.strip())
    if match is None or match.groups() == ("", ""):
        raise RangeRefusal(header, size)
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(size - 1, int(last) if last else size - 1)
    if start > end or start >= size:
        raise RangeRefusal(header, size)
    return start, end


async def _read(path: Path, start: int, stop: int) -> AsyncIterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(start)
        while start < stop:
            chunk = fh.read(min(CHUNK, stop - start))
            if not chunk:
                return
            start += len(chunk)
            yield chunk


def _participant_routes(coordinator: Coordinator, pool: Executor) -> APIRouter:
    router = APIRouter(responses=_ERRORS)

    def who(request: Request) -> Participant:
        return coordinator.authenticate(bearer(request))

    @router.post(API + "/register", status_code=201)
    async def register(body: RegisterRequest) -> RegisterResponse:
        return coordinator.register(body.name, body.invite)

    @router.post(API + "/queue/join")
    async def join(request: Request) -> QueueState:
        return coordinator.join(who(request))

    @router.get(API + "/queue/me")
    async def me(request: Request) -> QueueState:
        return coordinator.heartbeat(who(request))

    @router.post(API + "/queue/heartbeat")
    async def heartbeat(request: Request) -> QueueState:
        return coordinator.heartbeat(who(request))

    @router.post(API + "/queue/leave")
    async def leave(request: Request) -> QueueState:
        return coordinator.leave(who(request))

    @router.get(API + "/turn")
    async def turn(request: Request) -> list[ActiveTurn]:
        return coordinator.turn(who(request))

    @router.put(
        API + "/contributions/{circuit}",
        openapi_extra={
            "requestBody": {"content": {"application/octet-stream": {}}, "required": True}
        },
    )
    async def contribute(circuit: str, request: Request) -> SignedReceipt:
        reserved = coordinator.reserve_upload(who(request), circuit, content_length(request))
        return await _take_upload(coordinator, pool, reserved, request)

    return router


async def _take_upload(
    coordinator: Coordinator, pool: Executor, reserved: Upload, request: Request
) -> SignedReceipt:
    """Receive, verify off the loop, and accept or release a reserved upload."""
    temp = coordinator.store.new_temp(f"{reserved.circuit}_{reserved.index:04d}.zkey")
    try:
        sha256 = await _receive(request, temp, reserved.size)
        coordinator.start_verifying(reserved)
        loop = asyncio.get_running_loop()
        name = reserved.participant.name
        verdict = await loop.run_in_executor(pool, verify_upload, reserved.accepted, temp, name)
        if verdict.contribution_hash is None:
            raise Refusal(verdict.code or "internal", verdict.message)
        return coordinator.accept(reserved, temp, sha256, verdict.contribution_hash)
    except BaseException:
        coordinator.store.discard(temp)
        coordinator.release(reserved)
        raise


async def _receive(request: Request, temp: Path, size: int) -> str:
    """Stream the body to `temp`, hashing it; Refusal incomplete_upload if it ends early."""
    digest, received = hashlib.sha256(), 0
    with open(temp, "wb") as fh:
        try:
            async for chunk in request.stream():
                received += len(chunk)
                digest.update(chunk)
                fh.write(chunk)
        except ClientDisconnect:
            pass
    if received != size:
        raise Refusal(
            "incomplete_upload", f"the body ended after {received} of {size} bytes: upload again"
        )
    return digest.hexdigest()


def status_page(status: QueueStatus) -> str:
    """The HTML status page: no JavaScript, refreshes itself every 10 s."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(c.name)}</td><td>{c.contributions}</td><td>{c.index}</td>"
        f"<td>{e(c.last_contributor or '-')}</td><td><code>{e(c.sha256[:16])}…</code></td></tr>"
        for c in status.circuits
    )
    wait = status.estimated_wait_seconds
    current = e(status.current_contributor or "nobody")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="10">
<title>{e(status.ceremony)}: ceremony status</title></head>
<body><h1>{e(status.ceremony)}</h1>
<p>{"Closed: the ceremony is finalized." if status.closed else "Open for contributions."}</p>
<p>Contributing now: {current}. In line: {status.queue_length}.
Estimated wait for someone joining now: {"-" if wait is None else f"{wait / 60:.0f} min"}.</p>
<table><tr><th>circuit</th><th>contributions</th><th>latest key</th><th>last contributor</th>
<th>sha256</th></tr>{rows}</table>
<p>API: <a href="{API}/status">{API}/status</a>, <a href="/openapi.json">openapi.json</a></p>
</body></html>
"""
