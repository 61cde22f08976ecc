"""Native phase-1 verification on the committed snarkjs-made ptau chain, and on hostile copies."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

from tests.unit.ceremony.helpers import section, tampered
from tests.unit.formats.helpers import vector
from tests.unit.native.helpers import twist_point
from toolchain.ceremony import verify_phase1 as nv
from toolchain.config import engine_name
from toolchain.errors import VerificationError
from toolchain.formats.curve_codec import encode_g1, encode_g2, read_g1_range
from toolchain.formats.ptau import SECTION_TAU_G2, open_ptau
from toolchain.formats.ptau_points import KEY_NAMES, key_points, point_count
from toolchain.native.curve import G1_GENERATOR, G2_GENERATOR
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine

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
    ptau_refused(
        engine,
        key,
        rf"^contribution \({c.params.name}\): next challenge hash does not match the file's"
        " points$",
    )


def test_ptau_beacon_key_not_from_its_hash(engine: Engine, tmp_path: Path) -> None:
    c = open_ptau(PTAU[3]).read_contributions()[-1]
    assert c.params.beacon_hash is not None
    other = hashlib.sha256(b"other").digest()
    key = patched_ptau(PTAU[3], tmp_path / "bad.ptau", 7, c.params.beacon_hash, other)
    ptau_refused(engine, key, "the tau key is not the one its beacon hash derives", PTAU[2])


def test_ptau_tau_g2_point_outside_the_subgroup(engine: Engine, tmp_path: Path) -> None:
    # The last tau_g2 point: not a first point, so only the per-point subgroup check sees it.
    data = section(PTAU[2], SECTION_TAU_G2)
    key = tampered(
        PTAU[2],
        tmp_path / "bad.ptau",
        **{f"section_{SECTION_TAU_G2}": data[:-128] + encode_g2(twist_point(1))},
    )
    ptau_refused(engine, key, r"^bad\.ptau: a tau_g2 point is not in the G2 subgroup$")


@pytest.mark.parametrize("name", KEY_NAMES)
def test_ptau_contribution_key_outside_the_subgroup(
    engine: Engine, tmp_path: Path, name: str
) -> None:
    c = open_ptau(PTAU[2]).read_contributions()[-1]
    g2_spx = key_points(c.key, name)[2]
    key = patched_ptau(
        PTAU[2], tmp_path / "bad.ptau", 7, encode_g2(g2_spx), encode_g2(twist_point(1))
    )
    ptau_refused(
        engine, key, rf"^contribution \({c.params.name}\): {name} g2_spx is not in the G2 subgroup$"
    )


def test_ptau_of_another_power_is_refused(engine: Engine) -> None:
    before, after = open_ptau(PTAU[1]), open_ptau(PTAU[2])
    smaller = dataclasses.replace(after, header=dataclasses.replace(after.header, power=3))
    with pytest.raises(
        VerificationError,
        match=rf"^{re.escape(str(PTAU[2]))}: power 3, the accepted file"
        rf" {re.escape(str(PTAU[1]))} has power 4$",
    ):
        nv.check_ptau_step(before, smaller, engine)


def test_ptau_beacon_exponent_beyond_snarkjs_limit(engine: Engine, tmp_path: Path) -> None:
    c = open_ptau(PTAU[3]).read_contributions()[-1]
    assert c.params.beacon_hash is not None and c.params.num_iterations_exp is not None
    trailer = bytes([3, len(c.params.beacon_hash)]) + c.params.beacon_hash
    old = bytes([2, c.params.num_iterations_exp]) + trailer
    key = patched_ptau(PTAU[3], tmp_path / "bad.ptau", 7, old, bytes([2, 200]) + trailer)
    ptau_refused(
        engine,
        key,
        rf"^contribution \({c.params.name}\): beacon iteration exponent 200 is outside 0\.\.63$",
        PTAU[2],
    )


def scaled_points(path: Path, out: Path, section_id: int, first: int, factor: int) -> Path:
    """A copy with the G1 points of a section from index `first` on multiplied by `factor`."""
    engine = get_engine(engine_name(None))
    ptau = open_ptau(path)
    points = read_g1_range(ptau.container, section_id, 0, point_count(ptau, section_id))
    points[first:] = [engine.mul_g1(p, factor) for p in points[first:]]
    payload = b"".join(encode_g1(p) for p in points)
    return tampered(path, out, **{f"section_{section_id}": payload})


@pytest.mark.parametrize(
    ("what", "section_id", "index"),
    [("tau_g1", 2, 1), ("tau_g2", 3, 1), ("alpha_g1", 4, 0), ("beta_g1", 5, 0)],
)
def test_ptau_each_first_point_moved_by_another_secret(
    engine: Engine, tmp_path: Path, what: str, section_id: int, index: int
) -> None:
    # The record and the file's point replaced together: only the ratio check can tell.
    c = open_ptau(PTAU[2]).read_contributions()[-1]
    recorded = getattr(c, what)
    if section_id == SECTION_TAU_G2:
        old, new = encode_g2(recorded), encode_g2(engine.mul_g2(recorded, 2))
    else:
        old, new = encode_g1(recorded), encode_g1(engine.mul_g1(recorded, 2))
    key = patched_ptau(PTAU[2], tmp_path / "1.ptau", 7, old, new)
    data = section(key, section_id)
    at = index * len(new)
    payload = data[:at] + new + data[at + len(new) :]
    key = tampered(key, tmp_path / "2.ptau", **{f"section_{section_id}": payload})
    ptau_refused(
        engine,
        key,
        rf"^contribution \({c.params.name}\): {what} is not the previous file's times the proven"
        " secret$",
    )


def test_ptau_first_point_not_the_recorded_one(engine: Engine, tmp_path: Path) -> None:
    c = open_ptau(PTAU[2]).read_contributions()[-1]
    data = section(PTAU[2], 2)
    moved = encode_g1(engine.mul_g1(c.tau_g1, 2))
    key = tampered(PTAU[2], tmp_path / "bad.ptau", section_2=data[:64] + moved + data[128:])
    ptau_refused(engine, key, r"^bad\.ptau: its first points are not the contribution's$")


@pytest.mark.parametrize(("section_id", "what"), [(4, "alpha_tau_g1"), (5, "beta_tau_g1")])
def test_ptau_powers_scaled_after_the_first_point(
    engine: Engine, tmp_path: Path, section_id: int, what: str
) -> None:
    # Every point but the first times 2: successive ratios hold except between P0 and P1.
    key = scaled_points(PTAU[2], tmp_path / "bad.ptau", section_id, 1, 2)
    ptau_refused(engine, key, rf"^bad\.ptau: {what} is not a sequence of powers of tau$")


@pytest.mark.parametrize(("section_id", "what"), [(2, "tau_g1"), (3, "tau_g2")])
@pytest.mark.parametrize("index", [3, 4, 5, -1])
@pytest.mark.parametrize("chunk", [4, 7])
def test_ptau_points_across_chunks(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    section_id: int,
    what: str,
    index: int,
    chunk: int,
) -> None:
    # Chunks sharing one point: the vectors' sections (31 and 16 points) span several, and with
    # 7 the last one of tau_g2 holds only the last pair.
    monkeypatch.setattr(nv, "CHUNK_POINTS", chunk)
    nv.verify_ptau_step(PTAU[1], PTAU[2], engine)
    data = section(PTAU[2], section_id)
    size = 128 if section_id == SECTION_TAU_G2 else 64
    count = len(data) // size
    at = (index % count) * size
    new = encode_g2(G2_GENERATOR) if section_id == SECTION_TAU_G2 else encode_g1(G1_GENERATOR)
    payload = data[:at] + new + data[at + size :]
    key = tampered(PTAU[2], tmp_path / "bad.ptau", **{f"section_{section_id}": payload})
    ptau_refused(engine, key, rf"^bad\.ptau: {what} is not a sequence of powers of tau$")


def test_ptau_rollback_names_the_candidate(engine: Engine) -> None:
    ptau_refused(
        engine,
        PTAU[1],
        rf"^{re.escape(str(PTAU[1]))}: 1 contributions, the accepted file has 2: contributions were"
        r" dropped \(a rollback\)$",
        PTAU[2],
    )


def test_default_engine_verifies_a_step() -> None:
    nv.verify_ptau_step(PTAU[2], PTAU[3])
