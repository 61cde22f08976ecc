"""On every example circuit: native proofs verify under snarkjs, snarkjs proofs natively."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.conftest import KEYED
from tests.integration.helpers import zkt
from toolchain.api.prove import prove, verify
from toolchain.api.workspace import Workspace
from toolchain.backends.snarkjs import SnarkjsBackend
from toolchain.config import read_registry

# Groth16 circuits: a PLONK or fflonk circuit's key is of its protocol, and only snarkjs proves
# those (tests/integration/test_universal_proofs.py).
CIRCUITS = [
    entry.name
    for entry in read_registry(REPO / "circuits" / "circuits.toml").circuit
    if not entry.universal and entry.name in KEYED
]


def valid_input(name: str) -> Path:
    return REPO / "circuits" / "inputs" / name / "valid.json"


@pytest.mark.parametrize("name", CIRCUITS)
def test_native_proof_verifies_under_snarkjs(keyed: Workspace, name: str, tmp_path: Path) -> None:
    result = prove(keyed, name, valid_input(name), "native", out_dir=tmp_path)
    assert result.backend == "native"
    vkey = keyed.project.vkey(name)
    assert SnarkjsBackend(keyed.tools).verify(vkey, result.public, result.proof)
    assert verify(keyed, name, result.proof, result.public, "native") == "native"


@pytest.mark.parametrize("name", CIRCUITS)
def test_snarkjs_proof_verifies_natively(keyed: Workspace, name: str, tmp_path: Path) -> None:
    result = prove(keyed, name, valid_input(name), "snarkjs", out_dir=tmp_path)
    assert verify(keyed, name, result.proof, result.public, "native") == "native"


def test_cli_prove_then_verify_and_reject_tampering(keyed: Workspace, tmp_path: Path) -> None:
    root = keyed.project.root
    args = ("prove", "merkle_4", str(valid_input("merkle_4")), "--out", str(tmp_path))
    done = zkt(*args, cwd=root, env={"ZKT_ENGINE": "pure", "ZKT_RAPIDSNARK": ""})
    assert done.returncode == 0, done.stderr
    assert "merkle_4: proof by snarkjs" in done.stderr  # auto: no rapidsnark, no mcl
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    ok = zkt("verify", "merkle_4", str(proof), str(public), cwd=root)
    assert ok.returncode == 0 and "valid proof (native verifier)" in ok.stdout
    signals = json.loads(public.read_text())
    signals[0] = str(int(signals[0]) + 1)
    public.write_text(json.dumps(signals))
    for backend in ("native", "snarkjs"):
        bad = zkt("verify", "merkle_4", str(proof), str(public), "--backend", backend, cwd=root)
        assert bad.returncode == 1, bad.stderr
        assert f"merkle_4: INVALID proof ({backend} verifier)" in bad.stderr


def test_cli_reports_missing_key_and_files(keyed: Workspace, tmp_path: Path) -> None:
    root = keyed.project.root
    no_key = zkt("prove", "merkle_4", str(valid_input("merkle_4")), "--zkey", "nope.zkey", cwd=root)
    assert no_key.returncode == 2 and "no proving key at nope.zkey" in no_key.stderr
    missing = zkt("verify", "merkle_4", "ghost.json", "ghost.json", cwd=root)
    assert missing.returncode == 2 and "ghost.json" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_cli_verify_defaults_to_the_proof_prove_wrote(keyed: Workspace) -> None:
    root, folder = keyed.project.root, keyed.project.proof_dir("multiplier_2")
    shutil.rmtree(folder, ignore_errors=True)  # this worker's earlier default proof, if any
    try:
        none = zkt("verify", "multiplier_2", cwd=root)
        assert none.returncode == 2 and "Traceback" not in none.stderr
        assert none.stderr.strip() == (
            "zkt: error: multiplier_2: no build/multiplier_2/proof/proof.json: run"
            " `zkt prove multiplier_2 INPUT` first, or name PROOF and PUBLIC"
        )
        assert not folder.exists()
        done = zkt("prove", "multiplier_2", str(valid_input("multiplier_2")), cwd=root)
        assert done.returncode == 0, done.stderr
        ok = zkt("verify", "multiplier_2", cwd=root)
        assert ok.returncode == 0 and "valid proof (native verifier)" in ok.stdout
        half = zkt("verify", "multiplier_2", str(folder / "proof.json"), cwd=root)
        assert half.returncode == 2 and half.stderr.strip() == (
            "zkt: error: give both PROOF and PUBLIC, or neither (then `zkt prove`'s own)"
        )
        proof, public = folder / "proof.json", folder / "public.json"
        swapped = zkt("verify", "multiplier_2", str(public), str(proof), cwd=root)
        assert swapped.returncode == 5 and swapped.stderr.strip() == (
            f"zkt: error: {public}: a JSON list, as public signals are, not a proof"
            " (PROOF comes before PUBLIC)"
        )
        public.write_text(json.dumps([str(int(json.loads(public.read_text())[0]) + 1)]))
        bad = zkt("verify", "multiplier_2", cwd=root)
        assert bad.returncode == 1 and "multiplier_2: INVALID proof (native verifier)" in bad.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)
