"""Stand-in rapidsnark binaries (shell scripts, always run): what a failing one reports, and
how the report line names a binary and the checkout it was built in."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.rapidsnark.binary import report_line
from tests.unit.backends.test_rapidsnark import script
from toolchain.backends.rapidsnark import RapidsnarkBackend
from toolchain.errors import CommandError

VECTOR = REPO / "tests" / "vectors" / "multiplier"
KEY, WITNESS = VECTOR / "multiplier_final.zkey", VECTOR / "witness.wtns"


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        ('echo "Invalid file type. It should be zkey" >&2; exit 1',
         "Invalid file type. It should be zkey"),
        ("kill -SEGV $$", "killed by SIGSEGV"),
        ("exit 3", "exit code 3 and no message"),
        ("exit 0", "it exited 0 without writing proof.json and public.json"),
    ],
)  # fmt: skip
def test_a_failing_binary_is_one_line_of_the_command_family(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, fault: str
) -> None:
    program = script(tmp_path / "bin" / "prover", body)
    monkeypatch.setenv("ZKT_RAPIDSNARK", str(program))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(CommandError) as caught:
        RapidsnarkBackend().prove(KEY, WITNESS, out / "proof.json", out / "public.json")
    assert str(caught.value) == f"rapidsnark ({program}) failed on {KEY}: {fault}"
    assert caught.value.exit_code == 4 and not any(out.iterdir())


def test_report_line_names_the_binary_and_its_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loose = script(tmp_path / "loose" / "prover", "exit 1")
    monkeypatch.setenv("ZKT_RAPIDSNARK", str(loose))
    assert report_line(6) == (
        f"rapidsnark: {loose} (version unknown: the binary does not report one and is not in a"
        " git checkout): 6 real-binary tests run"
    )
    checkout = tmp_path / "rapidsnark"
    built = script(checkout / "build_prover" / "src" / "prover", "exit 1")
    commit = _tagged_checkout(checkout, "v0.0.6")
    monkeypatch.setenv("ZKT_RAPIDSNARK", str(built))
    assert report_line(6) == (
        f"rapidsnark: {built} (v0.0.6, commit {commit[:12]}): 6 real-binary tests run"
    )


def _tagged_checkout(folder: Path, tag: str) -> str:
    """A git repository in `folder` with one commit tagged `tag`; returns the commit id."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    git("init", "-q")
    (folder / "README.md").write_text("rapidsnark\n")
    git("add", "README.md")
    git("commit", "-q", "-m", "one")
    git("tag", tag)
    return git("rev-parse", "HEAD")
