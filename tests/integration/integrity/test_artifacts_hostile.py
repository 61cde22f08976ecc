"""verify against damaged, swapped, forged and missing artifacts of real snarkjs-made keys."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.integration.integrity.conftest import LOCKED
from tests.unit.integrity.helpers import edit_manifest, failing, flip_byte, forge, row_of
from toolchain.api.workspace import Workspace
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.ceremony.phase2 import contribute, new_zkey
from toolchain.errors import IntegrityError
from toolchain.hashing import hash_file
from toolchain.integrity import verify as manifest_verify
from toolchain.integrity.lock import lock
from toolchain.integrity.model import manifest_path, ptau_id, read_manifest
from toolchain.integrity.report import Report, Status
from toolchain.paths import Project

NAME = "multiplier_2"


def verify(ws: Workspace, ptau: Path | None = None) -> Report:
    return manifest_verify.verify(ws.project, ws.registry, ws.tools, ptau=ptau)


def artifact_path(project: Project, kind: str) -> Path:
    """Where multiplier_2's artifact of `kind` lives."""
    return {
        "source": project.source,
        "r1cs": project.r1cs,
        "wasm": project.wasm,
        "zkey": project.zkey,
        "vkey": project.vkey,
        "verifier": project.verifier_sol,
    }[kind](NAME)


def test_clean_lock_verifies_and_prints_every_row(locked: Workspace) -> None:
    report = verify(locked)
    assert not report.failures
    locked_ids = read_manifest(manifest_path(locked.project)).artifacts
    (ptau,) = read_manifest(manifest_path(locked.project)).ptaus()
    assert [row.artifact for row in report.rows][:2] == [ptau, f"{NAME}/source"]
    assert {row.artifact for row in report.rows} == locked_ids.keys()
    lines = report.table().splitlines()
    assert len(lines) == 1 + len(locked_ids) == 2 + 6 * len(LOCKED)
    for name in LOCKED:
        assert any(line.startswith(f"artifacts/{name}/verifier.sol") for line in lines)
    assert "constants are final.zkey's key" in row_of(report, f"{NAME}/verifier")[1]


@pytest.mark.parametrize("kind", ["source", "r1cs", "wasm", "zkey", "vkey", "verifier", "ptau"])
def test_one_flipped_byte_fails_that_artifact(
    locked: Workspace, dev_ptau: Path, tmp_path: Path, kind: str
) -> None:
    if kind == "ptau":
        target = Path(shutil.copyfile(dev_ptau, tmp_path / dev_ptau.name))
        art_id, ptau = ptau_id(hash_file(dev_ptau, "blake2b")), target
    else:
        target = artifact_path(locked.project, kind)
        art_id, ptau = f"{NAME}/{kind}", None
    flip_byte(target)
    report = verify(locked, ptau)
    assert failing(report).keys() == {art_id}
    assert "content differs from the lock" in failing(report)[art_id]
    with pytest.raises(IntegrityError, match=target.name) as info:
        report.raise_for_failures()
    assert info.value.exit_code == 6


def test_vkey_of_another_circuit_fails(locked: Workspace) -> None:
    project = locked.project
    shutil.copyfile(project.vkey("range_32"), project.vkey(NAME))
    assert failing(verify(locked)).keys() == {f"{NAME}/vkey"}
    forge(project, f"{NAME}/vkey", project.vkey(NAME))
    assert failing(verify(locked)) == {
        f"{NAME}/vkey": "differs from the key derived from final.zkey"
    }


def test_zkey_set_up_for_another_circuit_fails(locked: Workspace) -> None:
    project = locked.project
    shutil.copyfile(project.zkey("range_32"), project.zkey(NAME))
    assert failing(verify(locked)).keys() == {f"{NAME}/zkey"}
    forge(project, f"{NAME}/zkey", project.zkey(NAME))
    failed = failing(verify(locked))
    assert failed.keys() == {f"{NAME}/zkey"}
    assert "the key was set up for another circuit" in failed[f"{NAME}/zkey"]


def test_zkey_set_up_from_another_ptau_fails(locked: Workspace, tmp_path: Path) -> None:
    project = locked.project
    other_ptau = tmp_path / "other.ptau"
    write_dev_ptau(other_ptau, 4, "not the locked seed")
    project.zkey(NAME).unlink()
    initial = tmp_path / "initial.zkey"
    new_zkey(locked.tools, project.r1cs(NAME), other_ptau, initial)
    contribute(locked.tools, initial, project.zkey(NAME), "mallory", fresh_entropy())
    forge(project, f"{NAME}/zkey", project.zkey(NAME))
    failed = failing(verify(locked))
    assert failed.keys() == {f"{NAME}/zkey"}
    assert "alpha1, beta1, beta2 differ from the ptau's" in failed[f"{NAME}/zkey"]


def test_lock_refuses_a_swapped_key_and_keeps_the_manifest(locked: Workspace) -> None:
    project = locked.project
    before = manifest_path(project).read_bytes()
    shutil.copyfile(project.vkey("range_32"), project.vkey(NAME))
    with pytest.raises(IntegrityError, match="refusing to lock") as info:
        lock(project, locked.registry, locked.tools)
    assert f"artifacts/{NAME}/verification_key.json (vkey)" in str(info.value)
    assert manifest_path(project).read_bytes() == before


def test_hand_edited_manifest_fails(locked: Workspace) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["artifacts"][f"{NAME}/zkey"]["sha256"] = "0" * 64

    edit_manifest(locked.project, edit)
    report = verify(locked)
    failed = failing(report)
    assert "content differs from the lock" in failed.pop(f"{NAME}/zkey")
    # what was made from the key now names a key the manifest no longer locks
    assert failed.keys() == {f"{NAME}/vkey", f"{NAME}/verifier"}
    assert all(f"its input {NAME}/zkey is recorded as" in detail for detail in failed.values())
    with pytest.raises(IntegrityError, match=f"artifacts/{NAME}/final.zkey"):
        report.raise_for_failures()


def test_missing_artifact_is_reported(locked: Workspace) -> None:
    locked.project.verifier_sol(NAME).unlink()
    report = verify(locked)
    assert row_of(report, f"{NAME}/verifier") == (Status.MISSING, "not found")
    assert row_of(report, f"{NAME}/vkey")[0] == Status.OK
    with pytest.raises(
        IntegrityError, match=rf"artifacts/{NAME}/verifier.sol \(verifier MISSING\)"
    ):
        report.raise_for_failures()
