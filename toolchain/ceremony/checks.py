"""Phase-2 acceptance: small named checks, each raising VerificationError with its reason.

snarkjs's `zkey verify` replays a key's chain but accepts a key with no contribution (δ = γ:
anyone can forge proofs) and a chain rebuilt from genesis instead of extended. These checks
close those gaps; `accept_contribution` and `accept_final` run them in order, on keys each read
once (`phase2.read_key`).
"""

from __future__ import annotations

from pathlib import Path

from toolchain.ceremony import chain, verify_phase2
from toolchain.ceremony.phase2 import ParsedKey, read_key, snarkjs_verify
from toolchain.config import BeaconOptions
from toolchain.errors import VerificationError
from toolchain.formats.zkey import MpcParams, ZkeyContribution
from toolchain.runner.tools import Tools


def check_has_contribution(zkey: Path) -> None:
    """At least one phase-2 contribution, and δ no longer equal to γ."""
    check_key_has_contribution(read_key(zkey))


def check_key_has_contribution(key: ParsedKey) -> None:
    """check_has_contribution on a key already read."""
    header = key.file.header
    if not key.mpc.contributions or header.delta_g2 == header.gamma_g2:
        raise VerificationError(
            f"{key.name}: no phase-2 contribution (delta equals gamma): proofs could be forged"
        )


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


def check_snarkjs_accepts(tools: Tools, r1cs: Path, ptau: Path, zkey: Path) -> None:
    """snarkjs rebuilds the initial key from r1cs + ptau and replays every contribution."""
    if not snarkjs_verify(tools, r1cs, ptau, zkey):
        raise VerificationError(f"{zkey.name}: snarkjs zkey verify rejects it against {r1cs.name}")


def accept_contribution(accepted: Path, candidate: Path) -> ZkeyContribution:
    """Accepted when it extends the accepted key by one valid contribution, same circuit; that
    contribution is returned.

    The cryptography is checked natively (proof of knowledge, delta step, L and H rescaled):
    no snarkjs needed, and a second implementation beside `snarkjs zkey verify`.
    """
    previous, current = read_key(accepted), read_key(candidate)
    added = chain.check_mpc_extends(previous.mpc, current.mpc, current.name)
    check_key_has_contribution(current)
    verify_phase2.check_added(previous, current)
    return added


def accept_final(
    tools: Tools, r1cs: Path, ptau: Path, zkey: Path, beacon: BeaconOptions | None
) -> None:
    """The final key: snarkjs verify, a real contribution, and the committed beacon last."""
    check_snarkjs_accepts(tools, r1cs, ptau, zkey)
    key = read_key(zkey)
    check_key_has_contribution(key)
    if beacon is not None:
        check_beacon_committed(key.mpc, beacon, key.name)
