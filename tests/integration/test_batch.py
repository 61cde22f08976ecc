"""`zkt prove NAME --inputs DIR --out OUT`: the same proofs as one at a time, every bad input
reported with its reason while the rest are proved, and one-line refusals that touch nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.conftest import tree
from tests.integration.batch_helpers import (
    BLINDING,
    HOSTILE_REPORT,
    NAME,
    VALID,
    complete_sets,
    hostile_inputs,
    keyed_project,
    launch_batch,
    many_inputs,
    start_batch,
    valid_inputs,
    wait_for,
    workers_of,
    zkt_batch,
)
from tests.integration.helpers import zkt
from toolchain.api.batch import batch_inputs, prove_batch
from toolchain.api.prove import compute_witness
from toolchain.api.workspace import Workspace
from toolchain.formats.snarkjs_json import dump_proof
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.native.engines import get_engine
from toolchain.native.prover import create_proof


@pytest.fixture(scope="module")
def proving(tmp_path_factory: pytest.TempPathFactory, dev_ptau: Path) -> Workspace:
    """A project with a test key for NAME."""
    return keyed_project(tmp_path_factory.mktemp("batch"), dev_ptau)


def one_by_one(ws: Workspace, source: Path, tmp: Path) -> str:
    """The proof.json of one input with BLINDING: `zkt prove`'s witness, the native prover."""
    wtns = compute_witness(ws, NAME, source, tmp / f"{source.stem}.wtns").path
    engine = get_engine("mcl")
    return dump_proof(
        create_proof(read_zkey(ws.project.zkey(NAME)), read_wtns(wtns), *BLINDING, engine)
    )


def test_a_batch_gives_the_proofs_of_one_by_one_proving(proving: Workspace, tmp_path: Path) -> None:
    inputs = valid_inputs(tmp_path / "in")
    out = tmp_path / "out"
    seen: list[str] = []
    result = prove_batch(
        proving,
        NAME,
        batch_inputs(inputs, out),
        out,
        "native",
        jobs=2,
        on_outcome=lambda o: seen.append(o.source),
        blinding=BLINDING,
    )
    assert sorted(seen) == list(VALID) and not result.failed
    assert result.backend == "native" and [o.source for o in result.outcomes] == list(VALID)
    for name in VALID:
        folder = out / Path(name).stem
        assert sorted(p.name for p in folder.iterdir()) == ["proof.json", "public.json"]
        assert (folder / "proof.json").read_text() == one_by_one(proving, inputs / name, tmp_path)
        single = tmp_path / "single" / Path(name).stem
        done = zkt(
            "prove", NAME, str(inputs / name), "--out", str(single), cwd=proving.project.root
        )
        assert done.returncode == 0, done.stderr
        assert (folder / "public.json").read_bytes() == (single / "public.json").read_bytes()


def test_batch_proofs_verify_under_snarkjs_too(proving: Workspace, tmp_path: Path) -> None:
    inputs = valid_inputs(tmp_path / "in")
    done = zkt_batch(proving, inputs, tmp_path / "out", "-j", "2")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1].split()[:2] == ["2", "0"]  # ok, failed
    for name in VALID:
        folder = tmp_path / "out" / Path(name).stem
        files = [str(folder / "proof.json"), str(folder / "public.json")]
        checked = zkt("verify", NAME, *files, "--backend", "all", cwd=proving.project.root)
        assert checked.returncode == 0, checked.stderr


def test_a_snarkjs_batch_writes_natively_verified_proofs(
    proving: Workspace, tmp_path: Path
) -> None:
    inputs, out = valid_inputs(tmp_path / "in"), tmp_path / "out"
    done = zkt_batch(proving, inputs, out, "--backend", "snarkjs", "-j", "2")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1].split()[-1] == "snarkjs"
    for name in VALID:
        folder = out / Path(name).stem
        files = [str(folder / "proof.json"), str(folder / "public.json")]
        checked = zkt("verify", NAME, *files, cwd=proving.project.root)
        assert checked.returncode == 0, checked.stderr


def test_one_input_still_needs_input_json(proving: Workspace) -> None:
    done = zkt("prove", NAME, cwd=proving.project.root)
    refused(done, "Missing argument 'INPUT_JSON'. (see zkt prove --help)")


def test_each_bad_input_is_reported_with_its_reason_and_the_rest_proved(
    proving: Workspace, tmp_path: Path
) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    hostile_inputs(inputs)
    before = tree(inputs)
    done = zkt_batch(proving, inputs, out, "-j", "2")
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stdout + done.stderr and done.stdout == ""
    lines = done.stderr.splitlines()
    failed = {line for line in lines if line.startswith(f"{NAME}: ")}
    assert failed == HOSTILE_REPORT
    assert lines[-3].split() == ["ok", "failed", "seconds", "proofs/hour", "backend"]
    assert lines[-2].split()[:2] == ["1", "4"]
    assert lines[-1] == f"zkt: error: 4 of 5 inputs failed; the 1 proved are in {out}"
    assert sorted(tree(out)) == ["valid/proof.json", "valid/public.json"]
    assert tree(inputs) == before


def test_a_killed_worker_stops_the_batch_in_one_line(proving: Workspace, tmp_path: Path) -> None:
    inputs, out = many_inputs(tmp_path / "in", 80), tmp_path / "out"
    batch = start_batch(proving, inputs, out)
    os.kill(workers_of(batch.pid)[0], signal.SIGKILL)
    stdout, stderr = batch.communicate(timeout=120)
    assert batch.returncode == 4, stderr
    assert stdout == "" and stderr == (
        "zkt: error: a batch worker process died (killed, or out of memory): the batch stopped\n"
    )
    assert 0 < len(list(out.iterdir())) < 80
    complete_sets(out)


def test_ctrl_c_stops_the_batch_after_the_proofs_under_way(
    proving: Workspace, tmp_path: Path
) -> None:
    inputs, out = many_inputs(tmp_path / "in", 80), tmp_path / "out"
    batch = start_batch(proving, inputs, out)
    os.killpg(batch.pid, signal.SIGINT)
    aborted(batch)
    complete_sets(out)


def test_ctrl_c_while_the_workers_start_is_no_traceback_of_theirs(
    proving: Workspace, tmp_path: Path
) -> None:
    batch = launch_batch(proving, many_inputs(tmp_path / "in", 80), tmp_path / "out")
    wait_for(lambda: bool(workers_of(batch.pid)))
    time.sleep(0.2)  # the workers are importing the package, far from loading the key
    os.killpg(batch.pid, signal.SIGINT)
    aborted(batch)


def aborted(batch: subprocess.Popen[str]) -> None:
    """The batch ended on SIGINT: exit 130, the CLI's one line, no worker left behind."""
    stdout, stderr = batch.communicate(timeout=120)
    # click starts a new line after the terminal's ^C, then the CLI's one line
    assert (batch.returncode, stdout, stderr) == (130, "", "\nzkt: aborted\n")
    assert workers_of(batch.pid) == []


def refused(done: CompletedProcess[str], message: str) -> None:
    """Exit 2 (usage) with exactly one line, `zkt: error: MESSAGE`, and nothing on stdout."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == f"zkt: error: {message}\n" and done.stdout == ""


def test_an_empty_inputs_folder_is_refused(proving: Workspace, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("not an input")
    project = {"ZKT_PROJECT": str(proving.project.root)}
    done = zkt("prove", NAME, "--inputs", "in", "--out", "out", cwd=tmp_path, env=project)
    refused(done, "--inputs in: no *.json input files")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_out_equal_to_inputs_is_refused(proving: Workspace, tmp_path: Path) -> None:
    inputs = valid_inputs(tmp_path / "in")
    before = tree(tmp_path)
    done = zkt(
        "prove", NAME, "--inputs", str(inputs), "--out", f"{inputs}/.", cwd=proving.project.root
    )
    refused(done, f"--out {inputs} is the --inputs folder: choose another output folder")
    assert tree(tmp_path) == before


def test_existing_outputs_are_refused_before_anything_is_proved(
    proving: Workspace, tmp_path: Path
) -> None:
    inputs, out = valid_inputs(tmp_path / "in"), tmp_path / "out"
    (out / "valid_large").mkdir(parents=True)
    (out / "valid_large" / "public.json").write_text("old")
    before = tree(tmp_path)
    done = zkt_batch(proving, inputs, out)
    refused(
        done, f"{out}/valid_large/public.json exists: choose another path (--force replaces it)"
    )
    assert tree(tmp_path) == before
    assert zkt_batch(proving, inputs, out, "--force").returncode == 0
    assert sorted(tree(out)) == [
        f"{s}/{f}" for s in ("valid", "valid_large") for f in ("proof.json", "public.json")
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["in/valid.json"], "--inputs needs --out, and takes neither INPUT_JSON nor --keep"),
        (["--out", "o", "-j", "0"], "Invalid value for '-j' / '--jobs': 0 is not in the range"),
        (
            ["--out", "o", "--executor", "ssh://h"],
            "--executor ssh://h: use local or dask://HOST:PORT",
        ),
        (
            ["--out", "o", "--executor", "dask://h:1", "-j", "2"],
            "-j 2 is for --executor local: a cluster has its own workers",
        ),
    ],
)
def test_batch_option_misuse_is_refused(
    proving: Workspace, tmp_path: Path, extra: list[str], message: str
) -> None:
    valid_inputs(tmp_path / "in")
    before = tree(tmp_path)
    project = {"ZKT_PROJECT": str(proving.project.root)}
    done = zkt("prove", NAME, "--inputs", "in", *extra, cwd=tmp_path, env=project)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr.startswith(f"zkt: error: {message}") and done.stderr.count("\n") == 1
    assert tree(tmp_path) == before
