"""Phase-1 steps with the real snarkjs: offline flow, beacon, prepare, failures, secrecy."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.ceremony.conftest import Chain
from toolchain.ceremony import phase1
from toolchain.ceremony.entropy import Secret, fresh_entropy
from toolchain.ceremony.transcript import read_transcript
from toolchain.errors import CommandError, FormatError, UsageError, VerificationError
from toolchain.formats.ptau import open_ptau
from toolchain.runner import command
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.tools import Tools, node_path


def leftovers(folder: Path) -> list[Path]:
    """Staging folders a failed step would have left behind."""
    return list(folder.glob(".zkt-ptau-*"))


def test_offline_challenge_response_flow(tools: Tools, accepted: Chain, tmp_path: Path) -> None:
    transcript = Path(shutil.copy(accepted.transcript, tmp_path / "phase1.jsonl"))
    challenge = tmp_path / "challenge_0003"
    current = open_ptau(accepted.last).read_contributions()[-1].next_challenge
    assert phase1.export_challenge(tools, accepted.last, challenge) == current
    # On the air-gapped machine: no ptau, only the challenge file.
    response = phase1.contribute_challenge(
        tools, challenge, tmp_path / "response_0003", fresh_entropy()
    )
    assert response.power == 3 and response.challenge_hash == current
    assert response.response_hash == hashlib.blake2b(response.path.read_bytes()).digest()
    out = tmp_path / "pot_0003.ptau"
    step = phase1.import_response(
        tools, accepted.last, response.path, out, "dave", transcript=transcript
    )
    assert (step.kind, step.name, step.contributions) == ("contribution", "dave", 3)
    assert step.previous_hash == current
    assert phase1.verify(tools, out, previous=accepted.last).added is not None
    last = read_transcript(transcript)[-1]
    assert (last.index, last.name, last.previous_hash) == (3, "dave", current.hex())


def test_a_response_to_a_stale_challenge_is_refused(
    tools: Tools, accepted: Chain, tmp_path: Path
) -> None:
    # The participant answered the challenge after alice; bob's contribution landed meanwhile.
    stale = tmp_path / "challenge_0002"
    phase1.export_challenge(tools, accepted.files[1], stale)
    response = phase1.contribute_challenge(tools, stale, tmp_path / "response", fresh_entropy())
    out = tmp_path / "pot_0003.ptau"
    with pytest.raises(VerificationError, match="built on a stale or foreign challenge"):
        phase1.import_response(tools, accepted.last, response.path, out, "late")
    assert not out.exists() and not leftovers(tmp_path)
    # snarkjs itself refuses it too, with an exit code, which our precheck answers first.
    raw_args = snarkjs_args.powersoftau_import_response_argv(
        accepted.last, response.path, tmp_path / "raw.ptau", "late"
    )
    raw = subprocess.run(
        [str(node_path()), str(tools.snarkjs_cli), *raw_args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert raw.returncode != 0 and "not based on the previous hash" in raw.stdout + raw.stderr


def test_a_tampered_response_is_verified_and_refused(
    tools: Tools, accepted: Chain, tmp_path: Path
) -> None:
    challenge = tmp_path / "challenge"
    phase1.export_challenge(tools, accepted.last, challenge)
    response = phase1.contribute_challenge(tools, challenge, tmp_path / "resp", fresh_entropy())
    data = bytearray(response.path.read_bytes())
    # Swap the compressed τ²·G1 and τ³·G1: valid points, so snarkjs's import takes them.
    start = 64 + 2 * 32
    data[start : start + 64] = data[start + 32 : start + 64] + data[start : start + 32]
    response.path.write_bytes(bytes(data))
    out = tmp_path / "pot_0003.ptau"
    with pytest.raises(VerificationError, match="rejected by snarkjs powersoftau verify"):
        phase1.import_response(tools, accepted.last, response.path, out, "eve")
    assert not out.exists() and not leftovers(tmp_path)


def test_not_a_challenge_is_refused(tools: Tools, tmp_path: Path) -> None:
    bogus = tmp_path / "challenge"
    bogus.write_bytes(b"\0" * 1000)
    with pytest.raises(FormatError, match="not the size of a Powers of Tau challenge"):
        phase1.contribute_challenge(tools, bogus, tmp_path / "resp", fresh_entropy())


def test_beacon_then_prepare(tools: Tools, accepted: Chain, tmp_path: Path) -> None:
    transcript = Path(shutil.copy(accepted.transcript, tmp_path / "phase1.jsonl"))
    beaconed, final, lines = tmp_path / "pot_beacon.ptau", tmp_path / "final.ptau", []
    beacon_hash = "0x" + bytes(range(32)).hex()
    step = phase1.beacon(
        tools, accepted.last, beaconed, beacon_hash, 10, "final beacon", transcript=transcript
    )
    params = open_ptau(beaconed).read_contributions()[-1].params
    assert step.kind == "beacon" and params.is_beacon
    assert (params.beacon_hash, params.num_iterations_exp) == (bytes(range(32)), 10)
    prepared = phase1.prepare(tools, beaconed, final, transcript=transcript, progress=lines.append)
    assert prepared.contribution_hash == prepared.previous_hash == step.contribution_hash
    assert any("fft" in line for line in lines)  # snarkjs -v progress reached the callback
    report = phase1.verify(tools, final)
    assert report.prepared and len(report.contributions) == 3
    kinds = [(r.index, r.kind) for r in read_transcript(transcript)]
    assert kinds[-2:] == [(3, "beacon"), (4, "prepare")]


def test_prepare_refuses_a_blank_file(tools: Tools, accepted: Chain, tmp_path: Path) -> None:
    with pytest.raises(VerificationError, match="no contribution"):
        phase1.prepare(tools, accepted.files[0], tmp_path / "final.ptau")


@pytest.mark.parametrize(
    ("beacon_hash", "exp", "message"),
    [
        ("abc", 10, "even number of hex digits"),
        ("zz", 10, "even number of hex digits"),
        ("", 10, "even number of hex digits"),
        ("00" * 256, 10, "1 to 255 bytes"),
        ("0102", 9, "must be 10 to 63"),
        ("0102", 64, "must be 10 to 63"),
    ],
)
def test_beacon_parameters_are_checked_before_snarkjs(
    tools: Tools, accepted: Chain, tmp_path: Path, beacon_hash: str, exp: int, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        phase1.beacon(tools, accepted.last, tmp_path / "b.ptau", beacon_hash, exp, "beacon")


def test_snarkjs_exiting_0_after_an_error_is_a_failure(
    tools: Tools, accepted: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without our own range check, snarkjs logs "Invalid numIterationsExp" and exits 0.
    monkeypatch.setattr(phase1, "check_beacon_exp", lambda _exp: None)
    out = tmp_path / "b.ptau"
    with pytest.raises(CommandError, match="Invalid numIterationsExp") as caught:
        phase1.beacon(tools, accepted.last, out, "0102", 5, "beacon")
    assert caught.value.returncode == 0
    assert not out.exists() and not leftovers(tmp_path)


@pytest.mark.parametrize("name", ["", "   ", "x" * 65])
def test_contribution_names_snarkjs_would_drop_or_cut(
    tools: Tools, accepted: Chain, tmp_path: Path, name: str
) -> None:
    with pytest.raises(UsageError, match="1 to 64 characters"):
        phase1.contribute(tools, accepted.last, tmp_path / "x.ptau", name, fresh_entropy())


def test_output_over_an_input_is_refused(tools: Tools, accepted: Chain, tmp_path: Path) -> None:
    target = Path(shutil.copy(accepted.last, tmp_path / "pot.ptau"))
    before = target.read_bytes()
    with pytest.raises(UsageError, match="is also an input"):
        phase1.contribute(tools, target, target, "carol", fresh_entropy())
    assert target.read_bytes() == before


def test_entropy_never_leaves_stdin(
    tools: Tools,
    accepted: Chain,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    canary = "zkt-entropy-canary-7f3a9c"
    secret = Secret(canary)
    calls: list[tuple[list[str], str | None]] = []
    real = command.run_streaming

    def spy(argv: list[str], on_line: object, **kwargs: object) -> command.Completed:
        calls.append((argv, kwargs.get("input")))  # type: ignore[arg-type]
        return real(argv, on_line, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(command, "run_streaming", spy)
    transcript = Path(shutil.copy(accepted.transcript, tmp_path / "phase1.jsonl"))
    lines: list[str] = []
    out = tmp_path / "pot_0003.ptau"
    phase1.contribute(
        tools, accepted.last, out, "carol", secret, transcript=transcript, progress=lines.append
    )
    challenge = tmp_path / "challenge"
    phase1.export_challenge(tools, out, challenge)
    phase1.contribute_challenge(tools, challenge, tmp_path / "response", secret)
    seen = capfd.readouterr()
    assert all(canary not in arg for argv, _ in calls for arg in argv)
    assert [stdin for _, stdin in calls] == [canary + "\n", None, canary + "\n"]
    assert canary not in "\n".join(lines) + seen.out + seen.err
    for written in (transcript, out, tmp_path / "response"):
        assert canary.encode() not in written.read_bytes()
    assert any("Next Challenge Hash" in line for line in lines)
    assert not any("Enter a random text" in line for line in lines)
