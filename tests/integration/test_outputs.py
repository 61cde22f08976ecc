"""Nothing overwritten, nothing left behind: every writer refuses an existing output unless
--force (never over an input), and `zkt prove` leaves exactly proof.json and public.json, or
nothing at all when it fails; the witness is deleted unless --keep-witness."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_project
from tests.integration.helpers import zkt
from toolchain.api.compile import compile_circuits
from toolchain.api.prove import compute_witness, verify
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.ceremony.phase2 import export_verification_key, new_zkey

NAME, FAILING = "multiplier_2", "poseidon_preimage_1"
VALID = REPO / "circuits" / "inputs" / NAME / "valid.json"
VIOLATES = REPO / "circuits" / "inputs" / FAILING / "invalid_wrong_preimage.json"
OLD = b"an accepted file: must survive\n"
BEACON = ["--hash", "ab" * 32, "--iterations-exp", "10"]


@pytest.fixture(scope="module")
def proving(tmp_path_factory: pytest.TempPathFactory, dev_ptau: Path) -> Workspace:
    """A project with keys (no contribution: test keys) for the two smallest circuits needed."""
    ws = open_workspace(copy_project(tmp_path_factory.mktemp("outputs")))
    compile_circuits(ws, (NAME, FAILING))
    for name in (NAME, FAILING):
        new_zkey(ws.tools, ws.project.r1cs(name), dev_ptau, ws.project.zkey(name))
        export_verification_key(ws.project.zkey(name), ws.project.vkey(name))
    return ws


def files(folder: Path) -> dict[str, bytes] | None:
    """Every file under `folder` (hidden ones too) with its bytes; None when it does not exist."""
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def one_line_refusal(done: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit 2 (usage) with exactly `zkt: error: MESSAGE`, nothing else, no traceback."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == f"zkt: error: {message}\n"
    assert "Traceback" not in done.stdout + done.stderr


def refused_then_forced(out: Path, args: list[str], cwd: Path) -> None:
    """`args` refuses OUT when it exists (bytes unchanged); with --force it replaces it."""
    out.write_bytes(OLD)
    one_line_refusal(
        zkt(*args, cwd=cwd), f"{out} exists: choose another path (--force replaces it)"
    )
    assert out.read_bytes() == OLD
    forced = zkt(*args, "--force", cwd=cwd)
    assert forced.returncode == 0, f"{args}: {forced.stderr}"
    assert out.read_bytes() != OLD


def test_phase1_writers_refuse_an_existing_output(tmp_path: Path) -> None:
    p = {n: tmp_path / n for n in ("blank", "a", "challenge", "response", "b", "closed", "ready")}
    steps = [
        (p["blank"], ["ptau", "new", "--power", "4", "--to", str(p["blank"])]),
        (p["a"], ["ptau", "contribute", str(p["blank"]), str(p["a"]), "--name", "alice"]),
        (p["challenge"], ["ptau", "export-challenge", str(p["a"]), str(p["challenge"])]),
        (p["response"], ["ptau", "contribute-challenge", str(p["challenge"]), str(p["response"])]),
        (
            p["b"],
            [
                "ptau",
                "import-response",
                str(p["a"]),
                str(p["response"]),
                str(p["b"]),
                "--name",
                "b",
            ],
        ),
        (
            p["closed"],
            ["ptau", "beacon", str(p["b"]), str(p["closed"]), *BEACON],
        ),
        (p["ready"], ["ptau", "prepare", str(p["closed"]), str(p["ready"])]),
    ]
    for out, args in steps:
        refused_then_forced(out, args, tmp_path)


def test_ptau_dev_refuses_an_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "dev.ptau"
    refused_then_forced(out, ["ptau", "dev", "--power", "4", "--to", str(out)], tmp_path)


def test_zkey_writers_refuse_an_existing_output(proving: Workspace, tmp_path: Path) -> None:
    setup, alice, closed = tmp_path / "0.zkey", tmp_path / "1.zkey", tmp_path / "2.zkey"
    setup.write_bytes(proving.project.zkey(NAME).read_bytes())
    refused_then_forced(
        alice, ["zkey", "contribute", str(setup), str(alice), "--name", "alice"], tmp_path
    )
    refused_then_forced(closed, ["zkey", "beacon", str(alice), str(closed), *BEACON], tmp_path)


def test_zkey_export_refuses_an_existing_file(proving: Workspace, tmp_path: Path) -> None:
    key, out = proving.project.zkey(NAME), tmp_path / "export"
    out.mkdir()
    for name in ("verification_key.json", "verifier.sol"):
        (out / name).write_bytes(OLD)
        args = ["zkey", "export", str(key), "--out", str(out)]
        one_line_refusal(
            zkt(*args, cwd=tmp_path),
            f"{out / name} exists: choose another path (--force replaces it)",
        )
        assert files(out) == {name: OLD}
        (out / name).unlink()
    (out / "verifier.sol").write_bytes(OLD)
    assert zkt(*args, "--force", cwd=tmp_path).returncode == 0
    assert json.loads((out / "verification_key.json").read_text())["protocol"] == "groth16"
    assert b"contract Groth16Verifier" in (out / "verifier.sol").read_bytes()


def test_witness_refuses_an_existing_output(proving: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "w.wtns"
    refused_then_forced(out, ["witness", NAME, str(VALID), "-o", str(out)], proving.project.root)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "args",
    [
        ["ptau", "contribute", "IN", "IN", "--name", "alice"],
        ["zkey", "contribute", "IN", "IN", "--name", "alice"],
        ["witness", NAME, "IN", "-o", "IN"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_an_input_is_never_an_output_even_forced(
    proving: Workspace, tmp_path: Path, args: list[str]
) -> None:
    same = tmp_path / "in.file"
    same.write_bytes(VALID.read_bytes())
    args = [str(same) if a == "IN" else a for a in args]
    done = zkt(*args, "--force", cwd=proving.project.root)
    one_line_refusal(done, f"output {same} is also an input: choose another output path")
    assert same.read_bytes() == VALID.read_bytes()


def prove(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    return zkt("prove", *args, cwd=ws.project.root)


def no_witness_left(ws: Workspace, *folders: Path) -> None:
    for folder in (ws.project.root, *folders):
        assert not [p for p in folder.rglob("*") if p.suffix == ".wtns"], folder


@pytest.mark.parametrize("backend", ["native", "snarkjs"])
def test_a_successful_prove_leaves_only_the_proof(
    proving: Workspace, tmp_path: Path, backend: str
) -> None:
    out = tmp_path / "new" / "proof"
    done = prove(proving, NAME, str(VALID), "--out", str(out), "--backend", backend)
    assert done.returncode == 0, done.stderr
    assert sorted(files(out) or {}) == ["proof.json", "public.json"]
    assert verify(proving, NAME, out / "proof.json", out / "public.json", "native") == "native"
    no_witness_left(proving, tmp_path)


@pytest.mark.parametrize(
    ("name", "inputs", "key"),
    [
        (FAILING, VIOLATES, FAILING),  # a constraint fails while the witness is computed
        (NAME, VALID, FAILING),  # the prover fails after the witness was written
    ],
    ids=["constraint violated", "prover fails"],
)
@pytest.mark.parametrize("before", ["absent", "old proof, forced"])
def test_a_failed_prove_leaves_the_folder_as_it_was(
    proving: Workspace, tmp_path: Path, name: str, inputs: Path, key: str, before: str
) -> None:
    out = tmp_path / "out"
    extra = ["--zkey", str(proving.project.zkey(key))]
    if before != "absent":
        out.mkdir()
        for old in ("proof.json", "public.json", "notes.txt"):
            (out / old).write_bytes(OLD)
        extra.append("--force")
    was = files(out)
    done = prove(proving, name, str(inputs), "--out", str(out), "--backend", "native", *extra)
    assert done.returncode in (4, 5), done.stderr
    assert done.stderr.startswith("zkt: error: ") and "Traceback" not in done.stderr
    assert files(out) == was
    no_witness_left(proving, tmp_path)


def test_reproving_is_refused_unless_forced_then_both_are_replaced(
    proving: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = (NAME, str(VALID), "--out", str(out))
    assert prove(proving, *args, "--keep-witness").returncode == 0
    first = files(out)
    for name in ("proof.json", "public.json", "witness.wtns"):  # any one of them is refused
        was = files(out)
        refusal = f"{out / name} exists: choose another path (--force replaces it)"
        one_line_refusal(prove(proving, *args), refusal)
        assert files(out) == was
        (out / name).rename(tmp_path / name)
    for name in ("proof.json", "public.json", "witness.wtns"):
        (tmp_path / name).rename(out / name)
    forced = prove(proving, *args, "--force")
    assert forced.returncode == 0, forced.stderr
    now = files(out) or {}
    assert sorted(now) == ["proof.json", "public.json"]  # the old witness went with the old proof
    assert first is not None and now["proof.json"] != first["proof.json"]  # fresh blinding
    no_witness_left(proving, tmp_path)


def test_keep_witness_keeps_it_private_and_names_it(proving: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = prove(proving, NAME, str(VALID), "--out", str(out), "--keep-witness")
    assert done.returncode == 0, done.stderr
    kept = out / "witness.wtns"
    assert sorted(files(out) or {}) == ["proof.json", "public.json", "witness.wtns"]
    assert f"witness kept (private inputs, mode 0600): {kept}" in done.stderr
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert (
        kept.read_bytes()
        == compute_witness(proving, NAME, VALID, tmp_path / "w.wtns").path.read_bytes()
    )


def test_prove_output_that_is_the_input_is_refused_even_forced(
    proving: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    inputs = out / "public.json"
    inputs.write_bytes(VALID.read_bytes())
    done = prove(proving, NAME, str(inputs), "--out", str(out), "--force")
    one_line_refusal(done, f"output {inputs} is also an input: choose another output path")
    assert files(out) == {"public.json": VALID.read_bytes()}
