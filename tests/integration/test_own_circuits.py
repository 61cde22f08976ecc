"""Hand-written circuits, the registry's declarations checked against the compiled circuit,
template lines in circom's errors, params refused, and the no-op compile's stat fast path."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project, tree
from tests.integration.helpers import zkt
from toolchain import build
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.phase2 import export_verification_key, new_zkey

OWN = "sum_of_squares"
INPUTS = REPO / "circuits" / "inputs" / OWN


def edit_registry(root: Path, old: str, new: str) -> None:
    path = root / "circuits" / "circuits.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def refused(root: Path, code: int, message: str, *args: str) -> None:
    """`zkt ARGS` fails with exit `code` and exactly the one line `zkt: error: MESSAGE`."""
    before = tree(root)
    done = zkt(*args, cwd=root)
    assert done.returncode == code, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("zkt: error:")]
    assert lines == [f"zkt: error: {message}"], done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert tree(root) == before


def test_hand_written_circuit_proves_and_verifies(tmp_path: Path) -> None:
    ws = open_workspace(copy_project(tmp_path / "project"))
    root, project = ws.project.root, ws.project
    done = zkt("compile", OWN, cwd=root, env={"ZKT_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0 and f"{OWN}: compiled (103 constraints" in done.stderr
    assert not project.source(OWN).exists()  # compiled in place, not copied to build/
    ptau = tmp_path / "dev8.ptau"
    write_dev_ptau(ptau, 8, "zk-toolchain tests")  # test key: INSECURE, no contribution
    new_zkey(ws.tools, project.r1cs(OWN), ptau, project.zkey(OWN))
    export_verification_key(project.zkey(OWN), project.vkey(OWN))
    out = tmp_path / "proof"
    proved = zkt("prove", OWN, str(INPUTS / "valid.json"), "--out", str(out), cwd=root)
    assert proved.returncode == 0, proved.stderr
    assert json.loads((out / "public.json").read_text()) == ["169"]
    checked = zkt("verify", OWN, str(out / "proof.json"), str(out / "public.json"), cwd=root)
    assert checked.returncode == 0 and f"{OWN}: valid proof" in checked.stdout
    bad_out = tmp_path / "bad"
    bad = zkt(
        "prove", OWN, str(INPUTS / "invalid_wrong_total.json"), "--out", str(bad_out), cwd=root
    )
    assert bad.returncode == 4 and "Traceback" not in bad.stderr
    assert not (bad_out / "proof.json").exists()


def test_public_list_mismatch_fails_the_compile(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    edit_registry(root, 'public = ["total"]', "public = []")
    message = (
        f"{OWN}: circuits.toml says public = [], the compiled circuit has public inputs [total]"
    )
    refused(root, 4, message, "compile", OWN)


def test_public_list_naming_another_signal_fails(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    edit_registry(root, 'public = ["total"]', 'public = ["x"]')
    message = (
        f"{OWN}: circuits.toml says public = [x], the compiled circuit has public inputs [total]"
    )
    refused(root, 4, message, "compile", OWN)


def test_circom_error_names_the_template_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    template = root / "templates" / "multiplier.circom.j2"
    lines = template.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "partial[0] <== factors[0];" in line)
    lines[number - 1] = lines[number - 1].replace("factors[0];", "factors[0] + nowhere;")
    template.write_text("".join(lines))
    done = zkt("compile", "multiplier_2", cwd=root)
    assert done.returncode == 4 and "Traceback" not in done.stderr
    rendered_line = number + 4  # the provenance header is four lines
    assert re.search(
        rf'multiplier_2\.circom":{rendered_line}:\d+ \(templates/multiplier\.circom\.j2:{number}\)',
        done.stderr,
    ), done.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "params = { depth = 4 }",
            "params = { depth = 4, dept = 4 }",
            "circuits.toml: circuit[4] (merkle_4).params.dept: not used by template merkle",
        ),
        (
            "params = { depth = 4 }",
            'params = { depth = "4" }',
            "circuits.toml: circuit[4] (merkle_4).params.depth: '4' is not an integer: template"
            " params are integers, booleans, or lists and tables of those (circom has no strings"
            " or fractions)",
        ),
    ],
)
def test_bad_params_are_refused_with_entry_and_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    root = copy_project(tmp_path)
    edit_registry(root, old, new)
    refused(root, 2, message, "compile", "merkle_4")


def test_missing_hand_written_source_is_named(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    (root / "circuits" / "src" / f"{OWN}.circom").unlink()
    message = f"circuits.toml: circuit[13] ({OWN}).source: circuits/src/{OWN}.circom not found"
    refused(root, 2, message, "compile", OWN)


def test_template_and_source_together_are_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    edit_registry(root, f'source = "circuits/src/{OWN}.circom"', f"{_both()}")
    done = zkt("compile", OWN, cwd=root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"circuit[13] ({OWN}): Value error, give exactly one of template" in done.stderr


def _both() -> str:
    return f'template = "multiplier"\nsource = "circuits/src/{OWN}.circom"'


@pytest.fixture
def fast_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A compiled project whose files count as settled at once (no racy window)."""
    monkeypatch.setattr(build, "RACY_NS", 0)
    ws = open_workspace(copy_project(tmp_path))
    compile_circuits(ws, ("multiplier_2", OWN))
    compile_circuits(ws, ("multiplier_2", OWN))  # records the stats of settled files
    time.sleep(0.05)  # later changes land on a later clock tick
    return ws


def statuses(ws: Workspace) -> dict[str, str]:
    return {r.name: r.status for r in compile_circuits(ws, ("multiplier_2", OWN))}


def test_no_op_compile_hashes_nothing(fast_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> str:
        raise AssertionError("a file was hashed although no stat changed")

    monkeypatch.setattr(build, "hash_file", refuse)
    assert statuses(fast_ws) == {"multiplier_2": "up to date", OWN: "up to date"}


def test_touched_template_is_rehashed_and_up_to_date(fast_ws: Workspace) -> None:
    template = fast_ws.project.templates_dir / "multiplier.circom.j2"
    os.utime(template, ns=(time.time_ns(), time.time_ns()))
    assert statuses(fast_ws) == {"multiplier_2": "up to date", OWN: "up to date"}


def test_changed_content_recompiles(fast_ws: Workspace) -> None:
    source = fast_ws.project.root / "circuits" / "src" / f"{OWN}.circom"
    source.write_text(source.read_text() + "// changed\n")
    assert statuses(fast_ws) == {"multiplier_2": "up to date", OWN: "compiled"}


def test_same_size_change_with_mtime_set_back_recompiles(fast_ws: Workspace) -> None:
    template = fast_ws.project.templates_dir / "multiplier.circom.j2"
    before = template.stat()
    text = template.read_text()
    template.write_text(text.replace("smallest useful", "smallest USEFUL"))
    os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert template.stat().st_size == before.st_size
    assert template.stat().st_mtime_ns == before.st_mtime_ns
    assert statuses(fast_ws) == {"multiplier_2": "compiled", OWN: "up to date"}


def test_changed_include_recompiles_its_users(fast_ws: Workspace) -> None:
    # A hand-written circuit's includes are part of its key like a rendered one's.
    include = fast_ws.project.root / "circuits" / "src" / "squares_lib.circom"
    include.write_text("pragma circom 2.1.0;\n")
    source = fast_ws.project.root / "circuits" / "src" / f"{OWN}.circom"
    source.write_text(
        source.read_text().replace("\ninclude", '\ninclude "squares_lib.circom";\ninclude', 1)
    )
    assert statuses(fast_ws)[OWN] == "compiled"
    time.sleep(0.05)
    compile_circuits(fast_ws, (OWN,))
    time.sleep(0.05)
    include.write_text("pragma circom 2.1.0;\n// changed\n")
    assert statuses(fast_ws)[OWN] == "compiled"
