"""A .zkey's points read into mcl structs a piece at a time: the same points and the same proofs
as the format's tuples, the refusals of a hostile section (and of a key cut short after it was
read), and the identity found wherever zeros run."""

from __future__ import annotations

import hashlib
from functools import reduce
from pathlib import Path

import pytest

from tests.unit.native.helpers import POLY_PROOF_SHA256, InMemory
from toolchain.errors import InvalidValueError, TruncatedFileError
from toolchain.formats.binfile import FileSection
from toolchain.formats.curve_codec import G1_SIZE, G2_SIZE
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.native import engine_mcl, mcl_points
from toolchain.native.curve import G1_GENERATOR, G1_IDENTITY, G2_IDENTITY
from toolchain.native.engine_mcl import MclEngine, MclLayout, encode_g1
from toolchain.native.field import P
from toolchain.native.mcl_points import PointTable
from toolchain.native.prover import create_proof

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
WHERE = "k.zkey: section 5"


def _montgomery_g1(x: int, y: int) -> bytes:
    """A G1 point as a .zkey stores it (the identity all zero)."""
    return encode_g1((x, y))[: 2 * 32]


@pytest.fixture
def layout(mcl_engine: MclEngine) -> MclLayout:
    """The mcl engine's layout (its fixture fails without mcl under ZKT_REQUIRE_MCL)."""
    return MclLayout()


@pytest.mark.parametrize("name", ["multiplier", "poly"])
def test_every_query_decodes_to_the_formats_points(layout: MclLayout, name: str) -> None:
    path = VECTORS / name / f"{name}_final.zkey"
    tuples, tables = read_zkey(path), read_zkey(path, layout)
    for query in ("a_query", "b_g1_query", "b_g2_query", "l_query", "h_query"):
        table = getattr(tables, query)
        assert isinstance(table, PointTable)
        assert list(table) == getattr(tuples, query), query
    assert tables.coefficients == tuples.coefficients
    assert G2_IDENTITY in list(tables.b_g2_query)  # snarkjs writes unused B rows as zeros


@pytest.mark.parametrize("workers", [1, 2])
def test_a_proof_from_the_structs_is_bit_identical(layout: MclLayout, workers: int) -> None:
    d = VECTORS / "poly"
    key, witness = read_zkey(d / "poly_final.zkey", layout), read_wtns(d / "witness.wtns")
    proof = create_proof(key, witness, 5, 7, MclEngine(workers=workers))
    assert hashlib.sha256(repr(proof).encode()).hexdigest() == POLY_PROOF_SHA256


def test_a_proof_from_msms_in_capped_pieces_is_bit_identical(
    layout: MclLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pieces of 3 points: every MSM of the key is summed over several mulVec calls.
    monkeypatch.setattr(engine_mcl, "G1_MSM_MAX_POINTS", 3)
    monkeypatch.setattr(engine_mcl, "G2_MSM_MAX_POINTS", 3)
    d = VECTORS / "poly"
    key, witness = read_zkey(d / "poly_final.zkey", layout), read_wtns(d / "witness.wtns")
    assert len(key.b_g2_query) > 3
    engine = MclEngine(workers=1)
    proof = create_proof(key, witness, 5, 7, engine)
    assert hashlib.sha256(repr(proof).encode()).hexdigest() == POLY_PROOF_SHA256
    points = list(key.b_g2_query)  # the points as tuples: the same pieces, packed per piece
    assert engine.msm_g2(points, witness) == engine.msm_g2(key.b_g2_query, witness)


@pytest.mark.parametrize("query", ["b_g1_query", "b_g2_query", "h_query"])
def test_msm_parts_add_up_to_the_msm(
    layout: MclLayout, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    # Parts of at most 2 points, over a table (B1 and B2 without their identities) and a list.
    monkeypatch.setattr(engine_mcl, "G1_MSM_MAX_POINTS", 2)
    monkeypatch.setattr(engine_mcl, "G2_MSM_MAX_POINTS", 2)
    d = VECTORS / "poly"
    table = getattr(read_zkey(d / "poly_final.zkey", layout), query)
    scalars = read_wtns(d / "witness.wtns")[: len(table)]
    engine = MclEngine(workers=1)
    g2 = query == "b_g2_query"
    parts, msm, add = (
        (engine.msm_parts_g2, engine.msm_g2, engine.add_g2)
        if g2
        else (engine.msm_parts_g1, engine.msm_g1, engine.add_g1)
    )
    for points in (table, list(table)):
        made = parts(points, scalars)
        stored = table.stored if points is table else len(table)
        assert len(made) == -(-stored // 2) > 1
        assert reduce(add, (part() for part in made)) == msm(points, scalars)
    with pytest.raises(ValueError, match=r"^MSM needs one scalar per point"):
        parts(table, scalars[:-1])


def test_identities_are_found_after_a_run_of_zeros_across_points(layout: MclLayout) -> None:
    # Point 0 is (1, 0) in Montgomery bytes: 63 zero bytes follow its first, so the first run
    # of 64 zeros starts inside it; points 1 and 3 are the identity, point 2 the generator.
    odd = (1).to_bytes(32, "little") + bytes(32)
    raw = odd + bytes(G1_SIZE) + _montgomery_g1(*G1_GENERATOR) + bytes(G1_SIZE)
    table = layout.g1(InMemory(raw), WHERE)
    assert [table[1], table[3], table[2]] == [G1_IDENTITY, G1_IDENTITY, G1_GENERATOR]
    assert table[0] != G1_IDENTITY  # not on the curve, and kept: the proof check refuses it


def test_a_coordinate_not_below_p_is_refused_by_index(layout: MclLayout) -> None:
    good = _montgomery_g1(*G1_GENERATOR)
    at_p = good + good + good[:32] + P.to_bytes(32, "little")
    with pytest.raises(InvalidValueError) as caught:
        layout.g1(InMemory(at_p), WHERE)
    assert str(caught.value) == f"{WHERE}: point 2 has a coordinate >= p"
    g2_top = bytes(3 * 32) + (P + 1).to_bytes(32, "little")
    with pytest.raises(InvalidValueError, match=r"^k.zkey: section 5: point 0 has a coordinate"):
        layout.g2(InMemory(g2_top), WHERE)


def test_a_coordinate_with_p_s_top_limb_but_below_p_is_kept(layout: MclLayout) -> None:
    below = (P - 1).to_bytes(32, "little")
    assert len(layout.g1(InMemory(below + below), WHERE)) == 1


@pytest.mark.parametrize(("size", "kind"), [(G1_SIZE + 1, "G1"), (G2_SIZE - 8, "G2")])
def test_a_section_of_part_points_is_refused(layout: MclLayout, size: int, kind: str) -> None:
    read = layout.g1 if kind == "G1" else layout.g2
    with pytest.raises(InvalidValueError) as caught:
        read(InMemory(bytes(size)), WHERE)
    assert str(caught.value) == f"{WHERE}: {size} bytes is not a whole number of {kind} points"


def test_a_table_indexes_like_a_list(layout: MclLayout) -> None:
    table = layout.g1(InMemory(bytes(G1_SIZE) + _montgomery_g1(*G1_GENERATOR)), WHERE)
    assert (len(table), table[-1], table[0:2]) == (2, G1_GENERATOR, [G1_IDENTITY, G1_GENERATOR])
    with pytest.raises(IndexError, match="point 2 of 2"):
        table[2]


def test_an_empty_section_sums_to_the_identity(layout: MclLayout) -> None:
    # A circuit whose signals are all public has no C query: its MSM is over no point at all.
    engine = MclEngine(workers=2)
    assert engine.msm_g1(layout.g1(InMemory(b""), WHERE), []) == G1_IDENTITY
    assert engine.msm_g2(layout.g2(InMemory(b""), WHERE), []) == G2_IDENTITY


def test_a_section_of_many_identities_is_stored_without_them(
    layout: MclLayout, mcl_engine: MclEngine
) -> None:
    points = mcl_engine.batch_mul_g1(G1_GENERATOR, [3, 0, 5, 0, 0, 7])  # 0·G: the identity
    raw = b"".join(bytes(G1_SIZE) if p == G1_IDENTITY else _montgomery_g1(*p) for p in points)
    table = layout.g1(InMemory(raw), WHERE)
    assert table.kept is not None and list(table.kept) == [0, 2, 5]
    assert table.stored == 3  # only the points kept are summed
    assert (len(table), list(table), table[-3]) == (6, points, G1_IDENTITY)
    scalars = [11, 12, 13, 14, 15, 16]
    assert mcl_engine.msm_g1(table, scalars) == mcl_engine.msm_g1(points, scalars)
    assert mcl_engine.msm_g1(table, scalars) == mcl_engine.mul_g1(
        G1_GENERATOR, 3 * 11 + 5 * 13 + 7 * 16
    )


def test_a_few_identities_stay_stored_and_all_identities_store_nothing(
    layout: MclLayout, mcl_engine: MclEngine
) -> None:
    # One identity in 17 points is below SPARSE_SHARE (1/16): every point stays in place.
    few = layout.g1(InMemory(bytes(G1_SIZE) + _montgomery_g1(*G1_GENERATOR) * 16), WHERE)
    assert few.kept is None and few.stored == 17
    assert few[0] == G1_IDENTITY and few[16] == G1_GENERATOR
    nothing = layout.g2(InMemory(bytes(G2_SIZE) * 4), WHERE)
    assert (nothing.kept is not None, nothing.stored, len(nothing)) == (True, 0, 4)
    assert list(nothing) == [G2_IDENTITY] * 4
    assert mcl_engine.msm_g2(nothing, [1, 2, 3, 4]) == G2_IDENTITY


def test_the_poly_key_s_b_queries_are_stored_without_identities(layout: MclLayout) -> None:
    """So the proof-hash tests above also prove from tables that left identities out."""
    key = read_zkey(VECTORS / "poly" / "poly_final.zkey", layout)
    assert isinstance(key.b_g2_query, PointTable) and key.b_g2_query.kept is not None


def test_a_key_s_points_are_read_from_its_file_at_each_proof(
    layout: MclLayout, tmp_path: Path
) -> None:
    """No point stays in memory: replacing the file by a rename changes nothing (the table reads
    the inode it opened), so the same proof comes out."""
    d = VECTORS / "poly"
    path = tmp_path / "poly.zkey"
    path.write_bytes((d / "poly_final.zkey").read_bytes())
    key, witness = read_zkey(path, layout), read_wtns(d / "witness.wtns")
    assert isinstance(key.a_query, PointTable) and isinstance(key.a_query.section, FileSection)
    other = tmp_path / "other.zkey"
    other.write_bytes(bytes(path.stat().st_size))
    other.replace(path)  # the path now names a file of zeros
    proof = create_proof(key, witness, 5, 7, MclEngine(workers=1))
    assert hashlib.sha256(repr(proof).encode()).hexdigest() == POLY_PROOF_SHA256


def test_a_key_cut_short_after_it_was_read_is_refused_by_name(
    layout: MclLayout, tmp_path: Path
) -> None:
    d = VECTORS / "poly"
    path = tmp_path / "poly.zkey"
    original = (d / "poly_final.zkey").read_bytes()
    path.write_bytes(original)
    key, witness = read_zkey(path, layout), read_wtns(d / "witness.wtns")
    assert isinstance(key.h_query, PointTable)
    h_section = key.h_query.section
    assert isinstance(h_section, FileSection)
    with path.open("r+b") as fh:  # in place: the same inode, now ending inside section 9
        fh.truncate(h_section.section.offset + 10)
    with pytest.raises(TruncatedFileError) as caught:
        create_proof(key, witness, 5, 7, MclEngine(workers=1))
    assert str(caught.value) == f"{path}: section 9 is cut short since it was read"
    assert caught.value.exit_code == 5
    assert path.read_bytes() == original[: h_section.section.offset + 10]  # read, never written


def test_a_file_section_refuses_a_range_outside_it(layout: MclLayout) -> None:
    key = read_zkey(VECTORS / "poly" / "poly_final.zkey", layout)
    assert isinstance(key.l_query, PointTable)
    section = key.l_query.section
    assert isinstance(section, FileSection)
    with pytest.raises(ValueError, match=r"^bytes 0\.\.\d+ are outside section 8$"):
        section.read(0, len(section) + 1)


def test_points_summed_in_pieces_read_in_smaller_pieces_sum_the_same(
    layout: MclLayout, mcl_engine: MclEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reads of 2 points: the identities left out of B fall across the reads' edges.
    monkeypatch.setattr(mcl_points, "READ_POINTS", 2)
    monkeypatch.setattr(engine_mcl, "G2_MSM_MAX_POINTS", 3)
    d = VECTORS / "poly"
    key, witness = read_zkey(d / "poly_final.zkey", layout), read_wtns(d / "witness.wtns")
    assert isinstance(key.b_g2_query, PointTable) and key.b_g2_query.kept is not None
    assert mcl_engine.msm_g2(key.b_g2_query, witness) == mcl_engine.msm_g2(
        list(key.b_g2_query), witness
    )
    proof = create_proof(key, witness, 5, 7, MclEngine(workers=1))
    assert hashlib.sha256(repr(proof).encode()).hexdigest() == POLY_PROOF_SHA256


def test_a_coordinate_not_below_p_in_a_later_read_is_named_by_its_index(
    layout: MclLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mcl_points, "READ_POINTS", 2)
    good = _montgomery_g1(*G1_GENERATOR)
    raw = good * 3 + good[:32] + P.to_bytes(32, "little") + good
    with pytest.raises(InvalidValueError) as caught:
        layout.g1(InMemory(raw), WHERE)
    assert str(caught.value) == f"{WHERE}: point 3 has a coordinate >= p"
