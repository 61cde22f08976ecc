"""A phase-2 ceremony cannot end forgeable: each rule refused through the real CLI and snarkjs.

Every refusal is one line with the exit-code family, and nothing already written changes: the
transcript, the accepted keys and the exported artifacts keep their bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ceremony_project, tree
from tests.integration.helpers import zkt
from toolchain.api import ceremony as ceremony_api
from toolchain.api.workspace import Workspace
from toolchain.ceremony import phase2
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.hashing import hash_file

NAME = "multiplier_2"
REJECTED, USAGE, INTEGRITY = 1, 2, 6


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under the ceremony's and artifacts' folders, by path."""
    folders = ("ceremony", f"build/{NAME}/ceremony", "artifacts")
    return {
        f"{folder}/{path}": data for folder in folders for path, data in tree(root / folder).items()
    }


def refused(ws: Workspace, code: int, message: str, *args: str) -> None:
    """`zkt ARGS` exits with `code`, says `message` on one line, and changes nothing."""
    before = snapshot(ws.project.root)
    done = zkt(*args, cwd=ws.project.root)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == code, done.stderr
    assert message in lines[-1] and lines[-1].startswith("zkt: error: "), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert snapshot(ws.project.root) == before


@pytest.fixture
def started(tmp_path: Path, dev_ptau: Path) -> Workspace:
    """A project asking for 2 real contributions, set up on the dev ptau."""
    ws = ceremony_project(tmp_path / "project", min_contributions=2)
    ceremony_api.setup(ws, (NAME,), dev_ptau)
    return ws


@pytest.fixture
def closed(started: Workspace) -> Workspace:
    """setup → alice → bob → the committed beacon."""
    for who in ("alice", "bob"):
        ceremony_api.contribute(started, NAME, who, fresh_entropy())
    ceremony_api.beacon(started, NAME)
    return started


def test_a_beacon_as_the_first_step_is_refused(started: Workspace) -> None:
    refused(
        started, REJECTED,
        f"{NAME}: 0 real contributions (the beacon excluded), at least 2 needed"
        " (min_contributions): a key with fewer trusts too few people before the beacon"
        " closes the chain",
        "ceremony", "beacon", NAME,
    )  # fmt: skip


def test_the_beacon_waits_for_min_contributions(started: Workspace) -> None:
    ceremony_api.contribute(started, NAME, "alice", fresh_entropy())
    refused(started, REJECTED, "1 real contribution (the beacon excluded), at least 2 needed",
            "ceremony", "beacon", NAME)  # fmt: skip


def test_nothing_follows_the_beacon(closed: Workspace) -> None:
    closed_msg = f"{NAME}: the ceremony is closed (step 3 is the beacon)"
    refused(closed, USAGE, closed_msg, "ceremony", "contribute", NAME, "--name", "mallory")
    refused(closed, USAGE, closed_msg, "ceremony", "beacon", NAME)


def test_finalize_never_replaces_artifacts_without_force(closed: Workspace, dev_ptau: Path) -> None:
    final = ceremony_api.finalize(closed, NAME, dev_ptau, lambda _: None)
    refused(
        closed, USAGE, "already finalized (", "ceremony", "finalize", NAME, "--ptau", str(dev_ptau)
    )
    refused(closed, USAGE, "the ceremony is closed (it was finalized)",
            "ceremony", "contribute", NAME, "--name", "mallory")  # fmt: skip
    forced = zkt("ceremony", "finalize", NAME, "--ptau", str(dev_ptau), "--force",
                 cwd=closed.project.root)  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    assert f"WARNING: {NAME}: --force replaces {final} (sha256 " in forced.stderr


def test_a_substituted_chain_with_an_edited_transcript_is_refused(
    started: Workspace, dev_ptau: Path, tmp_path: Path
) -> None:
    """Replace the latest key by a chain rebuilt from genesis and edit the last transcript line
    to its hashes: the earlier records still name the real contributions."""
    ws, tools = started, started.tools
    for who in ("alice", "bob"):
        ceremony_api.contribute(ws, NAME, who, fresh_entropy())
    keys = [ws.project.ceremony_key(NAME, i) for i in range(3)]
    forged = tmp_path / "forged_1.zkey"
    phase2.contribute(tools, keys[0], forged, "alice", fresh_entropy())
    phase2.contribute(tools, forged, tmp_path / "forged_2.zkey", "bob", fresh_entropy())
    keys[2].write_bytes((tmp_path / "forged_2.zkey").read_bytes())
    transcript = ws.project.transcript(NAME)
    lines = transcript.read_text().splitlines()
    last = json.loads(lines[-1])
    last["file"]["sha256"] = hash_file(keys[2])
    last["contribution_hash"] = phase2.mpc_params(keys[2]).contributions[-1].transcript.hex()
    transcript.write_text("\n".join([*lines[:-1], json.dumps(last)]) + "\n")
    message = "contribution 1 is "
    refused(ws, REJECTED, message, "ceremony", "contribute", NAME, "--name", "carol")
    refused(ws, REJECTED, message, "ceremony", "beacon", NAME)
    refused(ws, REJECTED, "contribution 1 (alice) differs from the accepted one: the chain was"
            " rebuilt, not extended", "ceremony", "status", NAME, "--verify", "--ptau",
            str(dev_ptau))  # fmt: skip


def test_status_verify_replays_every_step_and_finds_a_missing_key(
    closed: Workspace, dev_ptau: Path
) -> None:
    done = zkt("ceremony", "status", NAME, "--verify", "--ptau", str(dev_ptau),
               cwd=closed.project.root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{NAME}: 4 steps re-verified pairwise from the initial key" in done.stderr
    closed.project.ceremony_key(NAME, 1).unlink()
    refused(closed, INTEGRITY, "multiplier_2_0001.zkey is missing or differs from the transcript",
            "ceremony", "status", NAME, "--verify", "--ptau", str(dev_ptau))  # fmt: skip


def test_zkey_level_rules(closed: Workspace, tmp_path: Path) -> None:
    p = closed.project
    initial, beaconed = p.ceremony_key(NAME, 0), p.ceremony_key(NAME, 3)
    b_out, c_out = str(tmp_path / "b.zkey"), str(tmp_path / "c.zkey")
    refused(closed, REJECTED, "multiplier_2_0000.zkey: 0 real contributions", "zkey", "beacon",
            str(initial), b_out, "--hash", "ab" * 32, "--iterations-exp", "10")  # fmt: skip
    refused(closed, REJECTED, "0003.zkey: the chain is closed: contribution 3 is the beacon",
            "zkey", "contribute", str(beaconed), c_out, "--name", "m")  # fmt: skip
    refused(closed, REJECTED, "2 real contributions (the beacon excluded), at least 3 needed",
            "zkey", "verify", str(beaconed), "--native", "--previous",
            str(p.ceremony_key(NAME, 2)), "--min-contributions", "3")  # fmt: skip
    assert not list(tmp_path.glob("*.zkey"))


def test_an_unknown_circuit_is_named(started: Workspace) -> None:
    refused(
        started,
        USAGE,
        "unknown circuit 'multiplier_9' (known: ",
        "ceremony",
        "status",
        "multiplier_9",
    )


def test_lock_and_verify_count_real_contributions(closed: Workspace, dev_ptau: Path) -> None:
    ceremony_api.finalize(closed, NAME, dev_ptau, lambda _: None)
    lock = ("artifacts", "lock", "--ptau", str(dev_ptau))
    locked = zkt(*lock, cwd=closed.project.root)
    assert locked.returncode == 0, locked.stderr
    assert "2 real phase-2 contribution(s) + the beacon (at least 2 required)" in locked.stdout
    config = closed.project.ceremony_config
    config.write_text(config.read_text().replace("min_contributions = 2", "min_contributions = 3"))
    needed = "final.zkey: 2 real contributions (the beacon excluded), at least 3 needed"
    done = zkt("artifacts", "verify", "--ptau", str(dev_ptau), cwd=closed.project.root)
    assert done.returncode == INTEGRITY and needed in done.stdout, done.stdout
    manifest = closed.project.root / "artifacts" / "manifest.json"
    before = manifest.read_bytes()
    relock = zkt(*lock, cwd=closed.project.root)
    assert relock.returncode == INTEGRITY and "refusing to lock" in relock.stderr
    assert needed in relock.stderr and manifest.read_bytes() == before
