"""`zkt witness` on every example input: byte-identical to snarkjs, or a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.helpers import snarkjs, zkt
from toolchain.api.prove import compute_witness
from toolchain.api.workspace import Workspace

INPUTS = sorted((REPO / "circuits" / "inputs").glob("*/*.json"))
VALID = [p for p in INPUTS if p.name.startswith("valid")]
INVALID = [p for p in INPUTS if p.name.startswith("invalid")]


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_every_circuit_has_a_valid_input(compiled: Workspace) -> None:
    with_inputs = {p.parent.name for p in VALID}
    assert {e.name for e in compiled.registry.circuit} <= with_inputs


@pytest.mark.parametrize("input_path", VALID, ids=case_id)
def test_valid_input_matches_snarkjs(compiled: Workspace, input_path: Path, tmp_path: Path) -> None:
    name = input_path.parent.name
    ours, theirs = tmp_path / "ours.wtns", tmp_path / "snarkjs.wtns"
    compute_witness(compiled, name, input_path, ours)
    snarkjs("wtns", "calculate", str(compiled.project.wasm(name)), str(input_path), str(theirs))
    assert ours.read_bytes() == theirs.read_bytes()
    assert "WITNESS IS CORRECT" in snarkjs(
        "wtns", "check", str(compiled.project.r1cs(name)), str(ours)
    )


@pytest.mark.parametrize("input_path", INVALID, ids=case_id)
def test_invalid_input_is_refused(compiled: Workspace, input_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.wtns"
    done = zkt(
        "witness",
        input_path.parent.name,
        str(input_path),
        "-o",
        str(out),
        cwd=compiled.project.root,
    )
    assert done.returncode in (2, 4), done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("zkt: error: ")
    assert not out.exists()


def test_value_not_below_r_names_the_signal(compiled: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "in.json"
    r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
    bad.write_text(f'{{"factors": ["{r}", "2"]}}')
    done = zkt("witness", "multiplier_2", str(bad), cwd=compiled.project.root)
    assert done.returncode == 2
    assert (
        'signal "factors" at index 0' in done.stderr
        and "not below the field modulus r" in done.stderr
    )


def test_malformed_json_and_same_path(compiled: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "in.json"
    bad.write_text("{not json")
    done = zkt("witness", "multiplier_2", str(bad), cwd=compiled.project.root)
    assert done.returncode == 2 and "not valid JSON" in done.stderr
    good = REPO / "circuits" / "inputs" / "multiplier_2" / "valid.json"
    copy = tmp_path / "valid.json"
    copy.write_bytes(good.read_bytes())
    done = zkt("witness", "multiplier_2", str(copy), "-o", str(copy), cwd=compiled.project.root)
    assert done.returncode == 2 and "also an input" in done.stderr
    assert copy.read_bytes() == good.read_bytes()
