"""zkt init: the starter project is written whole, and nothing that exists is ever changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tree
from tests.integration.helpers import zkt
from toolchain.api.init import init_project
from toolchain.config import read_ceremony_config
from toolchain.scaffold.init import FILES


def test_init_writes_the_starter_project(tmp_path: Path) -> None:
    written = init_project(tmp_path / "new")
    assert sorted(p.relative_to(tmp_path / "new").as_posix() for p in written.created) == sorted(
        FILES.values()
    )
    assert written.kept == []
    config = read_ceremony_config(tmp_path / "new" / "ceremony" / "ceremony.toml")
    assert config.ceremony.min_contributions == 1 and config.phase1.source == "dev"


def test_init_keeps_what_exists_and_says_so(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n")
    (tmp_path / "noxfile.py").write_text("# mine\n")
    written = init_project(tmp_path)
    assert {p.name for p in written.kept} == {".gitignore", "noxfile.py"}
    assert (tmp_path / ".gitignore").read_text() == "mine\n"
    assert (tmp_path / "noxfile.py").read_text() == "# mine\n"


def test_init_refuses_a_project_and_changes_nothing(tmp_path: Path) -> None:
    init_project(tmp_path)
    (tmp_path / "circuits" / "src" / "preimage.circom").write_text("// edited\n")
    before = tree(tmp_path)
    done = zkt("init", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"zkt: error: {tmp_path}/circuits/circuits.toml exists:"
        f" {tmp_path} is already a zk-toolchain project"
    )
    assert tree(tmp_path) == before


@pytest.mark.parametrize("adopt", [False, True])
def test_init_cli_lists_what_it_created(tmp_path: Path, adopt: bool) -> None:
    if adopt:
        (tmp_path / "main.circom").write_text(
            "pragma circom 2.1.0;\ntemplate T() { signal input a; signal input b; a === b; }\n"
            "component main {public [a]} = T();\n"
        )
    done = zkt("init", *(["--adopt"] if adopt else []), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "created    circuits/circuits.toml" in done.stdout
    assert ("registered main: main.circom public ['a']" in done.stdout) is adopt


def test_init_says_what_to_run_next_from_where_it_ran(tmp_path: Path) -> None:
    here = zkt("init", cwd=tmp_path)
    assert "next: zkt tools install && nox" in here.stderr
    elsewhere = zkt("init", "my circuits", cwd=tmp_path)
    assert "next: cd 'my circuits' && zkt tools install && nox" in elsewhere.stderr
