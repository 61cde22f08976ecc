"""A ptau per circuit: two keys set up on two dev ptaus of different powers lock and verify,
each against its own ptau; a circuit whose ptau is swapped for the other's is named.

multiplier_2 is set up on a power-6 dev ptau and range_32 (which needs power 8) on a power-8
one, both inside the project; their transcripts record where. The CLI runs as a user runs it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ceremony_project
from tests.integration.helpers import zkt
from tests.integration.test_ptau_safety import (
    DEV_PHASE1,
    dev_ptau,
    error_line,
    phase1_config,
    snapshot,
)
from tests.unit.integrity.helpers import edit_manifest
from toolchain.api import ceremony as ceremony_api
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.hashing import hash_file
from toolchain.integrity.model import manifest_path, ptau_id

POWERS = {"multiplier_2": 6, "range_32": 8}


def ptau_of(root: Path, name: str) -> Path:
    """Where circuit `name`'s ptau is: ptau/dev6.ptau or ptau/dev8.ptau."""
    return root / "ptau" / f"dev{POWERS[name]}.ptau"


def kept(root: Path) -> dict[str, dict[str, bytes]]:
    """The files a refusal must leave as they were: artifacts, ceremony records and ptaus
    (`lock` compiles first, which may refresh build/'s bookkeeping)."""
    return {folder: snapshot(root / folder) for folder in ("artifacts", "ceremony", "ptau")}


def ref(root: Path, name: str) -> str:
    """The manifest id of circuit `name`'s ptau."""
    return ptau_id(hash_file(ptau_of(root, name), "blake2b"))


@pytest.fixture(scope="session")
def two_ptaus_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Root of a project with both circuits finalized on their own ptau (tests take copies)."""
    ws = ceremony_project(tmp_path_factory.mktemp("two-ptaus") / "project", min_contributions=1)
    phase1_config(ws.project.root, DEV_PHASE1)
    for name, power in POWERS.items():
        ptau = dev_ptau(ptau_of(ws.project.root, name), power, seed=f"dev {power}")
        ceremony_api.setup(ws, (name,), ptau)
        ceremony_api.contribute(ws, name, "alice", fresh_entropy())
        ceremony_api.beacon(ws, name)
        ceremony_api.finalize(ws, name, None, lambda _: None)
    return ws.project.root


@pytest.fixture
def two_ptaus(two_ptaus_template: Path, tmp_path: Path) -> Workspace:
    """A private copy of the finalized, not yet locked, project."""
    return open_workspace(shutil.copytree(two_ptaus_template, tmp_path / "project"))


def locked(ws: Workspace) -> dict[str, Any]:
    """`zkt artifacts lock` (no --ptau: each transcript says where its ptau is), then the
    manifest's artifacts."""
    done = zkt("artifacts", "lock", cwd=ws.project.root)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(manifest_path(ws.project).read_text())["artifacts"])


def test_each_key_is_locked_and_verified_against_its_own_ptau(two_ptaus: Workspace) -> None:
    root = two_ptaus.project.root
    arts = locked(two_ptaus)
    assert sorted(a for a in arts if a.startswith("ptau")) == sorted(
        ref(root, name) for name in POWERS
    )
    for name, power in POWERS.items():
        link = f"blake2b:{hash_file(ptau_of(root, name), 'blake2b')}"
        for kind in ("zkey", "transcript"):
            assert arts[f"{name}/{kind}"]["inputs"][ref(root, name)] == link
        ptau = arts[ref(root, name)]
        assert ptau["path"] == f"ptau/dev{power}.ptau" and ptau["settings"]["power"] == power
    verified = zkt("artifacts", "verify", cwd=root)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    rows = verified.stdout.splitlines()
    for name, power in POWERS.items():
        (key_row,) = [row for row in rows if row.startswith(f"artifacts/{name}/final.zkey ")]
        assert f"alpha/beta from the ptau dev{power}.ptau (power {power})" in key_row
        (ptau_row,) = [row for row in rows if row.startswith(f"dev{power}.ptau ")]
        assert ptau_row.split()[2] == "OK"
        assert f"ptau of {name}; not a published ptau; power {power}" in ptau_row
    with_ptau = zkt("artifacts", "verify", "--ptau", str(ptau_of(root, "range_32")), cwd=root)
    assert with_ptau.returncode == 0, with_ptau.stdout + with_ptau.stderr


def test_a_key_locked_with_the_other_circuits_ptau_is_named(two_ptaus: Workspace) -> None:
    root = two_ptaus.project.root
    locked(two_ptaus)
    own, other = ref(root, "multiplier_2"), ref(root, "range_32")

    def swap(data: dict[str, Any]) -> None:  # links stay valid: a careful attacker
        for kind in ("zkey", "transcript"):
            inputs = data["artifacts"][f"multiplier_2/{kind}"]["inputs"]
            del inputs[own]
            inputs[other] = f"blake2b:{data['artifacts'][other]['blake2b']}"

    edit_manifest(two_ptaus.project, swap)
    before = kept(root)
    done = zkt("artifacts", "verify", cwd=root)
    assert error_line(done, 6) == (
        "2 artifact(s) failed verification: dev6.ptau (ptau MISMATCH),"
        " artifacts/multiplier_2/final.zkey (zkey MISMATCH)"
    )
    assert "zkey alpha1, beta1, beta2 differ from the ptau's (dev8.ptau): another ptau" in (
        done.stdout
    )
    assert "no locked key was set up on it" in done.stdout
    assert kept(root) == before


def test_a_replaced_ptau_file_is_named_with_its_circuit(two_ptaus: Workspace) -> None:
    root = two_ptaus.project.root
    locked(two_ptaus)
    want = hash_file(ptau_of(root, "multiplier_2"), "blake2b")
    shutil.copyfile(ptau_of(root, "range_32"), ptau_of(root, "multiplier_2"))
    got = hash_file(ptau_of(root, "multiplier_2"), "blake2b")
    before = kept(root)
    verified = zkt("artifacts", "verify", cwd=root)
    assert error_line(verified, 6) == (
        "1 artifact(s) failed verification: dev6.ptau (ptau MISMATCH)"
    )
    (row,) = [row for row in verified.stdout.splitlines() if row.startswith("dev6.ptau ")]
    assert row.split()[2] == "MISMATCH"
    assert "ptau of multiplier_2; content differs from the lock" in row
    relocked = zkt("artifacts", "lock", cwd=root)
    assert error_line(relocked, 6) == (
        f"multiplier_2 was set up on the ptau with blake2b {want[:16]}…,"
        f" {ptau_of(root, 'multiplier_2')} has blake2b {got[:16]}…: use the ptau it was set up"
        " with"
    )
    assert kept(root) == before


def test_lock_refuses_a_ptau_no_circuit_was_set_up_on(two_ptaus: Workspace, tmp_path: Path) -> None:
    root = two_ptaus.project.root
    stranger = dev_ptau(tmp_path / "stranger.ptau", 6, seed="nobody's")
    before = kept(root)
    done = zkt("artifacts", "lock", "--ptau", str(stranger), cwd=root)
    assert error_line(done, 2) == (
        f"--ptau {stranger} (blake2b {hash_file(stranger, 'blake2b')[:16]}…) is the ptau of no"
        " keyed circuit: their setup records name others"
    )
    assert kept(root) == before


def test_verify_refuses_a_ptau_that_is_none_of_the_locked_ones(
    two_ptaus: Workspace, tmp_path: Path
) -> None:
    root = two_ptaus.project.root
    locked(two_ptaus)
    stranger = dev_ptau(tmp_path / "stranger.ptau", 7, seed="nobody's")
    before = kept(root)
    done = zkt("artifacts", "verify", "--ptau", str(stranger), cwd=root)
    ids = ", ".join(sorted(ref(root, name) for name in POWERS))
    assert error_line(done, 6) == (
        f"{stranger} (blake2b {hash_file(stranger, 'blake2b')[:16]}…) is none of the locked"
        f" ptaus: {ids}"
    )
    assert kept(root) == before
