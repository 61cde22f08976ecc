"""The server keeps answering while an upload is verified (the check runs in a worker process).

The served circuit is membership_4 (3530 constraints, a power-12 dev ptau), so its check lasts
long enough to be caught: GET /queue/me says `verifying`, GET /status answers, and /queue/me
still says `verifying` after that, so /status was answered during the verification; the three
answers also come before the PUT's own (timestamps, no timing threshold).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_project
from tests.integration.coordinator.conftest import (
    CEREMONY_TOML,
    Server,
    auth,
    contributed_key,
    register,
)
from toolchain.api.ceremony import setup
from toolchain.api.workspace import open_workspace

CIRCUIT = "membership_4"


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project serving membership_4 alone, set up once from a power-12 dev ptau."""
    project = copy_project(tmp_path_factory.mktemp("busy") / "template")
    (project / "ceremony").mkdir()
    toml = CEREMONY_TOML.replace('["multiplier_2", "range_32"]', f'["{CIRCUIT}"]')
    toml = toml.replace("power = 9", "power = 12")
    (project / "ceremony" / "ceremony.toml").write_text(toml)
    setup(open_workspace(project), (CIRCUIT,), None)
    return project


def answers_while_verifying(http: httpx.Client, put: threading.Thread) -> list[float]:
    """Poll until /status is answered between two /queue/me answers that both say verifying;
    the times those three answers arrived."""
    while put.is_alive():
        if http.get("/queue/me").json()["state"] != "verifying":
            continue
        first = time.monotonic()
        status = http.get("/status")
        answered = time.monotonic()
        if http.get("/queue/me").json()["state"] == "verifying":
            assert status.status_code == 200 and status.json()["current_contributor"] == "alice"
            return [first, answered, time.monotonic()]
    raise AssertionError("the upload was never seen being verified")


def test_status_and_queue_answer_while_an_upload_is_verified(
    big_template: Path, start_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = start_server(Path(shutil.copytree(big_template, tmp_path / "project")))
    token = register(server, "alice")
    http = server.client(headers=auth(token))
    assert http.post("/queue/join").json()["state"] == "active"
    key = contributed_key(server, token, CIRCUIT, tmp_path / "alice.zkey", "alice")
    answer: list[tuple[httpx.Response, float]] = []

    def upload() -> None:
        sent = server.client(headers=auth(token)).put(
            f"/contributions/{CIRCUIT}", content=key.read_bytes()
        )
        answer.append((sent, time.monotonic()))

    put = threading.Thread(target=upload)
    put.start()
    seen = answers_while_verifying(http, put)
    put.join()

    response, put_answered = answer[0]
    assert response.status_code == 200, response.text
    assert all(moment < put_answered for moment in seen)
    assert http.get("/queue/me").json()["state"] == "done"
