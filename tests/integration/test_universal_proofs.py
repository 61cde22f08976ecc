"""PLONK and fflonk through the CLI (issue 17 part 2): prove, verify, batch, export, calldata,
and every tamper refused by every verifier.

One session project holds the registry's three universal examples (range_32_plonk,
poseidon_preimage_1_plonk, poseidon_preimage_1_fflonk) and a second fflonk circuit,
sum_of_squares_fflonk (added here: the registry has one fflonk example and a proof for another
circuit of the same protocol needs two), all set up on the dev ptau (deterministic keys) and
proved once with `zkt prove`. Every refusal asserts the exit family, one `zkt: error:` line, no
Python or JavaScript stack, and that no file was created or changed.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, ceremony_project, exactly
from tests.integration.helpers import refused as refused_by_zkt
from tests.integration.helpers import snapshot, snarkjs, zkt
from toolchain.api.ceremony import setup
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.backends.native import FFLONK_REFUSAL
from toolchain.formats.binfile import read_binfile
from toolchain.native.curve import G1_GENERATOR
from toolchain.native.field import R
from toolchain.runner.snarkjs_worker import SnarkjsWorker, SnarkjsWorkerError

EXAMPLES = ("range_32_plonk", "poseidon_preimage_1_plonk", "poseidon_preimage_1_fflonk")
EXTRA = "sum_of_squares_fflonk"
EXTRA_ENTRY = f"""
[[circuit]]
name = "{EXTRA}"
source = "circuits/src/sum_of_squares.circom"
description = "sum_of_squares with fflonk (tests: a second fflonk circuit)"
public = ["total"]
protocol = "fflonk"
"""
# The circuit whose proofs play "another circuit, same protocol" for each example.
SAME_PROTOCOL = {
    "range_32_plonk": "poseidon_preimage_1_plonk",
    "poseidon_preimage_1_plonk": "range_32_plonk",
    "poseidon_preimage_1_fflonk": EXTRA,
}
OTHER_PROTOCOL = {
    "range_32_plonk": "poseidon_preimage_1_fflonk",
    "poseidon_preimage_1_plonk": "poseidon_preimage_1_fflonk",
    "poseidon_preimage_1_fflonk": "poseidon_preimage_1_plonk",
}
VERIFIERS = ("auto", "snarkjs", "all")


@dataclass(frozen=True)
class Universal:
    """The set-up project, each circuit's proof folder, and a folder for hostile files."""

    ws: Workspace
    proofs: dict[str, Path]
    files: Path

    @property
    def root(self) -> Path:
        return self.ws.project.root

    def inputs(self, name: str) -> Path:
        source = "sum_of_squares" if name == EXTRA else name
        return self.root / "circuits" / "inputs" / source


@pytest.fixture(scope="session")
def universal(tmp_path_factory: pytest.TempPathFactory) -> Universal:
    root = ceremony_project(tmp_path_factory.mktemp("universal"), 1).project.root
    registry = root / "circuits" / "circuits.toml"
    registry.write_text(registry.read_text() + EXTRA_ENTRY)
    ws = open_workspace(root)
    setup(ws, (*EXAMPLES, EXTRA), None)
    proofs = {}
    for name in (*EXAMPLES, EXTRA):
        out = ws.project.root / "proofs" / name
        source = "sum_of_squares" if name == EXTRA else name
        valid = ws.project.root / "circuits" / "inputs" / source / "valid.json"
        done = zkt("prove", name, str(valid), "--out", str(out), cwd=ws.project.root)
        assert done.returncode == 0, done.stderr
        assert f"{name}: proof by snarkjs in {out}" in done.stderr
        proofs[name] = out
    return Universal(ws, proofs, tmp_path_factory.mktemp("hostile"))


def refused(lab: Universal, args: list[str], code: int, message: str) -> None:
    """zkt refuses (helpers.refused) with exactly `message`, a regular expression."""
    got = refused_by_zkt(args, lab.root, code, lab.root, lab.files)
    assert re.fullmatch(message, got), got


def _verify_args(name: str, proof: Path, public: Path, backend: str) -> list[str]:
    return ["verify", name, str(proof), str(public), "--backend", backend]


def _verifiers(name: str, backend: str) -> list[str]:
    """The verifiers `zkt verify --backend BACKEND` runs for circuit `name`, in order: PLONK
    natively first (auto and all), fflonk by snarkjs only."""
    native = name.endswith("_plonk") and backend in ("auto", "all", "native")
    snarkjs = backend in ("snarkjs", "all") or (backend == "auto" and not native)
    return ["native"] * native + ["snarkjs"] * snarkjs


def _invalid(name: str, backend: str) -> str:
    """The one refusal line of an invalid proof: the first verifier's."""
    return re.escape(f"{name}: INVALID proof ({_verifiers(name, backend)[0]} verifier)")


# --- prove and verify -----------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_snarkjs_proof_verifies_with_every_verifier(universal: Universal, name: str) -> None:
    proof, public = universal.proofs[name] / "proof.json", universal.proofs[name] / "public.json"
    assert json.loads(proof.read_text())["protocol"] == name.rsplit("_", 1)[1]
    assert sorted(p.name for p in universal.proofs[name].iterdir()) == ["proof.json", "public.json"]
    for backend in VERIFIERS:
        done = zkt(*_verify_args(name, proof, public, backend), cwd=universal.root)
        assert done.returncode == 0, done.stderr
        said = "".join(f"{name}: valid proof ({v} verifier)\n" for v in _verifiers(name, backend))
        assert done.stdout == said
    vkey, protocol = universal.ws.project.vkey(name), name.rsplit("_", 1)[1]
    said = snarkjs(protocol, "verify", str(vkey), str(public), str(proof))  # exit 0 or raises
    assert ("OK!" if protocol == "plonk" else "PROOF VERIFIED SUCCESSFULLY") in said


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_proof_is_snarkjs_shaped(universal: Universal, name: str) -> None:
    """Written as `snarkjs <protocol> prove` writes it (one-space indent, snarkjs's key order)."""
    text = (universal.proofs[name] / "proof.json").read_text()
    assert text == json.dumps(json.loads(text), indent=1)


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_input_the_circuit_refuses_leaves_nothing(universal: Universal, name: str) -> None:
    """As for Groth16, before snarkjs runs: the circuit's own assert message (circom's two
    lines: the assert, then the template and line)."""
    invalid = sorted(universal.inputs(name).glob("invalid_*.json"))[0]
    before = snapshot(universal.root, universal.files)
    args = ["prove", name, str(invalid), "--out", str(universal.files / "never")]
    done = zkt(*args, cwd=universal.root)
    assert done.returncode == 4, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("zkt: error: ")]
    assert errors == [f"zkt: error: {name}.wasm: Assert Failed."], done.stderr
    assert re.search(r"\nError in template \w+ line: \d+\n$", done.stderr), done.stderr
    assert "Traceback" not in done.stderr and "snarkjs" not in done.stderr
    assert snapshot(universal.root, universal.files) == before


@pytest.mark.parametrize("backend", ["native", "rapidsnark"])
def test_a_groth16_only_backend_is_refused(universal: Universal, backend: str) -> None:
    valid = universal.inputs("range_32_plonk") / "valid.json"
    message = (
        f"the {backend} backend proves Groth16 only, not plonk: use --backend snarkjs (or auto)"
    )
    out = str(universal.files / "never")
    args = ["prove", "range_32_plonk", str(valid), "--out", out, "--backend", backend]
    refused(universal, args, 2, re.escape(message))


def test_an_engine_means_native_and_is_refused(universal: Universal) -> None:
    valid = universal.inputs("poseidon_preimage_1_fflonk") / "valid.json"
    out = str(universal.files / "never")
    args = ["prove", "poseidon_preimage_1_fflonk", str(valid), "--out", out, "--engine", "pure"]
    message = "the native backend proves Groth16 only, not fflonk: use --backend snarkjs (or auto)"
    refused(universal, args, 2, re.escape(message))


@pytest.mark.parametrize(
    ("name", "key_of", "key_protocol", "circuit_protocol"),
    [
        ("range_32_plonk", "poseidon_preimage_1_fflonk", "fflonk", "plonk"),
        ("poseidon_preimage_1_fflonk", "poseidon_preimage_1_plonk", "plonk", "fflonk"),
        ("range_32", "range_32_plonk", "plonk", "groth16"),
        ("poseidon_preimage_1_plonk", None, "groth16", "plonk"),
    ],
)
def test_a_key_of_another_protocol_is_refused(
    universal: Universal,
    name: str,
    key_of: str | None,
    key_protocol: str,
    circuit_protocol: str,
) -> None:
    project = universal.ws.project
    key = (
        project.zkey(key_of) if key_of else REPO / "tests/vectors/multiplier/multiplier_final.zkey"
    )
    inputs = REPO / "circuits" / "inputs" / name / "valid.json"
    out = str(universal.files / "never")
    message = (
        f"{key}: a {key_protocol} key, but {name} is a {circuit_protocol} circuit (circuits.toml)"
    )
    refused(
        universal,
        ["prove", name, str(inputs), "--zkey", str(key), "--out", out],
        2,
        re.escape(message),
    )


# --- batch: the persistent worker -------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_batch_is_proved_by_the_worker(universal: Universal, name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = zkt(
        "prove",
        name,
        "--inputs",
        str(universal.inputs(name)),
        "--out",
        str(out),
        cwd=universal.root,
    )
    invalid = sorted(p.stem for p in universal.inputs(name).glob("invalid_*.json"))
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["valid"]
    for stem in invalid:
        assert f"{name}: {stem}.json: failed: {name}.wasm: " in done.stderr
    proof, public = out / "valid" / "proof.json", out / "valid" / "public.json"
    assert public.read_text() == (universal.proofs[name] / "public.json").read_text()
    numbers = re.compile(r'"\d+"')
    expected = (universal.proofs[name] / "proof.json").read_text()
    assert numbers.sub('"N"', proof.read_text()) == numbers.sub('"N"', expected)
    done = zkt("verify", name, str(proof), str(public), "--backend", "all", cwd=universal.root)
    assert done.returncode == 0, done.stderr


def test_the_native_batch_prover_is_refused(universal: Universal) -> None:
    inputs = universal.inputs("range_32_plonk")
    out = str(universal.files / "never")
    args = ["prove", "range_32_plonk", "--inputs", str(inputs), "--out", out, "--backend", "native"]
    message = "the native backend proves Groth16 only, not plonk: use --backend snarkjs (or auto)"
    refused(universal, args, 2, re.escape(message))


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_worker_proves_and_exports_as_the_cli(universal: Universal, name: str) -> None:
    project = universal.ws.project
    protocol = name.rsplit("_", 1)[1]
    with SnarkjsWorker(universal.ws.tools) as worker:
        vkey = worker.verification_key(project.zkey(name))
        assert json.dumps(vkey, indent=1) == project.vkey(name).read_text()
        wtns = universal.files / f"{name}.wtns"
        valid = universal.inputs(name) / "valid.json"
        zkt("witness", name, str(valid), "-o", str(wtns), cwd=universal.root)
        try:
            proof, public = worker.prove(project.zkey(name), wtns, protocol)
            other = "plonk" if protocol == "fflonk" else "fflonk"
            message = f"snarkjs worker prove: zkey file is not {other}"
            with pytest.raises(SnarkjsWorkerError, match=exactly(message)):
                worker.prove(project.zkey(name), wtns, other)
        finally:
            wtns.unlink()
    assert public == (universal.proofs[name] / "public.json").read_text()
    assert json.loads(proof)["protocol"] == protocol


# --- tamper: every verifier refuses ---------------------------------------------------------


def _tampered(lab: Universal, name: str, change: Callable[[Any], None], what: str) -> Path:
    doc = json.loads((lab.proofs[name] / "proof.json").read_text())
    change(doc)
    path = lab.files / f"{name}-{what}.json"
    path.write_text(json.dumps(doc, indent=1))
    return path


def _commitment(doc: dict[str, Any]) -> None:
    point = [str(G1_GENERATOR[0]), str(G1_GENERATOR[1]), "1"]
    if doc["protocol"] == "plonk":
        doc["A"] = point
    else:
        doc["polynomials"]["C1"] = point


def _evaluation(doc: dict[str, Any]) -> None:
    holder, key = (doc, "eval_a") if doc["protocol"] == "plonk" else (doc["evaluations"], "a")
    holder[key] = str((int(holder[key]) + 1) % R)


@pytest.mark.parametrize("backend", VERIFIERS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_a_changed_public_input_is_rejected(universal: Universal, name: str, backend: str) -> None:
    signals = json.loads((universal.proofs[name] / "public.json").read_text())
    signals[0] = str((int(signals[0]) + 1) % R)
    public = universal.files / f"{name}-public.json"
    public.write_text(json.dumps(signals))
    proof = universal.proofs[name] / "proof.json"
    refused(universal, _verify_args(name, proof, public, backend), 1, _invalid(name, backend))


@pytest.mark.parametrize("backend", VERIFIERS)
@pytest.mark.parametrize("change", [_commitment, _evaluation], ids=["commitment", "evaluation"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_a_changed_proof_element_is_rejected(
    universal: Universal, name: str, change: Callable[[Any], None], backend: str
) -> None:
    proof = _tampered(universal, name, change, change.__name__)
    public = universal.proofs[name] / "public.json"
    refused(universal, _verify_args(name, proof, public, backend), 1, _invalid(name, backend))


@pytest.mark.parametrize("backend", VERIFIERS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_another_circuits_proof_of_the_same_protocol_is_rejected(
    universal: Universal, name: str, backend: str
) -> None:
    other = universal.proofs[SAME_PROTOCOL[name]]
    own_public = universal.proofs[name] / "public.json"
    args = _verify_args(name, other / "proof.json", own_public, backend)
    refused(universal, args, 1, _invalid(name, backend))
    theirs = json.loads((other / "public.json").read_text())
    expected = len(json.loads(own_public.read_text()))
    args = _verify_args(name, other / "proof.json", other / "public.json", backend)
    if len(theirs) == expected:
        message = _invalid(name, backend)
    else:
        vkey = universal.ws.project.vkey(name)
        message = re.escape(
            f"{other / 'public.json'}: {len(theirs)} public inputs, but {vkey} expects {expected}"
        )
    refused(universal, args, 1, message)


@pytest.mark.parametrize("backend", VERIFIERS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_a_proof_of_another_protocol_is_rejected(
    universal: Universal, name: str, backend: str
) -> None:
    other = OTHER_PROTOCOL[name]
    proof = universal.proofs[other] / "proof.json"
    public = universal.proofs[name] / "public.json"
    vkey = universal.ws.project.vkey(name)
    protocol, theirs = name.rsplit("_", 1)[1], other.rsplit("_", 1)[1]
    message = re.escape(f"{proof}: a {theirs} proof, but {vkey} is a {protocol} key")
    refused(universal, _verify_args(name, proof, public, backend), 1, message)


@pytest.mark.parametrize("backend", VERIFIERS)
def test_a_groth16_proof_is_rejected_by_a_plonk_key(universal: Universal, backend: str) -> None:
    proof = REPO / "tests" / "vectors" / "multiplier" / "proof.json"
    public = universal.proofs["poseidon_preimage_1_plonk"] / "public.json"
    vkey = universal.ws.project.vkey("poseidon_preimage_1_plonk")
    message = re.escape(f"{proof}: a groth16 proof, but {vkey} is a plonk key")
    args = _verify_args("poseidon_preimage_1_plonk", proof, public, backend)
    refused(universal, args, 1, message)


@pytest.mark.parametrize("backend", VERIFIERS)
def test_an_out_of_range_evaluation_is_refused_before_snarkjs(
    universal: Universal, backend: str
) -> None:
    def above_r(doc: dict[str, Any]) -> None:
        doc["evaluations"]["inv"] = str(R)

    name = "poseidon_preimage_1_fflonk"
    proof = _tampered(universal, name, above_r, "above-r")
    public = universal.proofs[name] / "public.json"
    message = re.escape(f"{proof}: evaluations.inv is not below the scalar field modulus r")
    refused(universal, _verify_args(name, proof, public, backend), 5, message)


# --- export and calldata --------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_calldata_is_snarkjs_byte_for_byte(universal: Universal, name: str) -> None:
    proof, public = universal.proofs[name] / "proof.json", universal.proofs[name] / "public.json"
    done = zkt("zkey", "calldata", str(proof), str(public), cwd=universal.root)
    assert done.returncode == 0, done.stderr
    expected = snarkjs("zkey", "export", "soliditycalldata", str(public), str(proof))
    assert done.stdout == expected


@pytest.mark.parametrize("name", EXAMPLES)
def test_export_writes_the_setups_vkey_and_verifier(
    universal: Universal, name: str, tmp_path: Path
) -> None:
    project = universal.ws.project
    out = tmp_path / "export"
    done = zkt("zkey", "export", str(project.zkey(name)), "--out", str(out), cwd=universal.root)
    assert done.returncode == 0, done.stderr
    assert (out / "verification_key.json").read_bytes() == project.vkey(name).read_bytes()
    assert (out / "verifier.sol").read_bytes() == project.verifier_sol(name).read_bytes()
    message = f"{out / 'verification_key.json'} exists: choose another path (--force replaces it)"
    args = ["zkey", "export", str(project.zkey(name)), "--out", str(out)]
    refused(universal, args, 2, re.escape(message))
    shutil.rmtree(out)


def _flipped(lab: Universal, section: int) -> Path:
    """range_32_plonk's key with one bit flipped in the middle of a section."""
    key = lab.ws.project.zkey("range_32_plonk")
    place = read_binfile(key, b"zkey", (1,)).sections[section]
    data = bytearray(key.read_bytes())
    data[place.offset + place.size // 2 + 5] ^= 1
    path = lab.files / f"flip{section}.zkey"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("section", "code", "fault"),
    [
        (2, 5, "{key}: header: Qo is not on the curve"),  # refused before snarkjs reads it
        (7, 4, "snarkjs plonk prove ({key}) failed: Polynomial is not divisible"),
        (12, 4, "snarkjs plonk prove ({key}) failed: Copy constraints does not match"),
    ],
)
def test_a_damaged_key_proves_nothing(
    universal: Universal, section: int, code: int, fault: str
) -> None:
    key = _flipped(universal, section)
    valid = universal.inputs("range_32_plonk") / "valid.json"
    out = str(universal.files / "never")
    args = ["prove", "range_32_plonk", str(valid), "--zkey", str(key), "--out", out]
    refused(universal, args, code, re.escape(fault.format(key=key)))


def test_the_worker_refuses_an_unknown_protocol(universal: Universal) -> None:
    key = universal.ws.project.zkey("range_32_plonk")
    message = 'snarkjs worker prove: protocol: "plonk2": expected one of groth16, plonk, fflonk'
    with SnarkjsWorker(universal.ws.tools) as worker:
        with pytest.raises(SnarkjsWorkerError, match=exactly(message)):
            worker.request("prove", zkey=str(key), wtns=str(key), protocol="plonk2")
        assert worker.request("ping") == {"id": 2, "ok": True}  # the worker stays


def test_fflonk_is_not_verified_natively(universal: Universal) -> None:
    name = "poseidon_preimage_1_fflonk"
    proof, public = universal.proofs[name] / "proof.json", universal.proofs[name] / "public.json"
    message = re.escape(FFLONK_REFUSAL)
    refused(universal, _verify_args(name, proof, public, "native"), 2, message)
