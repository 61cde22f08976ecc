"""Native phase-1 verification: snarkjs's `powersoftau verify` for one contribution, reimplemented.

After powersoftau_verify.js; the code is our own. The new contribution's three proofs of
knowledge use g2_sp = hashToG2(blake2b(i ‖ challenge ‖ g1_s ‖ g1_sx)), i = 0, 1, 2 for τ, α, β
and the challenge the previous file left; τ, α, β moved from the previous file's first points
by the proven secrets; the new file's first points are the recorded ones; every point section
holds successive powers (random combinations of P_i and P_(i+1) in the same ratio as G2 and
τ·G2); and the recorded next challenge is the one challenge.next_challenge recomputes. A beacon
contribution's key must be the one its published hash and iteration count derive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from toolchain.ceremony import chain
from toolchain.ceremony.challenge import current_challenge, next_challenge
from toolchain.ceremony.pairing_checks import CHUNK_POINTS, check_in_g2, random_scalars, same_ratio
from toolchain.config import engine_name
from toolchain.errors import VerificationError
from toolchain.formats.curve_codec import encode_g1_uncompressed, read_g1_range, read_g2_range
from toolchain.formats.ptau import SECTION_TAU_G2, PtauContribution, PtauFile, open_ptau
from toolchain.formats.ptau_points import (
    G1_SECTIONS,
    KEY_NAMES,
    key_points,
    point_count,
    read_first_points,
)
from toolchain.native.chacha import MAX_BEACON_EXP, beacon_rng
from toolchain.native.curve import (
    G1_GENERATOR,
    G1_IDENTITY,
    G2_GENERATOR,
    G2_IDENTITY,
    G1Affine,
    G2Affine,
)
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.hash_to_curve import fr_from_rng, g1_from_rng, hash_to_g2


def ptau_g2_sp(personalization: int, challenge: bytes, g1_s: G1Affine, g1_sx: G1Affine) -> G2Affine:
    """snarkjs's getG2sp: hashToG2 of blake2b(personalization ‖ challenge ‖ g1_s ‖ g1_sx)."""
    data = (
        bytes([personalization])
        + challenge
        + encode_g1_uncompressed(g1_s)
        + encode_g1_uncompressed(g1_sx)
    )
    return hash_to_g2(hashlib.blake2b(data, digest_size=64).digest())


def _ptau_fail(c: PtauContribution, reason: str) -> VerificationError:
    return VerificationError(f"contribution ({chain.label(c)}): {reason}")


def check_ptau_key(engine: Engine, c: PtauContribution, challenge: bytes) -> list[G2Affine]:
    """The three proofs of knowledge (and a beacon's key); returns g2_sp for tau, alpha, beta."""
    g2_sps = []
    for personalization, name in enumerate(KEY_NAMES):
        g1_s, g1_sx, g2_spx = key_points(c.key, name)
        check_in_g2(engine, g2_spx, f"contribution ({chain.label(c)}): {name} g2_spx")
        g2_sp = ptau_g2_sp(personalization, challenge, g1_s, g1_sx)
        if not same_ratio(engine, g1_s, g1_sx, g2_sp, g2_spx):
            raise _ptau_fail(c, f"{name} proof of knowledge fails")
        g2_sps.append(g2_sp)
    if c.params.is_beacon:
        _check_ptau_beacon(engine, c, challenge)
    return g2_sps


def _check_ptau_beacon(engine: Engine, c: PtauContribution, challenge: bytes) -> None:
    exp = c.params.num_iterations_exp
    if c.params.beacon_hash is None or exp is None or exp > MAX_BEACON_EXP:
        raise _ptau_fail(c, f"beacon iteration exponent {exp} is outside 0..{MAX_BEACON_EXP}")
    # snarkjs's createPTauKey: three secrets first, then each part's g1_s from the same stream.
    rng = beacon_rng(c.params.beacon_hash, exp)
    secrets_ = [fr_from_rng(rng) for _ in KEY_NAMES]
    for personalization, (name, secret) in enumerate(zip(KEY_NAMES, secrets_, strict=True)):
        g1_s = g1_from_rng(rng)
        g1_sx = engine.mul_g1(g1_s, secret)
        g2_spx = engine.mul_g2(ptau_g2_sp(personalization, challenge, g1_s, g1_sx), secret)
        if (g1_s, g1_sx, g2_spx) != key_points(c.key, name):
            raise _ptau_fail(c, f"the {name} key is not the one its beacon hash derives")


def check_ptau_first_points(
    engine: Engine, before: PtauFile, after: PtauFile, c: PtauContribution, g2_sps: list[G2Affine]
) -> None:
    """τ, α and β moved by the proven secrets, and the new file's first points are the record's."""
    tau_g1, tau_g2, alpha_g1, beta_g1, beta_g2 = read_first_points(before)
    tau_sp, alpha_sp, beta_sp = g2_sps
    tau, alpha, beta = (key_points(c.key, name) for name in KEY_NAMES)
    for what, ok in (
        ("tau_g1", same_ratio(engine, tau_g1[1], c.tau_g1, tau_sp, tau[2])),
        ("tau_g2", same_ratio(engine, tau[0], tau[1], tau_g2[1], c.tau_g2)),
        ("alpha_g1", same_ratio(engine, alpha_g1, c.alpha_g1, alpha_sp, alpha[2])),
        ("beta_g1", same_ratio(engine, beta_g1, c.beta_g1, beta_sp, beta[2])),
        ("beta_g2", same_ratio(engine, beta[0], beta[1], beta_g2, c.beta_g2)),
    ):
        if not ok:
            raise _ptau_fail(c, f"{what} is not the previous file's times the proven secret")
    recorded = (
        [G1_GENERATOR, c.tau_g1],
        [G2_GENERATOR, c.tau_g2],
        c.alpha_g1,
        c.beta_g1,
        c.beta_g2,
    )
    if read_first_points(after) != recorded:
        raise VerificationError(f"{after.path.name}: its first points are not the contribution's")


def _overlapping_chunks(ptau: PtauFile, section_id: int) -> Iterator[tuple[int, int]]:
    """(start, count) of chunks that share one point, so P_i and P_(i+1) meet in one of them."""
    total = point_count(ptau, section_id)
    for start in range(0, total - 1, CHUNK_POINTS):
        yield start, min(CHUNK_POINTS + 1, total - start)


def _shifted_sums_g1(engine: Engine, ptau: PtauFile, section_id: int) -> tuple[G1Affine, G1Affine]:
    """(Σ r_i·P_i, Σ r_i·P_(i+1)) over a G1 section, random r_i."""
    low = high = G1_IDENTITY
    for start, count in _overlapping_chunks(ptau, section_id):
        points = read_g1_range(ptau.container, section_id, start, count)
        scalars = random_scalars(len(points) - 1)
        low = engine.add_g1(low, engine.msm_g1(points[:-1], scalars))
        high = engine.add_g1(high, engine.msm_g1(points[1:], scalars))
    return low, high


def _shifted_sums_g2(engine: Engine, ptau: PtauFile) -> tuple[G2Affine, G2Affine]:
    """(Σ r_i·Q_i, Σ r_i·Q_(i+1)) over tau_g2, each point checked to be in the subgroup."""
    low = high = G2_IDENTITY
    for start, count in _overlapping_chunks(ptau, SECTION_TAU_G2):
        points = read_g2_range(ptau.container, SECTION_TAU_G2, start, count)
        for point in points:
            check_in_g2(engine, point, f"{ptau.path.name}: a tau_g2 point")
        scalars = random_scalars(len(points) - 1)
        low = engine.add_g2(low, engine.msm_g2(points[:-1], scalars))
        high = engine.add_g2(high, engine.msm_g2(points[1:], scalars))
    return low, high


def check_ptau_powers(engine: Engine, ptau: PtauFile) -> None:
    """Each point section holds successive powers of the same τ (random linear combinations)."""
    tau_g2 = ptau.read_tau_g2(1, 1)[0]
    tau_g1 = ptau.read_tau_g1(1, 1)[0]
    for section_id, what in zip(
        G1_SECTIONS, ("tau_g1", "alpha_tau_g1", "beta_tau_g1"), strict=True
    ):
        low, high = _shifted_sums_g1(engine, ptau, section_id)
        if not engine.pairing_check([(low, tau_g2), (engine.neg_g1(high), G2_GENERATOR)]):
            raise VerificationError(f"{ptau.path.name}: {what} is not a sequence of powers of tau")
    low_g2, high_g2 = _shifted_sums_g2(engine, ptau)
    if not engine.pairing_check([(G1_GENERATOR, high_g2), (engine.neg_g1(tau_g1), low_g2)]):
        raise VerificationError(f"{ptau.path.name}: tau_g2 is not a sequence of powers of tau")


def verify_ptau_step(previous: Path, current: Path, engine: Engine | None = None) -> None:
    """`current` adds exactly one valid contribution to the accepted ptau `previous`."""
    check_ptau_step(open_ptau(previous), open_ptau(current), engine)


def check_ptau_step(
    before: PtauFile, after: PtauFile, engine: Engine | None = None
) -> PtauContribution:
    """The one valid contribution `after` adds to the accepted `before` (both opened once)."""
    engine = engine or get_engine(engine_name(None))
    c = chain.check_ptau_extends(before, after)
    challenge = current_challenge(before)
    g2_sps = check_ptau_key(engine, c, challenge)
    check_ptau_first_points(engine, before, after, c, g2_sps)
    check_ptau_powers(engine, after)
    # snarkjs checks the next challenge only for full-size files: a truncated one hashes less.
    full_size = after.header.power == after.header.ceremony_power
    if full_size and next_challenge(after, challenge, c.key) != c.next_challenge:
        raise _ptau_fail(c, "next challenge hash does not match the file's points")
    return c
