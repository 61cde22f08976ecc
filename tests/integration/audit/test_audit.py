"""`zkt audit` on tiny hand-written circuits: three classic under-constrained bugs, each found with
a concrete second witness that the project's own R1CS check accepts, and their correct twins,
each proven unique. Then the refusals, the registry policies and a forged proof that verifies."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import tree
from tests.integration.helpers import error_line, snarkjs, zkt
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.ceremony.phase2 import contribute, export_verification_key, new_zkey
from toolchain.formats.r1cs import read_r1cs
from toolchain.formats.wtns import read_wtns
from toolchain.witness.calculator import WitnessCalculator
from toolchain.witness.constraints import check_constraints

PROJECT = Path(__file__).parent / "project"
Run = subprocess.CompletedProcess[str]
Audited = tuple[Path, Run, dict[str, dict[str, Any]]]
BUGS = {"square_bug": "main.y", "iszero_bug": "main.out", "bits_bug": "main.out[0]"}
TWINS = ("square_ok", "iszero_ok", "bits_ok")


def _project(target: Path) -> Path:
    shutil.copytree(PROJECT, target)
    return target


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audited:
    """The tiny project audited once by the real CLI: (root, the run, verdict per circuit)."""
    root = _project(tmp_path_factory.mktemp("audit") / "project")
    done = zkt("audit", "--json", "--seconds", "3", cwd=root)
    verdicts = {entry["circuit"]: entry for entry in json.loads(done.stdout)}
    return root, done, verdicts


def test_the_run_fails_on_the_bugs_with_one_line(audited: Audited) -> None:
    _, done, _ = audited
    assert error_line(done, 1) == (
        "under-constrained: square_bug, iszero_bug, bits_bug (a second witness with the same"
        " inputs satisfies every constraint; see the forged .wtns)"
    )


@pytest.mark.parametrize("name", TWINS)
def test_each_correct_twin_is_proven_unique(audited: Audited, name: str) -> None:
    _, _, verdicts = audited
    assert verdicts[name]["verdict"] == "unique"
    assert verdicts[name]["undetermined_outputs"] == []
    assert verdicts[name]["forged_witness"] is None


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_bug_comes_with_a_second_witness_the_r1cs_accepts(audited: Audited, name: str) -> None:
    root, _, verdicts = audited
    verdict = verdicts[name]
    assert verdict["verdict"] == "under-constrained"
    assert BUGS[name] in {d["signal"] for d in verdict["differences"]}
    ws = open_workspace(root)
    r1cs = read_r1cs(ws.project.r1cs(name))
    forged = read_wtns(root / verdict["forged_witness"])
    inputs = json.loads((root / "circuits" / "inputs" / name / "valid.json").read_text())
    honest = WitnessCalculator(ws.project.wasm(name)).calculate(inputs)
    # The project's own satisfaction check accepts both witnesses...
    assert check_constraints(r1cs, honest) == []
    assert check_constraints(r1cs, forged) == []
    # ...which share the inputs (wires after the outputs, by label) but not the outputs.
    h = r1cs.header
    labels = r1cs.wire_to_label
    inputs_wires = [
        w
        for w, lab in enumerate(labels)
        if h.n_pub_out < lab <= h.n_pub_out + h.n_prv_in + h.n_pub_in
    ]
    outputs = [w for w, lab in enumerate(labels) if 1 <= lab <= h.n_pub_out]
    assert [forged[w] for w in inputs_wires] == [honest[w] for w in inputs_wires]
    assert [forged[w] for w in outputs] != [honest[w] for w in outputs]
    for diff in verdict["differences"]:
        assert forged[diff["wire"]] == int(diff["forged"]) != int(diff["honest"])


def test_the_table_names_the_forged_signal(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    done = zkt("audit", "square_bug", "square_ok", "--seconds", "2", cwd=root)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["circuit", "verdict", "outputs", "open", "internal-open", "seconds"]
    assert lines[1].split()[:5] == ["square_bug", "under-constrained", "2", "1", "0"]
    assert lines[2] == "    main.y: honest 49, forged 50"
    assert any(line.split()[:2] == ["square_ok", "unique"] for line in lines)


def _registry(root: Path, name: str, extra: str) -> None:
    toml = root / "circuits" / "circuits.toml"
    text = toml.read_text()
    anchor = f'name = "{name}"\n'
    toml.write_text(text.replace(anchor, anchor + extra + "\n"))


def test_warn_reports_without_failing(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    _registry(root, "iszero_bug", 'audit = "warn"')
    done = zkt("audit", "iszero_bug", "iszero_ok", "--seconds", "2", cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        'zkt: warning: iszero_bug: under-constrained, reported only (audit = "warn")'
    ]


def test_skip_needs_a_reason_and_skips(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    _registry(root, "bits_bug", 'audit = "skip"')
    before = tree(root)
    done = zkt("audit", "bits_bug", cwd=root)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert 'audit = "skip" needs an audit_reason saying why' in done.stderr
    assert tree(root) == before
    _registry(root, "bits_bug", 'audit_reason = "known, fixed upstream"')
    done = zkt("audit", "bits_bug", cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split() == [
        "bits_bug",
        "skipped",
        "known,",
        "fixed",
        "upstream",
    ]


def test_input_names_one_circuit(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    before = tree(root)
    given = root / "circuits" / "inputs" / "bits_ok" / "valid.json"
    done = zkt("audit", "bits_ok", "bits_bug", "--input", str(given), cwd=root)
    assert error_line(done, 2) == "--input fits one circuit: name exactly one"
    assert tree(root) == before


def test_a_circuit_without_example_input_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    shutil.rmtree(root / "circuits" / "inputs" / "bits_ok")
    before = tree(root)
    done = zkt("audit", "bits_ok", cwd=root)
    assert error_line(done, 2) == (
        "bits_ok: no example input circuits/inputs/bits_ok/valid*.json; give one with --input"
    )
    assert tree(root) == before


def test_the_users_input_is_audited_and_unknown_is_only_a_warning(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    three, zero = tmp_path / "three.json", tmp_path / "zero.json"
    three.write_text('{"in": "3"}')
    zero.write_text('{"in": "0"}')
    done = zkt("audit", "iszero_bug", "--input", str(three), "--json", cwd=root)
    (verdict,) = json.loads(done.stdout)
    assert verdict["input"] == str(three)
    assert verdict["verdict"] == "under-constrained"
    # With in = 0, out = 1 − 0·inv is 1 whatever inv: no second output exists for this input,
    # but propagation cannot prove it for every input, so the verdict is unknown, not unique.
    done = zkt("audit", "iszero_bug", "--input", str(zero), "--seconds", "2", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    (verdict,) = json.loads(done.stdout)
    assert verdict["verdict"] == "unknown"
    assert verdict["undetermined_outputs"] == ["main.out"]
    (warning,) = done.stderr.splitlines()
    assert warning.startswith("zkt: warning: iszero_bug: unknown after ")
    assert warning.endswith(" s (not proven safe); outputs left undecided: main.out")


def _examples(root: Path, name: str, examples: dict[str, str]) -> None:
    """Replace the circuit's example inputs with these (file name: JSON)."""
    folder = root / "circuits" / "inputs" / name
    shutil.rmtree(folder)
    folder.mkdir()
    for file, text in examples.items():
        (folder / file).write_text(text)


def test_every_example_input_is_searched_until_one_shows_the_bug(tmp_path: Path) -> None:
    # in = 0 (the first example by name) has no second output; in = 5 has one.
    root = _project(tmp_path / "project")
    _examples(root, "iszero_bug", {"valid.json": '{"in": "0"}', "valid_five.json": '{"in": "5"}'})
    done = zkt("audit", "iszero_bug", "--seconds", "2", "--json", cwd=root)
    assert error_line(done, 1).startswith("under-constrained: iszero_bug ")
    (verdict,) = json.loads(done.stdout)
    assert verdict["verdict"] == "under-constrained"
    assert verdict["input"] == "circuits/inputs/iszero_bug/valid_five.json"
    assert verdict["inputs_searched"] == [
        "circuits/inputs/iszero_bug/valid.json",
        "circuits/inputs/iszero_bug/valid_five.json",
    ]
    assert {d["signal"]: d["honest"] for d in verdict["differences"]}["main.out"] == "0"


def test_the_search_stops_at_the_first_example_that_settles_it(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    _examples(root, "iszero_bug", {"valid.json": '{"in": "5"}', "valid_zero.json": '{"in": "0"}'})
    _examples(root, "iszero_ok", {"valid.json": '{"in": "5"}', "valid_zero.json": '{"in": "0"}'})
    done = zkt("audit", "iszero_bug", "iszero_ok", "--seconds", "2", "--json", cwd=root)
    bug, ok = json.loads(done.stdout)
    assert (bug["verdict"], bug["inputs_searched"]) == (
        "under-constrained",
        ["circuits/inputs/iszero_bug/valid.json"],
    )
    # unique is propagation's verdict, for every input: the first example says it
    assert (ok["verdict"], ok["inputs_searched"]) == (
        "unique",
        ["circuits/inputs/iszero_ok/valid.json"],
    )


def test_unknown_from_every_example_is_a_warning_naming_none_safe(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    zero = '{"in": "0"}'
    _examples(root, "iszero_bug", {"valid.json": zero, "valid_again.json": zero})
    done = zkt("audit", "iszero_bug", "--seconds", "1", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    (verdict,) = json.loads(done.stdout)
    assert verdict["verdict"] == "unknown"
    assert verdict["input"] == "circuits/inputs/iszero_bug/valid_again.json"
    assert len(verdict["inputs_searched"]) == 2
    (warning,) = done.stderr.splitlines()
    assert warning.startswith("zkt: warning: iszero_bug: unknown after ")


def test_a_broken_later_example_is_refused_before_any_compile(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    _examples(root, "iszero_bug", {"valid.json": '{"in": "0"}', "valid_b.json": "{not json"})
    before = tree(root)
    done = zkt("audit", "iszero_bug", cwd=root)
    assert done.returncode == 2, done.stderr
    assert "valid_b.json" in error_line(done, 2)
    assert tree(root) == before


def _dev_key(ws: Workspace, name: str, tmp_path: Path) -> None:
    """An INSECURE Groth16 key for a test circuit (dev ptau, one contribution)."""
    ptau = tmp_path / "dev.ptau"
    write_dev_ptau(ptau, 4, "zk-toolchain audit tests")
    project = ws.project
    project.artifacts_dir(name).mkdir(parents=True, exist_ok=True)
    project.ceremony_key(name, 0).parent.mkdir(parents=True, exist_ok=True)
    new_zkey(ws.tools, project.r1cs(name), ptau, project.ceremony_key(name, 0))
    contribute(ws.tools, project.ceremony_key(name, 0), project.zkey(name), "test", fresh_entropy())
    export_verification_key(project.zkey(name), project.vkey(name))


def test_a_forged_proof_verifies_with_the_circuits_own_key(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    assert zkt("compile", "iszero_bug", cwd=root).returncode == 0
    ws = open_workspace(root)
    _dev_key(ws, "iszero_bug", tmp_path)
    done = zkt("audit", "iszero_bug", "--prove", "--json", cwd=root)
    assert done.returncode == 1
    (verdict,) = json.loads(done.stdout)
    forged = verdict["forged_proof"]
    assert forged["verified"] is True
    # The forged public output: out = 1, though the input 5 is not zero.
    assert json.loads((root / forged["public"]).read_text()) == ["1"]
    # And snarkjs, independently, accepts it with the circuit's verification key.
    said = snarkjs(
        "groth16",
        "verify",
        str(ws.project.vkey("iszero_bug")),
        str(root / forged["public"]),
        str(root / forged["proof"]),
    )
    assert "OK!" in said


@pytest.mark.parametrize(
    ("args", "message", "exit_code"),
    [
        (("--seconds", "0"), "--seconds must be positive, not 0", 2),
        (("--input", "nope.json"), "nope.json: no such input file", 2),
        (("--input", "wrong.json"), "2 problems in wrong.json: unknown input signal \"x\""
         " (the circuit's inputs are in); missing input signals: \"in\"", 2),
    ],
)  # fmt: skip
def test_refusals_are_one_line_and_leave_no_file(
    tmp_path: Path, args: tuple[str, ...], message: str, exit_code: int
) -> None:
    root = _project(tmp_path / "project")
    (root / "wrong.json").write_text('{"x": 1}')
    if "wrong.json" in args:  # the circuit must be compiled to read its inputs
        assert zkt("compile", "bits_ok", cwd=root).returncode == 0
    before = tree(root)
    done = zkt("audit", "bits_ok", *args, cwd=root)
    assert error_line(done, exit_code) == message
    assert tree(root) == before


def test_a_free_internal_signal_is_reported_not_failed(tmp_path: Path) -> None:
    # circomlib's IsZero with in = 0: out is 1 for sure, inv may be anything.
    root = _project(tmp_path / "project")
    zero = tmp_path / "zero.json"
    zero.write_text('{"in": "0"}')
    done = zkt("audit", "iszero_ok", "--input", str(zero), "--seconds", "2", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    (verdict,) = json.loads(done.stdout)
    assert verdict["verdict"] == "unique"
    assert verdict["free_internal"] == ["main.inv"]
    assert verdict["forged_witness"] is None
