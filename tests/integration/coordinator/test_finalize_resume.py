"""`zkt ceremony finalize --coordinator` is resumable: run again after dying at any step (the
database closed, part of the local layout written, one circuit's beacon applied, an export cut
short, a published directory half written), it finishes the job; what the local layout holds
that finalize did not write is refused before the ceremony closes. Nothing a previous run left
is trusted: a recorded key (or record) changed between two runs is refused before anything
changes, and a resumed run exports verification_key.json and verifier.sol again from the
checked beacon key, so a tampered one is never locked; a beacon key substituted together with
its record and final.zkey fails the native beacon check.

The crash points are made in-process with finalize's own steps (`publish.close`,
`write_local_chain`, the api's beacon), stopping where a crash would, then the real CLI runs;
and for real: a finalize process SIGKILLed the moment its first final.zkey appears (its export
cut short), run again.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import tree
from tests.integration.coordinator.conftest import Server
from tests.integration.coordinator.test_finalize import finalize, project_files, take_turn
from tests.integration.helpers import zkt
from toolchain.api import ceremony as api_ceremony
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.coordinator import publish
from toolchain.coordinator.serve import open_coordinator
from toolchain.hashing import hash_file

AGAIN = "then run `zkt ceremony finalize --coordinator` again"


def crash_midway(ws: Workspace, data: Path) -> None:
    """What a finalize killed in range_32's local layout leaves: the database closed,
    multiplier_2 beaconed with its export cut short (final.zkey copied, nothing else),
    range_32 with only its first contribution written locally."""
    coordinator = open_coordinator(ws, data)
    publish.close(coordinator, lambda _: None)
    steps = coordinator.verify_chain("multiplier_2")
    publish.write_local_chain(ws, coordinator, "multiplier_2", steps)
    beacon = api_ceremony.beacon(ws, "multiplier_2")
    final = ws.project.zkey("multiplier_2")
    final.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ws.project.root / beacon.file.path, final)
    steps = coordinator.verify_chain("range_32")
    publish.write_local_chain(ws, coordinator, "range_32", steps[:2])
    coordinator.db.close()


def verify_transcript(server: Server) -> None:
    checked = zkt(
        "ceremony", "verify-transcript", str(server.data / "published"), cwd=server.project
    )
    assert checked.returncode == 0, checked.stderr


def two_turns(server: Server, tmp_path: Path) -> None:
    """alice's and bob's turns: two contributions to every circuit."""
    for name in ("alice", "bob"):
        take_turn(server, name, tmp_path)


def finished(server: Server) -> None:
    """finalize runs to the end, and the published directory verifies."""
    done = finalize(server)
    assert done.returncode == 0, done.stderr
    verify_transcript(server)


def test_foreign_artifacts_are_refused_before_closing(server: Server, tmp_path: Path) -> None:
    two_turns(server, tmp_path)
    foreign = server.project / "artifacts" / "range_32" / "final.zkey"
    foreign.parent.mkdir(parents=True, exist_ok=True)
    foreign.write_bytes(b"a key from another ceremony")
    before = project_files(server)

    refused = finalize(server)

    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines()[-1] == (
        f"zkt: error: range_32: {foreign} is not this ceremony's final key: move"
        f" {foreign.parent} away, {AGAIN}"
    )
    assert project_files(server) == before
    assert not (server.data / "published").exists()
    assert server.client().get("/status").json()["closed"] is False

    shutil.rmtree(foreign.parent)
    crash_midway(open_workspace(server.project), server.data)
    finished(server)


def test_finalize_finishes_after_a_crash_and_again_after_a_finished_run(
    server: Server, tmp_path: Path
) -> None:
    two_turns(server, tmp_path)
    ws = open_workspace(server.project)
    crash_midway(ws, server.data)
    assert server.client().get("/status").json()["closed"] is True

    resumed = finalize(server)

    assert resumed.returncode == 0, resumed.stderr
    for circuit in ("multiplier_2", "range_32"):
        records = api_ceremony.transcript(ws, circuit)
        assert [r.kind for r in records] == ["setup", "contribution", "contribution", "beacon"]
    verify_transcript(server)

    artifacts = {k: v for k, v in tree(server.project / "artifacts").items() if "/" in k}
    published = server.data / "published"
    (published / "ceremony.json").unlink()
    (published / "range_32" / "receipts" / "range_32_0002.json").unlink()
    (published / "multiplier_2" / "transcript.jsonl").write_text("{half a line")

    again = finalize(server)

    assert again.returncode == 0, again.stderr
    assert "multiplier_2: already exported from its beacon key" in again.stderr
    assert "range_32: already exported from its beacon key" in again.stderr
    now = {k: v for k, v in tree(server.project / "artifacts").items() if "/" in k}
    assert now == artifacts
    verify_transcript(server)


def test_finalize_killed_during_an_export_finishes_when_run_again(
    server: Server, tmp_path: Path
) -> None:
    two_turns(server, tmp_path)
    project = server.project
    final = project / "artifacts" / "multiplier_2" / "final.zkey"
    argv = [sys.executable, "-m", "toolchain", "ceremony", "finalize", "--coordinator",
            "--data", str(server.data)]  # fmt: skip
    running = subprocess.Popen(argv, cwd=project, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ})  # fmt: skip
    while not final.exists() and running.poll() is None:
        time.sleep(0.005)
    running.send_signal(signal.SIGKILL)
    assert running.wait(30) == -signal.SIGKILL
    assert not (project / "artifacts" / "multiplier_2" / "verifier.sol").exists()
    assert not (project / "artifacts" / "range_32").exists()

    resumed = finalize(server)

    assert resumed.returncode == 0, resumed.stderr
    assert "multiplier_2: already exported" not in resumed.stderr
    verify_transcript(server)


def flip_a_byte(path: Path) -> None:
    """`path` with its last byte changed (a key's size stays, its hash does not)."""
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def stored(ws: Workspace, server: Server, sha256: str) -> Path:
    """Where the coordinator keeps the key `sha256`."""
    coordinator = open_coordinator(ws, server.data)
    coordinator.db.close()
    return coordinator.store.path(sha256)


def snapshot(path: Path) -> object:
    """A folder's tree, or None when there is none."""
    return tree(path) if path.is_dir() else None


def refused_with(server: Server, message: str) -> None:
    """finalize exits 6 with exactly `message`; nothing in the project (the manifest, the local
    layout, the artifacts) or the published directory changed."""
    published = server.data / "published"
    before = (project_files(server), snapshot(published))

    refused = finalize(server)

    assert refused.returncode == 6, refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    assert refused.stderr.strip().splitlines()[-1] == f"zkt: error: {message}"
    assert (project_files(server), snapshot(published)) == before


def test_a_key_changed_after_a_finalize_cut_short_is_refused(
    server: Server, tmp_path: Path
) -> None:
    two_turns(server, tmp_path)
    ws = open_workspace(server.project)
    crash_midway(ws, server.data)
    record = api_ceremony.transcript(ws, "range_32")[1]
    key = server.project / record.file.path
    flip_a_byte(key)
    store = stored(ws, server, record.file.sha256)

    refused_with(
        server,
        f"range_32: {record.file.path} has sha256 {hash_file(key)[:16]}…, not key 1 as the"
        f" coordinator accepted it ({record.file.sha256[:16]}…): copy {store} over it, {AGAIN}",
    )
    assert not (server.data / "published").exists()
    shutil.copyfile(store, key)  # what the refusal says to do

    # the last record (no later line links to it) edited to name the changed key
    transcript = ws.project.transcript("range_32")
    kept = transcript.read_text()
    *earlier, last = kept.splitlines()
    edited = json.loads(last)
    edited["file"]["sha256"] = "ab" * 32
    transcript.write_text("\n".join([*earlier, json.dumps(edited)]) + "\n")
    refused_with(
        server,
        f"range_32: record 1 of {transcript} names key sha256 abababababababab…, the"
        f" coordinator accepted {record.file.sha256[:16]}…: the transcript changed since"
        " finalize last ran: restore it, " + AGAIN,
    )
    transcript.write_text(kept)

    finished(server)


def test_a_resumed_finalize_exports_again_what_it_would_otherwise_lock(
    server: Server, tmp_path: Path
) -> None:
    two_turns(server, tmp_path)
    assert finalize(server).returncode == 0
    artifacts = server.project / "artifacts"
    exported = tree(artifacts)
    vkey = artifacts / "multiplier_2" / "verification_key.json"
    vkey.write_text(vkey.read_text().replace('"nPublic": 1', '"nPublic": 2'))
    verifier = artifacts / "range_32" / "verifier.sol"
    verifier.write_text(verifier.read_text() + "// stale\n")

    again = finalize(server)

    assert again.returncode == 0, again.stderr
    for path in (vkey, verifier):
        warning = f"WARNING: {path.parent.name}: {path} was not what final.zkey gives"
        assert f"{warning}: exported again\n" in again.stderr, again.stderr
    assert tree(artifacts) == exported  # the manifest too: it locks the derived files
    verify_transcript(server)

    # a key changed after a finished run: refused, nothing locked or published again
    ws = open_workspace(server.project)
    beacon = api_ceremony.transcript(ws, "multiplier_2")[-1]
    flip_a_byte(server.project / beacon.file.path)
    found = hash_file(server.project / beacon.file.path)
    refused_with(
        server,
        f"multiplier_2: {beacon.file.path} has sha256 {found[:16]}…, not the beacon key"
        f" recorded ({beacon.file.sha256[:16]}…): restore it, {AGAIN}",
    )
    contribution = api_ceremony.transcript(ws, "range_32")[2]
    (server.project / contribution.file.path).unlink()
    flip_a_byte(server.project / beacon.file.path)  # back as it was
    store = stored(ws, server, contribution.file.sha256)
    refused_with(
        server,
        f"range_32: {contribution.file.path} is missing, not key 2 as the coordinator accepted"
        f" it ({contribution.file.sha256[:16]}…): copy {store} over it, {AGAIN}",
    )
    shutil.copyfile(store, server.project / contribution.file.path)

    # the beacon key, its record and final.zkey replaced together by the key before the beacon
    records = api_ceremony.transcript(ws, "multiplier_2")
    before_beacon = server.project / records[-2].file.path
    for target in (server.project / beacon.file.path, ws.project.zkey("multiplier_2")):
        shutil.copyfile(before_beacon, target)
    transcript = ws.project.transcript("multiplier_2")
    *earlier, last = transcript.read_text().splitlines()
    edited = json.loads(last)
    edited["file"]["sha256"] = hash_file(before_beacon)
    transcript.write_text("\n".join([*earlier, json.dumps(edited)]) + "\n")
    before = (project_files(server), snapshot(server.data / "published"))
    substituted = finalize(server)
    assert substituted.returncode == 1, substituted.stderr
    assert substituted.stderr.strip().splitlines()[-1] == (
        "zkt: error: multiplier_2_0003.zkey: nothing new: the same 2 contributions as the"
        " accepted file"
    )
    assert "Traceback" not in substituted.stdout + substituted.stderr
    assert (project_files(server), snapshot(server.data / "published")) == before
