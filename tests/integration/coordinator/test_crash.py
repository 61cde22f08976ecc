"""SIGKILL the coordinator while a participant holds the slot, restart it on the same data."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.integration.coordinator.conftest import (
    Server,
    auth,
    chain_of,
    contributed_key,
    register,
)
from toolchain.coordinator import receipts
from toolchain.coordinator.protocol import SignedReceipt

DOWN_SECONDS = 2


def test_sigkill_mid_turn_loses_nothing(
    start_server: Callable[..., Server], coordinator_project: Path, tmp_path: Path
) -> None:
    server = start_server(coordinator_project)
    alice_token, bob_token = register(server, "alice"), register(server, "bob")
    alice = server.client(headers=auth(alice_token))
    assert alice.post("/queue/join").json()["state"] == "active"
    server.client(headers=auth(bob_token)).post("/queue/join")
    key = contributed_key(server, alice_token, "multiplier_2", tmp_path / "m.zkey", "alice")
    signed = SignedReceipt.model_validate(
        alice.put("/contributions/multiplier_2", content=key.read_bytes()).json()
    )
    deadline = alice.get("/queue/me").json()["deadline"]
    before, pubkey = chain_of(server), server.client().get("/pubkey").json()["public_key"]

    server.kill()
    time.sleep(DOWN_SECONDS)
    again = start_server(coordinator_project)

    assert chain_of(again) == before  # nothing accepted was lost
    assert "chains re-verified for 2 circuit(s)" in again.stderr.read_text()
    assert again.client().get("/pubkey").json()["public_key"] == pubkey
    receipts.verify(
        SignedReceipt.model_validate(again.client().get("/receipts/multiplier_2/1").json()), pubkey
    )
    receipts.verify(signed, pubkey)  # receipts issued before the crash still verify
    alice = again.client(headers=auth(alice_token))
    me = alice.get("/queue/me").json()
    assert (me["state"], me["circuits_pending"]) == ("active", ["range_32"])
    assert me["deadline"] >= deadline + DOWN_SECONDS
    assert me["message"].startswith("the coordinator restarted: deadline extended by")
    bob = again.client(headers=auth(bob_token))
    assert bob.get("/queue/me").json()["position"] == 1  # the queue is restored
    key = contributed_key(again, alice_token, "range_32", tmp_path / "r.zkey", "alice")
    assert alice.put("/contributions/range_32", content=key.read_bytes()).status_code == 200
    assert bob.get("/queue/me").json()["state"] == "active"
    assert httpx.get(again.api + "/status").json()["current_contributor"] == "bob"
