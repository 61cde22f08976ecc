"""Native ceremony verification: snarkjs's `zkey verify` and `powersoftau verify`, reimplemented.

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

Phase 1 (`verify_ptau_step`, after powersoftau_verify.js): the new contribution's three proofs
of knowledge with g2_sp = hashToG2(blake2b(i ‖ challenge ‖ g1_s ‖ g1_sx)), i = 0, 1, 2 for τ,
α, β and the challenge the previous file left; τ, α, β moved from the previous file's first
points by the proven secrets; the new file's first points are the recorded ones; every point
section holds successive powers (random combinations of P_i and P_(i+1) in the same ratio as
G2 and τ·G2); and the recorded next challenge is blake2b(response ‖ points uncompressed) with
response = blake2b(challenge ‖ points compressed ‖ public key uncompressed).

sameRatio(a1, b1, a2, b2) means e(a1, b2) = e(b1, a2), one pairing check. snarkjs's is
refused when any point is the identity (the ratio would be undefined); so is ours.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from toolchain.ceremony import chain, phase1
from toolchain.config import engine_name
from toolchain.errors import InvalidValueError, VerificationError
from toolchain.formats.curve_codec import (
    G1_SIZE,
    G2_SIZE,
    encode_g1_uncompressed,
    encode_g2_uncompressed,
    read_g1_range,
    read_g2_range,
)
from toolchain.formats.ptau import (
    SECTION_ALPHA_TAU_G1,
    SECTION_BETA_G2,
    SECTION_BETA_TAU_G1,
    SECTION_TAU_G1,
    SECTION_TAU_G2,
    PtauContribution,
    PtauFile,
    PtauPublicKey,
    open_ptau,
)
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
    open_zkey,
)
from toolchain.native import curve
from toolchain.native.curve import (
    B_G1,
    B_G2,
    G1_GENERATOR,
    G1_IDENTITY,
    G2_GENERATOR,
    G2_IDENTITY,
    Fp2,
    G1Affine,
    G2Affine,
)
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.field import P, R

# ffjavascript's bn128 cofactorG2 (0x30644e…9fa8d): fromRng multiplies by it to reach order r.
COFACTOR_G2 = 2 * P - R
# snarkjs's beacon CLI accepts exponents up to 63; larger ones overflow its own loop counters.
MAX_BEACON_EXP = 63
RANDOM_BITS = 128
CHUNK_POINTS = 1 << 16
_COMPARE_BYTES = 1 << 20
_CHACHA_CONSTANTS = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)
_MASK_254 = (1 << 254) - 1
_MONT_INV_P = pow(2**256, -1, P)
_MONT_INV_R = pow(2**256, -1, R)


# --- snarkjs's random stream and hash-to-curve ----------------------------------------------


class ChaCha:
    """ffjavascript's ChaCha20 generator: 8-word key, zero nonce, 128-bit block counter."""

    def __init__(self, seed: Sequence[int]) -> None:
        """Key the stream with eight 32-bit words."""
        self.state = [*_CHACHA_CONSTANTS, *seed, 0, 0, 0, 0]
        self.block: list[int] = []

    def next_u32(self) -> int:
        """The next 32-bit word of the stream."""
        if not self.block:
            self.block = _chacha_block(self.state)
            _increment_counter(self.state)
        return self.block.pop(0)

    def next_u64(self) -> int:
        """Two words, the first one high (ffjavascript's nextU64)."""
        return (self.next_u32() << 32) | self.next_u32()

    def next_bool(self) -> bool:
        """The low bit of the next word."""
        return bool(self.next_u32() & 1)


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (32 - n))) & 0xFFFFFFFF


def _quarter_round(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF
    s[b] = _rotl(s[b] ^ s[c], 7)


def _chacha_block(state: list[int]) -> list[int]:
    work = list(state)
    for _ in range(10):
        for a, b, c, d in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15)):
            _quarter_round(work, a, b, c, d)
        for a, b, c, d in ((0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
            _quarter_round(work, a, b, c, d)
    return [(w + s) & 0xFFFFFFFF for w, s in zip(work, state, strict=True)]


def _increment_counter(state: list[int]) -> None:
    # Words 12-15 form one little-endian counter: a carry runs into the next word.
    for i in range(12, 16):
        state[i] = (state[i] + 1) & 0xFFFFFFFF
        if state[i]:
            return


def _element_from_rng(rng: ChaCha, modulus: int, mont_inv: int) -> int:
    """ffjavascript's Field.fromRng: 256 masked bits below the modulus, read as Montgomery form."""
    while True:
        v = sum(rng.next_u64() << (64 * i) for i in range(4)) & _MASK_254
        if v < modulus:
            return v * mont_inv % modulus


def fr_from_rng(rng: ChaCha) -> int:
    """A scalar drawn as snarkjs's Fr.fromRng."""
    return _element_from_rng(rng, R, _MONT_INV_R)


def _is_negative_fp(v: int) -> bool:
    return v > (P - 1) // 2


def _is_negative_fp2(v: Fp2) -> bool:
    return _is_negative_fp(v[1]) if v[1] else _is_negative_fp(v[0])


def _sqrt_fp(a: int) -> int | None:
    root = pow(a, (P + 1) // 4, P)
    return root if root * root % P == a else None


def _sqrt_fp2(a: Fp2) -> Fp2 | None:
    """A square root in Fp2 for p ≡ 3 mod 4 (Adj and Rodríguez-Henríquez, algorithm 9)."""
    a1 = curve.pow_fp2(a, (P - 3) // 4)
    alpha = curve.mul_fp2(curve.square_fp2(a1), a)
    if curve.mul_fp2(curve.conj_fp2(alpha), alpha) == (P - 1, 0):
        return None
    x0 = curve.mul_fp2(a1, a)
    if alpha == (P - 1, 0):
        root = curve.mul_fp2((0, 1), x0)
    else:
        root = curve.mul_fp2(curve.pow_fp2(curve.add_fp2((1, 0), alpha), (P - 1) // 2), x0)
    return root if curve.square_fp2(root) == a else None


def g1_from_rng(rng: ChaCha) -> G1Affine:
    """A G1 point drawn as ffjavascript's G1.fromRng: x, then a bit choosing the sign of y."""
    while True:
        x = _element_from_rng(rng, P, _MONT_INV_P)
        greatest = rng.next_bool()
        y = _sqrt_fp((x * x * x + B_G1) % P)
        if y is not None:
            return x, (P - y) % P if _is_negative_fp(y) != greatest else y


def g2_from_rng(rng: ChaCha) -> G2Affine:
    """A G2 point drawn as ffjavascript's G2.fromRng, multiplied by the cofactor."""
    while True:
        x = (_element_from_rng(rng, P, _MONT_INV_P), _element_from_rng(rng, P, _MONT_INV_P))
        greatest = rng.next_bool()
        y = _sqrt_fp2(curve.add_fp2(curve.mul_fp2(curve.square_fp2(x), x), B_G2))
        if y is not None:
            break
    if _is_negative_fp2(y) != greatest:
        y = curve.neg_fp2(y)
    cleared = curve.mul_g2(curve.from_affine_g2((x, y)), COFACTOR_G2)
    return curve.to_affine_g2(cleared)


def hash_to_g2(digest: bytes) -> G2Affine:
    """snarkjs's hashToG2: a ChaCha stream keyed by the first 32 bytes (big-endian words)."""
    return g2_from_rng(ChaCha(struct.unpack(">8I", digest[:32])))


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


def beacon_rng(beacon_hash: bytes, iterations_exp: int) -> ChaCha:
    """snarkjs's rngFromBeaconParams: SHA-256 iterated 2^exp times, then a ChaCha stream."""
    digest = beacon_hash
    for _ in range(1 << iterations_exp):
        digest = hashlib.sha256(digest).digest()
    return ChaCha(struct.unpack(">8I", digest[:32]))


# --- the checks -------------------------------------------------------------------------------


def same_ratio(engine: Engine, a1: G1Affine, b1: G1Affine, a2: G2Affine, b2: G2Affine) -> bool:
    """e(a1, b2) = e(b1, a2) with no identity point: b1/a1 and b2/a2 share a discrete log."""
    if G1_IDENTITY in (a1, b1) or G2_IDENTITY in (a2, b2):
        return False
    return engine.pairing_check([(a1, b2), (engine.neg_g1(b1), a2)])


def _fail(number: int, c: ZkeyContribution, reason: str) -> VerificationError:
    return VerificationError(f"contribution {number} ({chain.label(c)}): {reason}")


def _check_in_g2(engine: Engine, point: G2Affine, what: str) -> None:
    # Pairings on points off the order-r subgroup are not bilinear: the ratios would mean nothing.
    try:
        engine.parse_g2(*point)
    except InvalidValueError:
        raise VerificationError(f"{what} is not in the G2 subgroup") from None


def check_contribution(
    engine: Engine, number: int, c: ZkeyContribution, transcript: bytes, delta_before: G1Affine
) -> None:
    """One contribution: its transcript, proof of knowledge, delta step and beacon key."""
    if c.transcript != transcript:
        raise _fail(number, c, "transcript does not follow from the circuit hash and the chain")
    _check_in_g2(engine, c.g2_spx, f"contribution {number} ({chain.label(c)}): g2_spx")
    g2_sp = hash_to_g2(transcript)
    if not same_ratio(engine, c.g1_s, c.g1_sx, g2_sp, c.g2_spx):
        raise _fail(number, c, "proof of knowledge fails (g1_s, g1_sx vs g2_sp, g2_spx)")
    if not same_ratio(engine, delta_before, c.delta_after_g1, g2_sp, c.g2_spx):
        raise _fail(number, c, "delta_after is not delta_before times the proven secret")
    if c.params.is_beacon:
        _check_beacon_key(engine, number, c)


def _check_beacon_key(engine: Engine, number: int, c: ZkeyContribution) -> None:
    exp = c.params.num_iterations_exp
    if c.params.beacon_hash is None or exp is None or exp > MAX_BEACON_EXP:
        raise _fail(number, c, f"beacon iteration exponent {exp} is outside 0..{MAX_BEACON_EXP}")
    rng = beacon_rng(c.params.beacon_hash, exp)
    secret = fr_from_rng(rng)
    g1_s = g1_from_rng(rng)
    if (g1_s, engine.mul_g1(g1_s, secret)) != (c.g1_s, c.g1_sx):
        raise _fail(number, c, "the key is not the one its beacon hash derives")


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
        raise VerificationError(f"{name}: header delta_g1 is not the last contribution's delta")
    _check_in_g2(engine, header.delta_g2, f"{name}: header delta_g2")
    if not same_ratio(engine, G1_GENERATOR, header.delta_g1, G2_GENERATOR, header.delta_g2):
        raise VerificationError(f"{name}: header delta_g2 does not match delta_g1")


def check_unchanged(base: ZkeyFile, current: ZkeyFile) -> None:
    """Everything but delta, L, H and the contributions is the base key's, byte for byte."""
    a, b = base.header, current.header
    for field in ("n_vars", "n_public", "domain_size", "alpha_g1", "beta_g1", "beta_g2"):
        if getattr(a, field) != getattr(b, field):
            raise VerificationError(f"{current.path.name}: header {field} differs from the base")
    if b.gamma_g2 != a.gamma_g2:
        raise VerificationError(f"{current.path.name}: header gamma_g2 differs from the base")
    names = {SECTION_IC: "IC", SECTION_COEFFICIENTS: "coefficients", SECTION_A: "A"}
    names |= {SECTION_B1: "B1", SECTION_B2: "B2"}
    for section_id, what in names.items():
        if not _sections_equal(base, current, section_id):
            raise VerificationError(
                f"{current.path.name}: {what} section ({section_id}) differs from the base key"
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
        scalars = [secrets.randbits(RANDOM_BITS) for _ in range(n)]
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
            " scaled by the delta ratio"
        )


def verify_zkey_against(base: Path, current: Path, engine: Engine | None = None) -> None:
    """`current` follows from `base` through the contributions it adds; VerificationError if not."""
    engine = engine or get_engine(engine_name(None))
    base_key, current_key = open_zkey(base), open_zkey(current)
    base_mpc, current_mpc = base_key.read_mpc_params(), current_key.read_mpc_params()
    chain.check_same_circuit(base_mpc.cs_hash, current_mpc.cs_hash, current_key.path.name)
    if current_mpc.contributions[: len(base_mpc.contributions)] != base_mpc.contributions:
        raise VerificationError(
            f"{current_key.path.name}: its chain does not start with the base key's contributions"
        )
    deltas = check_chain(engine, current_mpc)
    check_header_delta(engine, base_key, deltas[len(base_mpc.contributions)])
    check_header_delta(engine, current_key, deltas[-1])
    check_unchanged(base_key, current_key)
    check_rescaled(engine, base_key, current_key, SECTION_C)
    check_rescaled(engine, base_key, current_key, SECTION_H)


def verify_zkey_step(previous: Path, current: Path, engine: Engine | None = None) -> None:
    """`current` adds exactly one valid contribution to the accepted key `previous`."""
    chain.check_zkey_extends(previous, current)
    verify_zkey_against(previous, current, engine)


def verify_zkey_chain(initial: Path, final: Path, engine: Engine | None = None) -> None:
    """`final` follows from the initial key (`groth16 setup`'s, no contribution) by its chain."""
    if open_zkey(initial).read_mpc_params().contributions:
        raise VerificationError(f"{Path(initial).name}: not an initial key: it has contributions")
    verify_zkey_against(initial, final, engine)


# --- phase 1 (.ptau) ----------------------------------------------------------------------------

_PTAU_G1_SECTIONS = (SECTION_TAU_G1, SECTION_ALPHA_TAU_G1, SECTION_BETA_TAU_G1)
_PTAU_POINT_SECTIONS = (*_PTAU_G1_SECTIONS[:1], SECTION_TAU_G2, *_PTAU_G1_SECTIONS[1:])
_PTAU_KEYS = ("tau", "alpha", "beta")


def compressed_g1(point: G1Affine) -> bytes:
    """ffjavascript's toRprCompressed: x big-endian, 0x80 when y > (p−1)/2, 0x40 for identity."""
    if point == G1_IDENTITY:
        return b"\x40" + bytes(31)
    flag = 0x80 if _is_negative_fp(point[1]) else 0
    raw = point[0].to_bytes(32, "big")
    return bytes([raw[0] | flag]) + raw[1:]


def compressed_g2(point: G2Affine) -> bytes:
    """toRprCompressed for G2: x.c1 ‖ x.c0 big-endian, the sign taken from y as in Fp2."""
    if point == G2_IDENTITY:
        return b"\x40" + bytes(63)
    flag = 0x80 if _is_negative_fp2(point[1]) else 0
    raw = point[0][1].to_bytes(32, "big") + point[0][0].to_bytes(32, "big")
    return bytes([raw[0] | flag]) + raw[1:]


def ptau_g2_sp(personalization: int, challenge: bytes, g1_s: G1Affine, g1_sx: G1Affine) -> G2Affine:
    """snarkjs's getG2sp: hashToG2 of blake2b(personalization ‖ challenge ‖ g1_s ‖ g1_sx)."""
    data = (
        bytes([personalization])
        + challenge
        + encode_g1_uncompressed(g1_s)
        + encode_g1_uncompressed(g1_sx)
    )
    return hash_to_g2(hashlib.blake2b(data, digest_size=64).digest())


def ptau_key_points(key: PtauPublicKey, name: str) -> tuple[G1Affine, G1Affine, G2Affine]:
    """(g1_s, g1_sx, g2_spx) of the tau, alpha or beta part of a phase-1 public key."""
    return (
        getattr(key, f"{name}_g1_s"),
        getattr(key, f"{name}_g1_sx"),
        getattr(key, f"{name}_g2_spx"),
    )


def ptau_public_key_bytes(key: PtauPublicKey) -> bytes:
    """toPtauPubKeyRpr uncompressed: the six G1 points, then the three G2 points."""
    g1 = [p for name in _PTAU_KEYS for p in ptau_key_points(key, name)[:2]]
    g2 = [ptau_key_points(key, name)[2] for name in _PTAU_KEYS]
    return b"".join(map(encode_g1_uncompressed, g1)) + b"".join(map(encode_g2_uncompressed, g2))


def _ptau_fail(c: PtauContribution, reason: str) -> VerificationError:
    return VerificationError(f"contribution ({chain.label(c)}): {reason}")


def check_ptau_key(engine: Engine, c: PtauContribution, challenge: bytes) -> list[G2Affine]:
    """The three proofs of knowledge (and a beacon's key); returns g2_sp for tau, alpha, beta."""
    g2_sps = []
    for personalization, name in enumerate(_PTAU_KEYS):
        g1_s, g1_sx, g2_spx = ptau_key_points(c.key, name)
        _check_in_g2(engine, g2_spx, f"contribution ({chain.label(c)}): {name} g2_spx")
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
    secrets_ = [fr_from_rng(rng) for _ in _PTAU_KEYS]
    for personalization, (name, secret) in enumerate(zip(_PTAU_KEYS, secrets_, strict=True)):
        g1_s = g1_from_rng(rng)
        g1_sx = engine.mul_g1(g1_s, secret)
        g2_spx = engine.mul_g2(ptau_g2_sp(personalization, challenge, g1_s, g1_sx), secret)
        if (g1_s, g1_sx, g2_spx) != ptau_key_points(c.key, name):
            raise _ptau_fail(c, f"the {name} key is not the one its beacon hash derives")


def _first_points(
    ptau: PtauFile,
) -> tuple[list[G1Affine], list[G2Affine], G1Affine, G1Affine, G2Affine]:
    return (
        ptau.read_tau_g1(0, 2),
        ptau.read_tau_g2(0, 2),
        ptau.read_alpha_tau_g1(0, 1)[0],
        ptau.read_beta_tau_g1(0, 1)[0],
        ptau.read_beta_g2(),
    )


def check_ptau_first_points(
    engine: Engine, before: PtauFile, after: PtauFile, c: PtauContribution, g2_sps: list[G2Affine]
) -> None:
    """τ, α and β moved by the proven secrets, and the new file's first points are the record's."""
    tau_g1, tau_g2, alpha_g1, beta_g1, beta_g2 = _first_points(before)
    tau_sp, alpha_sp, beta_sp = g2_sps
    tau, alpha, beta = (ptau_key_points(c.key, name) for name in _PTAU_KEYS)
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
    if _first_points(after) != recorded:
        raise VerificationError(f"{after.path.name}: its first points are not the contribution's")


def _read_points(ptau: PtauFile, section_id: int, start: int, count: int) -> list[Any]:
    reader = read_g2_range if section_id in (SECTION_TAU_G2, SECTION_BETA_G2) else read_g1_range
    return reader(ptau.container, section_id, start, count)


def _point_count(ptau: PtauFile, section_id: int) -> int:
    size = G2_SIZE if section_id in (SECTION_TAU_G2, SECTION_BETA_G2) else G1_SIZE
    return ptau.container.section(section_id).size // size


def _overlapping_chunks(ptau: PtauFile, section_id: int) -> Iterator[tuple[int, int]]:
    """(start, count) of chunks that share one point, so P_i and P_(i+1) meet in one of them."""
    total = _point_count(ptau, section_id)
    for start in range(0, total - 1, CHUNK_POINTS):
        yield start, min(CHUNK_POINTS + 1, total - start)


def _shifted_sums_g1(engine: Engine, ptau: PtauFile, section_id: int) -> tuple[G1Affine, G1Affine]:
    """(Σ r_i·P_i, Σ r_i·P_(i+1)) over a G1 section, random r_i."""
    low = high = G1_IDENTITY
    for start, count in _overlapping_chunks(ptau, section_id):
        points = read_g1_range(ptau.container, section_id, start, count)
        scalars = [secrets.randbits(RANDOM_BITS) for _ in points[1:]]
        low = engine.add_g1(low, engine.msm_g1(points[:-1], scalars))
        high = engine.add_g1(high, engine.msm_g1(points[1:], scalars))
    return low, high


def _shifted_sums_g2(engine: Engine, ptau: PtauFile) -> tuple[G2Affine, G2Affine]:
    """(Σ r_i·Q_i, Σ r_i·Q_(i+1)) over tau_g2, each point checked to be in the subgroup."""
    low = high = G2_IDENTITY
    for start, count in _overlapping_chunks(ptau, SECTION_TAU_G2):
        points = read_g2_range(ptau.container, SECTION_TAU_G2, start, count)
        for point in points:
            _check_in_g2(engine, point, f"{ptau.path.name}: a tau_g2 point")
        scalars = [secrets.randbits(RANDOM_BITS) for _ in points[1:]]
        low = engine.add_g2(low, engine.msm_g2(points[:-1], scalars))
        high = engine.add_g2(high, engine.msm_g2(points[1:], scalars))
    return low, high


def check_ptau_powers(engine: Engine, ptau: PtauFile) -> None:
    """Each point section holds successive powers of the same τ (random linear combinations)."""
    tau_g2 = ptau.read_tau_g2(1, 1)[0]
    tau_g1 = ptau.read_tau_g1(1, 1)[0]
    for section_id, what in zip(
        _PTAU_G1_SECTIONS, ("tau_g1", "alpha_tau_g1", "beta_tau_g1"), strict=True
    ):
        low, high = _shifted_sums_g1(engine, ptau, section_id)
        if not engine.pairing_check([(low, tau_g2), (engine.neg_g1(high), G2_GENERATOR)]):
            raise VerificationError(f"{ptau.path.name}: {what} is not a sequence of powers of tau")
    low_g2, high_g2 = _shifted_sums_g2(engine, ptau)
    if not engine.pairing_check([(G1_GENERATOR, high_g2), (engine.neg_g1(tau_g1), low_g2)]):
        raise VerificationError(f"{ptau.path.name}: tau_g2 is not a sequence of powers of tau")


def _hash_points(hasher: Any, ptau: PtauFile, compressed: bool) -> None:
    for section_id in (*_PTAU_POINT_SECTIONS, SECTION_BETA_G2):
        g2 = section_id in (SECTION_TAU_G2, SECTION_BETA_G2)
        if compressed:
            encode: Callable[[Any], bytes] = compressed_g2 if g2 else compressed_g1
        else:
            encode = encode_g2_uncompressed if g2 else encode_g1_uncompressed
        total = _point_count(ptau, section_id)
        for start in range(0, total, CHUNK_POINTS):
            points = _read_points(ptau, section_id, start, min(CHUNK_POINTS, total - start))
            hasher.update(b"".join(map(encode, points)))


def next_challenge(ptau: PtauFile, challenge: bytes, key: PtauPublicKey) -> bytes:
    """H(response ‖ points uncompressed), response = H(challenge ‖ points compressed ‖ key)."""
    response = hashlib.blake2b(challenge, digest_size=64)
    _hash_points(response, ptau, compressed=True)
    response.update(ptau_public_key_bytes(key))
    following = hashlib.blake2b(response.digest(), digest_size=64)
    _hash_points(following, ptau, compressed=False)
    return following.digest()


def verify_ptau_step(previous: Path, current: Path, engine: Engine | None = None) -> None:
    """`current` adds exactly one valid contribution to the accepted ptau `previous`."""
    engine = engine or get_engine(engine_name(None))
    c = chain.check_ptau_extends(previous, current)
    before, after = open_ptau(previous), open_ptau(current)
    challenge = phase1.current_challenge(before)
    g2_sps = check_ptau_key(engine, c, challenge)
    check_ptau_first_points(engine, before, after, c, g2_sps)
    check_ptau_powers(engine, after)
    # snarkjs checks the next challenge only for full-size files: a truncated one hashes less.
    full_size = after.header.power == after.header.ceremony_power
    if full_size and next_challenge(after, challenge, c.key) != c.next_challenge:
        raise _ptau_fail(c, "next challenge hash does not match the file's points")
