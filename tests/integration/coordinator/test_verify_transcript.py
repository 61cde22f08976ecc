"""`zkt ceremony verify-transcript` and `verify-receipt --transcript` on a published directory.

The directory is laid out from a real local ceremony (setup, alice, bob, the committed beacon)
with receipts signed by a test key. Every hostile copy is refused with one line, its exit-code
family, no traceback, nothing written (the temp dir is gone too).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import ceremony_project, tree
from tests.integration.coordinator.published_helpers import (
    edit_json,
    publish,
    publish_chain,
    receipt_for,
)
from tests.integration.helpers import zkt
from toolchain.api import ceremony as ceremony_api
from toolchain.ceremony import phase2
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.ceremony.transcript import read_transcript
from toolchain.coordinator import receipts
from toolchain.coordinator.published import key_path, receipt_path
from toolchain.hashing import hash_file
from toolchain.runner.tools import Tools

NAME = "multiplier_2"
REJECTED, USAGE, FORMAT, INTEGRITY = 1, 2, 5, 6


@pytest.fixture(scope="session")
def coordinator_key() -> Ed25519PrivateKey:
    """The test coordinator's signing key."""
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def published_dir(
    tmp_path_factory: pytest.TempPathFactory, dev_ptau: Path, coordinator_key: Ed25519PrivateKey
) -> Path:
    """setup → alice → bob → beacon for multiplier_2, published with signed receipts."""
    ws = ceremony_project(tmp_path_factory.mktemp("local") / "project", min_contributions=2)
    ceremony_api.setup(ws, (NAME,), dev_ptau)
    for who in ("alice", "bob"):
        ceremony_api.contribute(ws, NAME, who, fresh_entropy())
    ceremony_api.beacon(ws, NAME)
    return publish(ws, [NAME], dev_ptau, coordinator_key, tmp_path_factory.mktemp("pub") / "pub")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty TMPDIR for the command: it must be empty again afterwards."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    yield temp
    assert not list(temp.iterdir())


@pytest.fixture
def pub(published_dir: Path, tmp_path: Path, scratch: Path) -> Path:
    """A copy of the published directory to tamper with."""
    return Path(shutil.copytree(published_dir, tmp_path / "pub"))


def refused(root: Path, code: int, message: str, *args: str) -> None:
    """`zkt ARGS` in `root` exits with `code`, says `message` on one line, writes nothing."""
    before = tree(root)
    done = zkt(*args, cwd=root)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == code, done.stderr
    assert len(lines) == 1 and lines[0].startswith("zkt: error: "), done.stderr
    assert message in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "    at " not in done.stderr
    assert tree(root) == before


def verify_refused(pub: Path, code: int, message: str, *extra: str) -> None:
    """verify-transcript on `pub` is refused as `refused` says."""
    refused(pub.parent, code, message, "ceremony", "verify-transcript", pub.name, *extra)


def test_a_published_ceremony_verifies(pub: Path) -> None:
    before = tree(pub.parent)
    done = zkt("ceremony", "verify-transcript", pub.name, cwd=pub.parent)
    assert done.returncode == 0, done.stderr
    records = read_transcript(pub / NAME / "transcript.jsonl")
    lines = done.stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [
        [NAME, "1", "alice"], [NAME, "2", "bob"], [NAME, "3", "beacon"]
    ]  # fmt: skip
    for line, record in zip(lines, records[1:], strict=True):
        assert line.endswith(f"{record.contribution_hash[:16]}  OK")
    assert f"{pub.name}: 1 circuit(s), 3 steps verified" in done.stderr
    assert tree(pub.parent) == before


def test_every_receipt_verifies_against_the_published_chain(pub: Path) -> None:
    for index, who in ((1, "alice"), (2, "bob")):
        receipt = receipt_path(pub, NAME, index)
        done = zkt("ceremony", "verify-receipt", str(receipt), "--transcript", str(pub), cwd=pub)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"{NAME} #{index} by {who}: ")
        assert done.stdout.strip().endswith("signed and in the chain: OK")


def test_a_tampered_key_byte(pub: Path) -> None:
    key = key_path(pub, NAME, 1)
    data = bytearray(key.read_bytes())
    data[-100] ^= 1
    key.write_bytes(bytes(data))
    verify_refused(pub, INTEGRITY, f"{NAME}: pub/{NAME}/{NAME}_0001.zkey differs from the"
                   " transcript (size or hashes)")  # fmt: skip


def test_an_edited_transcript_line(pub: Path) -> None:
    transcript = pub / NAME / "transcript.jsonl"
    lines = transcript.read_text().splitlines()
    edited = json.loads(lines[1])
    edited["name"] = "mallory"
    transcript.write_text(
        "\n".join([lines[0], json.dumps(edited, sort_keys=True), *lines[2:]]) + "\n"
    )
    verify_refused(
        pub, INTEGRITY, f"{NAME}/transcript.jsonl:3: transcript chain broken (record_link)"
    )


def test_an_edited_last_transcript_line(pub: Path) -> None:
    """The last line has no successor whose link it breaks: the key's contents catch it."""
    transcript = pub / NAME / "transcript.jsonl"
    lines = transcript.read_text().splitlines()
    edited = json.loads(lines[-1])
    edited["contribution_hash"] = "ab" * 64
    transcript.write_text("\n".join([*lines[:-1], json.dumps(edited, sort_keys=True)]) + "\n")
    verify_refused(pub, REJECTED, f"{NAME}: {NAME}_0003.zkey: contribution 3 is ")


def test_a_receipt_signed_by_another_key(pub: Path) -> None:
    record = read_transcript(pub / NAME / "transcript.jsonl")[1]
    forged = receipt_for(Ed25519PrivateKey.generate(), NAME, record)
    receipts.write_receipt(receipt_path(pub, NAME, 1), forged)
    verify_refused(pub, REJECTED, f"receipt {NAME} #1: signed by another coordinator key")


def test_a_receipt_naming_the_key_but_signed_by_another(
    pub: Path, coordinator_key: Ed25519PrivateKey
) -> None:
    path = receipt_path(pub, NAME, 2)
    real = receipts.read_receipt(path)
    other = receipt_for(Ed25519PrivateKey.generate(), NAME, read_transcript(
        pub / NAME / "transcript.jsonl")[2])  # fmt: skip
    receipts.write_receipt(path, real.model_copy(update={"signature": other.signature}))
    verify_refused(pub, REJECTED, f"receipt {NAME} #2: the signature does not verify")


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("file_sha256", "00" * 32, "file_sha256 is 0000000000000000…, the transcript says "),
        ("participant", "mallory", "participant is 'mallory', the transcript says 'alice'"),
    ],
)
def test_a_receipt_whose_fields_differ(
    pub: Path, coordinator_key: Ed25519PrivateKey, field: str, value: str, shown: str
) -> None:
    path = receipt_path(pub, NAME, 1)
    changed = receipts.read_receipt(path).receipt.model_copy(update={field: value})
    receipts.write_receipt(path, receipts.sign(coordinator_key, changed))
    verify_refused(pub, REJECTED, f"receipt {NAME} #1: {shown}")
    refused(pub.parent, REJECTED, f"receipt {NAME} #1: {shown}",
            "ceremony", "verify-receipt", str(path), "--transcript", pub.name)  # fmt: skip


def test_a_missing_receipt(pub: Path) -> None:
    receipt_path(pub, NAME, 2).unlink()
    verify_refused(pub, INTEGRITY, f"{NAME}: contribution 2 by bob has no receipt"
                   f" ({NAME}/receipts/{NAME}_0002.json is missing)")  # fmt: skip


def test_a_wrong_ptau(pub: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.ptau"
    write_dev_ptau(other, 4, "not the ceremony's")
    verify_refused(pub, INTEGRITY, "other.ptau: blake2b ", "--ptau", str(other))
    verify_refused(pub, INTEGRITY, "the ceremony was set up on ", "--ptau", str(other))


def test_a_swapped_ptau_with_its_hash_in_ceremony_json(pub: Path) -> None:
    """Replace the ptau and the hash that pins it: the initial key no longer follows."""
    write_dev_ptau(pub / "phase1.ptau", 14, "another seed")
    edit_json(pub / "ceremony.json", ptau={"file": "phase1.ptau",
              "blake2b": hash_file(pub / "phase1.ptau", "blake2b")})  # fmt: skip
    verify_refused(pub, REJECTED, f"{NAME}_0000.zkey is not the initial key groth16 setup makes"
                   f" from {NAME}/circuit.r1cs and phase1.ptau")  # fmt: skip


def test_a_beacon_differing_from_ceremony_json(pub: Path) -> None:
    info = json.loads((pub / "ceremony.json").read_text())
    edit_json(pub / "ceremony.json", beacon={**info["beacon"], "hash": "ab" * 32})
    verify_refused(pub, REJECTED, f"{NAME}_0003.zkey: beacon differs from the one committed")


def test_a_chain_rebuilt_from_genesis(pub: Path, tmp_path: Path) -> None:
    """Keys rebuilt from the initial key under the same names, the transcript rewritten to
    match and re-linked: the coordinator's receipts still name the real contributions."""
    tools = Tools(Path(os.environ["ZKT_TOOLS_DIR"]))
    records = read_transcript(pub / NAME / "transcript.jsonl")
    keys = [tmp_path / f"forged_{i}.zkey" for i in range(4)]
    shutil.copyfile(key_path(pub, NAME, 0), keys[0])
    for i, who in ((1, "alice"), (2, "bob")):
        phase2.contribute(tools, keys[i - 1], keys[i], who, fresh_entropy())
    info = json.loads((pub / "ceremony.json").read_text())["beacon"]
    phase2.apply_beacon(tools, keys[2], keys[3], info["hash"], info["iterations_exp"], "beacon")
    forged = []
    for record, key in zip(records, keys, strict=True):
        mpc = phase2.mpc_params(key)
        digest = (
            mpc.contributions[-1].transcript.hex() if record.index else record.contribution_hash
        )
        previous = forged[-1].contribution_hash if forged else record.previous_hash
        forged.append(replace(record, contribution_hash=digest, previous_hash=previous))
    publish_chain(pub, NAME, keys, forged)
    verify_refused(pub, REJECTED, f"receipt {NAME} #1: contribution_hash is "
                   f"{records[1].contribution_hash[:16]}…, the transcript says")  # fmt: skip


def test_names_that_would_leave_the_directory(pub: Path) -> None:
    transcript = pub / NAME / "transcript.jsonl"
    lines = transcript.read_text().splitlines()
    last = json.loads(lines[-1])
    last["file"]["path"] = "../../outside.zkey"
    transcript.write_text("\n".join([*lines[:-1], json.dumps(last, sort_keys=True)]) + "\n")
    verify_refused(pub, INTEGRITY, f"{NAME}: record 3 names '../../outside.zkey', not"
                   f" '{NAME}/{NAME}_0003.zkey'")  # fmt: skip
    edit_json(pub / "ceremony.json", circuits=["../etc"])
    verify_refused(pub, FORMAT, "pub/ceremony.json: not a published ceremony: 1 validation error")
