"""Rollback: snarkjs's verify accepts a history rebuilt from genesis; ours refuses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration.ceremony.conftest import Chain
from toolchain.ceremony import phase1
from toolchain.ceremony.challenge import first_challenge_hash
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.ceremony.transcript import read_transcript
from toolchain.errors import IntegrityError, VerificationError
from toolchain.formats.ptau import open_ptau
from toolchain.runner.tools import Tools


def test_snarkjs_accepts_the_rebuilt_chain_we_refuse_it(
    tools: Tools, accepted: Chain, hostile: Chain
) -> None:
    # The hostile file is internally consistent: `snarkjs powersoftau verify` passes it, and
    # every name it shows (alice, bob, mallory) looks like an extension of the accepted chain.
    report = phase1.verify(tools, hostile.last)
    assert [c.params.name for c in report.contributions] == ["alice", "bob", "mallory"]
    with pytest.raises(
        VerificationError,
        match=r"contribution 1 \(alice\) differs from the accepted one: the chain was rebuilt,"
        " not extended",
    ):
        phase1.verify(tools, hostile.last, previous=accepted.last)


def test_a_rebuilt_file_of_the_same_length_is_refused_too(
    tools: Tools, accepted: Chain, hostile: Chain
) -> None:
    with pytest.raises(VerificationError, match=r"contribution 1 \(alice\) differs"):
        phase1.verify(tools, hostile.files[2], previous=accepted.files[1])


def test_a_legit_extension_passes(tools: Tools, accepted: Chain, tmp_path: Path) -> None:
    carol = tmp_path / "pot_0003.ptau"
    phase1.contribute(tools, accepted.last, carol, "carol", fresh_entropy())
    report = phase1.verify(tools, carol, previous=accepted.last)
    assert report.added is not None and report.added.params.name == "carol"
    assert [c.params.name for c in report.contributions] == ["alice", "bob", "carol"]
    assert report.power == 3 and not report.prepared


@pytest.mark.parametrize(
    ("current", "previous", "message"),
    [
        (1, 2, "contributions were dropped"),
        (2, 2, "nothing new"),
        (2, 0, "2 contributions at once"),
    ],
)
def test_rollback_replay_and_skips_are_refused(
    tools: Tools, accepted: Chain, current: int, previous: int, message: str
) -> None:
    with pytest.raises(VerificationError, match=message):
        phase1.verify(tools, accepted.files[current], previous=accepted.files[previous])


def test_a_blank_file_is_refused_by_snarkjs(tools: Tools, accepted: Chain) -> None:
    with pytest.raises(VerificationError, match="This file has no contribution"):
        phase1.verify(tools, accepted.files[0])


def test_the_transcript_refuses_a_hostile_step_before_snarkjs_runs(
    tools: Tools, accepted: Chain, hostile: Chain, tmp_path: Path
) -> None:
    transcript = shutil.copy(accepted.transcript, tmp_path / "phase1.jsonl")
    out = tmp_path / "next.ptau"
    with pytest.raises(IntegrityError, match="the transcript belongs to another chain"):
        phase1.contribute(
            tools, hostile.last, out, "mallory", fresh_entropy(), transcript=Path(transcript)
        )
    assert not out.exists() and len(read_transcript(Path(transcript))) == 3


def test_transcript_links_the_challenges(accepted: Chain) -> None:
    records = read_transcript(accepted.transcript)
    assert [(r.index, r.kind, r.name) for r in records] == [
        (0, "new", ""),
        (1, "contribution", "alice"),
        (2, "contribution", "bob"),
    ]
    contributions = open_ptau(accepted.last).read_contributions()
    first = first_challenge_hash(3).hex()
    assert records[0].previous_hash == "" and records[0].contribution_hash == first
    assert [r.previous_hash for r in records[1:]] == [first, contributions[0].next_challenge.hex()]
    assert [r.contribution_hash for r in records[1:]] == [
        c.next_challenge.hex() for c in contributions
    ]
    assert records[2].file.path == accepted.last.as_posix()
    assert records[2].file.size == accepted.last.stat().st_size
    assert all(r.tools == {"snarkjs": "0.7.6"} for r in records)


def test_first_challenge_hash_is_the_one_snarkjs_prints(accepted: Chain) -> None:
    logged = "\n".join(accepted.first_challenge_logged)
    printed = logged.split("First Contribution Hash:")[1].split("[")[0]
    assert "".join(printed.split()) == first_challenge_hash(3).hex()
