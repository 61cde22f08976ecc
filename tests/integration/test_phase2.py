"""Phase 2 with the real snarkjs: a local ceremony end to end, and the keys it must refuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, ceremony_project
from tests.integration.helpers import snarkjs, zkt
from toolchain.api import ceremony as ceremony_api
from toolchain.api import compile as compile_api
from toolchain.api import prove as prove_api
from toolchain.api import zkey as zkey_api
from toolchain.api.workspace import Workspace
from toolchain.ceremony import checks, phase2
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.config import BeaconOptions
from toolchain.errors import IntegrityError, VerificationError

NAME = "multiplier_2"
BEACON = BeaconOptions(hash="ab" * 32, iterations_exp=10, source="test")


@pytest.fixture
def ceremony_ws(tmp_path: Path) -> Workspace:
    """A fresh copy of the example project, with its ceremony.toml asking for 2 contributions."""
    return ceremony_project(tmp_path / "project", min_contributions=2)


def test_local_ceremony_end_to_end(ceremony_ws: Workspace, dev_ptau: Path, tmp_path: Path) -> None:
    ws, secret = ceremony_ws, fresh_entropy("words only alice knows")
    (setup,) = ceremony_api.setup(ws, (NAME,), dev_ptau)
    alice = ceremony_api.contribute(ws, NAME, "alice", secret)
    bob = ceremony_api.contribute(ws, NAME, "bob", fresh_entropy())
    beacon = ceremony_api.beacon(ws, NAME)
    final = ceremony_api.finalize(ws, NAME, dev_ptau, lambda _: None)
    records = ceremony_api.transcript(ws, NAME)
    assert records == [setup, alice, bob, beacon]
    assert [r.kind for r in records] == ["setup", "contribution", "contribution", "beacon"]
    assert [r.contribution_hash for r in records[:3]] == [r.previous_hash for r in records[1:]]
    transcript_text = ws.project.transcript(NAME).read_text()
    assert secret.reveal() not in transcript_text and "words only alice" not in transcript_text
    exported = tmp_path / "snarkjs_vk.json"
    snarkjs("zkey", "export", "verificationkey", str(final), str(exported))
    assert ws.project.vkey(NAME).read_bytes() == exported.read_bytes()
    assert "contract Groth16Verifier" in ws.project.verifier_sol(NAME).read_text()
    proof = prove_api.prove(ws, NAME, REPO / "circuits/inputs" / NAME / "valid.json", "native")
    assert prove_api.verify(ws, NAME, proof.proof, proof.public, "snarkjs") == "snarkjs"


def test_finalize_refuses_a_key_without_contribution(
    ceremony_ws: Workspace, dev_ptau: Path
) -> None:
    ceremony_api.setup(ceremony_ws, (NAME,), dev_ptau)
    with pytest.raises(VerificationError, match="no phase-2 contribution"):
        ceremony_api.finalize(ceremony_ws, NAME, dev_ptau, lambda _: None)
    assert not ceremony_ws.project.zkey(NAME).exists()


def test_zkey_verify_cli_refuses_no_contribution(ceremony_ws: Workspace, dev_ptau: Path) -> None:
    ceremony_api.setup(ceremony_ws, (NAME,), dev_ptau)
    p = ceremony_ws.project
    args = ["--r1cs", str(p.r1cs(NAME)), "--ptau", str(dev_ptau)]
    done = zkt("zkey", "verify", str(p.ceremony_key(NAME, 0)), *args, cwd=p.root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no phase-2 contribution (delta equals gamma)" in done.stderr


@pytest.fixture
def accepted_chain(ceremony_ws: Workspace, dev_ptau: Path) -> list[Path]:
    """setup → alice → bob, through the local ceremony: the keys a verifier has accepted."""
    ceremony_api.setup(ceremony_ws, (NAME,), dev_ptau)
    for who in ("alice", "bob"):
        ceremony_api.contribute(ceremony_ws, NAME, who, fresh_entropy())
    return [ceremony_ws.project.ceremony_key(NAME, i) for i in range(3)]


def test_rebuilt_history_is_refused_though_snarkjs_accepts_it(
    ceremony_ws: Workspace, dev_ptau: Path, accepted_chain: list[Path], tmp_path: Path
) -> None:
    tools, r1cs = ceremony_ws.tools, ceremony_ws.project.r1cs(NAME)
    forged = [accepted_chain[0]]
    for i, who in enumerate(("alice", "bob", "mallory"), start=1):
        forged.append(tmp_path / f"forged_{i}.zkey")
        phase2.contribute(tools, forged[-2], forged[-1], who, fresh_entropy())
    assert phase2.snarkjs_verify(tools, r1cs, dev_ptau, forged[-1])  # snarkjs sees no problem
    with pytest.raises(VerificationError, match="rebuilt"):
        zkey_api.verify_zkey(tools, forged[-1], r1cs, dev_ptau, previous=accepted_chain[-1])
    extension = tmp_path / "carol.zkey"
    phase2.contribute(tools, accepted_chain[-1], extension, "carol", fresh_entropy())
    passed = zkey_api.verify_zkey(tools, extension, r1cs, dev_ptau, previous=accepted_chain[-1])
    assert passed[-2:] == [
        "extends multiplier_2_0002.zkey by exactly one contribution",
        "native: proof of knowledge, delta step, L and H rescaled, rest unchanged",
    ]
    native = zkey_api.verify_zkey(tools, extension, None, None, accepted_chain[-1], native=True)
    assert "snarkjs zkey verify" not in native and native[-1].startswith("native:")


def test_two_contributions_at_once_are_refused(
    ceremony_ws: Workspace, accepted_chain: list[Path], tmp_path: Path
) -> None:
    tools = ceremony_ws.tools
    one, two = tmp_path / "one.zkey", tmp_path / "two.zkey"
    phase2.contribute(tools, accepted_chain[-1], one, "carol", fresh_entropy())
    phase2.contribute(tools, one, two, "dave", fresh_entropy())
    with pytest.raises(
        VerificationError,
        match=(
            r"^two\.zkey: 2 contributions at once \(carol, dave\): accept them one at a time, "
            r"each checked against the file before it$"
        ),
    ):
        checks.accept_contribution(accepted_chain[-1], two)


def test_key_of_another_circuit_is_refused(
    ceremony_ws: Workspace, dev_ptau: Path, accepted_chain: list[Path], tmp_path: Path
) -> None:
    compile_api.compile_circuits(ceremony_ws, ("multiplier_3",))
    other = tmp_path / "other.zkey"
    phase2.new_zkey(ceremony_ws.tools, ceremony_ws.project.r1cs("multiplier_3"), dev_ptau, other)
    contributed = tmp_path / "other_1.zkey"
    phase2.contribute(ceremony_ws.tools, other, contributed, "eve", fresh_entropy())
    with pytest.raises(VerificationError, match=r"circuit hash .* differs"):
        checks.accept_contribution(accepted_chain[-1], contributed)


def test_beacon_other_than_committed_is_refused(
    ceremony_ws: Workspace, accepted_chain: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "beacon.zkey"
    phase2.apply_beacon(ceremony_ws.tools, accepted_chain[-1], out, "cd" * 32, 10, "beacon")
    params = phase2.mpc_params(out)
    with pytest.raises(VerificationError, match="beacon differs from the one committed"):
        checks.check_beacon_committed(params, BEACON, out.name)
    with pytest.raises(VerificationError, match="does not end with the beacon"):
        checks.check_beacon_committed(phase2.mpc_params(accepted_chain[-1]), BEACON, "k")


def test_tampered_key_on_disk_stops_the_ceremony(
    ceremony_ws: Workspace, accepted_chain: list[Path]
) -> None:
    data = bytearray(accepted_chain[-1].read_bytes())
    data[-1] ^= 1
    accepted_chain[-1].write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="differs from the transcript"):
        ceremony_api.contribute(ceremony_ws, NAME, "carol", fresh_entropy())


def test_setup_twice_is_refused_and_status_lists_steps(
    ceremony_ws: Workspace, accepted_chain: list[Path], dev_ptau: Path
) -> None:
    root = ceremony_ws.project.root
    again = zkt("setup", NAME, "--ptau", str(dev_ptau), cwd=root)
    assert again.returncode == 2 and "a ceremony already started" in again.stderr
    status = zkt("ceremony", "status", NAME, cwd=root)
    assert status.returncode == 0
    assert [line.split()[1] for line in status.stdout.splitlines()] == [
        "setup",
        "contribution",
        "contribution",
    ]


def test_calldata_matches_snarkjs(tmp_path: Path) -> None:
    vectors = REPO / "tests" / "vectors" / "poly"
    ours = zkey_api.calldata(vectors / "proof.json", vectors / "public.json")
    theirs = snarkjs(
        "zkey",
        "export",
        "soliditycalldata",
        str(vectors / "public.json"),
        str(vectors / "proof.json"),
    )
    assert ours == theirs.strip()
    assert json.loads(f"[{ours}]")[3] == ["0x" + f"{v:064x}" for v in (99, 2, 5)]


def test_native_verify_cli_needs_previous_and_accepts_an_extension(
    ceremony_ws: Workspace, accepted_chain: list[Path]
) -> None:
    root = ceremony_ws.project.root
    alone = zkt("zkey", "verify", str(accepted_chain[-1]), "--native", cwd=root)
    assert (
        alone.returncode == 2
        and "--native checks a contribution against --previous" in alone.stderr
    )
    args = (
        "zkey",
        "verify",
        str(accepted_chain[-1]),
        "--native",
        "--previous",
        str(accepted_chain[-2]),
    )
    done = zkt(*args, cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "ok  native: proof of knowledge, delta step, L and H rescaled, rest unchanged"
    )
