"""PLONK and fflonk keys: lock and verify of the committed example keys, each relation broken.

The project holds this repository's three universal keys (artifacts/, their transcripts and
ceremony.toml's power-12 dev ptau, regenerated from its public seed), compiled and locked once;
each test takes a copy.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, UNIVERSAL_EXAMPLES, tree, universal_project
from tests.integration.helpers import zkt
from tests.unit.integrity.helpers import edit_manifest, failing, forge, row_of
from toolchain.api.ceremony import ceremony_ptau
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.ceremony.transcript import append_record, read_transcript
from toolchain.errors import IntegrityError
from toolchain.formats.binfile import read_binfile
from toolchain.integrity import verify as manifest_verify
from toolchain.integrity.lock import lock
from toolchain.integrity.model import manifest_path, read_manifest
from toolchain.integrity.report import Report, Status
from toolchain.integrity.universal import NO_PHASE2

UNIVERSAL = UNIVERSAL_EXAMPLES
NAME = "range_32_plonk"
INTEGRITY = 6


@pytest.fixture(scope="module")
def universal_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A locked project holding the committed universal keys: tests take copies."""
    root = universal_project(tmp_path_factory.mktemp("universal") / "project")
    ws = open_workspace(root)
    compile_circuits(ws, UNIVERSAL)
    ceremony_ptau(ws, None, lambda _: None)  # the dev ptau the transcripts name, from its seed
    lock(ws.project, ws.registry, ws.tools, allow_insecure_ptau=True)
    return root


@pytest.fixture
def project(universal_template: Path, tmp_path: Path) -> Workspace:
    return open_workspace(shutil.copytree(universal_template, tmp_path / "project"))


def verify(ws: Workspace) -> Report:
    return manifest_verify.verify(ws.project, ws.registry, ws.tools)


def set_protocol(ws: Workspace, name: str, protocol: str) -> Workspace:
    """circuits.toml with entry `name`'s protocol changed; the workspace reopened."""
    path = ws.project.root / "circuits" / "circuits.toml"
    block = re.compile(rf'(name = "{name}"\n(?:[^\[].*\n)*?)protocol = "\w+"')
    path.write_text(block.sub(rf'\1protocol = "{protocol}"', path.read_text(), count=1))
    return open_workspace(ws.project.root)


def cli_refuses(ws: Workspace, detail: str) -> None:
    """`zkt artifacts verify` exits 6 naming the failed row, and rewrites nothing."""
    before = tree(ws.project.root)
    done = zkt("artifacts", "verify", cwd=ws.project.root)
    assert done.returncode == INTEGRITY, done.stderr
    assert detail in done.stdout
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("zkt: error: "), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert tree(ws.project.root) == before


def test_clean_universal_lock_verifies_every_relation(project: Workspace) -> None:
    report = verify(project)
    assert not report.failures
    manifest = read_manifest(manifest_path(project.project))
    for name in UNIVERSAL:
        protocol = name.rsplit("_", 1)[1]
        assert manifest.artifacts[f"{name}/zkey"].settings["protocol"] == protocol
        status, detail = row_of(report, f"{name}/zkey")
        assert status == Status.OK
        assert detail.startswith(f"{protocol} key; header matches r1cs")
        assert f"rebuilt by {protocol} setup from the r1cs and dev_12_" in detail
        assert detail.endswith(f"identical; {NO_PHASE2}")
        assert row_of(report, f"{name}/transcript")[1] == (
            f"one universal_setup record ({protocol} setup) producing final.zkey"
        )
        assert row_of(report, f"{name}/vkey")[1] == "equals the key derived from final.zkey"
    assert "(28 checked)" in row_of(report, f"{NAME}/verifier")[1]


@pytest.mark.parametrize(
    ("name", "protocol"),
    [
        (NAME, "groth16"),
        ("poseidon_preimage_1_plonk", "fflonk"),
        ("poseidon_preimage_1_fflonk", "plonk"),
    ],
)
def test_a_key_of_another_protocol_than_the_registry_fails(
    project: Workspace, name: str, protocol: str
) -> None:
    ws = set_protocol(project, name, protocol)
    key = name.rsplit("_", 1)[1]
    detail = f"final.zkey is a {key} key, circuits.toml says protocol = {protocol}"
    report = verify(ws)
    assert failing(report) == {f"{name}/zkey": detail}
    skipped = (Status.OK, f"{name}/zkey failed: relation skipped")
    assert {row_of(report, f"{name}/{kind}") for kind in ("transcript", "vkey", "verifier")} == {
        skipped
    }
    cli_refuses(ws, detail)


def test_a_groth16_key_for_a_plonk_circuit_fails(project: Workspace) -> None:
    ws = project.project
    shutil.copyfile(REPO / "artifacts" / "range_32" / "final.zkey", ws.zkey(NAME))
    forge(ws, f"{NAME}/zkey", ws.zkey(NAME))
    detail = "final.zkey is a groth16 key, circuits.toml says protocol = plonk"
    assert failing(verify(project))[f"{NAME}/zkey"] == detail
    cli_refuses(project, detail)


def test_the_locked_protocol_must_be_the_keys(project: Workspace) -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        data["artifacts"][f"{NAME}/zkey"]["settings"]["protocol"] = "fflonk"

    edit_manifest(project.project, change)
    detail = "final.zkey is a plonk key, the lock recorded fflonk"
    assert failing(verify(project))[f"{NAME}/zkey"] == detail
    cli_refuses(project, detail)


def test_a_key_for_another_circuit_fails_the_r1cs_relation(project: Workspace) -> None:
    ws = project.project
    shutil.copyfile(ws.zkey("poseidon_preimage_1_plonk"), ws.zkey(NAME))
    forge(ws, f"{NAME}/zkey", ws.zkey(NAME))
    detail = (
        "zkey header (n_public, signals, constraints) = (1, 417, 415), the r1cs gives"
        " (2, 170, 173): the key was set up for another circuit"
    )
    failed = failing(verify(project))
    assert failed[f"{NAME}/zkey"] == detail
    cli_refuses(project, detail)


def test_a_key_the_setup_does_not_rebuild_fails(project: Workspace) -> None:
    ws = project.project
    key = ws.zkey(NAME)
    section = read_binfile(key, b"zkey", (1,)).section(7)  # Qm's coefficients: not in the header
    data = bytearray(key.read_bytes())
    data[section.offset + 100] ^= 1
    key.write_bytes(bytes(data))
    forge(ws, f"{NAME}/zkey", key)
    failed = failing(verify(project))
    detail = failed[f"{NAME}/zkey"]
    assert re.fullmatch(
        r"plonk setup of the locked r1cs and ptau dev_12_[0-9a-f]{16}\.ptau makes another key",
        detail,
    )
    assert failed.keys() == {f"{NAME}/zkey"}  # its header is intact: vkey and verifier match
    cli_refuses(project, detail)


def test_a_vkey_not_derived_from_the_key_fails(project: Workspace) -> None:
    ws = project.project
    shutil.copyfile(ws.vkey("poseidon_preimage_1_plonk"), ws.vkey(NAME))
    forge(ws, f"{NAME}/vkey", ws.vkey(NAME))
    detail = "differs from the key derived from final.zkey"
    assert failing(verify(project)) == {f"{NAME}/vkey": detail}
    cli_refuses(project, detail)


@pytest.mark.parametrize(
    ("edit", "detail"),
    [
        (("uint256 constant k1   = 2;", "uint256 constant k1   = 5;"), "constants k1 differ"),
        (
            ("uint256[2] calldata _pubSignals", "uint256[3] calldata _pubSignals"),
            "takes [3] public",
        ),
    ],
)
def test_a_verifier_without_the_keys_constants_fails(
    project: Workspace, edit: tuple[str, str], detail: str
) -> None:
    sol = project.project.verifier_sol(NAME)
    text = sol.read_text()
    assert edit[0] in text
    sol.write_text(text.replace(edit[0], edit[1]))
    forge(project.project, f"{NAME}/verifier", sol)
    failed = failing(verify(project))
    assert failed.keys() == {f"{NAME}/verifier"}
    assert detail in failed[f"{NAME}/verifier"]
    cli_refuses(project, detail)


def test_a_transcript_of_two_records_fails(project: Workspace) -> None:
    path = project.project.transcript(NAME)
    (record,) = read_transcript(path)
    append_record(path, dataclasses.replace(record, index=1))
    forge(project.project, f"{NAME}/transcript", path)
    detail = (
        "a universal key has one universal_setup record, this has: universal_setup, universal_setup"
    )
    assert failing(verify(project)) == {f"{NAME}/transcript": detail}
    cli_refuses(project, detail)


@pytest.mark.parametrize("field", ["protocol", "r1cs_sha256", "ptau_blake2b"])
def test_a_setup_record_of_other_inputs_fails(project: Workspace, field: str) -> None:
    path = project.project.transcript(NAME)
    record = json.loads(path.read_text())
    record["inputs"][field] = "fflonk" if field == "protocol" else "ab" * 32
    path.write_text(json.dumps(record, sort_keys=True) + "\n")  # one record: its link is genesis
    forge(project.project, f"{NAME}/transcript", path)
    failed = failing(verify(project))
    assert failed.keys() == {f"{NAME}/transcript"}
    assert failed[f"{NAME}/transcript"].startswith(f"its setup used {field} ")
    cli_refuses(project, f"its setup used {field} ")


def test_lock_refuses_a_key_whose_r1cs_changed_after_setup(project: Workspace) -> None:
    path = project.project.root / "circuits" / "circuits.toml"
    text = path.read_text()
    entry = 'expected_constraints = 173\nparams = { bits = 32 }\nprotocol = "plonk"'
    assert entry in text
    path.write_text(text.replace(entry, 'params = { bits = 16 }\nprotocol = "plonk"'))
    ws = open_workspace(project.project.root)
    compile_circuits(ws, (NAME,))
    before = manifest_path(ws.project).read_bytes()
    with pytest.raises(IntegrityError, match="refusing to lock") as info:
        lock(ws.project, ws.registry, ws.tools, allow_insecure_ptau=True)
    assert "the key was set up for another circuit" in str(info.value)
    assert manifest_path(ws.project).read_bytes() == before
