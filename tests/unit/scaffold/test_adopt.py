"""zkt init --adopt: which .circom files are circuits, their public inputs, and the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.errors import UsageError
from toolchain.scaffold.adopt import Found, Skipped, find_main, registry_name, survey

LIB = "pragma circom 2.1.0;\ntemplate Square() { signal input x; signal output y; y <== x * x; }\n"
MAIN = 'include "lib/square.circom";\ncomponent main {public [x, z]} = Sq();\n'


@pytest.mark.parametrize(
    ("text", "public"),
    [
        ("component main = T();", []),
        ("component main {public [a]} = T(3);", ["a"]),
        ("component   main\n{ public [ a , b ] }\n=\nT();", ["a", "b"]),
        ("// component main = T();\ntemplate T() {}", None),
        ("/* component main {public [a]} = T(); */", None),
        ("component mainly = T();", None),
    ],
)
def test_find_main_reads_the_public_list(text: str, public: list[str] | None) -> None:
    assert find_main(text) == public


def test_two_mains_are_an_error() -> None:
    with pytest.raises(ValueError, match="2 `component main` declarations"):
        find_main("component main = A();\ncomponent main = B();")


def test_registry_names_are_valid_and_unique() -> None:
    assert registry_name(Path("My-Circuit.v2.circom"), set()) == "my_circuit_v2"
    assert registry_name(Path("2fa.circom"), set()) == "c_2fa"
    assert registry_name(Path("a.circom"), {"a", "a_2"}) == "a_3"


def test_survey_registers_mains_and_skips_libraries(tmp_path: Path) -> None:
    (tmp_path / "circuits" / "lib").mkdir(parents=True)
    (tmp_path / "circuits" / "lib" / "square.circom").write_text(LIB)
    (tmp_path / "circuits" / "main.circom").write_text(MAIN)
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "m.circom").write_text("component main = T();")
    (tmp_path / "two.circom").write_text("component main = A();\ncomponent main = B();")
    found, skipped = survey(tmp_path)
    assert found == [Found("main", "circuits/main.circom", ["x", "z"])]
    assert skipped == [
        Skipped("circuits/lib/square.circom", "no `component main`: a library, included by others"),
        Skipped("two.circom", "2 `component main` declarations: circom allows one"),
    ]


def test_survey_without_any_main_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lib.circom").write_text(LIB)
    with pytest.raises(UsageError, match=r"no \.circom file under .* declares `component main`"):
        survey(tmp_path)
