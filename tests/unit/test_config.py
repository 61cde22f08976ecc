"""circuits.toml parsing: valid files load, every bad key or value is named with its location."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolchain.config import read_ceremony_config, read_registry
from toolchain.errors import ConfigError, UsageError

REPO = Path(__file__).resolve().parents[2]

GOOD = """
[[circuit]]
name = "m"
template = "multiplier"
params = { n = 2, nested = { xs = [1, 2, [3]] } }
public = ["a"]
[circuit.circom]
optimization = 2
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "circuits.toml"
    path.write_text(text)
    return path


def test_repository_registry_is_valid() -> None:
    registry = read_registry(REPO / "circuits" / "circuits.toml")
    assert len({e.name for e in registry.circuit}) == len(registry.circuit) >= 10


def test_nested_params_and_options(tmp_path: Path) -> None:
    entry = read_registry(write(tmp_path, GOOD)).get("m")
    assert entry.params["nested"] == {"xs": [1, 2, [3]]}
    assert entry.circom.optimization == 2 and entry.public == ["a"]


@pytest.mark.parametrize(
    ("patch", "needle"),
    [
        ("bogus = 1\n", "circuit[0] (m).bogus: Extra inputs are not permitted"),
        ('expected_constraints = "many"\n', "circuit[0] (m).expected_constraints"),
        ("expected_constraints = -1\n", "circuit[0] (m).expected_constraints"),
        ("[circuit.circom]\noptimization = 7\n", "circuit[0] (m).circom.optimization"),
    ],
)
def test_bad_values_are_located(tmp_path: Path, patch: str, needle: str) -> None:
    text = '[[circuit]]\nname = "m"\ntemplate = "t"\n' + patch
    with pytest.raises(
        ConfigError,
        match=rf"^.*/circuits\.toml: 1 problem\(s\)\n  .*{re.escape(needle)}",
    ) as err:
        read_registry(write(tmp_path, text))
    assert needle in str(err.value)


def test_bad_name_and_duplicates(tmp_path: Path) -> None:
    text = '[[circuit]]\nname = "Bad-Name"\ntemplate = "t"\n'
    with pytest.raises(ConfigError, match=r"circuit\[0\] \(Bad-Name\)\.name"):
        read_registry(write(tmp_path, text))
    dup = '[[circuit]]\nname = "a"\ntemplate = "t"\n' * 2
    with pytest.raises(ConfigError, match="listed twice"):
        read_registry(write(tmp_path, dup))


def test_reserved_param_names(tmp_path: Path) -> None:
    text = '[[circuit]]\nname = "a"\ntemplate = "t"\nparams = { name = 1 }\n'
    with pytest.raises(ConfigError, match="reserved"):
        read_registry(write(tmp_path, text))


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        read_registry(write(tmp_path, "[[circuit]\n"))
    with pytest.raises(ConfigError, match="not found"):
        read_registry(tmp_path / "absent.toml")


def test_unknown_circuit_lists_known(tmp_path: Path) -> None:
    registry = read_registry(write(tmp_path, GOOD))
    with pytest.raises(UsageError, match=r"unknown circuit 'x' \(known: m\)"):
        registry.get("x")


CEREMONY = """
[ceremony]
name = "c"
[phase1]
source = "dev"
power = 10
[beacon]
hash = "ABcd"
iterations_exp = 10
"""


def test_ceremony_config_parses_and_normalises(tmp_path: Path) -> None:
    path = tmp_path / "ceremony.toml"
    path.write_text(CEREMONY)
    config = read_ceremony_config(path)
    assert config.beacon.hash == "abcd" and config.phase1.source == "dev"


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('hash = "ABcd"', 'hash = "abc"', "whole bytes"),
        ('hash = "ABcd"', 'hash = "xyz0"', "beacon.hash"),
        ("iterations_exp = 10", "iterations_exp = 9", "beacon.iterations_exp"),
        ('source = "dev"', 'source = "file"', "needs a path"),
        ("power = 10", "power = 29", "phase1.power"),
    ],
)
def test_ceremony_config_mistakes(tmp_path: Path, old: str, new: str, needle: str) -> None:
    path = tmp_path / "ceremony.toml"
    path.write_text(CEREMONY.replace(old, new))
    with pytest.raises(ConfigError, match=needle):
        read_ceremony_config(path)


def test_repository_ceremony_config_is_valid() -> None:
    config = read_ceremony_config(REPO / "ceremony" / "ceremony.toml")
    registry = read_registry(REPO / "circuits" / "circuits.toml")
    assert [registry.get(name).name for name in config.ceremony.circuits]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("", "circuit[0] (m): Value error, give exactly one of template"),
        ('template = "t"\nsource = "a.circom"\n', "give exactly one of template"),
        ('source = "../a.circom"\n', "circuit[0] (m).source"),
        ('source = "/abs/a.circom"\n', "circuit[0] (m).source"),
        ('source = "src/../../a.circom"\n', "no '..'"),
        ('source = "a.circom"\nparams = { n = 1 }\n', "params apply to templates only"),
    ],
)
def test_template_or_source(tmp_path: Path, body: str, needle: str) -> None:
    with pytest.raises(
        ConfigError,
        match=rf"^.*/circuits\.toml: 1 problem\(s\)\n  .*{re.escape(needle)}",
    ) as err:
        read_registry(write(tmp_path, '[[circuit]]\nname = "m"\n' + body))
    assert needle in str(err.value)


def test_entries_know_their_position(tmp_path: Path) -> None:
    text = GOOD + '[[circuit]]\nname = "h"\nsource = "circuits/src/h.circom"\n'
    registry = read_registry(write(tmp_path, text))
    assert registry.get("h").location == "circuit[1] (h)"
    assert registry.get("h").source == "circuits/src/h.circom"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('audit = "skip"\n', 'circuit[0] (m): Value error, audit = "skip" needs an audit_reason'),
        ('audit = "skip"\naudit_reason = "  "\n', "needs an audit_reason saying why"),
        ('audit = "never"\n', "circuit[0] (m).audit"),
    ],
)
def test_audit_policy(tmp_path: Path, body: str, needle: str) -> None:
    base = '[[circuit]]\nname = "m"\ntemplate = "multiplier"\n'
    with pytest.raises(ConfigError, match=rf"1 problem\(s\)\n  .*{re.escape(needle)}"):
        read_registry(write(tmp_path, base + body))
    entry = read_registry(write(tmp_path, base + 'audit = "skip"\naudit_reason = "why"\n')).get("m")
    assert (entry.audit, entry.audit_reason) == ("skip", "why")
    assert read_registry(write(tmp_path, base)).get("m").audit == "fail"
