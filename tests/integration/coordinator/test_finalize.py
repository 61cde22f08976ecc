"""`zkt ceremony finalize --coordinator`: refused below min_contributions, then closes the
served ceremony, exports the artifacts, locks the manifest and writes the published directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import tree
from tests.integration.coordinator.conftest import (
    CIRCUITS,
    Server,
    auth,
    contributed_key,
    error_code,
    register,
)
from toolchain.ceremony.transcript import read_transcript
from toolchain.coordinator import receipts

NAMES = ("alice", "bob")


def finalize(server: Server) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "toolchain", "ceremony", "finalize", "--coordinator",
            "--data", str(server.data)]  # fmt: skip
    return subprocess.run(
        argv, cwd=server.project, capture_output=True, text=True, env={**os.environ}, check=False
    )


def project_files(server: Server) -> dict[str, bytes]:
    """The project's files but the running server's own (its database and log)."""
    return {
        path: data
        for path, data in tree(server.project).items()
        if not path.startswith(".zkt/") and not path.startswith("serve-")
    }


def take_turn(server: Server, name: str, folder: Path) -> None:
    token = register(server, name)
    http = server.client(headers=auth(token))
    assert http.post("/queue/join").json()["state"] == "active"
    for circuit in CIRCUITS:
        key = contributed_key(server, token, circuit, folder / f"{name}-{circuit}.zkey", name)
        assert http.put(f"/contributions/{circuit}", content=key.read_bytes()).status_code == 200


def test_finalize_after_enough_contributions(server: Server, tmp_path: Path) -> None:
    take_turn(server, NAMES[0], tmp_path)
    before = project_files(server)
    early = finalize(server)
    assert early.returncode == 2 and "Traceback" not in early.stderr
    assert early.stderr.strip().splitlines()[-1] == (
        "zkt: error: not enough contributions to finalize: multiplier_2 has 1, range_32 has 1;"
        " min_contributions is 2"
    )
    assert project_files(server) == before
    assert server.client().get("/status").json()["closed"] is False
    take_turn(server, NAMES[1], tmp_path)
    carol = server.client(headers=auth(register(server, "carol")))

    done = finalize(server)
    assert done.returncode == 0, done.stderr
    late = carol.post("/queue/join")
    assert (late.status_code, error_code(late)) == (409, "ceremony_closed")
    late = server.client().post("/register", json={"name": "dave"})
    assert (late.status_code, error_code(late)) == (409, "ceremony_closed")
    assert server.client().get("/status").json()["closed"] is True

    published = server.data / "published"
    info = json.loads((published / "ceremony.json").read_text())
    pubkey = (published / "coordinator.pub").read_text().strip()
    assert info["coordinator_public_key"] == pubkey and info["circuits"] == list(CIRCUITS)
    assert pubkey in (published / "README.md").read_text()
    assert (published / "phase1.ptau").is_file()
    manifest = json.loads((server.project / "artifacts" / "manifest.json").read_text())
    for circuit in CIRCUITS:
        records = read_transcript(published / circuit / "transcript.jsonl")
        assert [r.kind for r in records] == ["setup", "contribution", "contribution", "beacon"]
        assert [r.name for r in records[1:3]] == list(NAMES)
        for r in records:
            assert r.file.path == f"{circuit}/{circuit}_{r.index:04d}.zkey"
            assert (published / r.file.path).is_file()
        for index in (1, 2):
            path = published / circuit / "receipts" / f"{circuit}_{index:04d}.json"
            receipt = receipts.verify(receipts.read_receipt(path), pubkey)
            assert receipt.contribution_hash == records[index].contribution_hash
        assert (server.project / "artifacts" / circuit / "final.zkey").is_file()
        assert circuit in json.dumps(manifest)
