"""Native phase-2 verification on the committed snarkjs-made chain, and on hostile copies of it.

Forged contributions are built as snarkjs builds them (tests/unit/ceremony/helpers.py), so each
hostile key fails exactly the check it targets.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.unit.ceremony.helpers import (
    BETA_G2_AT,
    DELTA_G1_AT,
    DELTA_G2_AT,
    FINAL,
    FIRST,
    GAMMA_G2_AT,
    INITIAL,
    N_PUBLIC_AT,
    SECOND,
    extend,
    mpc_of,
    patch_g2_header,
    patch_header,
    patch_point,
    section,
    tampered,
    with_mpc,
)
from tests.unit.formats.helpers import log_hashes, vector
from tests.unit.native.helpers import twist_point
from toolchain.ceremony import verify_phase2 as nv
from toolchain.errors import VerificationError
from toolchain.formats.curve_codec import ContributionParams, encode_g1, encode_g2
from toolchain.formats.zkey import (
    SECTION_A,
    SECTION_B1,
    SECTION_B2,
    SECTION_C,
    SECTION_COEFFICIENTS,
    SECTION_H,
    SECTION_HEADER,
    SECTION_IC,
    MpcParams,
    open_zkey,
)
from toolchain.native.curve import G1_GENERATOR, G2_GENERATOR
from toolchain.native.engine import Engine

# --- snarkjs's transcript hashing ------------------------------------------------------------


def test_contribution_hashes_match_snarkjs_log() -> None:
    log = vector("multiplier", "multiplier_final.verify.log").read_text()
    logged = log_hashes(log, "contribution #")
    assert [nv.contribution_hash(c) for c in mpc_of(FINAL).contributions] == logged[::-1]


def test_transcripts_are_recomputed_as_snarkjs_wrote_them() -> None:
    mpc = mpc_of(FINAL)
    assert nv.expected_transcripts(mpc) == [c.transcript for c in mpc.contributions]


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
    refused(
        INITIAL,
        key,
        r"^contribution 3 \(Final phase2 beacon\): beacon iteration exponent 200 is outside"
        r" 0\.\.63$",
    )


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


# --- header fields and single points ---------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "what"),
    [(BETA_G2_AT, "beta_g2"), (GAMMA_G2_AT, "gamma_g2")],
)
def test_header_g2_fields_must_be_the_base_s(
    engine: Engine, refused: Refused, tmp_path: Path, at: int, what: str
) -> None:
    # 2·point: still in G2, so only the comparison with the base key can tell.
    point = getattr(open_zkey(FINAL).header, what)
    key = patch_g2_header(FINAL, tmp_path / "bad.zkey", at, engine.mul_g2(point, 2))
    refused(INITIAL, key, rf"^bad\.zkey: header {what} differs from the base$")


def test_header_public_count_must_be_the_base_s(refused: Refused, tmp_path: Path) -> None:
    # One public signal made private: IC loses its last point, L gains one (sizes stay valid).
    assert open_zkey(FINAL).header.n_public == 1
    resized = tampered(
        FINAL,
        tmp_path / "resized.zkey",
        **{
            f"section_{SECTION_IC}": section(FINAL, SECTION_IC)[:-64],
            f"section_{SECTION_C}": section(FINAL, SECTION_C) + encode_g1(G1_GENERATOR),
        },
    )
    key = patch_header(resized, tmp_path / "bad.zkey", N_PUBLIC_AT, struct.pack("<I", 0))
    refused(INITIAL, key, r"^bad\.zkey: header n_public differs from the base$")


def test_header_delta_g2_outside_the_subgroup(refused: Refused, tmp_path: Path) -> None:
    key = patch_g2_header(FINAL, tmp_path / "bad.zkey", DELTA_G2_AT, twist_point(1))
    refused(INITIAL, key, r"^bad\.zkey: header delta_g2 is not in the G2 subgroup$")


def test_contribution_key_outside_the_subgroup(refused: Refused, tmp_path: Path) -> None:
    # The last contribution's g2_spx enters no transcript: only the subgroup check sees it.
    mpc = mpc_of(SECOND)
    outsider = dataclasses.replace(mpc.contributions[1], g2_spx=twist_point(1))
    key = with_mpc(
        SECOND, tmp_path / "bad.zkey", MpcParams(mpc.cs_hash, [mpc.contributions[0], outsider])
    )
    refused(
        FIRST,
        key,
        r"^contribution 2 \(Second phase2 contribution\): g2_spx is not in the G2 subgroup$",
    )


@pytest.mark.parametrize(("section_id", "what"), [(SECTION_C, "L"), (SECTION_H, "H")])
def test_two_points_moved_in_opposite_directions(
    engine: Engine, refused: Refused, tmp_path: Path, section_id: int, what: str
) -> None:
    # +G on one point and -G on another leave the plain sum unchanged: only random
    # coefficients in the combination catch it.
    first, second = open_zkey(FINAL).read_g1_section(section_id, 0, 2)
    key = patch_point(FINAL, tmp_path / "1.zkey", section_id, 0, engine.add_g1(first, G1_GENERATOR))
    minus_g = engine.neg_g1(G1_GENERATOR)
    key = patch_point(key, tmp_path / "bad.zkey", section_id, 1, engine.add_g1(second, minus_g))
    refused(
        INITIAL,
        key,
        rf"^bad\.zkey: {what} section \({section_id}\) is not the base key's scaled by the delta"
        " ratio$",
    )


def test_step_refusals_name_the_candidate(refused: Refused) -> None:
    refused(
        FIRST,
        FINAL,
        rf"^{re.escape(str(FINAL))}: 2 contributions at once \(Second phase2 contribution, Final"
        r" phase2 beacon\): accept them one at a time, each checked against the file before it$",
        True,
    )
    with pytest.raises(
        VerificationError,
        match=r"^multiplier_0002\.zkey: not an initial key: it has contributions$",
    ):
        nv.verify_zkey_chain(SECOND, FINAL)


@pytest.mark.parametrize(
    ("section_id", "what"),
    [
        (SECTION_COEFFICIENTS, "coefficients"),
        (SECTION_A, "A"),
        (SECTION_B1, "B1"),
        (SECTION_IC, "IC"),
    ],
)
def test_first_byte_of_a_fixed_section_changed(
    refused: Refused, tmp_path: Path, section_id: int, what: str
) -> None:
    data = bytearray(section(FINAL, section_id))
    # A point's first byte, the first coefficient's value (the count is checked on opening).
    data[16 if section_id == SECTION_COEFFICIENTS else 0] ^= 1
    key = tampered(FINAL, tmp_path / "bad.zkey", **{f"section_{section_id}": bytes(data)})
    refused(INITIAL, key, rf"^bad\.zkey: {what} section \({section_id}\) differs from the base")


def test_one_coefficient_more_is_caught(refused: Refused, tmp_path: Path) -> None:
    # Section 4's size follows from no header field: only the size comparison sees this.
    data = section(FINAL, SECTION_COEFFICIENTS)
    count = struct.unpack_from("<I", data)[0]
    entry = (len(data) - 4) // count
    more = struct.pack("<I", count + 1) + data[4:] + data[-entry:]
    key = tampered(FINAL, tmp_path / "bad.zkey", **{f"section_{SECTION_COEFFICIENTS}": more})
    refused(INITIAL, key, r"^bad\.zkey: coefficients section \(4\) differs from the base key$")


@pytest.mark.parametrize(
    ("section_id", "what", "index"),
    [(SECTION_C, "L", 0), (SECTION_C, "L", 1), (SECTION_H, "H", 0), (SECTION_H, "H", 3)],
    ids=["L0", "L1", "H0", "H3"],
)
def test_points_across_chunks(
    engine: Engine,
    refused: Refused,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    section_id: int,
    what: str,
    index: int,
) -> None:
    # Chunks of 3 points and 64-byte reads: H (4 points) spans two chunks, the last one short.
    monkeypatch.setattr(nv, "CHUNK_POINTS", 3)
    monkeypatch.setattr(nv, "_COMPARE_BYTES", 64)
    nv.verify_zkey_against(INITIAL, FINAL, engine)
    point = open_zkey(FINAL).read_g1_section(section_id, index, 1)[0]
    moved = engine.add_g1(point, G1_GENERATOR)
    key = patch_point(FINAL, tmp_path / "bad.zkey", section_id, index, moved)
    refused(
        INITIAL,
        key,
        rf"^bad\.zkey: {what} section \({section_id}\) is not the base key's scaled by the delta"
        " ratio$",
    )


def test_last_bytes_of_a_fixed_section_across_reads(
    refused: Refused, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nv, "_COMPARE_BYTES", 64)
    data = bytearray(section(FINAL, SECTION_B2))
    data[-1] ^= 1
    key = tampered(FINAL, tmp_path / "bad.zkey", **{f"section_{SECTION_B2}": bytes(data)})
    refused(INITIAL, key, r"^bad\.zkey: B2 section \(7\) differs from the base key$")


def test_key_of_another_circuit_names_the_candidate(refused: Refused) -> None:
    poly = vector("poly", "poly_0000.zkey")
    another = (
        r": circuit hash [0-9a-f]{16}… differs from the accepted key's [0-9a-f]{16}…: a key for"
        " another circuit or initial setup$"
    )
    refused(poly, FIRST, rf"^{re.escape(str(FIRST))}{another}", True)
    refused(poly, FINAL, rf"^multiplier_final\.zkey{another}")


def test_default_engine_verifies_a_step() -> None:
    nv.verify_zkey_step(SECOND, FINAL)
