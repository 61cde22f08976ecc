"""`zkt prove --backend rapidsnark` against the real binary (issue 15 §4), and its refusals.

Proofs of the committed example keys verify under native and snarkjs, with snarkjs's public
signals, in snarkjs's layout. Hostile keys and witnesses (the hostile-input lab's) and a wrong
$ZKT_RAPIDSNARK are each refused in one line, nothing written. Tests asking for the
`rapidsnark_binary` fixture are deselected where no binary is found (conftest.py says so).
"""

from __future__ import annotations

import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project
from tests.integration.helpers import zkt
from tests.integration.test_hostile_inputs import Lab, lab, run_hostile
from toolchain.formats.snarkjs_json import dump_proof, read_proof

__all__ = ["lab"]  # the hostile-input lab's fixture, shared

CIRCUITS = ("multiplier_2", "merkle_4")  # Groth16 examples with committed keys


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh project holding the committed keys of CIRCUITS."""
    root = copy_project(tmp_path_factory.mktemp("project"))
    for name in CIRCUITS:
        shutil.copytree(REPO / "artifacts" / name, root / "artifacts" / name)
    return root


def _prove(root: Path, name: str, backend: str, out: Path) -> None:
    valid = REPO / "circuits" / "inputs" / name / "valid.json"
    done = zkt("prove", name, str(valid), "--backend", backend, "--out", str(out), cwd=root)
    assert done.returncode == 0, done.stderr
    assert f"{name}: proof by {backend}" in done.stderr


@pytest.mark.parametrize("name", CIRCUITS)
def test_proof_verifies_under_native_and_snarkjs(
    rapidsnark_binary: Path, project: Path, name: str, tmp_path: Path
) -> None:
    made, reference = tmp_path / "rapidsnark", tmp_path / "snarkjs"
    _prove(project, name, "rapidsnark", made)
    _prove(project, name, "snarkjs", reference)
    proof, public = made / "proof.json", made / "public.json"
    done = zkt("verify", name, str(proof), str(public), "--backend", "all", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    for verifier in ("native", "snarkjs"):
        assert f"valid proof ({verifier} verifier)" in done.stdout
    assert public.read_bytes() == (reference / "public.json").read_bytes()
    assert proof.read_text() == dump_proof(read_proof(proof))  # snarkjs's layout, with "curve"


PROVE_CASES = [
    ("flip5.zkey", 5, "rapidsnark made a proof whose pi_a is not on the curve: the key is damaged"),
    ("flip7.zkey", 5, "rapidsnark made a proof whose pi_b is not on the curve: the key is damaged"),
    ("flip9.zkey", 5, "rapidsnark made a proof whose pi_c is not on the curve: the key is damaged"),
    ("m.zkey", 5, "the key's circuit has 4 signals, the witness 3: not this circuit's key"),
]


@pytest.mark.parametrize(("key", "code", "fault"), PROVE_CASES)
def test_hostile_key_or_witness(
    rapidsnark_binary: Path, lab: Lab, key: str, code: int, fault: str
) -> None:
    out = lab.files / "proof-out"
    args = ["prove", "sq", lab / "in.json", "--backend", "rapidsnark", "--zkey", lab / key]
    error = run_hostile(lab, [*args, "--out", str(out)], code, fault)
    assert error == f"zkt: error: {lab / key}: {fault}"
    shutil.rmtree(out, ignore_errors=True)


def _not_executable(folder: Path) -> Path:
    path = folder / "prover.txt"
    path.write_text("not a program\n")
    path.chmod(path.stat().st_mode & ~(stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH))
    return path


@pytest.mark.parametrize("backend", ["rapidsnark", "auto"])
@pytest.mark.parametrize(
    ("make", "fault"),
    [
        (lambda folder: folder / "missing", "no such file"),
        (_not_executable, "not an executable file"),
        (lambda folder: folder, "not an executable file"),
    ],
    ids=["missing", "not_executable", "folder"],
)
def test_wrong_zkt_rapidsnark_is_refused(
    lab: Lab,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    backend: str,
    make: Callable[[Path], Path],
    fault: str,
) -> None:
    path = make(tmp_path)
    monkeypatch.setenv("ZKT_RAPIDSNARK", str(path))
    out = lab.files / "proof-out"
    args = ["prove", "sq", lab / "in.json", "--backend", backend, "--zkey", lab / "sq.zkey"]
    error = run_hostile(lab, [*args, "--out", str(out)], 2, fault)
    assert error == (
        f"zkt: error: ZKT_RAPIDSNARK={path}: {fault}: set it to the rapidsnark prover binary,"
        " or unset it"
    )
