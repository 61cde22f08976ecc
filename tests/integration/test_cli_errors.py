"""Every user mistake gives a one-line `zkt: error:` message and a non-zero exit, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.helpers import zkt

GOOD_TEMPLATE = """pragma circom 2.1.0;
template Square() {
    signal input x;
    signal output y;
    y <== x * x;
}
{{ main_component("Square") }}
"""


def make_project(root: Path, template: str = GOOD_TEMPLATE, entry: str = "") -> Path:
    (root / "templates").mkdir(parents=True)
    (root / "circuits" / "lib").mkdir(parents=True)
    (root / "templates" / "sq.circom.j2").write_text(template)
    registry = '[[circuit]]\nname = "sq"\ntemplate = "sq"\n' + entry
    (root / "circuits" / "circuits.toml").write_text(registry)
    return root


def assert_user_error(done: object, code: int, needle: str) -> None:
    assert done.returncode == code, (done.stdout, done.stderr)  # type: ignore[attr-defined]
    stderr: str = done.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("zkt: error: ")]
    assert len(errors) == 1, stderr
    assert needle in stderr


def test_good_project_compiles(tmp_path: Path) -> None:
    # Its own empty cache: other test files compile the same project into the run's cache.
    empty_cache = {"ZKT_CACHE": str(tmp_path / "cache")}
    done = zkt("compile", cwd=make_project(tmp_path / "project"), env=empty_cache)
    assert done.returncode == 0, done.stderr
    assert "sq: compiled (1 constraints" in done.stderr


@pytest.mark.parametrize(
    ("entry", "code", "needle"),
    [
        ("[[circuit]\n", 2, "invalid TOML"),
        ("bogus = 3\n", 2, "circuit[0] (sq).bogus: Extra inputs are not permitted"),
        ('[circuit.circom]\ninclude = ["no/such/dir"]\n', 2, "include path 'no/such/dir'"),
    ],
)
def test_registry_mistakes(tmp_path: Path, entry: str, code: int, needle: str) -> None:
    done = zkt("compile", cwd=make_project(tmp_path, entry=entry))
    assert_user_error(done, code, needle)


def test_unknown_template(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "circuits" / "circuits.toml").write_text('[[circuit]]\nname = "sq"\ntemplate = "x"\n')
    assert_user_error(zkt("compile", cwd=root), 2, "unknown template 'x' (available: sq)")


def test_unknown_circuit_name(tmp_path: Path) -> None:
    assert_user_error(
        zkt("info", "ghost", cwd=make_project(tmp_path)), 2, "unknown circuit 'ghost'"
    )


def test_missing_parameter(tmp_path: Path) -> None:
    root = make_project(tmp_path, template=GOOD_TEMPLATE.replace("Square()", "Square({{ k }})"))
    assert_user_error(zkt("render", cwd=root), 2, "'k' is undefined")


def test_missing_include(tmp_path: Path) -> None:
    root = make_project(tmp_path, template='include "ghost.circom";\n' + GOOD_TEMPLATE)
    assert_user_error(zkt("compile", cwd=root), 4, 'include "ghost.circom" not found')


def test_circom_error_keeps_file_and_line(tmp_path: Path) -> None:
    broken = GOOD_TEMPLATE.replace("y <== x * x;", "y <== x * undeclared;")
    done = zkt("compile", cwd=make_project(tmp_path, template=broken))
    assert_user_error(done, 4, "circom failed on")
    assert "undeclared" in done.stderr
    assert 'sq.circom":9:' in done.stderr  # 4 header lines + the template's line 5


def test_missing_tools(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    done = zkt("compile", cwd=root, env={"ZKT_TOOLS_DIR": str(tmp_path / "empty")})
    assert_user_error(done, 3, "circomlib 2.0.5 is required but missing")
    assert "zkt tools install" in done.stderr


def test_forced_native_circom_missing(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    env = {"ZKT_CIRCOM": "native", "PATH": "/usr/bin:/bin", "ZKT_CACHE": str(tmp_path / "c")}
    done = zkt("compile", cwd=root, env=env)
    assert_user_error(done, 3, "native circom 2.2.3 required, found none")


def test_expected_constraints_mismatch(tmp_path: Path) -> None:
    done = zkt("compile", cwd=make_project(tmp_path, entry="expected_constraints = 5\n"))
    assert_user_error(done, 4, "sq: circuits.toml expects 5 constraints, circom produced 1")


def test_doctor_reports_missing_tools(tmp_path: Path) -> None:
    done = zkt("tools", "doctor", cwd=tmp_path, env={"ZKT_TOOLS_DIR": str(tmp_path / "none")})
    assert done.returncode == 3
    assert "BAD snarkjs" in done.stdout and "missing: zkt tools install" in done.stdout


def test_doctor_passes_with_pinned_tools(tmp_path: Path) -> None:
    done = zkt("tools", "doctor", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "snarkjs          0.7.6" in done.stdout
    assert "sha256" in done.stdout


def test_ptau_fetch_with_no_reachable_mirror(tmp_path: Path) -> None:
    dest = tmp_path / "p.ptau"
    done = zkt(
        "ptau",
        "fetch",
        "--power",
        "8",
        "--mirror",
        "http://127.0.0.1:9",
        "--to",
        str(dest),
        cwd=tmp_path,
    )
    assert_user_error(done, 7, "no mirror delivered powersOfTau28_hez_final_08.ptau")
    assert "http://127.0.0.1:9/powersOfTau28_hez_final_08.ptau" in done.stderr
    assert not dest.exists()


def test_ptau_pick(tmp_path: Path) -> None:
    done = zkt("ptau", "pick", "sq", cwd=make_project(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "sq: power 8 (powersOfTau28_hez_final_08.ptau)"
