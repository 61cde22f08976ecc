"""Montgomery point encoding and the byte cursor shared by the .zkey and .ptau readers."""

from __future__ import annotations

import pytest

from toolchain.errors import InvalidValueError, TruncatedFileError
from toolchain.formats.curve_codec import (
    G1_SIZE,
    G2_SIZE,
    ByteCursor,
    encode_g1,
    encode_g2,
    parse_g1,
    parse_g1_array,
    parse_g2,
    parse_g2_array,
    resolve_count,
)
from toolchain.native.curve import (
    G1_GENERATOR,
    G1_IDENTITY,
    G2_GENERATOR,
    G2_IDENTITY,
    from_affine_g1,
    from_affine_g2,
    mul_g1,
    mul_g2,
    to_affine_g1,
    to_affine_g2,
)
from toolchain.native.field import P

G1_POINTS = [to_affine_g1(mul_g1(from_affine_g1(G1_GENERATOR), k)) for k in (1, 2, 7, 2**200 + 5)]
G2_POINTS = [to_affine_g2(mul_g2(from_affine_g2(G2_GENERATOR), k)) for k in (1, 3, 2**100 + 1)]


def test_generator_encoding_is_montgomery_little_endian() -> None:
    one, two = 2**256 % P, 2 * 2**256 % P
    assert encode_g1(G1_GENERATOR) == one.to_bytes(32, "little") + two.to_bytes(32, "little")
    assert encode_g1(G1_IDENTITY) == bytes(G1_SIZE)
    assert encode_g2(G2_IDENTITY) == bytes(G2_SIZE)


def test_round_trips() -> None:
    data = b"".join(encode_g1(p) for p in [*G1_POINTS, G1_IDENTITY])
    assert parse_g1_array(data, "t") == [*G1_POINTS, G1_IDENTITY]
    data2 = b"".join(encode_g2(p) for p in [*G2_POINTS, G2_IDENTITY])
    assert parse_g2_array(data2, "t") == [*G2_POINTS, G2_IDENTITY]
    assert parse_g1(encode_g1(G1_POINTS[2]), "t") == G1_POINTS[2]
    assert parse_g2(encode_g2(G2_POINTS[1]), "t") == G2_POINTS[1]


def test_non_canonical_coordinate_is_rejected() -> None:
    # x = p encodes the same field element as 0 would, but is not what snarkjs writes.
    raw = P.to_bytes(32, "little") + encode_g1(G1_GENERATOR)[32:]
    with pytest.raises(InvalidValueError, match=r"^t has a coordinate >= p$"):
        parse_g1(raw, "t")
    raw2 = encode_g2(G2_GENERATOR)[:96] + (P + 1).to_bytes(32, "little")
    with pytest.raises(InvalidValueError, match=">= p"):
        parse_g2(raw2, "t")


def test_off_curve_points_name_their_index() -> None:
    data = encode_g1(G1_GENERATOR) * 2 + encode_g1((1, 3))
    with pytest.raises(InvalidValueError, match=r"^sec: point 12 is not on the curve$"):
        parse_g1_array(data, "sec", first=10)
    (x0, x1), (y0, y1) = G2_GENERATOR
    with pytest.raises(InvalidValueError, match="point 1 is not on the curve"):
        parse_g2_array(encode_g2(G2_GENERATOR) + encode_g2(((x0, x1), (y1, y0))), "sec")


def test_wrong_lengths() -> None:
    with pytest.raises(InvalidValueError, match="whole number of G1"):
        parse_g1_array(bytes(65), "t")
    with pytest.raises(InvalidValueError, match="whole number of G2"):
        parse_g2_array(bytes(64), "t")
    with pytest.raises(InvalidValueError, match="needs 64 bytes"):
        parse_g1(bytes(63), "t")
    with pytest.raises(InvalidValueError, match="needs 128 bytes"):
        parse_g2(bytes(129), "t")


def test_byte_cursor_refuses_to_run_past_its_end() -> None:
    cur = ByteCursor(b"\x01\x00\x00\x00" + encode_g1(G1_GENERATOR), "blob")
    assert cur.u32() == 1
    assert cur.g1("p") == G1_GENERATOR
    assert cur.remaining() == 0
    with pytest.raises(TruncatedFileError, match="blob: needs 4 bytes at offset 68, 0 left"):
        cur.u32()


def test_resolve_count() -> None:
    assert resolve_count(0, None, 5) == 5
    assert resolve_count(2, None, 5) == 3
    assert resolve_count(2, 3, 5) == 3
    for start, count in ((4, 2), (-1, 1), (0, -1), (6, None)):
        with pytest.raises(ValueError, match=r"^points -?\d+\.\.-?\d+ are outside 0\.\.5$"):
            resolve_count(start, count, 5)
