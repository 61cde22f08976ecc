"""The participant's commands against the real coordinator (`zkt ceremony serve` on 127.0.0.1).

Three `zkt ceremony join` processes at once through a ceremony over two circuits, then the
coordinator's finalize, `verify-transcript` on the published directory and `verify-receipt`
(both ways) for every receipt; a participant interrupted with SIGINT leaves the queue; the
air-gapped path (download-only, offline contribution, upload); refusals as one line.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import tree
from tests.integration.coordinator.conftest import (
    CIRCUITS,
    Server,
    auth,
    free_port,
    register,
    set_coordinator_options,
)
from tests.integration.helpers import zkt
from toolchain.coordinator import receipts
from toolchain.coordinator.receipts import public_key_hex

USAGE, INTEGRITY, ABORTED = 2, 6, 130
PEOPLE = ("alice", "bob", "carol")


def join(server: Server, name: str, cwd: Path, *extra: str) -> subprocess.Popen[str]:
    """A real `zkt ceremony join` process for `name`, receipts under cwd/receipts/NAME."""
    argv = [sys.executable, "-m", "toolchain", "ceremony", "join", "--server", server.url,
            "--name", name, "--receipts", f"receipts/{name}", *extra]  # fmt: skip
    return subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ})  # fmt: skip


def finished(process: subprocess.Popen[str], seconds: float = 600) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `process`."""
    out, err = process.communicate(timeout=seconds)
    return process.returncode, out, err


def one_line_refusal(done: subprocess.CompletedProcess[str], code: int, message: str) -> None:
    """Exit code `code`, the last stderr line `zkt: error: ...message`, no traceback."""
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == code, done.stderr
    assert last.startswith("zkt: error: ") and message in last, done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The participant's working folder (the server's project and logs are elsewhere)."""
    folder = tmp_path / "participant"
    folder.mkdir()
    return folder


@pytest.fixture
def fast_project(coordinator_project: Path) -> Path:
    """The template project with one-second heartbeats."""
    set_coordinator_options(coordinator_project, heartbeat_seconds=1, slot_seconds=300)
    return coordinator_project


def test_three_participants_then_finalize_and_verify_everything(
    start_server: Callable[..., Server], fast_project: Path, home: Path
) -> None:
    server = start_server(fast_project)
    processes = {name: join(server, name, home) for name in PEOPLE}
    for name, process in processes.items():
        code, out, err = finished(process)
        assert code == 0, err
        assert "waiting: position " in err or "your turn" in err, err
        written = [Path(line) for line in out.splitlines()]
        assert sorted(p.name.rsplit("_", 1)[0] for p in written) == sorted(CIRCUITS), out
        assert all(p.parent == Path("receipts") / name for p in written), out
    status = httpx.get(server.api + "/status", timeout=30).json()
    assert {c["name"]: c["contributions"] for c in status["circuits"]} == dict.fromkeys(CIRCUITS, 3)
    # while the server still runs: every receipt against its current chain
    found = sorted((home / "receipts").rglob("*.json"))
    assert len(found) == 6
    for receipt in found:
        done = zkt("ceremony", "verify-receipt", str(receipt), "--server", server.url, cwd=home)
        assert done.returncode == 0 and done.stdout.endswith("signed and in the chain: OK\n"), done
    published = home / "published"
    done = zkt("ceremony", "finalize", "--coordinator", "--out", str(published), cwd=fast_project)
    assert done.returncode == 0, done.stderr
    done = zkt("ceremony", "verify-transcript", str(published), cwd=home)
    assert done.returncode == 0, done.stderr
    names = [line.split()[:3] for line in done.stdout.splitlines()]
    assert len(names) == 8 and {n[2] for n in names} == {*PEOPLE, "beacon"}, done.stdout
    for receipt in found:
        done = zkt("ceremony", "verify-receipt", str(receipt), "--transcript", str(published),
                   cwd=home)  # fmt: skip
        assert done.returncode == 0, done.stderr
        signed = receipts.read_receipt(receipt).receipt
        assert done.stdout.startswith(f"{signed.circuit} #{signed.index} by {receipt.parent.name}")


def holder_of_the_slot(server: Server) -> str:
    """Someone who joins first and sits on the slot: the token."""
    token = register(server, "holder")
    answer = httpx.post(server.api + "/queue/join", headers=auth(token), timeout=30)
    assert answer.json()["state"] == "active", answer.text
    return token


def wait_for(process: subprocess.Popen[str], text: str, seconds: float = 120) -> str:
    """stderr lines of `process` up to the first one containing `text`."""
    assert process.stderr is not None
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen.append(line)
        if text in line or not line:
            break
    assert text in seen[-1], "".join(seen)
    return "".join(seen)


def test_ctrl_c_leaves_the_queue(
    start_server: Callable[..., Server], fast_project: Path, home: Path
) -> None:
    server = start_server(fast_project)
    holder_of_the_slot(server)
    process = join(server, "dave", home)
    wait_for(process, "waiting: position 1 of 1")
    process.send_signal(signal.SIGINT)
    code, _, err = finished(process, 60)
    assert code == ABORTED, err
    assert "interrupted: left the queue" in err and err.strip().endswith("zkt: aborted"), err
    assert "Traceback" not in err
    status = httpx.get(server.api + "/status", timeout=30).json()
    assert status["queue_length"] == 0 and status["current_contributor"] == "holder", status
    # only the registration is kept, so that join run again resumes (test_join_again.py)
    kept = sorted(p.relative_to(home).as_posix() for p in (home / "receipts").rglob("*"))
    assert kept == ["receipts/dave", "receipts/dave/.registration.json"]


def test_the_air_gapped_path(
    start_server: Callable[..., Server], fast_project: Path, home: Path
) -> None:
    server = start_server(fast_project)
    offline = home / "offline"
    done = zkt("ceremony", "join", "--server", server.url, "--name", "erin", "--download-only",
               str(offline), "--token-file", "token.txt", cwd=home)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    token = lines[0].split()[1]
    assert lines[0] == f"token: {token}  (keep it private: it uploads as you)"
    assert lines[1].startswith("deadline: ") and (home / "token.txt").read_text() == token + "\n"
    assert (home / "token.txt").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in offline.iterdir()) == [f"{c}_0000.zkey" for c in CIRCUITS]
    contribute = [shlex.split(line)[1:] for line in lines if line.startswith("  zkt zkey ")]
    assert len(contribute) == 2 and all(argv[-2:] == ["--name", "erin"] for argv in contribute)
    upload = shlex.split(next(line for line in lines if line.startswith("  zkt ceremony upload")))
    assert upload[1:6] == ["ceremony", "upload", "--server", server.url, "--token"]

    # a key nobody contributed to has the wrong size: refused before anything is sent
    before = tree(home)
    refused = zkt(*upload[1:7], str(offline / f"{CIRCUITS[0]}_0000.zkey"), cwd=home)
    one_line_refusal(refused, INTEGRITY, f"{CIRCUITS[0]}_0000.zkey: ")
    assert "the coordinator expects " in refused.stderr and tree(home) == before

    for argv in contribute:
        made = zkt(*argv, cwd=home)
        assert made.returncode == 0, made.stderr
    sent = zkt(*upload[1:], cwd=home)
    assert sent.returncode == 0, sent.stderr
    stored = sorted(Path(line).name for line in sent.stdout.splitlines())
    assert stored == [f"{c}_0001.json" for c in CIRCUITS]
    for name in stored:
        checked = zkt("ceremony", "verify-receipt", f"receipts/{name}", "--server", server.url,
                      cwd=home)  # fmt: skip
        assert checked.returncode == 0, checked.stderr
    me = httpx.get(server.api + "/queue/me", headers=auth(token), timeout=30).json()
    assert me["state"] == "done", me
    # a receipt signed by another key, or naming another contribution, is refused
    signed = receipts.read_receipt(home / "receipts" / stored[0])
    other = Ed25519PrivateKey.generate()
    foreign = signed.receipt.model_copy(update={"coordinator_public_key": public_key_hex(other)})
    receipts.write_receipt(home / "foreign.json", receipts.sign(other, foreign))
    refused = zkt("ceremony", "verify-receipt", "foreign.json", "--server", server.url, cwd=home)
    one_line_refusal(refused, 1, f"receipt {CIRCUITS[0]} #1: signed by another coordinator key")
    real_key = receipts.load_or_create_key(server.data)
    elsewhere = signed.receipt.model_copy(update={"index": 5})
    receipts.write_receipt(home / "elsewhere.json", receipts.sign(real_key, elsewhere))
    refused = zkt("ceremony", "verify-receipt", "elsewhere.json", "--server", server.url, cwd=home)
    one_line_refusal(
        refused, 1, "#5: contribution 5 is not in the coordinator's chain (its last key is 1)"
    )


def test_refusals_are_one_line_with_their_code(
    start_server: Callable[..., Server], coordinator_project: Path, home: Path
) -> None:
    set_coordinator_options(coordinator_project, invite_only=True)
    server = start_server(coordinator_project)
    before = tree(home)
    base = ("ceremony", "join", "--server", server.url, "--name", "frank")
    invite_required = "zkt: error: this ceremony is invite-only: give an invite code (invite_"
    one_line_refusal(zkt(*base, cwd=home), USAGE, invite_required + "required)")
    one_line_refusal(
        zkt(*base, "--invite", "nope", cwd=home),
        USAGE,
        "error: the invite code is unknown (invite_invalid)",
    )
    nowhere = zkt("ceremony", "join", "--server", "localhost:1", "--name", "x", cwd=home)
    one_line_refusal(nowhere, USAGE, "--server 'localhost:1': give the coordinator's")
    assert tree(home) == before  # no receipts folder, no key, no token
    forged = home / "forged.json"
    forged.write_text(json.dumps({"receipt": {}, "signature": "00"}))
    before = tree(home)
    one_line_refusal(zkt("ceremony", "verify-receipt", str(forged), "--server", server.url,
                         cwd=home), 5, "forged.json: not a signed receipt")  # fmt: skip
    assert tree(home) == before


def serve_on(project: Path, port: int, log: Path) -> Server:
    """`zkt ceremony serve` on a chosen port (the fixture picks a new one at each start)."""
    data = project / ".zkt" / "coordinator"
    argv = [sys.executable, "-m", "toolchain", "ceremony", "serve", "--host", "127.0.0.1",
            "--port", str(port), "--data", str(data)]  # fmt: skip
    with open(log, "ab") as out:
        process = subprocess.Popen(argv, cwd=project, stdout=out, stderr=out)
    server = Server(project, data, port, process, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(server.api + "/status", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(log.read_text())


def test_a_waiting_participant_rides_out_a_coordinator_restart(
    coordinator_project: Path, home: Path
) -> None:
    """SIGKILL the coordinator while a participant waits: its retries reach the restarted
    server on the same port, it keeps its place and contributes once the slot frees."""
    set_coordinator_options(coordinator_project, heartbeat_seconds=5, slot_seconds=300)
    port, log = free_port(), coordinator_project / "serve.log"
    server = serve_on(coordinator_project, port, log)
    try:
        holder = holder_of_the_slot(server)
        process = join(server, "grace", home)
        wait_for(process, "waiting: position 1 of 1")
        server.kill()
        wait_for(process, "/queue/heartbeat: ConnectError: ")  # retried, not given up
        server = serve_on(coordinator_project, port, log)
        me = httpx.post(server.api + "/queue/leave", headers=auth(holder), timeout=30)
        assert me.json()["state"] == "left", me.text
        code, out, err = finished(process, 300)
        assert code == 0, err
        assert len(out.splitlines()) == 2 and "your turn: " in err, out + err
    finally:
        server.kill()
