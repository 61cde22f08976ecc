"""Phase 1 (Powers of Tau) with snarkjs: new, contribute, offline challenge/response, beacon,
prepare and verify, each output checked, written atomically and recorded.

Every step runs snarkjs into a temporary folder beside its target, checks what it wrote with
our own reader (snarkjs exits 0 after some logged errors), appends the step's transcript record,
then renames the file into place: a failure leaves no partial file, and no output may be one of
the inputs. Entropy reaches snarkjs on stdin (its "Enter a random text" prompt), never argv.

Hashes. snarkjs links phase 1 with blake2b-512 *challenge hashes*: each contribution builds on
the current challenge and leaves the next one (section 7 `next_challenge`, printed as "Next
Challenge Hash"); before any contribution the challenge is the hash of the blank accumulator
(printed by `new` as "First Contribution Hash"). A transcript record's `contribution_hash` is
the challenge its step leaves and `previous_hash` the one it built on, so consecutive records
link as `append_record` requires: new ("" → first challenge), contribution, import and beacon
(current → next challenge), prepare (unchanged: it adds no contribution).

Offline flow: `export_challenge` on the coordinator's machine, `contribute_challenge` on the
participant's air-gapped one (it needs no ptau; a response starts with the hash of the
challenge it answers), `import_response` back on the coordinator's, which refuses a response to
any challenge but the current one and verifies the result before accepting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from toolchain.ceremony import verify_phase1
from toolchain.ceremony.chain import check_extends
from toolchain.ceremony.challenge import HASH_SIZE, current_challenge, first_challenge_hash
from toolchain.ceremony.entropy import Secret
from toolchain.ceremony.names import check_name
from toolchain.ceremony.snarkjs_step import Progress, run_snarkjs, snarkjs_writes, staged
from toolchain.ceremony.transcript import Record, append_record, file_hashes, now, read_transcript
from toolchain.errors import (
    FormatError,
    IntegrityError,
    UsageError,
    VerificationError,
)
from toolchain.formats.curve_codec import ContributionParams
from toolchain.formats.ptau import MAX_POWER, PtauContribution, PtauFile, open_ptau
from toolchain.hashing import hash_file
from toolchain.native.chacha import MAX_BEACON_EXP
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.tools import Tools

MIN_BEACON_EXP = 10  # snarkjs's range for the beacon's 2^exp SHA-256 iterations (to 63)
MAX_BEACON_BYTES = 255

G1_UNCOMPRESSED = 64  # challenge files; responses compress points to half
G2_UNCOMPRESSED = 128
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")


@dataclass(frozen=True)
class Step:
    """An accepted phase-1 step: the file written and the challenge hashes it links."""

    path: Path
    kind: str
    name: str
    contributions: int
    previous_hash: bytes
    contribution_hash: bytes


@dataclass(frozen=True)
class Response:
    """An offline contribution: the challenge it answers and its own hash (blake2b-512)."""

    path: Path
    power: int
    challenge_hash: bytes
    response_hash: bytes


@dataclass(frozen=True)
class PtauReport:
    """What `verify` accepted: power, prepared or not, the contributions, the one added."""

    power: int
    prepared: bool
    contributions: list[PtauContribution]
    added: PtauContribution | None


def new_ptau(
    tools: Tools,
    power: int,
    out: Path,
    *,
    transcript: Path | None = None,
    progress: Progress | None = None,
) -> Step:
    """`powersoftau new bn128 POWER`: the blank accumulator every contribution builds on."""
    if not 1 <= power <= MAX_POWER:
        raise UsageError(f"power {power}: snarkjs supports 1 to {MAX_POWER}")
    _expect_head(transcript, b"", out)
    with staged(out) as partial:
        snarkjs_writes(tools, snarkjs_args.powersoftau_new_argv(power, partial), partial, progress)
        written = open_ptau(partial)
        if written.header.power != power or written.read_contributions():
            raise IntegrityError(f"{out}: snarkjs did not write a blank ptau of power {power}")
        step = Step(out, "new", "", 0, b"", first_challenge_hash(power))
        _record(tools, transcript, step, partial)
    return step


def contribute(
    tools: Tools,
    ptau_in: Path,
    ptau_out: Path,
    name: str,
    entropy: Secret,
    *,
    transcript: Path | None = None,
    progress: Progress | None = None,
) -> Step:
    """`powersoftau contribute`: one contribution, `entropy` (stdin) mixed with OS randomness."""
    check_name(name)
    before = open_ptau(ptau_in)
    _expect_head(transcript, current_challenge(before), ptau_in)
    with staged(ptau_out, ptau_in) as partial:
        argv = snarkjs_args.powersoftau_contribute_argv(ptau_in.resolve(), partial, name)
        snarkjs_writes(tools, argv, partial, progress, entropy)
        step = _accept(before, partial, ptau_out, ContributionParams(0, name, None, None))
        _record(tools, transcript, step, partial)
    return step


def export_challenge(
    tools: Tools, ptau: Path, challenge_out: Path, *, progress: Progress | None = None
) -> bytes:
    """`powersoftau export challenge`: the current challenge, for an offline contributor."""
    source = open_ptau(ptau)
    expected = current_challenge(source)
    with staged(challenge_out, ptau) as partial:
        argv = snarkjs_args.powersoftau_export_challenge_argv(ptau.resolve(), partial)
        snarkjs_writes(tools, argv, partial, progress)
        size, digest = partial.stat().st_size, _blake2b_file(partial)
        if size != challenge_size(source.header.power) or digest != expected:
            raise IntegrityError(
                f"{challenge_out}: snarkjs wrote {size} bytes hashing to {_short(digest)},"
                f" not the current challenge {_short(expected)} of {ptau}"
            )
    return expected


def contribute_challenge(
    tools: Tools,
    challenge: Path,
    response_out: Path,
    entropy: Secret,
    *,
    progress: Progress | None = None,
) -> Response:
    """`powersoftau challenge contribute` (offline, no ptau needed): a response to `challenge`."""
    power = challenge_power(challenge)
    challenge_hash = _blake2b_file(challenge)
    with staged(response_out, challenge) as partial:
        argv = snarkjs_args.powersoftau_challenge_contribute_argv(challenge.resolve(), partial)
        snarkjs_writes(tools, argv, partial, progress, entropy)
        check_response(partial, power, challenge_hash, str(challenge))
        response_hash = _blake2b_file(partial)
    return Response(response_out, power, challenge_hash, response_hash)


def import_response(
    tools: Tools,
    ptau_prev: Path,
    response: Path,
    ptau_out: Path,
    name: str,
    *,
    transcript: Path | None = None,
    progress: Progress | None = None,
) -> Step:
    """`powersoftau import response`, accepted only if it answers `ptau_prev`'s current challenge
    and the result passes `powersoftau verify` (snarkjs's import checks no point)."""
    check_name(name)
    before = open_ptau(ptau_prev)
    challenge = current_challenge(before)
    check_response(response, before.header.power, challenge, f"the current one of {ptau_prev}")
    _expect_head(transcript, challenge, ptau_prev)
    with staged(ptau_out, ptau_prev, response) as partial:
        argv = snarkjs_args.powersoftau_import_response_argv(
            ptau_prev.resolve(), response.resolve(), partial, name
        )
        snarkjs_writes(tools, argv, partial, progress)
        step = _accept(before, partial, ptau_out, ContributionParams(0, name, None, None))
        _verify_with_snarkjs(tools, partial, progress, shown=response)
        _record(tools, transcript, step, partial)
    return step


def beacon(
    tools: Tools,
    ptau_in: Path,
    ptau_out: Path,
    beacon_hash_hex: str,
    iterations_exp: int,
    name: str,
    *,
    transcript: Path | None = None,
    progress: Progress | None = None,
) -> Step:
    """`powersoftau beacon`: a last contribution whose key derives from public randomness."""
    beacon_hash = parse_beacon_hash(beacon_hash_hex)
    check_beacon_exp(iterations_exp)
    check_name(name)
    before = open_ptau(ptau_in)
    _expect_head(transcript, current_challenge(before), ptau_in)
    with staged(ptau_out, ptau_in) as partial:
        argv = snarkjs_args.powersoftau_beacon_argv(
            ptau_in.resolve(), partial, beacon_hash.hex(), iterations_exp, name
        )
        snarkjs_writes(tools, argv, partial, progress)
        expected = ContributionParams(1, name, iterations_exp, beacon_hash)
        step = _accept(before, partial, ptau_out, expected)
        _record(tools, transcript, step, partial)
    return step


def prepare(
    tools: Tools,
    ptau_in: Path,
    ptau_out: Path,
    *,
    transcript: Path | None = None,
    progress: Progress | None = None,
) -> Step:
    """`powersoftau prepare phase2`: add the Lagrange sections groth16 setup reads (slow)."""
    before = open_ptau(ptau_in)
    contributions = before.read_contributions()
    if not contributions:
        raise VerificationError(f"{ptau_in}: no contribution (τ = 1): refusing to prepare it")
    if before.is_prepared:
        raise UsageError(f"{ptau_in}: already prepared for phase 2 (it has sections 12–15)")
    challenge = current_challenge(before)
    _expect_head(transcript, challenge, ptau_in)
    with staged(ptau_out, ptau_in) as partial:
        argv = snarkjs_args.powersoftau_prepare_argv(ptau_in.resolve(), partial)
        snarkjs_writes(tools, argv, partial, progress)
        after, written = _read_output(partial, ptau_in)
        same = written == contributions
        if not (after.is_prepared and same and after.header.power == before.header.power):
            raise IntegrityError(f"{ptau_out}: snarkjs did not write a prepared copy of {ptau_in}")
        step = Step(ptau_out, "prepare", "", len(contributions), challenge, challenge)
        _record(tools, transcript, step, partial)
    return step


def verify(
    tools: Tools, ptau: Path, previous: Path | None = None, *, progress: Progress | None = None
) -> PtauReport:
    """`snarkjs powersoftau verify`, and with `previous` (the last accepted file) the rule that
    `ptau` extends it by exactly one contribution, which snarkjs cannot check, and the native
    check of that contribution (a second implementation of its pairing checks)."""
    checked = open_ptau(ptau)  # a damaged file is named here, before snarkjs (which can hang)
    added = None
    if previous is not None:
        added = verify_phase1.check_ptau_step(open_ptau(previous), checked)
    _verify_with_snarkjs(tools, ptau, progress, shown=ptau)
    return PtauReport(
        checked.header.power, checked.is_prepared, checked.read_contributions(), added
    )


def challenge_size(power: int) -> int:
    """Bytes of a challenge file: the last response's hash, then every point uncompressed."""
    n = 1 << power
    return HASH_SIZE + (4 * n - 1) * G1_UNCOMPRESSED + (n + 1) * G2_UNCOMPRESSED


def response_size(power: int) -> int:
    """Bytes of a response: the challenge's hash, every point compressed, the public key."""
    n = 1 << power
    points = ((4 * n - 1) * G1_UNCOMPRESSED + (n + 1) * G2_UNCOMPRESSED) // 2
    return HASH_SIZE + points + 6 * G1_UNCOMPRESSED + 3 * G2_UNCOMPRESSED


def challenge_power(challenge: Path) -> int:
    """The power of a challenge file, from its size (FormatError when no power fits)."""
    size = challenge.stat().st_size
    for power in range(1, MAX_POWER + 1):
        if challenge_size(power) == size:
            return power
    raise FormatError(f"{challenge}: {size} bytes is not the size of a Powers of Tau challenge")


def check_response(response: Path, power: int, challenge: bytes, against: str) -> None:
    """A response must have the size of `power` and answer `challenge` (its first 64 bytes)."""
    size = response.stat().st_size
    if size != response_size(power):
        raise FormatError(
            f"{response}: {size} bytes, a response for power {power} has {response_size(power)}"
        )
    with open(response, "rb") as fh:
        answered = fh.read(HASH_SIZE)
    if answered != challenge:
        raise VerificationError(
            f"{response} answers challenge {_short(answered)}, not {_short(challenge)}"
            f" ({against}): it was built on a stale or foreign challenge"
        )


def parse_beacon_hash(text: str) -> bytes:
    """A beacon hash as snarkjs takes it: hex (an optional 0x is dropped), 1 to 255 bytes."""
    digits = text[2:] if text.lower().startswith("0x") else text
    if not _HEX.fullmatch(digits) or len(digits) // 2 > MAX_BEACON_BYTES:
        raise UsageError(
            f"beacon hash {text!r}: expected an even number of hex digits, 1 to"
            f" {MAX_BEACON_BYTES} bytes"
        )
    return bytes.fromhex(digits)


def check_beacon_exp(iterations_exp: int) -> None:
    """snarkjs iterates SHA-256 2^exp times, exp in 10…63; outside it logs an error, exits 0."""
    if not MIN_BEACON_EXP <= iterations_exp <= MAX_BEACON_EXP:
        raise UsageError(
            f"beacon iterations exponent {iterations_exp}: must be {MIN_BEACON_EXP} to"
            f" {MAX_BEACON_EXP}"
        )


def _accept(before: PtauFile, partial: Path, out: Path, expected: ContributionParams) -> Step:
    """Check snarkjs's output is `before` plus exactly the expected contribution."""
    after, contributions = _read_output(partial, before.path)
    if after.header.power != before.header.power:
        raise IntegrityError(f"{out}: snarkjs changed the power to {after.header.power}")
    added = check_extends(before.read_contributions(), contributions, str(out))
    if added.params != expected:
        raise IntegrityError(f"{out}: snarkjs recorded {added.params}, expected {expected}")
    kind = "beacon" if expected.is_beacon else "contribution"
    return Step(
        out,
        kind,
        expected.name or "",
        len(contributions),
        current_challenge(before),
        added.next_challenge,
    )


def _read_output(partial: Path, source: Path) -> tuple[PtauFile, list[PtauContribution]]:
    """snarkjs's output read back; a fault in it comes from a damaged input: name that."""
    try:
        after = open_ptau(partial)
        return after, after.read_contributions()
    except FormatError as exc:
        fault = str(exc).removeprefix(f"{partial}: ")
        raise type(exc)(
            f"{source}: snarkjs made a damaged file from it ({fault}): is it intact?"
            " (`zkt ptau verify`)"
        ) from None


def _verify_with_snarkjs(tools: Tools, ptau: Path, progress: Progress | None, shown: Path) -> None:
    args = snarkjs_args.powersoftau_verify_argv(ptau.resolve())
    done = run_snarkjs(tools, args, progress, None, check=False)
    if not snarkjs_args.powersoftau_verify_succeeded(done.returncode, done.stdout):
        raise VerificationError(
            f"{shown}: rejected by snarkjs powersoftau verify:"
            f" {snarkjs_args.fault_line(done.stdout, done.returncode)}"
        )


def _expect_head(transcript: Path | None, builds_on: bytes, source: Path) -> None:
    """Fail before the slow part when the step could not be recorded: the transcript's last
    record must end at the challenge this step builds on."""
    records = read_transcript(transcript) if transcript is not None else []
    if records and records[-1].contribution_hash != builds_on.hex():
        raise IntegrityError(
            f"{transcript}: its last record ends at challenge"
            f" {_short(bytes.fromhex(records[-1].contribution_hash))}, but {source} is at"
            f" {_short(builds_on)}: the transcript belongs to another chain"
        )


def _record(tools: Tools, transcript: Path | None, step: Step, partial: Path) -> None:
    """Append the step's record while its file is still staged (hashes of `partial`)."""
    if transcript is None:
        return
    records = read_transcript(transcript)
    record = Record(
        index=records[-1].index + 1 if records else step.contributions,
        kind=step.kind,
        name=step.name,
        contribution_hash=step.contribution_hash.hex(),
        previous_hash=step.previous_hash.hex(),
        file=replace(file_hashes(partial), path=step.path.as_posix()),
        tools={"snarkjs": tools.installed_version("snarkjs") or "?"},
        time=now(),
    )
    append_record(transcript, record)


def _short(digest: bytes) -> str:
    """A hash as messages show it: its first 16 hex digits, or `genesis` for none."""
    return f"{digest.hex()[:16]}…" if digest else "genesis"


def _blake2b_file(path: Path) -> bytes:
    return bytes.fromhex(hash_file(path, "blake2b"))
