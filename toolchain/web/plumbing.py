"""The HTTP plumbing both servers share (FastAPI): request ids, refusals as JSON, one log line each.

A server names what differs in a `Wire` (its table of codes and their HTTP statuses, its logger,
the code of a request FastAPI's validation refuses) and `install`s the plumbing on its app with
the checks it makes before a route runs (`check_body`, a rate limit). Then every answer carries
`X-Request-Id` (the client's, cut to 64 characters, or a new one), every refusal is
`ErrorResponse` with `X-Error-Code` (and `Retry-After`, whole seconds rounded up, when the
refusal has one), and every request is one JSON log line: time, request_id, client, method,
path, status, ms, code.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from toolchain.web.models import ErrorBody, ErrorResponse, Refusal

Check = Callable[[Request], None]
CHUNKED = "a request body needs a Content-Length (no chunked bodies)"


@dataclass(frozen=True)
class Wire:
    """What differs between the servers: codes (with their HTTP status), logger, and the code of
    a request whose path, query or body does not validate."""

    codes: Mapping[str, int]
    log: logging.Logger
    invalid: str

    def responses(self) -> dict[int | str, dict[str, Any]]:
        """Every refusal status with its model, for a router's OpenAPI spec."""
        return {status: {"model": ErrorResponse} for status in sorted(set(self.codes.values()))}

    def error_response(self, refusal: Refusal, request_id: str) -> JSONResponse:
        """A refusal as the JSON every non-2xx answer is (X-Error-Code names it for the log)."""
        body = ErrorBody(
            code=refusal.code, message=str(refusal), request_id=request_id,
            retry_after=refusal.retry_after,
        )  # fmt: skip
        headers = {"X-Request-Id": request_id, "X-Error-Code": refusal.code}
        if refusal.retry_after is not None:
            headers["Retry-After"] = str(int(refusal.retry_after + 0.999))
        headers.update(refusal.headers)
        status = refusal.status or self.codes[refusal.code]
        return JSONResponse(ErrorResponse(error=body).model_dump(), status, headers)


def bearer(request: Request) -> str | None:
    """The bearer token of a request, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def content_length(request: Request) -> int | None:
    """The request's Content-Length, None when absent or not a number."""
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def check_body(request: Request, max_body: int, *, chunked: str, limit: str) -> None:
    """Refusal `chunked` for a body without a length; body_too_large beyond `max_body` bytes
    (`limit` says the limit in the message)."""
    if "chunked" in request.headers.get("transfer-encoding", "").lower():
        raise Refusal(chunked, CHUNKED)
    length = content_length(request)
    if length is not None and length > max_body:
        raise Refusal("body_too_large", f"request body over {limit}")


def install(app: FastAPI, wire: Wire, check: Check) -> None:
    """Request ids, `check` before every route, a log line after it, refusals as JSON."""
    _install_middleware(app, wire, check)
    _install_errors(app, wire)


def _install_middleware(app: FastAPI, wire: Wire, check: Check) -> None:
    @app.middleware("http")
    async def plumbing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:16]
        request.state.request_id = request_id
        started = time.perf_counter()
        try:
            check(request)
            response = await call_next(request)
        except Refusal as refusal:
            response = wire.error_response(refusal, request_id)
        response.headers["X-Request-Id"] = request_id
        _log(wire.log, request, response, started)
        return response


def _log(log: logging.Logger, request: Request, response: Response, started: float) -> None:
    record = {
        "time": round(time.time(), 3),
        "request_id": request.state.request_id,
        "client": request.client.host if request.client else None,
        "method": request.method,
        "path": request.url.path,
        "status": response.status_code,
        "ms": round(1000 * (time.perf_counter() - started), 1),
        "code": response.headers.get("x-error-code"),
    }
    log.info(json.dumps(record))


def _install_errors(app: FastAPI, wire: Wire) -> None:
    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        return wire.error_response(exc, request.state.request_id)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return await refused(request, Refusal(wire.invalid, f"{where}: {first['msg']}"))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else "bad_request"
        response = await refused(request, Refusal(code, str(exc.detail)))
        response.status_code = exc.status_code
        return response

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        wire.log.exception("internal error (request %s)", request.state.request_id)
        return await refused(request, Refusal("internal", "internal error: see the server log"))
