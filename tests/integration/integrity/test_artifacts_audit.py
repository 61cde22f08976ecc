"""`zkt artifacts lock` records each circuit's audit verdict and `verify` checks what it can.

A tiny project of hand-written circuits (tests/integration/audit's): square_ok is proven unique,
square_bug leaves its output y free. Both get an INSECURE dev key, so lock needs
ceremony.toml's `source = "dev"`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, tree
from tests.integration.audit.test_audit import _dev_key, _project, _registry
from tests.integration.helpers import error_line, zkt
from toolchain.api.workspace import open_workspace

KEYED = ("square_bug", "square_ok")
CEREMONY = """[ceremony]
name = "audit lock tests"
circuits = ["square_bug", "square_ok"]
min_contributions = 1

[phase1]
source = "dev"
power = 4
seed = "zk-toolchain audit tests"
"""
REFUSED = (
    "refusing to lock: square_bug is under-constrained (main.y can be forged with the same"
    " inputs; `zkt audit square_bug` shows the second witness)"
)
WARNED = (
    "WARNING: square_bug is under-constrained (main.y can be forged), locked because"
    ' circuits.toml says audit = "warn"'
)


@pytest.fixture(scope="module")
def keyed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project, compiled, with a dev key for each KEYED circuit: tests take copies."""
    base = tmp_path_factory.mktemp("auditlock")
    root = _project(base / "project")
    beacon = (REPO / "ceremony" / "ceremony.toml").read_text()
    (root / "ceremony").mkdir()
    (root / "ceremony" / "ceremony.toml").write_text(CEREMONY + beacon[beacon.index("[beacon]") :])
    assert zkt("compile", *KEYED, cwd=root).returncode == 0
    ws = open_workspace(root)
    for name in KEYED:
        _dev_key(ws, name, base)
    return root


@pytest.fixture
def keyed(keyed_template: Path, tmp_path: Path) -> Path:
    """A private copy of the keyed project, its dev ptau beside it."""
    shutil.copyfile(keyed_template.parent / "dev.ptau", tmp_path / "dev.ptau")
    return shutil.copytree(keyed_template, tmp_path / "project")


def _ptau(root: Path) -> str:
    return str(root.parent / "dev.ptau")


def _fail_again(root: Path) -> None:
    """circuits.toml's square_bug back from `warn` to `fail`, explicitly."""
    toml = root / "circuits" / "circuits.toml"
    toml.write_text(toml.read_text().replace('audit = "warn"', 'audit = "fail"'))


def _lock(root: Path) -> Any:
    return zkt("artifacts", "lock", "--ptau", _ptau(root), cwd=root)


def _audit_of(root: Path, name: str) -> Any:
    manifest = json.loads((root / "artifacts" / "manifest.json").read_text())
    return manifest["artifacts"][f"{name}/r1cs"]["settings"].get("audit")


def _warn_locked(root: Path) -> None:
    _registry(root, "square_bug", 'audit = "warn"')
    done = _lock(root)
    assert done.returncode == 0, done.stderr
    assert WARNED in done.stderr.splitlines()


def _r1cs_row(stdout: str, name: str) -> str:
    (row,) = [line for line in stdout.splitlines() if line.startswith(f"build/{name}/{name}.r1cs")]
    return row


def test_a_fail_circuit_that_is_under_constrained_is_not_locked(keyed: Path) -> None:
    before = tree(keyed)
    done = _lock(keyed)
    assert error_line(done, 1) == REFUSED
    assert not (keyed / "artifacts" / "manifest.json").exists()
    # The audit leaves its evidence in build/ (the forged witness); nothing else changes.
    after = tree(keyed)
    assert set(after) - set(before) == {"build/square_bug/forged.wtns"}
    assert {path: after[path] for path in before} == before


def test_a_refused_relock_leaves_the_manifest_as_it_was(keyed: Path) -> None:
    _warn_locked(keyed)
    _fail_again(keyed)
    before = tree(keyed)
    assert error_line(_lock(keyed), 1) == REFUSED
    assert tree(keyed) == before


def test_lock_records_each_verdict_and_warn_is_a_warning(keyed: Path) -> None:
    _warn_locked(keyed)
    assert _audit_of(keyed, "square_ok") == {"policy": "fail", "verdict": "unique"}
    assert _audit_of(keyed, "square_bug") == {"policy": "warn", "verdict": "under-constrained"}
    done = zkt("artifacts", "verify", cwd=keyed)
    assert done.returncode == 0, done.stderr
    proven = "audit unique (fail): propagation proves every output determined"
    assert _r1cs_row(done.stdout, "square_ok").endswith(proven)
    recorded = "audit under-constrained (warn), recorded: not re-checked"
    assert _r1cs_row(done.stdout, "square_bug").endswith(recorded)


def test_a_skip_is_recorded_with_its_reason(keyed: Path) -> None:
    _registry(keyed, "square_bug", 'audit = "skip"\naudit_reason = "a known demo bug"')
    done = _lock(keyed)
    assert done.returncode == 0, done.stderr
    skipped = {"policy": "skip", "verdict": "skipped", "reason": "a known demo bug"}
    assert _audit_of(keyed, "square_bug") == skipped


def _edit_audit(root: Path, name: str, audit: dict[str, str]) -> None:
    path = root / "artifacts" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["artifacts"][f"{name}/r1cs"]["settings"]["audit"] = audit
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


FAILED_R1CS = "1 artifact(s) failed verification: build/square_bug/square_bug.r1cs (r1cs MISMATCH)"


def _verify_fails_square_bug(keyed: Path, row_end: str) -> None:
    """`zkt artifacts verify` fails on square_bug's r1cs, its row ending `row_end`; nothing
    written."""
    before = tree(keyed)
    done = zkt("artifacts", "verify", cwd=keyed)
    assert error_line(done, 6) == FAILED_R1CS
    assert _r1cs_row(done.stdout, "square_bug").endswith(row_end)
    assert tree(keyed) == before


def test_verify_fails_a_unique_that_propagation_cannot_prove(keyed: Path) -> None:
    _warn_locked(keyed)
    _edit_audit(keyed, "square_bug", {"policy": "warn", "verdict": "unique"})
    claimed = "MISMATCH  locked as audit unique, but propagation leaves main.y undetermined"
    _verify_fails_square_bug(keyed, claimed)


def test_verify_fails_a_policy_changed_after_locking(keyed: Path) -> None:
    _warn_locked(keyed)
    _fail_again(keyed)
    changed = 'MISMATCH  locked with audit = "warn", circuits.toml now says "fail": lock again'
    _verify_fails_square_bug(keyed, changed)


def test_a_circuit_without_an_example_input_is_audited_by_propagation_alone(keyed: Path) -> None:
    _registry(keyed, "square_bug", 'audit = "warn"')
    for name in KEYED:
        shutil.rmtree(keyed / "circuits" / "inputs" / name)
    done = _lock(keyed)
    assert done.returncode == 0, done.stderr
    for name in KEYED:
        said = f"{name}: no circuits/inputs/{name}/valid*.json: audited by propagation alone"
        assert said in done.stderr.splitlines()
    assert _audit_of(keyed, "square_ok") == {"policy": "fail", "verdict": "unique"}
    assert _audit_of(keyed, "square_bug") == {"policy": "warn", "verdict": "unknown"}
    assert not (keyed / "build" / "square_bug" / "forged.wtns").exists()
