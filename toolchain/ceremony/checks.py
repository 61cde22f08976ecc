"""Phase-2 acceptance: small named checks, each raising VerificationError with its reason.

snarkjs's `zkey verify` replays a key's chain but accepts a key with no contribution (δ = γ:
anyone can forge proofs), a key whose only contribution is the public beacon (the same), a chain
extended after its beacon, and a chain rebuilt from genesis instead of extended. These checks
close those gaps; `accept_contribution` and `accept_final` run them in order, on keys each read
once (`phase2.read_key`). `accept_upload` is the coordinator's: the same checks plus the
participant's name and no beacon, every refusal carrying its stable `code` (protocol.CODES).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from toolchain.ceremony import chain, verify_phase2
from toolchain.ceremony.phase2 import ParsedKey, read_key, snarkjs_verify
from toolchain.ceremony.transcript import Record
from toolchain.config import BeaconOptions
from toolchain.errors import FormatError, InvalidValueError, VerificationError
from toolchain.formats.zkey import MpcParams, ZkeyContribution
from toolchain.runner.tools import Tools


def check_key_has_contribution(key: ParsedKey) -> None:
    """At least one phase-2 contribution, and δ no longer equal to γ."""
    header = key.file.header
    if not key.mpc.contributions or header.delta_g2 == header.gamma_g2:
        raise VerificationError(
            f"{key.name}: no phase-2 contribution (delta equals gamma): proofs could be forged",
            code="delta_unchanged",
        )


def real_contributions(mpc: MpcParams) -> int:
    """How many contributions carry a participant's secret: every one but beacons."""
    return sum(not c.params.is_beacon for c in mpc.contributions)


def check_min_contributions(mpc: MpcParams, minimum: int, what: str) -> None:
    """At least `minimum` real contributions: the beacon is public and protects nothing."""
    real = real_contributions(mpc)
    if real < max(minimum, 1):
        raise VerificationError(
            f"{what}: {_count(real)} (the beacon excluded), at least {max(minimum, 1)} needed"
            " (min_contributions): a key with fewer trusts too few people"
        )


def check_open(mpc: MpcParams, what: str) -> None:
    """The chain does not end with a beacon: the beacon is the last step, nothing follows it."""
    if mpc.contributions and mpc.contributions[-1].params.is_beacon:
        raise VerificationError(
            f"{what}: the chain is closed: contribution {len(mpc.contributions)} is the beacon,"
            " the last step of a ceremony"
        )


def check_beacon_may_close(mpc: MpcParams, minimum: int, what: str) -> None:
    """A beacon may close an open chain only once it holds `minimum` real contributions."""
    check_open(mpc, what)
    try:
        check_min_contributions(mpc, minimum, what)
    except VerificationError as exc:
        raise VerificationError(f"{exc} before the beacon closes the chain") from None


def _count(real: int) -> str:
    return f"{real} real contribution{'' if real == 1 else 's'}"


def check_beacon_committed(current: MpcParams, beacon: BeaconOptions, what: str) -> None:
    """The last contribution is the beacon committed in ceremony.toml, with its iterations."""
    last = current.contributions[-1] if current.contributions else None
    if last is None or not last.params.is_beacon:
        raise VerificationError(f"{what}: the chain does not end with the beacon")
    committed = bytes.fromhex(beacon.hash)
    if (
        last.params.beacon_hash != committed
        or last.params.num_iterations_exp != beacon.iterations_exp
    ):
        raise VerificationError(
            f"{what}: beacon differs from the one committed in ceremony.toml"
            f" ({beacon.hash[:16]}…, 2^{beacon.iterations_exp} iterations)"
        )


def check_matches_transcript(records: Sequence[Record], mpc: MpcParams, what: str) -> None:
    """The key's circuit hash and every contribution hash are those the transcript recorded.

    Editing the last transcript line to a substituted key's hashes leaves the earlier lines as
    they were: a chain rebuilt from genesis differs from them at its first contribution.
    """
    recorded = [r.contribution_hash for r in records]
    found = [mpc.cs_hash.hex(), *(c.transcript.hex() for c in mpc.contributions)]
    if len(found) != len(recorded):
        raise VerificationError(
            f"{what}: {len(found) - 1} contributions, the transcript records {len(recorded) - 1}"
        )
    for index, (want, got) in enumerate(zip(recorded, found, strict=True)):
        if want != got:
            step = "the circuit hash" if index == 0 else f"contribution {index}"
            raise VerificationError(
                f"{what}: {step} is {got[:16]}…, the transcript records {want[:16]}…:"
                " the chain was rebuilt or substituted"
            )


def check_not_beacon(added: ZkeyContribution, what: str) -> None:
    """A participant's contribution is not a beacon: the beacon is the coordinator's, at the end."""
    if added.params.is_beacon:
        raise VerificationError(
            f"{what}: the new contribution is a beacon: only the coordinator applies the beacon",
            code="beacon_refused",
        )


def check_named(added: ZkeyContribution, participant: str, what: str) -> None:
    """The new contribution carries the name the participant registered (snarkjs -n NAME)."""
    if added.params.name != participant:
        raise VerificationError(
            f"{what}: the new contribution is named {chain.label(added)!r}, the participant"
            f" registered as {participant!r} (contribute with -n {participant!r})",
            code="wrong_name",
        )


def check_snarkjs_accepts(tools: Tools, r1cs: Path, ptau: Path, zkey: Path) -> None:
    """snarkjs rebuilds the initial key from r1cs + ptau and replays every contribution."""
    if not snarkjs_verify(tools, r1cs, ptau, zkey):
        raise VerificationError(f"{zkey.name}: snarkjs zkey verify rejects it against {r1cs.name}")


def accept_contribution(
    accepted: Path, candidate: Path, min_contributions: int = 1
) -> ZkeyContribution:
    """Accepted when it extends the accepted, open key by one valid contribution, same circuit;
    that contribution is returned. A beacon is accepted only after `min_contributions` real ones.

    The cryptography is checked natively (proof of knowledge, delta step, L and H rescaled):
    no snarkjs needed, and a second implementation beside `snarkjs zkey verify`.
    """
    return accept_step(read_key(accepted), read_key(candidate), min_contributions)


def accept_step(
    previous: ParsedKey, current: ParsedKey, min_contributions: int = 1
) -> ZkeyContribution:
    """accept_contribution on keys already read."""
    check_open(previous.mpc, previous.name)
    added = chain.check_mpc_extends(previous.mpc, current.mpc, current.name)
    if added.params.is_beacon:
        check_beacon_may_close(previous.mpc, min_contributions, current.name)
    check_key_has_contribution(current)
    verify_phase2.check_added(previous, current)
    return added


def accept_upload(accepted: Path, candidate: Path, participant: str) -> ZkeyContribution:
    """A participant's upload: `candidate` extends the coordinator's `accepted` key by exactly
    one valid contribution named `participant`, not a beacon; that contribution is returned.

    Every refusal carries its code: a file that is not a key is bad_container, a value off the
    curve or outside its range invalid_point, each check its own (protocol.CODES).
    """
    with _coded_format_errors():
        previous, current = read_key(accepted), read_key(candidate)
        check_open(previous.mpc, previous.name)
        added = chain.check_mpc_extends(previous.mpc, current.mpc, current.name)
        check_not_beacon(added, current.name)
        check_named(added, participant, current.name)
        check_key_has_contribution(current)
        verify_phase2.check_added(previous, current)
    return added


@contextmanager
def _coded_format_errors() -> Iterator[None]:
    try:
        yield
    except FormatError as exc:
        if exc.code is None:
            exc.code = "invalid_point" if isinstance(exc, InvalidValueError) else "bad_container"
        raise


def accept_final(
    tools: Tools,
    r1cs: Path,
    ptau: Path,
    zkey: Path,
    beacon: BeaconOptions | None,
    min_contributions: int = 1,
) -> int:
    """The final key: snarkjs verify, `min_contributions` real contributions, and the committed
    beacon last; returns the number of real contributions."""
    check_snarkjs_accepts(tools, r1cs, ptau, zkey)
    key = read_key(zkey)
    check_key_has_contribution(key)
    check_min_contributions(key.mpc, min_contributions, key.name)
    if beacon is not None:
        check_beacon_committed(key.mpc, beacon, key.name)
    return real_contributions(key.mpc)
