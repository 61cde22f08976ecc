"""Native phase-2 verification: snarkjs's `zkey verify` against an earlier key, reimplemented.

A coordinator verifies an uploaded .zkey against the key it accepted before (or the final key
against the initial one) without starting snarkjs. The facts follow snarkjs 0.7.6's
zkey_verify_frominit.js, keypair.js and zkey_utils.js; the code is our own:

- Transcript: blake2b-512 over the circuit hash, then each earlier contribution's public key
  (delta_after ‖ g1_s ‖ g1_sx ‖ g2_spx ‖ transcript, points uncompressed big-endian), then
  this contribution's g1_s ‖ g1_sx. The stored transcript must equal it.
- g2_sp = hashToG2(transcript): a ChaCha20 stream keyed by the transcript's first 32 bytes
  (eight big-endian words) draws a G2 point as ffjavascript's `fromRng` does, cofactor cleared.
- Proof of knowledge: sameRatio(g1_s, g1_sx, g2_sp, g2_spx); delta moved by the same secret:
  sameRatio(delta_before, delta_after, g2_sp, g2_spx), delta starting at the G1 generator.
- A beacon contribution's key must be the one its published hash and iteration count derive.
- Header: delta_g1 is the last delta_after and e(δ1, g2) = e(g1, δ2); every other header value
  and sections 3–7 (IC, coefficients, A, B1, B2) equal the base key's.
- L (section 8) and H (section 9) were divided by δ_current/δ_base: for random 128-bit r_i,
  e(Σ r_i·P_base_i, δ2_base) = e(Σ r_i·P_current_i, δ2_current). One wrong point passes with
  probability 2^-128. snarkjs checks H against the ptau instead (it has no base key's H); the
  relation between two keys is the same one it checks for L.

sameRatio and the G2 subgroup check are pairing_checks's, hashToG2 native.hash_to_curve's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from toolchain.ceremony import chain
from toolchain.ceremony.pairing_checks import CHUNK_POINTS, check_in_g2, random_scalars, same_ratio
from toolchain.ceremony.phase2 import ParsedKey, read_key
from toolchain.config import engine_name
from toolchain.errors import VerificationError
from toolchain.formats.curve_codec import encode_g1_uncompressed, encode_g2_uncompressed
from toolchain.formats.zkey import (
    SECTION_A,
    SECTION_B1,
    SECTION_B2,
    SECTION_C,
    SECTION_COEFFICIENTS,
    SECTION_H,
    SECTION_IC,
    MpcParams,
    ZkeyContribution,
    ZkeyFile,
)
from toolchain.native.chacha import MAX_BEACON_EXP, beacon_rng
from toolchain.native.curve import G1_GENERATOR, G1_IDENTITY, G2_GENERATOR, G1Affine
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.hash_to_curve import fr_from_rng, g1_from_rng, hash_to_g2

_COMPARE_BYTES = 1 << 20


# --- transcript hashing -----------------------------------------------------------------------


def public_key_bytes(c: ZkeyContribution) -> bytes:
    """What snarkjs's hashPubKey feeds the hasher for one contribution."""
    return (
        encode_g1_uncompressed(c.delta_after_g1)
        + encode_g1_uncompressed(c.g1_s)
        + encode_g1_uncompressed(c.g1_sx)
        + encode_g2_uncompressed(c.g2_spx)
        + c.transcript
    )


def contribution_hash(c: ZkeyContribution) -> bytes:
    """The contribution hash `snarkjs zkey verify` prints: blake2b-512 of the public key."""
    return hashlib.blake2b(public_key_bytes(c), digest_size=64).digest()


def expected_transcripts(mpc: MpcParams) -> list[bytes]:
    """Each contribution's transcript recomputed from the circuit hash and the chain before it."""
    accumulated = hashlib.blake2b(mpc.cs_hash, digest_size=64)
    out = []
    for c in mpc.contributions:
        ours = accumulated.copy()
        ours.update(encode_g1_uncompressed(c.g1_s) + encode_g1_uncompressed(c.g1_sx))
        out.append(ours.digest())
        accumulated.update(public_key_bytes(c))
    return out


# --- the checks -------------------------------------------------------------------------------


def _fail(number: int, c: ZkeyContribution, reason: str, code: str) -> VerificationError:
    return VerificationError(f"contribution {number} ({chain.label(c)}): {reason}", code=code)


def check_contribution(
    engine: Engine, number: int, c: ZkeyContribution, transcript: bytes, delta_before: G1Affine
) -> None:
    """One contribution: its transcript, proof of knowledge, delta step and beacon key."""
    if c.transcript != transcript:
        raise _fail(
            number,
            c,
            "transcript does not follow from the circuit hash and the chain",
            "bad_proof_of_knowledge",
        )
    check_in_g2(engine, c.g2_spx, f"contribution {number} ({chain.label(c)}): g2_spx")
    g2_sp = hash_to_g2(transcript)
    if not same_ratio(engine, c.g1_s, c.g1_sx, g2_sp, c.g2_spx):
        raise _fail(
            number,
            c,
            "proof of knowledge fails (g1_s, g1_sx vs g2_sp, g2_spx)",
            "bad_proof_of_knowledge",
        )
    if not same_ratio(engine, delta_before, c.delta_after_g1, g2_sp, c.g2_spx):
        raise _fail(
            number, c, "delta_after is not delta_before times the proven secret", "bad_delta_step"
        )
    if c.params.is_beacon:
        _check_beacon_key(engine, number, c)


def _check_beacon_key(engine: Engine, number: int, c: ZkeyContribution) -> None:
    exp = c.params.num_iterations_exp
    if c.params.beacon_hash is None or exp is None or exp > MAX_BEACON_EXP:
        raise _fail(
            number,
            c,
            f"beacon iteration exponent {exp} is outside 0..{MAX_BEACON_EXP}",
            "beacon_refused",
        )
    rng = beacon_rng(c.params.beacon_hash, exp)
    secret = fr_from_rng(rng)
    g1_s = g1_from_rng(rng)
    if (g1_s, engine.mul_g1(g1_s, secret)) != (c.g1_s, c.g1_sx):
        raise _fail(number, c, "the key is not the one its beacon hash derives", "beacon_refused")


def check_chain(engine: Engine, mpc: MpcParams) -> list[G1Affine]:
    """Every contribution of a key in order; returns delta_g1 before and after each one."""
    deltas = [G1_GENERATOR]
    transcripts = expected_transcripts(mpc)
    for number, (c, transcript) in enumerate(zip(mpc.contributions, transcripts, strict=True), 1):
        check_contribution(engine, number, c, transcript, deltas[-1])
        deltas.append(c.delta_after_g1)
    return deltas


def check_header_delta(engine: Engine, zkey: ZkeyFile, delta_g1: G1Affine) -> None:
    """The header's δ1 is the chain's last delta and δ2 carries the same exponent."""
    header, name = zkey.header, zkey.path.name
    if header.delta_g1 != delta_g1:
        raise VerificationError(
            f"{name}: header delta_g1 is not the last contribution's delta", code="bad_delta_step"
        )
    check_in_g2(engine, header.delta_g2, f"{name}: header delta_g2")
    if not same_ratio(engine, G1_GENERATOR, header.delta_g1, G2_GENERATOR, header.delta_g2):
        raise VerificationError(
            f"{name}: header delta_g2 does not match delta_g1", code="bad_delta_step"
        )


def check_unchanged(base: ZkeyFile, current: ZkeyFile) -> None:
    """Everything but delta, L, H and the contributions is the base key's, byte for byte."""
    a, b = base.header, current.header
    for field in ("n_vars", "n_public", "domain_size", "alpha_g1", "beta_g1", "beta_g2"):
        if getattr(a, field) != getattr(b, field):
            raise VerificationError(
                f"{current.path.name}: header {field} differs from the base", code="header_changed"
            )
    if b.gamma_g2 != a.gamma_g2:
        raise VerificationError(
            f"{current.path.name}: header gamma_g2 differs from the base", code="header_changed"
        )
    names = {SECTION_IC: "IC", SECTION_COEFFICIENTS: "coefficients", SECTION_A: "A"}
    names |= {SECTION_B1: "B1", SECTION_B2: "B2"}
    for section_id, what in names.items():
        if not _sections_equal(base, current, section_id):
            raise VerificationError(
                f"{current.path.name}: {what} section ({section_id}) differs from the base key",
                code="section_changed",
            )


def _sections_equal(base: ZkeyFile, current: ZkeyFile, section_id: int) -> bool:
    size = base.container.section(section_id).size
    if current.container.section(section_id).size != size:
        return False
    with open(base.path, "rb") as fa, open(current.path, "rb") as fb:
        for start in range(0, size, _COMPARE_BYTES):
            n = min(_COMPARE_BYTES, size - start)
            if base.container.read_range(fa, section_id, start, n) != (
                current.container.read_range(fb, section_id, start, n)
            ):
                return False
    return True


def check_rescaled(engine: Engine, base: ZkeyFile, current: ZkeyFile, section_id: int) -> None:
    """Every point of section 8 or 9 is the base's times δ2_base/δ2_current (random combination)."""
    total = base.point_count(section_id)
    sum_base, sum_current = G1_IDENTITY, G1_IDENTITY
    for start in range(0, total, CHUNK_POINTS):
        n = min(CHUNK_POINTS, total - start)
        scalars = random_scalars(n)
        chunk_base = engine.msm_g1(base.read_g1_section(section_id, start, n), scalars)
        chunk_current = engine.msm_g1(current.read_g1_section(section_id, start, n), scalars)
        sum_base = engine.add_g1(sum_base, chunk_base)
        sum_current = engine.add_g1(sum_current, chunk_current)
    pairs = [
        (sum_base, base.header.delta_g2),
        (engine.neg_g1(sum_current), current.header.delta_g2),
    ]
    if not engine.pairing_check(pairs):
        what = "L" if section_id == SECTION_C else "H"
        raise VerificationError(
            f"{current.path.name}: {what} section ({section_id}) is not the base key's"
            " scaled by the delta ratio",
            code="bad_rescale",
        )


def verify_zkey_against(base: Path, current: Path, engine: Engine | None = None) -> None:
    """`current` follows from `base` through the contributions it adds; VerificationError if not."""
    check_follows(read_key(base), read_key(current), engine)


def verify_zkey_step(previous: Path, current: Path, engine: Engine | None = None) -> None:
    """`current` adds exactly one valid contribution to the accepted key `previous`."""
    accepted, candidate = read_key(previous), read_key(current)
    chain.check_mpc_extends(accepted.mpc, candidate.mpc, str(candidate.file.path))
    check_added(accepted, candidate, engine)


def verify_zkey_chain(initial: Path, final: Path, engine: Engine | None = None) -> None:
    """`final` follows from the initial key (`groth16 setup`'s, no contribution) by its chain."""
    base = read_key(initial)
    if base.mpc.contributions:
        raise VerificationError(f"{Path(initial).name}: not an initial key: it has contributions")
    check_follows(base, read_key(final), engine)


def check_follows(base: ParsedKey, current: ParsedKey, engine: Engine | None = None) -> None:
    """`current`'s chain starts with `base`'s, and what it adds is valid."""
    chain.check_same_circuit(base.mpc.cs_hash, current.mpc.cs_hash, current.name)
    if current.mpc.contributions[: len(base.mpc.contributions)] != base.mpc.contributions:
        raise VerificationError(
            f"{current.name}: its chain does not start with the base key's contributions",
            code="chain_rebuilt",
        )
    check_added(base, current, engine)


def check_added(base: ParsedKey, current: ParsedKey, engine: Engine | None = None) -> None:
    """The contributions `current` adds to `base` (whose chain it extends) and their effect:
    the chain, both headers' delta, the unchanged sections, L and H rescaled."""
    engine = engine or get_engine(engine_name(None))
    deltas = check_chain(engine, current.mpc)
    check_header_delta(engine, base.file, deltas[len(base.mpc.contributions)])
    check_header_delta(engine, current.file, deltas[-1])
    check_unchanged(base.file, current.file)
    check_rescaled(engine, base.file, current.file, SECTION_C)
    check_rescaled(engine, base.file, current.file, SECTION_H)
