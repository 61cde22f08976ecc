"""Native phase-2 verification on the committed snarkjs-made chain, and on hostile copies of it.

Forged contributions are built here the way snarkjs builds them (transcript, hashToG2, secret
times both bases), so each hostile key fails exactly the check it targets.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.unit.formats.helpers import (
    log_hashes,
    rebuild,
    replace_section,
    split_sections,
    vector,
)
from toolchain.ceremony import native_verify as nv
from toolchain.config import engine_name
from toolchain.errors import VerificationError
from toolchain.formats.curve_codec import ContributionParams, encode_g1, encode_g2
from toolchain.formats.ptau import open_ptau
from toolchain.formats.zkey import (
    SECTION_B2,
    SECTION_C,
    SECTION_CONTRIBUTIONS,
    SECTION_H,
    SECTION_HEADER,
    SECTION_IC,
    MpcParams,
    ZkeyContribution,
    open_zkey,
)
from toolchain.native.curve import G1_GENERATOR, G2_GENERATOR, G1Affine
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.field import R

INITIAL = vector("multiplier", "multiplier_0000.zkey")
FIRST = vector("multiplier", "multiplier_0001.zkey")
SECOND = vector("multiplier", "multiplier_0002.zkey")
FINAL = vector("multiplier", "multiplier_final.zkey")
# Offsets of delta_g1 and delta_g2 in the header payload (see formats/zkey.py).
DELTA_G1_AT = 4 + 32 + 4 + 32 + 12 + 64 + 64 + 128 + 128
DELTA_G2_AT = DELTA_G1_AT + 64


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The fastest engine here, for the many hostile keys."""
    return get_engine(engine_name(None))


def encode_params(params: ContributionParams) -> bytes:
    """A contribution trailer as snarkjs writes it (the inverse of parse_contribution_params)."""
    block = b""
    if params.name is not None:
        name = params.name.encode()
        block += bytes([1, len(name)]) + name
    if params.num_iterations_exp is not None and params.beacon_hash is not None:
        block += bytes([2, params.num_iterations_exp])
        block += bytes([3, len(params.beacon_hash)]) + params.beacon_hash
    return struct.pack("<II", params.type, len(block)) + block


def encode_mpc(mpc: MpcParams) -> bytes:
    """A section-10 payload (the inverse of parse_mpc_params)."""
    out = mpc.cs_hash + struct.pack("<I", len(mpc.contributions))
    for c in mpc.contributions:
        out += encode_g1(c.delta_after_g1) + encode_g1(c.g1_s) + encode_g1(c.g1_sx)
        out += encode_g2(c.g2_spx) + c.transcript + encode_params(c.params)
    return out


def mpc_of(path: Path) -> MpcParams:
    return open_zkey(path).read_mpc_params()


def tampered(path: Path, out: Path, **payloads: bytes) -> Path:
    """A copy of a key with whole sections replaced, given as section_<id>=payload."""
    magic, version, sections = split_sections(path)
    for key, payload in payloads.items():
        sections = replace_section(sections, int(key.removeprefix("section_")), payload)
    return rebuild(out, magic, version, sections)


def section(path: Path, section_id: int) -> bytes:
    return dict(split_sections(path)[2])[section_id]


def with_mpc(path: Path, out: Path, mpc: MpcParams) -> Path:
    return tampered(path, out, **{f"section_{SECTION_CONTRIBUTIONS}": encode_mpc(mpc)})


def patch_point(path: Path, out: Path, section_id: int, index: int, point: G1Affine) -> Path:
    """A copy with one G1 point of a point section replaced."""
    data = bytearray(section(path, section_id))
    data[index * 64 : (index + 1) * 64] = encode_g1(point)
    return tampered(path, out, **{f"section_{section_id}": bytes(data)})


def forged_contribution(
    engine: Engine, mpc: MpcParams, delta_before: G1Affine, secret: int, pok_secret: int
) -> ZkeyContribution:
    """A contribution made as snarkjs makes one; `pok_secret` != `secret` breaks its proof."""
    g1_s = engine.mul_g1(G1_GENERATOR, 1234567)
    g1_sx = engine.mul_g1(g1_s, secret)
    base = MpcParams(mpc.cs_hash, [*mpc.contributions, _placeholder(g1_s, g1_sx)])
    transcript = nv.expected_transcripts(base)[-1]
    g2_spx = engine.mul_g2(nv.hash_to_g2(transcript), pok_secret)
    return ZkeyContribution(
        delta_after_g1=engine.mul_g1(delta_before, secret),
        g1_s=g1_s,
        g1_sx=g1_sx,
        g2_spx=g2_spx,
        transcript=transcript,
        params=ContributionParams(0, "mallory", None, None),
    )


def _placeholder(g1_s: G1Affine, g1_sx: G1Affine) -> ZkeyContribution:
    # Only g1_s and g1_sx enter a contribution's own transcript.
    return ZkeyContribution(
        g1_s, g1_s, g1_sx, G2_GENERATOR, b"", ContributionParams(0, None, None, None)
    )


def extend(
    engine: Engine, path: Path, out: Path, *, rescale: bool, pok_secret: int | None = None
) -> Path:
    """`path` plus one forged contribution with secret k; L and H divided by k when `rescale`."""
    k = 987654321
    mpc, header = mpc_of(path), open_zkey(path).header
    c = forged_contribution(
        engine, mpc, header.delta_g1, k, k if pok_secret is None else pok_secret
    )
    head = bytearray(section(path, SECTION_HEADER))
    head[DELTA_G1_AT:DELTA_G2_AT] = encode_g1(c.delta_after_g1)
    head[DELTA_G2_AT : DELTA_G2_AT + 128] = encode_g2(engine.mul_g2(header.delta_g2, k))
    payloads = {
        f"section_{SECTION_HEADER}": bytes(head),
        f"section_{SECTION_CONTRIBUTIONS}": encode_mpc(
            MpcParams(mpc.cs_hash, [*mpc.contributions, c])
        ),
    }
    if rescale:
        k_inv = pow(k, -1, R)
        for sid in (SECTION_C, SECTION_H):
            points = open_zkey(path).read_g1_section(sid)
            payloads[f"section_{sid}"] = b"".join(
                encode_g1(engine.mul_g1(p, k_inv)) for p in points
            )
    return tampered(path, out, **payloads)


# --- snarkjs's hashing and random stream --------------------------------------------------------


def test_contribution_hashes_match_snarkjs_log() -> None:
    log = vector("multiplier", "multiplier_final.verify.log").read_text()
    logged = log_hashes(log, "contribution #")
    assert [nv.contribution_hash(c) for c in mpc_of(FINAL).contributions] == logged[::-1]


def test_transcripts_are_recomputed_as_snarkjs_wrote_them() -> None:
    mpc = mpc_of(FINAL)
    assert nv.expected_transcripts(mpc) == [c.transcript for c in mpc.contributions]


def test_hash_to_curve_matches_ffjavascript() -> None:
    # Printed by ffjavascript 0.3.1 (G1.fromRng, G2.fromRng) for the seed 00 01 … 1f.
    seed = struct.unpack(">8I", bytes(range(32)))
    assert nv.g1_from_rng(nv.ChaCha(seed)) == (
        15480443861575693460683885405833999077459819114556897722236832620851334310557,
        18580161866790971735523317729831174747820352204833830032669297381118852400352,
    )
    assert nv.hash_to_g2(bytes(range(32))) == (
        (
            4331880802040179507408134841181032487087173600464364024802210002059667950604,
            4271516305872202364858900391755946161657037246250020514439168976697447665804,
        ),
        (
            14194165528950986229237743759035044030322996258565805903348263410557850081640,
            3572495062036222432809855904167672718120072387698078762897023322348755581936,
        ),
    )


def test_chacha_first_words_match_ffjavascript() -> None:
    rng = nv.ChaCha(struct.unpack(">8I", bytes(range(32))))
    assert [rng.next_u32(), rng.next_u32()] == [1816182965, 134578817]


def test_same_ratio_refuses_identity_points(engine: Engine) -> None:
    zero = (0, 0)
    assert nv.same_ratio(engine, G1_GENERATOR, G1_GENERATOR, G2_GENERATOR, G2_GENERATOR)
    assert not nv.same_ratio(engine, zero, zero, G2_GENERATOR, G2_GENERATOR)


# --- valid keys -----------------------------------------------------------------------------


def test_snarkjs_chain_passes_on_every_engine(each_engine: Engine) -> None:
    nv.verify_zkey_chain(INITIAL, FINAL, each_engine)


@pytest.mark.parametrize(("before", "after"), [(INITIAL, FIRST), (FIRST, SECOND), (SECOND, FINAL)])
def test_each_snarkjs_step_passes(engine: Engine, before: Path, after: Path) -> None:
    nv.verify_zkey_step(before, after, engine)


def test_a_correct_native_contribution_passes(engine: Engine, tmp_path: Path) -> None:
    nv.verify_zkey_step(FINAL, extend(engine, FINAL, tmp_path / "next.zkey", rescale=True), engine)


# --- hostile keys -------------------------------------------------------------------------------

Refused = Callable[..., None]


@pytest.fixture
def refused(engine: Engine) -> Refused:
    """Assert that verifying (base, key) fails with a message matching `reason`."""

    def check(base: Path, key: Path, reason: str, step: bool = False) -> None:
        verify = nv.verify_zkey_step if step else nv.verify_zkey_against
        with pytest.raises(VerificationError, match=reason):
            verify(base, key, engine)

    return check


def test_delta_changed_without_rescaling_l_and_h(
    engine: Engine, refused: Refused, tmp_path: Path
) -> None:
    key = extend(engine, FINAL, tmp_path / "next.zkey", rescale=False)
    refused(FINAL, key, r"L section \(8\) is not the base key's scaled by the delta ratio", True)


@pytest.mark.parametrize(("section_id", "what"), [(SECTION_C, "L"), (SECTION_H, "H")])
def test_one_changed_point_is_caught(
    engine: Engine, refused: Refused, tmp_path: Path, section_id: int, what: str
) -> None:
    point = open_zkey(FINAL).read_g1_section(section_id, 1, 1)[0]
    key = patch_point(
        FINAL, tmp_path / "bad.zkey", section_id, 1, engine.add_g1(point, G1_GENERATOR)
    )
    refused(INITIAL, key, rf"{what} section \({section_id}\) is not the base key's scaled")


def test_public_key_not_matching_its_transcript(refused: Refused, tmp_path: Path) -> None:
    mpc = mpc_of(SECOND)
    second = dataclasses.replace(mpc.contributions[1], g1_sx=G1_GENERATOR)
    key = with_mpc(
        SECOND, tmp_path / "bad.zkey", MpcParams(mpc.cs_hash, [mpc.contributions[0], second])
    )
    refused(
        FIRST, key, r"contribution 2 \(Second phase2 contribution\): transcript does not follow"
    )


def test_proof_of_knowledge_for_another_secret(
    engine: Engine, refused: Refused, tmp_path: Path
) -> None:
    key = extend(engine, FINAL, tmp_path / "next.zkey", rescale=True, pok_secret=5)
    refused(FINAL, key, r"contribution 4 \(mallory\): proof of knowledge fails", True)


def test_delta_not_moved_by_the_proven_secret(refused: Refused, tmp_path: Path) -> None:
    mpc = mpc_of(FINAL)
    moved = dataclasses.replace(mpc.contributions[0], delta_after_g1=G1_GENERATOR)
    key = with_mpc(
        FINAL, tmp_path / "bad.zkey", MpcParams(mpc.cs_hash, [moved, *mpc.contributions[1:]])
    )
    # delta_after is hashed into the later transcripts, so only the first contribution's delta
    # check can report it.
    refused(INITIAL, key, r"contribution 1 \(First phase2 contribution\): delta_after is not")


def test_swapped_contributions(refused: Refused, tmp_path: Path) -> None:
    mpc = mpc_of(FINAL)
    first, second, beacon = mpc.contributions
    key = with_mpc(FINAL, tmp_path / "bad.zkey", MpcParams(mpc.cs_hash, [second, first, beacon]))
    refused(INITIAL, key, r"contribution 1 \(Second phase2 contribution\): transcript")


def test_beacon_key_not_from_its_hash(refused: Refused, tmp_path: Path) -> None:
    mpc = mpc_of(FINAL)
    beacon = mpc.contributions[2]
    other = dataclasses.replace(beacon.params, beacon_hash=hashlib.sha256(b"other").digest())
    changed = dataclasses.replace(beacon, params=other)
    key = with_mpc(
        FINAL, tmp_path / "bad.zkey", MpcParams(mpc.cs_hash, [*mpc.contributions[:2], changed])
    )
    refused(
        INITIAL, key, r"contribution 3 \(Final phase2 beacon\): the key is not the one its beacon"
    )


def test_beacon_exponent_beyond_snarkjs_limit(refused: Refused, tmp_path: Path) -> None:
    mpc = mpc_of(FINAL)
    beacon = mpc.contributions[2]
    changed = dataclasses.replace(
        beacon, params=dataclasses.replace(beacon.params, num_iterations_exp=200)
    )
    key = with_mpc(
        FINAL, tmp_path / "bad.zkey", MpcParams(mpc.cs_hash, [*mpc.contributions[:2], changed])
    )
    refused(INITIAL, key, "beacon iteration exponent 200 is outside 0..63")


def test_header_delta_g2_not_matching(engine: Engine, refused: Refused, tmp_path: Path) -> None:
    head = bytearray(section(FINAL, SECTION_HEADER))
    delta_g2 = open_zkey(FINAL).header.delta_g2
    head[DELTA_G2_AT : DELTA_G2_AT + 128] = encode_g2(engine.mul_g2(delta_g2, 2))
    key = tampered(FINAL, tmp_path / "bad.zkey", **{f"section_{SECTION_HEADER}": bytes(head)})
    refused(INITIAL, key, "header delta_g2 does not match delta_g1")


def test_header_delta_g1_not_the_chain_s(refused: Refused, tmp_path: Path) -> None:
    head = bytearray(section(FINAL, SECTION_HEADER))
    head[DELTA_G1_AT:DELTA_G2_AT] = encode_g1(G1_GENERATOR)
    key = tampered(FINAL, tmp_path / "bad.zkey", **{f"section_{SECTION_HEADER}": bytes(head)})
    refused(INITIAL, key, "header delta_g1 is not the last contribution's delta")


@pytest.mark.parametrize(("section_id", "what"), [(SECTION_IC, "IC"), (SECTION_B2, "B2")])
def test_fixed_sections_must_not_change(
    refused: Refused, tmp_path: Path, section_id: int, what: str
) -> None:
    data = section(FINAL, section_id)
    # The last point replaced by the generator: still valid points, a different key.
    if section_id == SECTION_IC:
        changed = data[:-64] + encode_g1(G1_GENERATOR)
    else:
        changed = data[:-128] + encode_g2(G2_GENERATOR)
    key = tampered(FINAL, tmp_path / "bad.zkey", **{f"section_{section_id}": changed})
    refused(INITIAL, key, rf"{what} section \({section_id}\) differs from the base key")


def test_base_with_another_history(refused: Refused, tmp_path: Path) -> None:
    mpc = mpc_of(FIRST)
    renamed = dataclasses.replace(
        mpc.contributions[0], params=ContributionParams(0, "eve", None, None)
    )
    base = with_mpc(FIRST, tmp_path / "base.zkey", MpcParams(mpc.cs_hash, [renamed]))
    refused(base, SECOND, "does not start with the base key's contributions")


def test_step_takes_exactly_one_contribution(refused: Refused) -> None:
    refused(FIRST, FINAL, "2 contributions at once", True)
    refused(SECOND, FIRST, "rollback", True)


def test_chain_needs_an_initial_key(engine: Engine) -> None:
    with pytest.raises(VerificationError, match="not an initial key"):
        nv.verify_zkey_chain(FIRST, FINAL, engine)


# --- phase 1 (.ptau) ----------------------------------------------------------------------------

PTAU = [vector("ptau", f"pot4_{step}.ptau") for step in ("0000", "0001", "0002", "beacon")]


def test_snarkjs_ptau_step_passes_on_every_engine(each_engine: Engine) -> None:
    nv.verify_ptau_step(PTAU[0], PTAU[1], each_engine)


@pytest.mark.parametrize("step", [1, 2, 3])
def test_each_snarkjs_ptau_step_passes(engine: Engine, step: int) -> None:
    nv.verify_ptau_step(PTAU[step - 1], PTAU[step], engine)


def patched_ptau(path: Path, out: Path, section_id: int, old: bytes, new: bytes) -> Path:
    """A copy with the last occurrence of `old` in one section replaced by `new`."""
    data = section(path, section_id)
    at = data.rindex(old)
    return tampered(path, out, **{f"section_{section_id}": data[:at] + new + data[at + len(old) :]})


def ptau_refused(engine: Engine, key: Path, reason: str, before: Path = PTAU[1]) -> None:
    with pytest.raises(VerificationError, match=reason):
        nv.verify_ptau_step(before, key, engine)


@pytest.mark.parametrize(
    ("section_id", "what", "new"),
    [
        (2, "tau_g1", encode_g1(G1_GENERATOR)),
        (4, "alpha_tau_g1", encode_g1(G1_GENERATOR)),
        (3, "tau_g2", encode_g2(G2_GENERATOR)),
    ],
)
def test_ptau_point_not_a_power_of_tau(
    engine: Engine, tmp_path: Path, section_id: int, what: str, new: bytes
) -> None:
    data = section(PTAU[2], section_id)
    key = tampered(
        PTAU[2], tmp_path / "bad.ptau", **{f"section_{section_id}": data[: -len(new)] + new}
    )
    ptau_refused(engine, key, f"{what} is not a sequence of powers of tau")


def test_ptau_proof_of_knowledge_broken(engine: Engine, tmp_path: Path) -> None:
    c = open_ptau(PTAU[2]).read_contributions()[-1]
    key = patched_ptau(
        PTAU[2], tmp_path / "bad.ptau", 7, encode_g1(c.key.alpha_g1_sx), encode_g1(G1_GENERATOR)
    )
    ptau_refused(engine, key, "alpha proof of knowledge fails")


def test_ptau_first_point_not_moved_by_the_secret(engine: Engine, tmp_path: Path) -> None:
    c = open_ptau(PTAU[2]).read_contributions()[-1]
    # The record and the file's own beta_g2 replaced together: only the ratio check can tell.
    forged = encode_g2(engine.mul_g2(c.beta_g2, 2))
    key = patched_ptau(PTAU[2], tmp_path / "1.ptau", 7, encode_g2(c.beta_g2), forged)
    key = tampered(key, tmp_path / "2.ptau", section_6=forged)
    ptau_refused(engine, key, "beta_g2 is not the previous file's times the proven secret")


def test_ptau_next_challenge_forged(engine: Engine, tmp_path: Path) -> None:
    c = open_ptau(PTAU[2]).read_contributions()[-1]
    key = patched_ptau(PTAU[2], tmp_path / "bad.ptau", 7, c.next_challenge, bytes(64))
    ptau_refused(engine, key, "next challenge hash does not match")


def test_ptau_beacon_key_not_from_its_hash(engine: Engine, tmp_path: Path) -> None:
    c = open_ptau(PTAU[3]).read_contributions()[-1]
    assert c.params.beacon_hash is not None
    other = hashlib.sha256(b"other").digest()
    key = patched_ptau(PTAU[3], tmp_path / "bad.ptau", 7, c.params.beacon_hash, other)
    ptau_refused(engine, key, "the tau key is not the one its beacon hash derives", PTAU[2])
