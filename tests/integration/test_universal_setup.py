"""`zkt setup` of PLONK and fflonk circuits, and every phase-2 verb refusing them.

Each refusal: one line `zkt: error: ...`, the exit family, no traceback or JavaScript stack,
and no file created or changed. The set-up project holds this repository's committed keys.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import UNIVERSAL_EXAMPLES, copy_project, tree, universal_project
from tests.integration.helpers import zkt
from tests.unit.formats.helpers import rebuild, split_sections
from toolchain.ceremony.devptau import write_dev_ptau

UNIVERSAL = UNIVERSAL_EXAMPLES
NAME = "range_32_plonk"
USAGE, FORMAT = 2, 5
NO_PHASE2 = (
    f"{NAME} uses plonk: its key comes from a universal setup (`zkt setup {NAME}`), there is no"
    " phase-2 ceremony to run"
)


def refused(root: Path, code: int, message: str, *args: str) -> None:
    """`zkt ARGS` in `root` exits with `code`, says exactly `message`, changes nothing."""
    before = tree(root)
    done = zkt(*args, cwd=root)
    assert done.returncode == code, done.stderr
    assert done.stderr.strip().splitlines()[-1] == f"zkt: error: {message}"
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "    at " not in output  # no Python or JS stack
    assert tree(root) == before


@pytest.fixture
def set_up(tmp_path: Path) -> Path:
    """A project with the committed universal keys and their setup records."""
    root = universal_project(tmp_path / "project")
    return root


@pytest.fixture(scope="module")
def ptaus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dev ptaus of power 8 and 11 (prepared), and an unprepared power-11 one."""
    folder = tmp_path_factory.mktemp("ptaus")
    for power in (8, 11):
        write_dev_ptau(folder / f"dev{power}.ptau", power, "universal tests")
    magic, version, sections = split_sections(folder / "dev11.ptau")
    rebuild(folder / "raw11.ptau", magic, version, [s for s in sections if s[0] < 12])
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ("ceremony", "contribute", NAME, "--name", "alice"),
        ("ceremony", "beacon", NAME),
        ("ceremony", "finalize", NAME),
        ("ceremony", "run", NAME, "--contributor", "alice"),
        ("ceremony", "status", "--verify", NAME),
    ],
)
def test_every_ceremony_verb_refuses_a_universal_circuit(set_up: Path, args: tuple[str]) -> None:
    refused(set_up, USAGE, NO_PHASE2, *args)


@pytest.mark.parametrize("name", ["range_32_plonk", "poseidon_preimage_1_fflonk"])
@pytest.mark.parametrize(
    "args",
    [
        ("zkey", "contribute", "{key}", "out.zkey", "--name", "alice"),
        ("zkey", "beacon", "{key}", "out.zkey", "--hash", "ab" * 32, "--iterations-exp", "10"),
        ("zkey", "verify", "{key}", "--native", "--previous", "{key}"),
    ],
)
def test_zkey_verbs_refuse_a_universal_key(set_up: Path, name: str, args: tuple[str]) -> None:
    key = f"artifacts/{name}/final.zkey"
    protocol = name.rsplit("_", 1)[1]
    message = (
        f"{key} is a {protocol} key from a universal setup: it has no phase 2 to contribute to,"
        " close or verify (`zkt artifacts verify` rebuilds it from the ptau)"
    )
    refused(set_up, USAGE, message, *(arg.format(key=key) for arg in args))


def test_status_shows_the_one_universal_record(set_up: Path) -> None:
    done = zkt("ceremony", "status", NAME, cwd=set_up)
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("  0 universal_setup plonk setup ")
    assert "key sha256 55db69e4eddf63ad…, ptau blake2b 8fc5047acce0538d…" in line
    assert "(0 phase-1 contributions), no phase 2" in line


def test_serve_refuses_a_universal_circuit_in_ceremony_toml(set_up: Path) -> None:
    config = set_up / "ceremony" / "ceremony.toml"
    text = config.read_text()
    config.write_text(text.replace('circuits = ["multiplier_2",', f'circuits = ["{NAME}",'))
    message = (
        f"{NAME} uses plonk: its key comes from a universal setup (`zkt setup {NAME}`), not a"
        " ceremony: list only Groth16 circuits in ceremony.toml"
    )
    refused(set_up, USAGE, message, "ceremony", "serve", "--port", "1")
    assert not (set_up / ".zkt" / "coordinator").exists()


def test_setup_twice_is_refused(set_up: Path) -> None:
    transcript = set_up / "ceremony" / "transcripts" / f"{NAME}.jsonl"
    refused(set_up, USAGE, f"{NAME}: already set up ({transcript})", "setup", NAME)


def test_artifacts_without_a_record_are_refused(set_up: Path) -> None:
    (set_up / "ceremony" / "transcripts" / f"{NAME}.jsonl").unlink()
    message = (
        f"{NAME}: {set_up / 'artifacts' / NAME / 'final.zkey'} exists but no setup is recorded"
        f" for it: move artifacts/{NAME}/ away to set up again"
    )
    refused(set_up, USAGE, message, "setup", NAME)


@pytest.mark.parametrize(
    ("name", "ptau", "power", "need"),
    [(NAME, "dev8.ptau", 8, 9), ("poseidon_preimage_1_fflonk", "dev11.ptau", 11, 12)],
)
def test_a_ptau_too_small_for_the_plonk_domain_is_refused(
    tmp_path: Path, ptaus: Path, name: str, ptau: str, power: int, need: int
) -> None:
    root = copy_project(tmp_path / "project")
    zkt("compile", name, cwd=root)
    message = (
        f"{name} needs a power-{need} ptau; this ptau has power {power} (see zkt ptau pick NAME)"
    )
    refused(root, USAGE, message, "setup", name, "--ptau", str(ptaus / ptau))


def test_an_unprepared_ptau_is_refused(tmp_path: Path, ptaus: Path) -> None:
    root = copy_project(tmp_path / "project")
    zkt("compile", NAME, cwd=root)
    raw = ptaus / "raw11.ptau"
    message = (
        f"{raw}: not prepared for phase 2 (no Lagrange sections 12–15): run `zkt ptau prepare`"
        " on it, or use a prepared download (`zkt ptau fetch`)"
    )
    refused(root, FORMAT, message, "setup", NAME, "--ptau", str(raw))


def test_a_protocol_the_registry_does_not_know_is_a_config_error(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    registry = root / "circuits" / "circuits.toml"
    registry.write_text(
        registry.read_text().replace('protocol = "plonk"', 'protocol = "marlin"', 1)
    )
    before = tree(root)
    done = zkt("setup", NAME, cwd=root)
    assert done.returncode == USAGE
    assert done.stderr.startswith(f"zkt: error: {registry}: 1 problem(s)\n")
    assert f"({NAME}).protocol: Input should be 'groth16', 'plonk' or 'fflonk'" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree(root) == before
