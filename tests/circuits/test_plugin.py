"""The pytest plugin itself: signal lookup, failure messages, project discovery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from toolchain.native.field import R
from toolchain.pytest_plugin import Circuit, CircuitFactory, Witness

pytestmark = pytest.mark.integration

Failed = pytest.fail.Exception


@pytest.fixture
def multiplier(circuit: CircuitFactory) -> Circuit:
    return circuit("multiplier_2")


@pytest.fixture
def product(multiplier: Circuit) -> Witness:
    return multiplier.witness({"factors": [3, 11]})


def test_circuits_are_built_once_per_session(circuit: CircuitFactory) -> None:
    assert circuit("multiplier_2") is circuit("multiplier_2")
    assert circuit("multiplier_2").constraint_count == 1


def test_signals_are_found_by_short_or_qualified_name(circuit: CircuitFactory) -> None:
    merkle = circuit("merkle_4")
    inputs = merkle.inputs("valid")
    witness = merkle.witness(inputs)
    assert isinstance(inputs["pathElements"], list)
    assert witness.signal("pathElements[2]") == int(inputs["pathElements"][2])
    assert witness.signal("main.root") == witness.signal("root") == int(str(inputs["root"]))
    assert witness.values[witness.wire("root")] == witness.signal("root")


def test_an_unknown_signal_names_close_ones(product: Witness) -> None:
    with pytest.raises(
        KeyError, match=r"multiplier_2 has no signal main.fctors\[1\] .*main.factors\[1\]"
    ):
        product.signal("fctors[1]")


def test_a_signal_circom_optimised_away_says_so(circuit: CircuitFactory) -> None:
    membership = circuit("membership_4")
    witness = membership.witness(membership.inputs("valid"))
    with pytest.raises(KeyError, match=r"circom optimised main\.computedRoot away"):
        witness.signal("computedRoot")


def test_with_signal_changes_a_copy_mod_r(product: Witness) -> None:
    tampered = product.with_signal("c", -1)
    assert tampered.signal("c") == R - 1
    assert product.signal("c") == 33


def test_expect_pass_names_each_wrong_signal(multiplier: Circuit) -> None:
    with pytest.raises(
        Failed, match="signal c: expected 34, got 33\nsignal factors\\[0\\]: expected 4, got 3"
    ):
        multiplier.expect_pass({"factors": [3, 11]}, outputs={"c": 34, "factors[0]": "4"})


def test_expect_pass_reports_a_failed_witness(multiplier: Circuit) -> None:
    with pytest.raises(Failed, match="expected the inputs to pass, but the inputs were refused"):
        multiplier.expect_pass({"factors": [3]})


def test_expect_fail_reports_a_satisfying_witness(multiplier: Circuit) -> None:
    with pytest.raises(Failed, match="their witness satisfies all 1 constraints"):
        multiplier.expect_fail({"factors": [3, 11]})


def test_expect_fail_checks_the_kind_and_the_text(multiplier: Circuit) -> None:
    with pytest.raises(Failed, match="expected a 'witness' failure, but the inputs were refused"):
        multiplier.expect_fail({"factors": [3]}, kind="witness")
    with pytest.raises(Failed, match="the failure does not match 'Assert'"):
        multiplier.expect_fail({"factors": [3]}, match="Assert")


def test_a_witness_breaking_a_constraint_fails_as_a_constraint(
    multiplier: Circuit, product: Witness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A witness generator that computes a wrong value (here: forced) is caught by the R1CS check.
    monkeypatch.setattr(multiplier, "witness", lambda _inputs: product.with_signal("c", 34))
    failure = multiplier.expect_fail({"factors": [3, 11]}, kind="constraint")
    assert failure.message.startswith("1 of 1 constraints unsatisfied\nconstraint 0:")
    assert "main.c = 34" in failure.message
    with pytest.raises(Failed, match="the witness breaks the constraints: 1 of 1"):
        multiplier.expect_pass({"factors": [3, 11]})


def test_expect_unsatisfied_reports_a_satisfying_witness(
    multiplier: Circuit, product: Witness
) -> None:
    with pytest.raises(Failed, match="expected the witness to break a constraint"):
        multiplier.expect_unsatisfied(product.values)


def test_an_unknown_circuit_fails_the_test(circuit: CircuitFactory) -> None:
    with pytest.raises(Failed, match="zkt: circuit no_such_circuit: "):
        circuit("no_such_circuit")


def test_no_project_fails_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(Failed, match="pass --zkt-project DIR or set \\$ZKT_PROJECT"):
        CircuitFactory((tmp_path,))("multiplier_2")


TEST_FILE = """
def test_multiplier(circuit):
    circuit("multiplier_2").expect_pass({"factors": [3, 11]}, outputs={"c": 33})
"""


@pytest.mark.parametrize(
    ("args", "env", "passes"),
    [
        (["--zkt-project", str(REPO / "templates")], {}, True),
        ([], {"ZKT_PROJECT": str(REPO)}, True),
        ([], {}, False),
    ],
    ids=["option", "environment", "neither"],
)
def test_the_project_is_found_from_the_option_or_the_environment(
    tmp_path: Path, args: list[str], env: dict[str, str], passes: bool
) -> None:
    # A pytest run outside the project; `-p no:zkt` keeps the entry point from loading it twice.
    (tmp_path / "test_outside.py").write_text(TEST_FILE)
    plugins = ["-p", "no:zkt", "-p", "toolchain.pytest_plugin", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *plugins, *args, "test_outside.py"],
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode == 0) == passes, done.stdout + done.stderr
    if not passes:
        assert "no circuits/circuits.toml in" in done.stdout
