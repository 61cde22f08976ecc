"""The ptau under each key: too small refused up front, carried to finalize, insecure said aloud.

Small dev ptaus (INSECURE, public seeds) and multiplier_2 keep these fast; the CLI runs as a
user runs it, and each refusal is one `zkt: error:` line that leaves every file as it was.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, ceremony_project, tree
from tests.integration.helpers import zkt
from toolchain.api import ceremony as ceremony_api
from toolchain.api.workspace import Workspace
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.hashing import hash_file
from toolchain.integrity.model import manifest_path, ptau_id

NAME = "multiplier_2"
SEED = "ptau safety tests"
WARNING = ceremony_api.insecure_warning(NAME)
DEV_PHASE1 = f'[phase1]\nsource = "dev"\npower = 6\nseed = "{SEED}"\n'


def phase1_config(root: Path, phase1: str) -> None:
    """The project's ceremony.toml with its [phase1] table replaced by `phase1`."""
    config = root / "ceremony" / "ceremony.toml"
    text = config.read_text()
    start, end = text.index("[phase1]"), text.index("[beacon]")
    config.write_text(text[:start] + phase1 + "\n" + text[end:])


@pytest.fixture
def project(tmp_path: Path) -> Workspace:
    """The example project asking for one contribution and a power-6 dev ptau."""
    ws = ceremony_project(tmp_path / "project", min_contributions=1)
    phase1_config(ws.project.root, DEV_PHASE1)
    return ws


def dev_ptau(path: Path, power: int = 6, seed: str = SEED) -> Path:
    """An INSECURE prepared ptau (no phase-1 contribution)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_dev_ptau(path, power, seed)
    return path


def error_line(done: subprocess.CompletedProcess[str], code: int) -> str:
    """The one `zkt: error:` line of a refused command (exit `code`, no traceback)."""
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if line.startswith("zkt: error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0].removeprefix("zkt: error: ")


def circuit_warnings(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The WARNING lines about multiplier_2 of a command that succeeded."""
    assert done.returncode == 0, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith(f"WARNING: {NAME} ")]


def closed_chain(ws: Workspace, ptau: Path | None) -> None:
    """setup (with `ptau`, else ceremony.toml's), one contribution, the beacon."""
    ceremony_api.setup(ws, (NAME,), ptau)
    ceremony_api.contribute(ws, NAME, "alice", fresh_entropy())
    ceremony_api.beacon(ws, NAME)


def forget_ptau_record(ws: Workspace) -> None:
    """Keep only record 0, as transcripts wrote it before the ptau path and count were recorded."""
    path = ws.project.transcript(NAME)
    record = json.loads(path.read_bytes().splitlines()[0])
    del record["inputs"]["ptau_path"], record["inputs"]["ptau_contributions"]
    path.write_bytes(json.dumps(record, sort_keys=True).encode() + b"\n")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` but the compile outputs: what a refusal must leave unchanged."""
    return {path: data for path, data in tree(root).items() if "_js" not in Path(path).parts}


# --- setup ------------------------------------------------------------------------------------


def test_setup_refuses_a_ptau_too_small_for_any_circuit_before_setting_up(
    project: Workspace,
) -> None:
    root = project.project.root
    small = dev_ptau(root / "p2.ptau", power=2)
    args = ("setup", NAME, "range_32", "poseidon_preimage_1", "--ptau", str(small))
    assert error_line(zkt(*args, cwd=root), 2) == (
        "range_32 needs a power-8 ptau, poseidon_preimage_1 needs power 9;"
        " this ptau has power 2 (see zkt ptau pick NAME)"
    )
    assert not (root / "ceremony" / "transcripts").exists()
    assert not project.project.ceremony_key(NAME, 0).exists()  # though multiplier_2 fits


def test_setup_records_the_ptau_and_warns_it_is_insecure(
    project: Workspace, tmp_path: Path
) -> None:
    root = project.project.root
    inside = dev_ptau(root / "ptau" / "dev6.ptau")
    done = zkt("setup", NAME, "--ptau", str(inside), cwd=root)
    assert circuit_warnings(done) == [WARNING]
    (setup,) = ceremony_api.transcript(project, NAME)
    assert setup.inputs["ptau_path"] == "ptau/dev6.ptau"
    assert setup.inputs["ptau_contributions"] == "0"
    assert setup.inputs["ptau_blake2b"] == hash_file(inside, "blake2b")
    outside = dev_ptau(tmp_path / "elsewhere" / "dev6.ptau")
    project.project.transcript(NAME).unlink()
    assert circuit_warnings(zkt("setup", NAME, "--ptau", str(outside), cwd=root)) == [WARNING]
    assert ceremony_api.transcript(project, NAME)[0].inputs["ptau_path"] == str(outside)


# --- finalize ---------------------------------------------------------------------------------


def test_finalize_uses_the_ptau_the_setup_recorded(project: Workspace, tmp_path: Path) -> None:
    other = dev_ptau(tmp_path / "other.ptau", seed="not ceremony.toml's seed")
    closed_chain(project, other)
    done = zkt("ceremony", "finalize", NAME, cwd=project.project.root)
    assert circuit_warnings(done) == [WARNING]
    assert project.project.zkey(NAME).is_file()


def test_finalize_refuses_another_ptau_naming_both_hashes(
    project: Workspace, tmp_path: Path
) -> None:
    used = dev_ptau(tmp_path / "used.ptau", seed="used")
    other = dev_ptau(tmp_path / "other.ptau", seed="other")
    closed_chain(project, used)
    before = snapshot(project.project.root)
    done = zkt("ceremony", "finalize", NAME, "--ptau", str(other), cwd=project.project.root)
    want, got = hash_file(used, "blake2b")[:16], hash_file(other, "blake2b")[:16]
    assert error_line(done, 2) == (
        f"{NAME} was set up on the ptau with blake2b {want}…, {other} has blake2b {got}…:"
        " use the ptau it was set up with"
    )
    assert snapshot(project.project.root) == before


def test_finalize_of_an_old_transcript_checks_ceremony_toml_ptau(
    project: Workspace, tmp_path: Path
) -> None:
    ceremony_api.setup(project, (NAME,), None)  # ceremony.toml's power-6 dev ptau
    forget_ptau_record(project)
    ceremony_api.contribute(project, NAME, "alice", fresh_entropy())
    ceremony_api.beacon(project, NAME)
    assert circuit_warnings(zkt("ceremony", "finalize", NAME, cwd=project.project.root)) == [
        WARNING
    ]


def test_finalize_of_an_old_transcript_refuses_ceremony_toml_ptau_if_another(
    project: Workspace, tmp_path: Path
) -> None:
    used = dev_ptau(tmp_path / "used.ptau", seed="used")
    ceremony_api.setup(project, (NAME,), used)
    forget_ptau_record(project)
    ceremony_api.contribute(project, NAME, "alice", fresh_entropy())
    ceremony_api.beacon(project, NAME)
    configured = ceremony_api.ceremony_ptau(project, None, lambda _: None)
    done = zkt("ceremony", "finalize", NAME, cwd=project.project.root)
    want, got = hash_file(used, "blake2b")[:16], hash_file(configured, "blake2b")[:16]
    assert error_line(done, 2) == (
        f"{NAME} was set up on the ptau with blake2b {want}…, {configured} has blake2b {got}…:"
        " use the ptau it was set up with"
    )
    assert not project.project.zkey(NAME).exists()


# --- lock, verify, prove ----------------------------------------------------------------------


@pytest.fixture
def finalized(project: Workspace) -> Workspace:
    """multiplier_2 finalized on ceremony.toml's dev ptau, with verifier.sol exported."""
    closed_chain(project, None)
    ceremony_api.finalize(project, NAME, None, lambda _: None)
    return project


def test_lock_refuses_an_insecure_ptau_unless_ceremony_toml_says_dev(
    finalized: Workspace,
) -> None:
    root = finalized.project.root
    ptau = ceremony_api.ceremony_ptau(finalized, None, lambda _: None)
    locked = zkt("artifacts", "lock", "--ptau", str(ptau), cwd=root)
    assert circuit_warnings(locked) == [WARNING]
    manifest = json.loads(manifest_path(finalized.project).read_text())
    ptau_ref = ptau_id(hash_file(ptau, "blake2b"))
    assert manifest["artifacts"][ptau_ref]["settings"]["contributions"] == 0
    phase1_config(
        root, f'[phase1]\nsource = "file"\npath = "{ptau.relative_to(root)}"\npower = 6\n'
    )
    before = snapshot(root)
    refused = zkt("artifacts", "lock", "--ptau", str(ptau), cwd=root)
    assert error_line(refused, 6) == (
        f"refusing to lock: {ptau} has no phase-1 contribution, so whoever made it can forge"
        ' proofs; keys from it are locked only when ceremony.toml [phase1] says source = "dev"'
    )
    assert snapshot(root) == before


def test_verify_and_prove_warn_of_an_insecure_ptau(finalized: Workspace, tmp_path: Path) -> None:
    root = finalized.project.root
    ptau = ceremony_api.ceremony_ptau(finalized, None, lambda _: None)
    zkt("artifacts", "lock", "--ptau", str(ptau), cwd=root).check_returncode()
    verified = zkt("artifacts", "verify", cwd=root)
    assert circuit_warnings(verified) == [WARNING]
    assert "no phase-1 contribution: INSECURE" in verified.stdout
    valid = REPO / "circuits" / "inputs" / NAME / "valid.json"
    proved = zkt("prove", NAME, str(valid), "--out", str(tmp_path / "proof"), cwd=root)
    assert circuit_warnings(proved) == [WARNING]


def test_verify_fails_a_hand_edited_contribution_count(finalized: Workspace) -> None:
    root = finalized.project.root
    ptau = ceremony_api.ceremony_ptau(finalized, None, lambda _: None)
    zkt("artifacts", "lock", "--ptau", str(ptau), cwd=root).check_returncode()
    data = json.loads(manifest_path(finalized.project).read_text())
    data["artifacts"][ptau_id(hash_file(ptau, "blake2b"))]["settings"]["contributions"] = 54
    manifest_path(finalized.project).write_text(json.dumps(data))
    done = zkt("artifacts", "verify", cwd=root)
    assert done.returncode == 6 and "it lists 0 phase-1 contributions, the lock 54" in done.stdout


def test_prove_with_an_old_transcript_counts_in_ceremony_toml_ptau(
    finalized: Workspace, tmp_path: Path
) -> None:
    forget_ptau_record(finalized)
    valid = REPO / "circuits" / "inputs" / NAME / "valid.json"
    out = str(tmp_path / "proof")
    assert circuit_warnings(
        zkt("prove", NAME, str(valid), "--out", out, cwd=finalized.project.root)
    ) == [WARNING]
