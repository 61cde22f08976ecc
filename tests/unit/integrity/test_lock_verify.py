"""lock and verify end to end on the vector project: no tool is started (no --rebuild here)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.unit.formats.helpers import vector
from tests.unit.integrity.conftest import NAME, place
from tests.unit.integrity.helpers import (
    edit_manifest,
    failing,
    flip_byte,
    forge,
    lock,
    ptau_ref,
    row_of,
    transcript,
    verify,
)
from toolchain.api.workspace import Workspace
from toolchain.errors import IntegrityError, UsageError
from toolchain.hashing import hash_file
from toolchain.integrity.lock import transcript_head
from toolchain.integrity.model import manifest_path, ptau_id
from toolchain.integrity.report import Status


def locked(ws: Workspace) -> dict[str, Any]:
    return dict(json.loads(manifest_path(ws.project).read_text())["artifacts"])


def test_lock_records_every_artifact_and_its_inputs(vector_ws: Workspace, ptau: Path) -> None:
    report = lock(vector_ws, ptau)
    arts = locked(vector_ws)
    kinds = ["source", "r1cs", "wasm", "zkey", "vkey"]
    pid = ptau_ref(ptau)
    assert [row.artifact for row in report.rows] == [pid, *[f"{NAME}/{k}" for k in kinds]]
    assert all(row.status == Status.OK for row in report.rows)
    zkey = arts[f"{NAME}/zkey"]
    assert zkey["inputs"] == {
        f"{NAME}/r1cs": f"sha256:{arts[f'{NAME}/r1cs']['sha256']}",
        pid: f"blake2b:{hash_file(ptau, 'blake2b')}",
    }
    assert zkey["step"] == "setup+ceremony" and zkey["tools"] == {"snarkjs": "0.7.6"}
    assert zkey["settings"]["contributions"] == 3 and zkey["settings"]["transcript_head"] is None
    assert arts[f"{NAME}/r1cs"]["settings"]["circom"] == "2.2.3"
    assert arts[f"{NAME}/source"]["settings"]["template"] == "templates/multiplier.circom.j2"
    assert arts[pid]["path"] == str(ptau) and arts[pid]["settings"]["power"] == 4
    assert arts[f"{NAME}/vkey"]["inputs"] == {f"{NAME}/zkey": f"sha256:{zkey['sha256']}"}


def test_lock_is_deterministic_and_keeps_the_locked_ptau(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    first = manifest_path(vector_ws.project).read_bytes()
    lock(vector_ws, None)
    assert manifest_path(vector_ws.project).read_bytes() == first


def test_lock_needs_a_keyed_circuit_and_a_ptau(vector_ws: Workspace, ptau: Path) -> None:
    with pytest.raises(UsageError, match="pass --ptau PATH"):
        lock(vector_ws, None)
    with pytest.raises(UsageError, match="no ptau at"):
        lock(vector_ws, ptau.with_name("absent.ptau"))
    vector_ws.project.zkey(NAME).unlink()
    with pytest.raises(UsageError, match="nothing to lock"):
        lock(vector_ws, ptau)


def test_lock_refuses_artifacts_that_do_not_belong_together(
    vector_ws: Workspace, ptau: Path
) -> None:
    place(vector("poly", "verification_key.json"), vector_ws.project.vkey(NAME))
    with pytest.raises(IntegrityError, match="refusing to lock") as info:
        lock(vector_ws, ptau)
    assert "verification_key.json (vkey): differs from the key derived" in str(info.value)
    assert not manifest_path(vector_ws.project).exists()
    place(vector("multiplier", "verification_key.json"), vector_ws.project.vkey(NAME))
    with pytest.raises(IntegrityError, match=r"final.zkey \(zkey\): zkey alpha1, beta1, beta2"):
        lock(vector_ws, vector("ptau", "pot4_0000.ptau"))


def test_verify_passes_after_lock(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    report = verify(vector_ws)
    assert not report.failures
    status, detail = row_of(report, f"{NAME}/zkey")
    assert (
        status == Status.OK
        and "alpha/beta from the ptau" in detail
        and "2 real phase-2 contribution(s) + the beacon" in detail
    )


def test_flipped_byte_fails_only_that_artifact(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    flip_byte(vector_ws.project.r1cs(NAME))
    report = verify(vector_ws)
    assert failing(report).keys() == {f"{NAME}/r1cs"}
    assert "content differs from the lock" in failing(report)[f"{NAME}/r1cs"]
    status, detail = row_of(report, f"{NAME}/zkey")
    assert status == Status.OK and f"{NAME}/r1cs failed: relation skipped" in detail


def test_absent_ptau_is_skipped_visibly(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    ptau.unlink()
    report = verify(vector_ws)
    assert not report.failures
    status, detail = row_of(report, ptau_ref(vector("ptau", "pot4_final.ptau")))
    assert status == Status.SKIPPED and "ptau not present" in detail
    assert "ptau not present: skipped relation" in row_of(report, f"{NAME}/zkey")[1]
    assert "SKIPPED" in report.table()


def test_ptau_given_to_verify_must_be_the_locked_one(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    report = verify(vector_ws, ptau=vector("ptau", "pot4_0000.ptau"))
    pid = ptau_ref(ptau)
    assert failing(report).keys() == {pid}
    assert f"{pid} failed: relation skipped" in row_of(report, f"{NAME}/zkey")[1]
    with pytest.raises(UsageError, match="no ptau at"):
        verify(vector_ws, ptau=ptau.with_name("absent.ptau"))


def test_ptau_claiming_a_published_name_needs_its_pinned_hash(
    vector_ws: Workspace, ptau: Path
) -> None:
    lock(vector_ws, ptau)

    def claim(data: dict[str, Any]) -> None:
        data["artifacts"][pid]["settings"]["published"] = "powersOfTau28_hez_final_08.ptau"

    pid = ptau_ref(ptau)
    edit_manifest(vector_ws.project, claim)
    status, detail = row_of(verify(vector_ws), pid)
    assert status == Status.MISMATCH and "blake2b is not the pinned one" in detail


def test_hand_edited_manifest_fails(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)

    def edit(data: dict[str, Any]) -> None:
        data["artifacts"][f"{NAME}/vkey"]["sha256"] = "0" * 64
        data["artifacts"][f"{NAME}/r1cs"]["inputs"][f"{NAME}/source"] = "sha256:" + "1" * 64
        data["artifacts"][f"{NAME}/wasm"]["path"] = "build/elsewhere.wasm"

    edit_manifest(vector_ws.project, edit)
    failed = failing(verify(vector_ws))
    assert "content differs from the lock" in failed[f"{NAME}/vkey"]
    assert f"its input {NAME}/source is recorded as sha256:1111" in failed[f"{NAME}/r1cs"]
    assert "recorded at build/elsewhere.wasm" in failed[f"{NAME}/wasm"]


def test_forged_manifest_is_caught_by_the_relations(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    vkey = place(vector("poly", "verification_key.json"), vector_ws.project.vkey(NAME))
    forge(vector_ws.project, f"{NAME}/vkey", vkey)
    assert failing(verify(vector_ws)) == {
        f"{NAME}/vkey": "differs from the key derived from final.zkey"
    }


def test_missing_artifacts_are_reported(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    vector_ws.project.vkey(NAME).unlink()
    shutil.rmtree(vector_ws.project.root / "build")
    report = verify(vector_ws)
    assert {row.artifact: row.status for row in report.failures} == {
        f"{NAME}/source": Status.MISSING,
        f"{NAME}/r1cs": Status.MISSING,
        f"{NAME}/wasm": Status.MISSING,
        f"{NAME}/vkey": Status.MISSING,
    }
    assert "run `zkt compile` first, or verify with --rebuild" in failing(report)[f"{NAME}/r1cs"]


def test_template_changed_after_locking(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    template = vector_ws.project.templates_dir / "multiplier.circom.j2"
    template.write_text(template.read_text() + "// changed\n")
    assert "template or the parameters changed" in failing(verify(vector_ws))[f"{NAME}/source"]


def test_transcript_is_locked_and_checked(vector_ws: Workspace, ptau: Path) -> None:
    path = transcript(vector_ws, ptau)
    report = lock(vector_ws, ptau)
    status, detail = row_of(report, f"{NAME}/transcript")
    assert status == Status.OK and detail == "4 records ending at final.zkey"
    arts = locked(vector_ws)
    head = transcript_head(path)
    assert arts[f"{NAME}/transcript"]["settings"] == {"records": 4, "head": head}
    assert arts[f"{NAME}/zkey"]["settings"]["transcript_head"] == head
    path.write_bytes(path.read_bytes().replace(b'"p1"', b'"px"'))
    failed = failing(verify(vector_ws))
    assert failed.keys() == {f"{NAME}/transcript"}


def test_transcript_that_ends_elsewhere_is_refused(vector_ws: Workspace, ptau: Path) -> None:
    place(vector("multiplier", "multiplier_0002.zkey"), vector_ws.project.zkey(NAME))
    vector_ws.project.vkey(NAME).unlink()
    transcript(vector_ws, ptau)
    with pytest.raises(IntegrityError, match=r"multiplier_2.jsonl \(transcript\): .*is not final"):
        lock(vector_ws, ptau)


def test_transcript_that_appears_after_locking_fails(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    transcript(vector_ws, ptau)
    assert "multiplier_2.jsonl was never locked" in failing(verify(vector_ws))[f"{NAME}/zkey"]


def test_manifest_locked_before_per_circuit_ptaus_still_verifies(
    vector_ws: Workspace, ptau: Path
) -> None:
    lock(vector_ws, ptau)
    pid = ptau_ref(ptau)

    def legacy(data: dict[str, Any]) -> None:  # one "ptau" id, as every lock wrote before
        data["artifacts"]["ptau"] = data["artifacts"].pop(pid)
        for art in data["artifacts"].values():
            if pid in art["inputs"]:
                art["inputs"]["ptau"] = art["inputs"].pop(pid)

    edit_manifest(vector_ws.project, legacy)
    report = verify(vector_ws)
    assert not report.failures and row_of(report, "ptau")[0] == Status.OK
    assert "alpha/beta from the ptau pot4_final.ptau" in row_of(report, f"{NAME}/zkey")[1]
    lock(vector_ws, None)  # the next lock writes the ptau's own id
    assert ptau_ref(ptau) in locked(vector_ws) and "ptau" not in locked(vector_ws)


def test_ptau_entry_forged_to_another_file_fails(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    pid = ptau_ref(ptau)
    shutil.copyfile(vector("ptau", "pot4_0000.ptau"), ptau)
    forge(vector_ws.project, pid, ptau)  # hashes and links follow; the id keeps the old hash
    report = verify(vector_ws)
    assert failing(report) == {
        pid: f"ptau of {NAME}; its id {pid} is not its blake2b {hash_file(ptau, 'blake2b')[:16]}…"
    }
    assert f"{pid} failed: relation skipped" in row_of(report, f"{NAME}/zkey")[1]


def test_relock_keeps_a_locked_ptau_that_is_absent(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    first = manifest_path(vector_ws.project).read_bytes()
    ptau.unlink()
    report = lock(vector_ws, None)
    assert row_of(report, ptau_ref(vector("ptau", "pot4_final.ptau")))[0] == Status.SKIPPED
    assert manifest_path(vector_ws.project).read_bytes() == first


def test_key_and_transcript_must_name_the_same_single_ptau(
    vector_ws: Workspace, ptau: Path
) -> None:
    transcript(vector_ws, ptau)
    lock(vector_ws, ptau)
    pid, fake = ptau_ref(ptau), ptau_id("0" * 128)

    def another(data: dict[str, Any]) -> None:  # one more locked ptau, named by the transcript
        arts = data["artifacts"]
        arts[fake] = {**arts[pid], "blake2b": "0" * 128, "path": None}
        inputs = arts[f"{NAME}/transcript"]["inputs"]
        del inputs[pid]
        inputs[fake] = f"blake2b:{'0' * 128}"

    edit_manifest(vector_ws.project, another)
    assert failing(verify(vector_ws)) == {
        fake: "no locked key was set up on it",
        f"{NAME}/transcript": f"its input {fake} is not the ptau its key names",
    }

    def both(data: dict[str, Any]) -> None:  # and the key names both
        data["artifacts"][f"{NAME}/zkey"]["inputs"][fake] = f"blake2b:{'0' * 128}"

    edit_manifest(vector_ws.project, both)
    assert failing(verify(vector_ws))[f"{NAME}/zkey"] == "its inputs name 2 ptaus, not one"
