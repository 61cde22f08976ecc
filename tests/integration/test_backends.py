"""Every backend's proofs verify under every verifier, on the committed snarkjs vectors."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from toolchain import backends
from toolchain.backends.native import NativeBackend
from toolchain.backends.rapidsnark import RapidsnarkBackend
from toolchain.backends.snarkjs import SnarkjsBackend
from toolchain.errors import UsageError
from toolchain.runner.tools import Tools

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


@pytest.fixture
def tools() -> Tools:
    return Tools(Path(os.environ["ZKT_TOOLS_DIR"]))


def vector(name: str) -> dict[str, Path]:
    d = VECTORS / name
    return {
        "zkey": d / f"{name}_final.zkey",
        "wtns": d / "witness.wtns",
        "vkey": d / "verification_key.json",
        "proof": d / "proof.json",
        "public": d / "public.json",
    }


@pytest.mark.parametrize("name", ["multiplier", "poly"])
@pytest.mark.parametrize("prover_name", ["native", "snarkjs"])
def test_proof_verifies_under_every_verifier(
    name: str, prover_name: str, tools: Tools, tmp_path: Path
) -> None:
    v = vector(name)
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    backends.prover_backend(prover_name, tools).prove(v["zkey"], v["wtns"], proof, public)
    assert json.loads(public.read_text()) == json.loads(v["public"].read_text())
    for verifier in (NativeBackend(), SnarkjsBackend(tools)):
        assert verifier.verify(v["vkey"], public, proof), f"{prover_name} -> {verifier.name}"


@pytest.mark.parametrize("verifier_name", ["native", "snarkjs"])
def test_tampered_public_input_fails_every_verifier(
    verifier_name: str, tools: Tools, tmp_path: Path
) -> None:
    v = vector("poly")
    signals = json.loads(v["public"].read_text())
    signals[1] = str(int(signals[1]) + 1)
    tampered = tmp_path / "public.json"
    tampered.write_text(json.dumps(signals))
    verifier = backends.verifier_backend(verifier_name, tools)
    assert verifier.verify(v["vkey"], tampered, v["proof"]) is False


def fake_rapidsnark(bin_dir: Path, log: Path, proof_source: Path, public_source: Path) -> None:
    """A stand-in `prover` binary that records its argv and writes the vector's outputs."""
    script = bin_dir / "prover"
    script.write_text(
        f'#!/bin/sh\necho "$@" > "{log}"\ncp "{proof_source}" "$3"\ncp "{public_source}" "$4"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_rapidsnark_argument_handling(
    tools: Tools, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZKT_RAPIDSNARK", raising=False)  # the fake on PATH, not a real one
    v = vector("multiplier")
    bin_dir, log = tmp_path / "bin", tmp_path / "argv.log"
    bin_dir.mkdir()
    fake_rapidsnark(bin_dir, log, v["proof"], v["public"])
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    chosen = backends.prover_backend("auto", tools)
    assert chosen.name == "rapidsnark"
    out = tmp_path / "out"
    out.mkdir()
    chosen.prove(v["zkey"], v["wtns"], out / "proof.json", out / "public.json")
    argv = log.read_text().split()
    assert argv[:2] == [str(v["zkey"]), str(v["wtns"])]
    assert Path(argv[2]).name == "proof.json" and Path(argv[3]).name == "public.json"
    assert NativeBackend().verify(v["vkey"], out / "public.json", out / "proof.json")
    with pytest.raises(UsageError, match="rapidsnark only proves"):
        backends.verifier_backend("rapidsnark", tools)


def test_auto_without_rapidsnark_picks_the_faster_of_native_and_snarkjs(
    tools: Tools, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZKT_RAPIDSNARK", raising=False)
    if RapidsnarkBackend().available():
        pytest.fail("a real rapidsnark is on PATH: this test expects none")
    monkeypatch.setenv("ZKT_ENGINE", "pure")
    assert backends.prover_backend("auto", tools).name == "snarkjs"
    assert backends.verifier_backend("auto", tools).name == "native"
    monkeypatch.setenv("ZKT_ENGINE", "mcl")  # the tests session installs the fast extra
    assert backends.prover_backend("auto", tools).name == "native"
