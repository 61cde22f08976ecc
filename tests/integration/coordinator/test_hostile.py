"""Hostile participants against a real server: each refusal's code, and the accepted chain
(GET /status and every transcript) unchanged after it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.integration.coordinator.conftest import (
    Server,
    auth,
    chain_of,
    contributed_key,
    download_key,
    error_code,
    register,
    set_coordinator_options,
    tools,
)
from tests.unit.ceremony.helpers import (
    DELTA_G1_AT,
    extend,
    mpc_of,
    patch_header,
    patch_point,
    with_mpc,
)
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.ceremony.phase2 import contribute
from toolchain.config import engine_name
from toolchain.formats.curve_codec import encode_g1
from toolchain.formats.zkey import SECTION_C, MpcParams
from toolchain.native.curve import G1_IDENTITY
from toolchain.native.engines import get_engine

ENGINE = get_engine(engine_name(None))


def holder(server: Server, name: str) -> httpx.Client:
    """`name` registered, joined and (the line being empty) holding the slot."""
    http = server.client(headers=auth(register(server, name)))
    assert http.post("/queue/join").json()["state"] == "active"
    return http


def upload(http: httpx.Client, circuit: str, key: Path) -> httpx.Response:
    return http.put(f"/contributions/{circuit}", content=key.read_bytes())


def token_of(http: httpx.Client) -> str:
    return http.headers["authorization"].removeprefix("Bearer ")


def current_key(server: Server, circuit: str, out: Path) -> Path:
    index = chain_of(server)["circuits"][circuit]["index"]
    return download_key(server, circuit, index, out)


def test_uploads_without_the_slot(server: Server, tmp_path: Path) -> None:
    alice = holder(server, "alice")
    key = contributed_key(server, token_of(alice), "multiplier_2", tmp_path / "a.zkey", "alice")
    bob = server.client(headers=auth(register(server, "bob")))
    assert bob.post("/queue/join").json()["position"] == 1
    before = chain_of(server)
    answer = upload(bob, "multiplier_2", key)
    assert (answer.status_code, error_code(answer)) == (409, "not_your_slot")
    anonymous = httpx.put(f"{server.api}/contributions/multiplier_2", content=key.read_bytes())
    assert (anonymous.status_code, error_code(anonymous)) == (401, "unauthorized")
    forged = server.client(headers=auth("not-a-token"))
    assert error_code(upload(forged, "multiplier_2", key)) == "unauthorized"
    assert error_code(bob.get("/turn")) == "not_your_slot"
    assert chain_of(server) == before


def test_wrong_size(server: Server, tmp_path: Path) -> None:
    alice = holder(server, "alice")
    key = contributed_key(server, token_of(alice), "range_32", tmp_path / "a.zkey", "alice")
    before = chain_of(server)
    for body in (key.read_bytes()[:-1], key.read_bytes() + b"\0"):
        answer = alice.put("/contributions/range_32", content=body)
        assert (answer.status_code, error_code(answer)) == (400, "wrong_size")
    assert chain_of(server) == before


def _send_half(server: Server, token: str, circuit: str, body: bytes) -> socket.socket:
    """A raw PUT whose headers promise `body` but only half of it is sent (socket left open)."""
    sock = socket.create_connection(("127.0.0.1", server.port))
    head = (
        f"PUT /api/v1/contributions/{circuit} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body[: len(body) // 2])
    return sock


def _wait_for_log(server: Server, code: str) -> dict[str, object]:
    for _ in range(100):
        found = [line for line in server.log() if line.get("code") == code]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no {code} in the server log")


def test_concurrent_and_cut_off_uploads(server: Server, tmp_path: Path) -> None:
    alice = holder(server, "alice")
    key = contributed_key(server, token_of(alice), "multiplier_2", tmp_path / "a.zkey", "alice")
    before = chain_of(server)
    sock = _send_half(server, token_of(alice), "multiplier_2", key.read_bytes())
    time.sleep(1)  # the first upload is reserved once its headers arrived
    second = upload(alice, "multiplier_2", key)
    assert (second.status_code, error_code(second)) == (409, "upload_in_progress")
    sock.close()  # the body is cut off mid-upload
    logged = _wait_for_log(server, "incomplete_upload")
    assert logged["status"] == 400 and logged["path"] == "/api/v1/contributions/multiplier_2"
    assert chain_of(server) == before
    assert upload(alice, "multiplier_2", key).status_code == 200  # nothing was left reserved


def _after_first(server: Server, tmp_path: Path, second: str) -> httpx.Client:
    """alice's contribution to multiplier_2 accepted; `second` then holds the slot."""
    alice = holder(server, "alice")
    key = contributed_key(server, token_of(alice), "multiplier_2", tmp_path / "a.zkey", "alice")
    assert upload(alice, "multiplier_2", key).status_code == 200
    assert alice.post("/queue/leave").json()["state"] == "left"
    return holder(server, second)


def test_a_chain_rebuilt_from_genesis_with_earlier_names(server: Server, tmp_path: Path) -> None:
    mallory = _after_first(server, tmp_path, "mallory")
    genesis = download_key(server, "multiplier_2", 0, tmp_path / "g.zkey")
    fake_alice = contribute(tools(), genesis, tmp_path / "f1.zkey", "alice", fresh_entropy())
    rebuilt = contribute(tools(), fake_alice, tmp_path / "f2.zkey", "mallory", fresh_entropy())
    before = chain_of(server)
    answer = upload(mallory, "multiplier_2", rebuilt)
    assert (answer.status_code, error_code(answer)) == (422, "chain_rebuilt")
    assert chain_of(server) == before


def test_a_replayed_key_is_refused_before_its_body(server: Server, tmp_path: Path) -> None:
    # The next key's size is known: a replay (one contribution short) never has it.
    mallory = _after_first(server, tmp_path, "mallory")
    replay = current_key(server, "multiplier_2", tmp_path / "replay.zkey")
    before = chain_of(server)
    answer = upload(mallory, "multiplier_2", replay)
    assert (answer.status_code, error_code(answer)) == (400, "wrong_size")
    assert chain_of(server) == before


@pytest.mark.parametrize(
    ("craft", "code"),
    [
        ("delta_equals_gamma", "delta_unchanged"),
        ("off_curve", "invalid_point"),
        ("delta_at_infinity", "invalid_point"),
        ("other_circuit", "wrong_circuit"),
        ("not_rescaled", "bad_rescale"),
        ("other_name", "wrong_name"),
    ],
)
def test_hostile_keys_of_the_right_size(
    server: Server, tmp_path: Path, craft: str, code: str
) -> None:
    # Keys forged as snarkjs makes them (tests/unit/ceremony/helpers.py), by "mallory": the
    # upload size matches, so each reaches the check it targets.
    uploader = holder(server, "mallorz" if craft == "other_name" else "mallory")
    current = current_key(server, "multiplier_2", tmp_path / "current.zkey")
    out = tmp_path / f"{craft}.zkey"
    k = 1 if craft == "delta_equals_gamma" else 987654321
    key = extend(ENGINE, current, tmp_path / "forged.zkey", rescale=craft != "not_rescaled", k=k)
    if craft == "off_curve":
        key = patch_point(key, out, SECTION_C, 0, (1, 3))
    elif craft == "delta_at_infinity":
        key = patch_header(key, out, DELTA_G1_AT, encode_g1(G1_IDENTITY))
    elif craft == "other_circuit":
        other = mpc_of(current_key(server, "range_32", tmp_path / "other.zkey")).cs_hash
        key = with_mpc(key, out, MpcParams(other, mpc_of(key).contributions))
    before = chain_of(server)
    answer = upload(uploader, "multiplier_2", key)
    assert (answer.status_code, error_code(answer)) == (422, code), answer.text
    assert chain_of(server) == before


def test_a_participant_timing_out(
    start_server: Callable[..., Server], coordinator_project: Path, tmp_path: Path
) -> None:
    set_coordinator_options(coordinator_project, slot_seconds=2, seconds_per_mib=0, max_retries=1)
    server = start_server(coordinator_project)
    alice = holder(server, "alice")
    bob = server.client(headers=auth(register(server, "bob")))
    bob.post("/queue/join")
    before = chain_of(server)
    time.sleep(3.5)
    expired = alice.get("/queue/me").json()
    assert (expired["state"], expired["retries_left"]) == ("expired", 1)
    assert expired["message"] == "missed the deadline; 1 retry left"
    assert bob.get("/queue/me").json()["state"] == "active"  # the slot was released
    rejoined = alice.post("/queue/join").json()  # at the back, using the retry
    assert (rejoined["state"], rejoined["position"], rejoined["retries_left"]) == ("waiting", 1, 0)
    bob.post("/queue/leave")
    assert alice.get("/queue/me").json()["state"] == "active"
    time.sleep(3.5)
    assert alice.get("/queue/me").json()["message"] == "missed the deadline; 0 retries left"
    refused = alice.post("/queue/join")
    assert (refused.status_code, error_code(refused)) == (403, "retries_exhausted")
    assert "no retries left" in refused.json()["error"]["message"]
    assert chain_of(server) == before


def test_invites(start_server: Callable[..., Server], coordinator_project: Path) -> None:
    set_coordinator_options(coordinator_project, invite_only=True)
    server = start_server(coordinator_project)
    made = subprocess.run(
        [sys.executable, "-m", "toolchain", "ceremony", "invite", "--count", "2",
         "--expires", "0.0005", "--data", str(server.data)],
        cwd=coordinator_project, capture_output=True, text=True, check=True,
    )  # fmt: skip
    first, second = made.stdout.split()
    before = chain_of(server)

    def attempt(name: str, invite: str | None) -> httpx.Response:
        body = {"name": name} | ({"invite": invite} if invite else {})
        return httpx.post(server.api + "/register", json=body)

    assert attempt("alice", first).status_code == 201
    reused = attempt("bob", first)
    assert (reused.status_code, error_code(reused)) == (403, "invite_invalid")
    assert error_code(attempt("bob", None)) == "invite_required"
    time.sleep(2)
    expired = attempt("bob", second)
    assert (expired.status_code, error_code(expired)) == (403, "invite_invalid")
    assert expired.json()["error"]["message"] == "the invite code is expired"
    assert chain_of(server) == before
