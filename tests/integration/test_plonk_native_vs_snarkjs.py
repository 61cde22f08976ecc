"""Fresh PLONK proofs from the real snarkjs CLI (new witnesses, real randomness) on the committed
PLONK keys, and on example circuits set up for PLONK from the dev ptau (domains 2^9 and 2^12):
the native verifier and `snarkjs plonk verify` give the same verdict on each valid proof and on
every tampered file made from it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from toolchain.api.prove import compute_witness
from toolchain.api.workspace import Workspace
from toolchain.backends.native import NativeBackend
from toolchain.errors import InvalidValueError, ZktError
from toolchain.native.engines import get_engine
from toolchain.native.field import P, R
from toolchain.runner.tools import Tools

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
# Fresh inputs (the committed proofs use a=3 b=11 and x=3 a=2 b=5).
INPUTS = {
    "multiplier": [{"a": "7", "b": "13"}, {"a": "123456789", "b": "987654321"}],
    "poly": [{"x": "4", "a": "9", "b": "1"}, {"x": "0", "a": "17", "b": "2"}],
}
FRESH = [(circuit, i) for circuit, inputs in INPUTS.items() for i in range(len(inputs))]
OTHER = {"multiplier": "poly", "poly": "multiplier"}

Json = dict[str, object]
Tamper = Callable[[Json, list[str], Json], None]


def snarkjs(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The pinned snarkjs CLI; its verdict is the exit code (0 accepted)."""
    cli = Tools(Path(os.environ["ZKT_TOOLS_DIR"])).snarkjs_cli
    argv = ["node", str(cli), *map(str, args)]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)


def prove_fresh(folder: Path, circuit: str, inputs: Json) -> Path:
    """A new witness and a new snarkjs PLONK proof on the committed key, in `folder`."""
    folder.mkdir(parents=True)
    (folder / "input.json").write_text(json.dumps(inputs))
    plonk = VECTORS / circuit / "plonk"
    wasm, zkey = VECTORS / circuit / f"{circuit}.wasm", plonk / f"{circuit}_plonk.zkey"
    for step in (
        ("wtns", "calculate", wasm, "input.json", "witness.wtns"),
        ("plonk", "prove", zkey, "witness.wtns", "proof.json", "public.json"),
    ):
        done = snarkjs(*step, cwd=folder)
        assert done.returncode == 0, done.stdout + done.stderr
    shutil.copy(plonk / "verification_key.json", folder / "verification_key.json")
    return folder


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Path]:
    """Each circuit's fresh proofs, made once for the module."""
    root = tmp_path_factory.mktemp("plonk_fresh")
    return {
        (circuit, i): prove_fresh(root / f"{circuit}-{i}", circuit, INPUTS[circuit][i])
        for circuit, i in FRESH
    }


def snarkjs_accepts(folder: Path) -> bool:
    done = snarkjs(
        "plonk", "verify", "verification_key.json", "public.json", "proof.json", cwd=folder
    )
    assert "Error:" not in re.sub(r"\x1b\[[0-9;]*m", "", done.stderr), done.stderr
    return done.returncode == 0


def native_accepts(folder: Path, engine: str = "mcl") -> bool:
    """The native verdict; a refusal (malformed or out-of-range input) is not acceptance."""
    files = (folder / n for n in ("verification_key.json", "public.json", "proof.json"))
    try:
        return NativeBackend(engine).verify(*files)
    except ZktError:
        return False


def tampered(source: Path, target: Path, change: Tamper) -> Path:
    """A copy of the three files with `change` applied to the decoded key, inputs and proof."""
    shutil.copytree(source, target)
    names = ("verification_key.json", "public.json", "proof.json")
    key, public, proof = (json.loads((target / n).read_text()) for n in names)
    change(key, public, proof)
    for name, obj in zip(names, (key, public, proof), strict=True):
        (target / name).write_text(json.dumps(obj))
    return target


def doubled(raw: list[str]) -> list[str]:
    """A snarkjs JSON G1 point replaced by twice itself: another valid point."""
    engine = get_engine("mcl")
    point = (int(raw[0]), int(raw[1]))
    x, y = engine.add_g1(point, point)
    return [str(x), str(y), "1"]


def plus_one(value: object) -> str:
    return str((int(str(value)) + 1) % R)


def point_doubled(name: str) -> Tamper:
    def change(_key: Json, _public: list[str], proof: Json) -> None:
        proof[name] = doubled(proof[name])  # type: ignore[arg-type]

    return change


def evaluation_plus_one(name: str) -> Tamper:
    def change(_key: Json, _public: list[str], proof: Json) -> None:
        proof[name] = plus_one(proof[name])

    return change


COMMITMENTS = ("A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw")
EVALUATIONS = ("eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw")
TAMPERS: dict[str, Tamper] = {
    **{f"{name} doubled": point_doubled(name) for name in COMMITMENTS},
    **{f"{name} + 1": evaluation_plus_one(name) for name in EVALUATIONS},
    "input 0 + 1": lambda _k, u, _p: u.__setitem__(0, plus_one(u[0])),
    "input 0 + r": lambda _k, u, _p: u.__setitem__(0, str(int(u[0]) + R)),
    "last input + 1": lambda _k, u, _p: u.__setitem__(-1, plus_one(u[-1])),
    "an input dropped": lambda _k, u, _p: u.__delitem__(-1),
    "an input added": lambda _k, u, _p: u.append("1"),
    "key Qm doubled": lambda k, _u, _p: k.__setitem__("Qm", doubled(k["Qm"])),
    "key S1 doubled": lambda k, _u, _p: k.__setitem__("S1", doubled(k["S1"])),
    "openings swapped": lambda _k, _u, p: p.update(Wxi=p["Wxiw"], Wxiw=p["Wxi"]),
    "A off the curve": lambda _k, _u, p: p.__setitem__("A", [p["A"][0], plus_one(p["A"][1]), "1"]),  # type: ignore[index]
    "A with z = 2": lambda _k, _u, p: p.__setitem__("A", [p["A"][0], p["A"][1], "2"]),  # type: ignore[index]
}


@pytest.mark.parametrize(("circuit", "index"), FRESH)
def test_fresh_proofs_verify_natively_and_under_snarkjs(
    fresh: dict[tuple[str, int], Path], circuit: str, index: int
) -> None:
    folder = fresh[circuit, index]
    assert snarkjs_accepts(folder) is True
    assert native_accepts(folder, "mcl") is True
    assert native_accepts(folder, "pure") is True


@pytest.mark.parametrize("circuit", list(INPUTS))
def test_every_tamper_is_refused_by_both_verifiers(
    fresh: dict[tuple[str, int], Path], tmp_path: Path, circuit: str
) -> None:
    source = fresh[circuit, 0]
    verdicts = {}
    for label, change in TAMPERS.items():
        folder = tampered(source, tmp_path / re.sub(r"\W+", "_", label), change)
        verdicts[label] = (native_accepts(folder), snarkjs_accepts(folder))
    assert verdicts == {label: (False, False) for label in TAMPERS}


@pytest.mark.parametrize("circuit", list(INPUTS))
def test_the_other_circuits_proof_is_refused_by_both(
    fresh: dict[tuple[str, int], Path], tmp_path: Path, circuit: str
) -> None:
    other = json.loads((fresh[OTHER[circuit], 0] / "proof.json").read_text())
    folder = tampered(fresh[circuit, 0], tmp_path / "other", lambda _k, _u, p: p.update(other))
    assert (native_accepts(folder), snarkjs_accepts(folder)) == (False, False)


def evaluation_plus_r(_key: Json, _public: list[str], proof: Json) -> None:
    proof["eval_a"] = str(int(str(proof["eval_a"])) + R)


def coordinate_plus_p(_key: Json, _public: list[str], proof: Json) -> None:
    x, y, z = proof["A"]  # type: ignore[misc]
    proof["A"] = [str(int(x) + P), y, z]


def key_w_one(key: Json, _public: list[str], _proof: Json) -> None:
    key["w"] = "1"


@pytest.mark.parametrize("change", [evaluation_plus_r, coordinate_plus_p, key_w_one])
def test_what_snarkjs_accepts_and_the_native_verifier_refuses(
    fresh: dict[tuple[str, int], Path], tmp_path: Path, change: Tamper
) -> None:
    """The known differences, each refused natively on purpose: non-canonical encodings of a
    valid proof (an evaluation + r, a coordinate + p), which snarkjs reduces, and a key whose
    w is not a root of unity of its domain, which snarkjs never reads."""
    folder = tampered(fresh["poly", 0], tmp_path / "alias", change)
    assert snarkjs_accepts(folder) is True
    files = (folder / n for n in ("verification_key.json", "public.json", "proof.json"))
    with pytest.raises(InvalidValueError):
        NativeBackend("mcl").verify(*files)


# range_32 at 2^9 is tests/integration/test_universal_proofs.py's range_32_plonk (native and
# snarkjs on the same tampers); merkle_4 takes PLONK to a 2^12 domain.
@pytest.mark.parametrize(("name", "power"), [("merkle_4", 12)])
def test_example_circuits_at_larger_domains(
    compiled: Workspace, dev_ptau: Path, tmp_path: Path, name: str, power: int
) -> None:
    """`snarkjs plonk setup` from the dev ptau, a witness made natively, a snarkjs proof."""
    inputs, work = compiled.project.inputs_dir(name) / "valid.json", tmp_path / "work"
    work.mkdir()
    compute_witness(compiled, name, inputs, work / "witness.wtns")
    r1cs = compiled.project.r1cs(name)
    for step in (
        ("plonk", "setup", r1cs, dev_ptau, tmp_path / "key.zkey"),
        ("zkey", "export", "verificationkey", tmp_path / "key.zkey", "verification_key.json"),
        ("plonk", "prove", tmp_path / "key.zkey", "witness.wtns", "proof.json", "public.json"),
    ):
        done = snarkjs(*step, cwd=work)
        assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((work / "verification_key.json").read_text())["power"] == power
    assert (native_accepts(work), snarkjs_accepts(work)) == (True, True)
    for label in ("input 0 + 1", "eval_c + 1", "T3 doubled", "key S1 doubled"):
        folder = tampered(work, tmp_path / re.sub(r"\W+", "_", label), TAMPERS[label])
        assert (native_accepts(folder), snarkjs_accepts(folder)) == (False, False), label
