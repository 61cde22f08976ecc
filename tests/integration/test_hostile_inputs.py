"""Hostile inputs to everything routed through snarkjs (issue 10 §2): each row asserts the exit
family, one `zkt: error:` line naming the fault, no Python or JavaScript stack, no file touched.

Inputs are checked natively before snarkjs sees them; what snarkjs still reports is one line.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.helpers import refused
from tests.integration.test_cli_errors import make_project
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import open_workspace
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.phase2 import new_zkey
from toolchain.formats.zkey import open_zkey
from toolchain.native.field import P, R

VECTORS = REPO / "tests" / "vectors"


@dataclass(frozen=True)
class Lab:
    """A project with the 1-constraint circuit `sq`, and every hostile file beside it."""

    root: Path
    files: Path

    def __truediv__(self, name: str) -> str:
        return str(self.files / name)


def _flip(source: Path, out: Path, section: int) -> None:
    """One flipped bit in the middle of a zkey section."""
    place = open_zkey(source).container.section(section)
    data = bytearray(source.read_bytes())
    data[place.offset + place.size // 2 + 5] ^= 1
    out.write_bytes(data)


def _proofs(files: Path) -> None:
    """multiplier's proof and public.json, each made hostile one way."""
    proof = json.loads((VECTORS / "multiplier" / "proof.json").read_text())
    public = json.loads((VECTORS / "multiplier" / "public.json").read_text())
    x, y, _ = proof["pi_a"]
    variants = {
        "x_plus_p": {"pi_a": [str(int(x) + P), y, "1"]},
        "plonk": {"protocol": "plonk"},
        "bls12381": {"curve": "bls12381"},
        "two_coordinates": {"pi_a": [x, y]},
        "off_curve": {"pi_a": [x, str(int(y) + 1), "1"]},
    }
    for name, change in variants.items():
        (files / f"{name}.json").write_text(json.dumps({**proof, **change}))
    (files / "proof.json").write_text(json.dumps(proof))
    (files / "cut.json").write_text(json.dumps(proof)[:100])
    (files / "public.json").write_text(json.dumps(public))
    (files / "public_extra.json").write_text(json.dumps([*public, "1"]))
    (files / "public_r.json").write_text(json.dumps([str(R)]))


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    root = make_project(tmp_path_factory.mktemp("project"))
    files = tmp_path_factory.mktemp("files")
    ws = open_workspace(root)
    compile_circuits(ws)
    copies = {
        "m.r1cs": "multiplier/multiplier.r1cs",
        "m.zkey": "multiplier/multiplier_0001.zkey",
        "vkey.json": "multiplier/verification_key.json",
        "prep.ptau": "ptau/pot4_final.ptau",
        "unprep.ptau": "ptau/pot4_0002.ptau",
    }
    for name, source in copies.items():
        shutil.copy(VECTORS / source, files / name)
    (files / "empty.bin").write_bytes(b"")
    (files / "garbage.bin").write_bytes(bytes(range(256)) * 4)
    (files / "trunc.zkey").write_bytes((files / "m.zkey").read_bytes()[:1500])
    (files / "trunc.ptau").write_bytes((files / "prep.ptau").read_bytes()[:3000])
    write_dev_ptau(files / "small.ptau", 1, "hostile")
    new_zkey(ws.tools, ws.project.r1cs("sq"), files / "prep.ptau", files / "sq.zkey")
    for section in (4, 5, 7, 9):
        _flip(files / "sq.zkey", files / f"flip{section}.zkey", section)
    _proofs(files)
    (files / "in.json").write_text('{"x": "3"}')
    return Lab(root, files)


def run_hostile(lab: Lab, args: list[str], code: int, needle: str) -> str:
    """Run zkt: one error line naming the fault (`refused`), nothing in the lab written."""
    message = refused(args, lab.root, code, lab.root, lab.files)
    assert needle in message, message
    return f"zkt: error: {message}"


def _case(id_: str, args: str, code: int, needle: str) -> object:
    return pytest.param(args.split(), code, needle, id=id_)


VERIFY = "verify sq {f}/{proof} {f}/{public} --vkey {f}/vkey.json --backend snarkjs"
VERIFY_CASES = [
    ("x_plus_p", "public", 5, "pi_a[0] is not below the base field modulus p"),
    ("plonk", "public", 1, "plonk.json: a plonk proof, but"),  # another protocol's: rejected
    ("bls12381", "public", 5, "curve must be 'bn128'"),
    ("two_coordinates", "public", 5, "pi_a[2] is missing"),
    ("off_curve", "public", 5, "pi_a is not on the curve"),
    ("garbage.bin", "public", 5, "garbage.bin: is not UTF-8 text"),
    ("cut", "public", 5, "cut.json: malformed JSON at line 1"),
    ("proof", "public_extra", 1, "2 public inputs, but"),
    ("proof", "public_r", 5, "[0] is not below the scalar field modulus r"),
]


@pytest.mark.parametrize(("proof", "public", "code", "needle"), VERIFY_CASES)
def test_verify_with_snarkjs(lab: Lab, proof: str, public: str, code: int, needle: str) -> None:
    names = {"proof": proof if "." in proof else f"{proof}.json", "public": f"{public}.json"}
    args = VERIFY.format(f=lab.files, **names).split()
    run_hostile(lab, args, code, needle)


PROVE_CASES = [
    ("flip5.zkey", 5, "snarkjs made a proof whose pi_a is not on the curve: the key is damaged"),
    ("flip7.zkey", 5, "snarkjs made a proof whose pi_b is not on the curve: the key is damaged"),
    ("flip9.zkey", 5, "snarkjs made a proof whose pi_c is not on the curve: the key is damaged"),
    ("flip4.zkey", 5, "is outside the 4×3 matrices"),
    ("prep.ptau", 5, "not a zkey file (magic b'ptau')"),
    ("empty.bin", 5, "0 bytes is too short for a b'zkey' file"),
    ("garbage.bin", 5, "not a zkey file"),
    ("trunc.zkey", 5, "section 6 claims 256 bytes, only 188 remain"),
    ("m.zkey", 4, "Invalid witness length. Circuit: 4, witness: 3"),
    ("missing.zkey", 2, "no proving key at"),
]


@pytest.mark.parametrize(("key", "code", "needle"), PROVE_CASES)
def test_prove_with_snarkjs(lab: Lab, key: str, code: int, needle: str) -> None:
    out = lab.files / "proof-out"
    args = ["prove", "sq", lab / "in.json", "--backend", "snarkjs", "--zkey", lab / key]
    run_hostile(lab, [*args, "--out", str(out)], code, needle)
    shutil.rmtree(out, ignore_errors=True)


MADE = "the native prover made a proof whose {} is not on the curve: the key is damaged"
NATIVE_PROVE_CASES = [
    # mcl reads the key's points without curve checks: the proof made from them refuses it
    ("flip5.zkey", "mcl", 5, MADE.format("pi_a")),
    ("flip7.zkey", "mcl", 5, MADE.format("pi_b")),
    ("flip9.zkey", "mcl", 5, MADE.format("pi_c")),
    ("flip5.zkey", "pure", 5, "section 5: point 1 is not on the curve"),
    ("flip4.zkey", "mcl", 5, "is outside the 4×3 matrices"),
]


@pytest.mark.parametrize(("key", "engine", "code", "needle"), NATIVE_PROVE_CASES)
def test_prove_natively(lab: Lab, key: str, engine: str, code: int, needle: str) -> None:
    out = lab.files / "proof-out"
    args = ["prove", "sq", lab / "in.json", "--backend", "native", "--engine", engine]
    run_hostile(lab, [*args, "--zkey", lab / key, "--out", str(out)], code, needle)
    shutil.rmtree(out, ignore_errors=True)


# The same files, wherever a zkey, ptau or r1cs is read: (name, exit code, fault).
NOT_A_ZKEY = [
    ("missing.zkey", 2, "No such file or directory"),
    ("empty.bin", 5, "0 bytes is too short for a b'zkey' file"),
    ("garbage.bin", 5, "not a zkey file"),
    ("trunc.zkey", 5, "section 6 claims 256 bytes, only 188 remain"),
    ("prep.ptau", 5, "not a zkey file (magic b'ptau')"),
    ("m.r1cs", 5, "not a zkey file (magic b'r1cs')"),
]
NOT_A_PTAU = [
    ("missing.ptau", 2, "No such file or directory"),
    ("empty.bin", 5, "0 bytes is too short for a b'ptau' file"),
    ("garbage.bin", 5, "not a ptau file"),
    ("trunc.ptau", 5, "section 3 claims 2048 bytes, only 924 remain"),
    ("m.zkey", 5, "not a ptau file (magic b'zkey')"),
    ("m.r1cs", 5, "not a ptau file (magic b'r1cs')"),
]
NOT_PREPARED = ("unprep.ptau", 5, "not prepared for phase 2 (no Lagrange sections 12–15)")

ZKEY_VERBS = [
    "zkey contribute {f}/{x} {f}/out.zkey --name alice",
    "zkey beacon {f}/{x} {f}/out.zkey --hash 0102 --iterations-exp 10",
    "zkey verify {f}/{x} --r1cs {f}/m.r1cs --ptau {f}/prep.ptau",
]
PTAU_VERBS = [
    "ptau contribute {f}/{x} {f}/out.ptau --name alice",
    "ptau export-challenge {f}/{x} {f}/out.challenge",
    "ptau beacon {f}/{x} {f}/out.ptau --hash 0102 --iterations-exp 10",
    "ptau prepare {f}/{x} {f}/out.ptau",
    "ptau verify {f}/{x}",
    "ptau import-response {f}/{x} {f}/garbage.bin {f}/out.ptau --name alice",
    "zkey verify {f}/m.zkey --r1cs {f}/m.r1cs --ptau {f}/{x}",
    "setup sq --ptau {f}/{x}",
]


def _rows(verbs: list[str], files: list[tuple[str, int, str]]) -> list[object]:
    return [
        pytest.param(verb, name, code, needle, id=f"{verb.split(' {')[0]}-{name}")
        for verb in verbs
        for name, code, needle in files
    ]


@pytest.mark.parametrize(
    ("verb", "name", "code", "needle"),
    [
        *_rows(ZKEY_VERBS, NOT_A_ZKEY),
        *_rows(PTAU_VERBS, NOT_A_PTAU),
        *_rows(PTAU_VERBS[-2:], [NOT_PREPARED]),
    ],
)
def test_wrong_files(lab: Lab, verb: str, name: str, code: int, needle: str) -> None:
    missing_in_setup = verb.startswith("setup") and name == "missing.ptau"
    needle = "no ptau at" if missing_in_setup else needle  # setup names the --ptau option
    error = run_hostile(lab, verb.format(f=lab.files, x=name).split(), code, needle)
    assert name in error


OTHER_CASES = [
    _case("zkey-beacon-hex", "zkey beacon {f}/m.zkey {f}/o.zkey --hash zz --iterations-exp 10",
          2, "beacon hash 'zz': expected an even number of hex digits"),
    _case("zkey-beacon-odd", "zkey beacon {f}/m.zkey {f}/o.zkey --hash 012 --iterations-exp 10",
          2, "beacon hash '012'"),
    _case("zkey-beacon-0x", "zkey beacon {f}/m.zkey {f}/o.zkey --hash 0x --iterations-exp 10",
          2, "beacon hash '0x'"),
    _case("ptau-beacon-hex", "ptau beacon {f}/unprep.ptau {f}/o.ptau --hash zz --iterations-exp 10",
          2, "beacon hash 'zz'"),
    _case("zkey-verify-small-ptau",
          "zkey verify {f}/m.zkey --r1cs {f}/m.r1cs --ptau {f}/small.ptau",
          2, "small.ptau: power 1 is too small for"),
    _case("zkey-verify-other-r1cs",
          "zkey verify {f}/sq.zkey --r1cs {f}/m.r1cs --ptau {f}/prep.ptau",
          1, "sq.zkey: set up for another circuit than"),
    _case("zkey-verify-r1cs-garbage",
          "zkey verify {f}/m.zkey --r1cs {f}/garbage.bin --ptau {f}/prep.ptau",
          5, "garbage.bin: not a r1cs file"),
    _case("zkey-verify-r1cs-is-ptau",
          "zkey verify {f}/m.zkey --r1cs {f}/prep.ptau --ptau {f}/prep.ptau",
          5, "prep.ptau: not a r1cs file (magic b'ptau')"),
    _case("ptau-prepare-prepared", "ptau prepare {f}/prep.ptau {f}/o.ptau",
          2, "prep.ptau: already prepared for phase 2"),
    _case("ptau-import-garbage-response",
          "ptau import-response {f}/unprep.ptau {f}/garbage.bin {f}/o.ptau --name a",
          5, "garbage.bin: 1024 bytes, a response for power 4 has 3936"),
    _case("ptau-contribute-challenge-garbage", "ptau contribute-challenge {f}/garbage.bin {f}/o.r",
          5, "garbage.bin: 1024 bytes is not the size of a Powers of Tau challenge"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "needle"), OTHER_CASES)
def test_other_faults(lab: Lab, args: list[str], code: int, needle: str) -> None:
    run_hostile(lab, [arg.format(f=lab.files) for arg in args], code, needle)
