"""The coordinator as users reach it: a real `zkt ceremony serve`, real httpx clients."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.integration.coordinator.conftest import (
    CIRCUITS,
    Server,
    auth,
    chain_of,
    contributed_key,
    error_code,
    register,
)
from toolchain.coordinator import receipts
from toolchain.coordinator.protocol import SignedReceipt
from toolchain.hashing import sha256_bytes


def test_a_whole_turn_over_http(server: Server, tmp_path: Path) -> None:
    token = register(server, "alice")
    http = server.client(headers=auth(token))
    assert http.post("/queue/join").json()["state"] == "active"
    for circuit in CIRCUITS:
        key = contributed_key(server, token, circuit, tmp_path / f"{circuit}.zkey", "alice")
        answer = http.put(f"/contributions/{circuit}", content=key.read_bytes())
        assert answer.status_code == 200, answer.text
        signed = SignedReceipt.model_validate(answer.json())
        pub = httpx.get(server.api + "/pubkey").json()["public_key"]
        receipt = receipts.verify(signed, pub)
        assert (receipt.circuit, receipt.index, receipt.participant) == (circuit, 1, "alice")
        assert receipt.file_sha256 == sha256_bytes(key.read_bytes())
    me = http.get("/queue/me").json()
    assert (me["state"], me["circuits_pending"]) == ("done", [])
    chain = chain_of(server)
    assert [chain["circuits"][c]["contributions"] for c in CIRCUITS] == [1, 1]
    status = httpx.get(server.api + "/status").json()
    assert status["average_turn_seconds"] > 0 and status["current_contributor"] is None
    info = httpx.get(server.api + "/ceremony").json()
    assert info["coordinator_public_key"] == pub and info["min_contributions"] == 2
    assert [c["last_contributor"] for c in info["circuits"]] == ["alice", "alice"]
    page = httpx.get(server.url + "/")
    assert '<meta http-equiv="refresh" content="10">' in page.text and "<script" not in page.text
    assert (
        "/api/v1/contributions/{circuit}" in httpx.get(server.url + "/openapi.json").json()["paths"]
    )


def test_range_downloads(server: Server) -> None:
    whole = httpx.get(server.api + "/circuits/range_32/keys/0")
    sha = whole.headers["x-content-sha256"]
    assert sha256_bytes(whole.content) == sha and whole.headers["etag"] == f'"{sha}"'
    part = httpx.get(server.api + "/circuits/range_32/keys/0", headers={"Range": "bytes=100-"})
    assert part.status_code == 206 and part.content == whole.content[100:]
    size = len(whole.content)
    assert part.headers["content-range"] == f"bytes 100-{size - 1}/{size}"
    bad = httpx.get(server.api + "/circuits/range_32/keys/0", headers={"Range": f"bytes={size}-"})
    assert bad.status_code == 416 and error_code(bad) == "bad_request"
    missing = httpx.get(server.api + "/circuits/range_32/keys/7")
    assert missing.status_code == 404 and error_code(missing) == "not_found"
