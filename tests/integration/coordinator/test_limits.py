"""Limits of a real server: request bodies (413), requests per minute (429 + Retry-After),
JSON errors with a request id, JSON log lines."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.integration.coordinator.conftest import Server, error_code, set_coordinator_options


def test_rate_and_body_limits(
    start_server: Callable[..., Server], coordinator_project: Path
) -> None:
    set_coordinator_options(coordinator_project, rate_per_minute=5, max_body_mib=1)
    server = start_server(coordinator_project)  # its readiness probes counted against the rate
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"PUT /api/v1/contributions/range_32 HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 2097152\r\n\r\n"
        )
        sock.settimeout(10)
        answer = b""
        while b"}}" not in answer and (chunk := sock.recv(65536)):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413") and b'"code":"body_too_large"' in answer
    answers = [httpx.get(server.api + "/status") for _ in range(6)]
    limited = answers[-1]
    assert (limited.status_code, error_code(limited)) == (429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["error"]["retry_after"] > 0
    assert limited.headers["x-request-id"] == limited.json()["error"]["request_id"]
    logged = [line for line in server.log() if line["code"] == "rate_limited"]
    assert logged and logged[-1]["status"] == 429 and logged[-1]["path"] == "/api/v1/status"
