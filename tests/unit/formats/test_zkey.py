"""The .zkey reader against snarkjs-made keys (tests/vectors) and damaged copies of them."""

from __future__ import annotations

import contextlib
import json
import struct
from pathlib import Path
from typing import Any

import pytest

from tests.unit.formats.helpers import (
    CIRCUITS,
    blake2b_512,
    log_hashes,
    rebuild,
    replace_section,
    split_sections,
    vector,
)
from toolchain.errors import FormatError, InvalidValueError, TruncatedFileError
from toolchain.formats.curve_codec import encode_g1, encode_g1_uncompressed, encode_g2_uncompressed
from toolchain.formats.zkey import (
    SECTION_A,
    SECTION_B1,
    SECTION_C,
    SECTION_H,
    SECTION_IC,
    ZkeyContribution,
    open_zkey,
    read_zkey,
)
from toolchain.native.curve import G1_GENERATOR, G1_IDENTITY, G2_GENERATOR, G1Affine, G2Affine
from toolchain.native.field import P, R


def zkey_path(circuit: str, stage: str = "final") -> Path:
    return vector(circuit, f"{circuit}_{stage}.zkey")


def g1_json(point: G1Affine) -> list[str]:
    if point == G1_IDENTITY:
        return ["0", "1", "0"]
    return [str(point[0]), str(point[1]), "1"]


def g2_json(point: G2Affine) -> list[list[str]]:
    (x0, x1), (y0, y1) = point
    if point == ((0, 0), (0, 0)):
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    return [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]


# --- the real keys --------------------------------------------------------------------------


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_final_key_matches_snarkjs_export_json(circuit: str) -> None:
    key = read_zkey(zkey_path(circuit))
    dump: dict[str, Any] = json.loads(vector(circuit, f"{circuit}_final.zkey.json").read_text())
    h = key.header
    assert (h.n8q, h.q, h.n8r, h.r) == (dump["n8q"], int(dump["q"]), dump["n8r"], int(dump["r"]))
    assert (h.n_vars, h.n_public, h.domain_size, h.power) == (
        dump["nVars"], dump["nPublic"], dump["domainSize"], dump["power"],
    )  # fmt: skip
    for name in ("alpha_1", "beta_1", "delta_1"):
        assert g1_json(getattr(h, name[:-2] + "_g1")) == dump[f"vk_{name}"]
    for name in ("beta_2", "gamma_2", "delta_2"):
        assert g2_json(getattr(h, name[:-2] + "_g2")) == dump[f"vk_{name}"]
    assert [g1_json(p) for p in key.gamma_abc_g1] == dump["IC"]
    assert [g1_json(p) for p in key.a_query] == dump["A"]
    assert [g1_json(p) for p in key.b_g1_query] == dump["B1"]
    assert [g2_json(p) for p in key.b_g2_query] == dump["B2"]
    # snarkjs indexes C by signal, leaving the public signals' slots empty.
    assert [None] * (h.n_public + 1) + [g1_json(p) for p in key.l_query] == dump["C"]
    assert [g1_json(p) for p in key.h_query] == dump["hExps"]
    coefficients = [
        {"matrix": c.matrix, "constraint": c.constraint, "signal": c.signal, "value": str(c.value)}
        for c in key.coefficients
    ]
    assert coefficients == dump["ccoefs"]


def contribution_hash(c: ZkeyContribution) -> bytes:
    """What `zkey verify` prints per contribution: blake2b of its public key and transcript."""
    assert c.delta_after_g1 and c.g1_s and c.g1_sx and c.g2_spx
    return blake2b_512(
        encode_g1_uncompressed(c.delta_after_g1)
        + encode_g1_uncompressed(c.g1_s)
        + encode_g1_uncompressed(c.g1_sx)
        + encode_g2_uncompressed(c.g2_spx)
        + c.transcript
    )


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_contributions_match_zkey_verify_log(circuit: str) -> None:
    log = vector(circuit, f"{circuit}_final.verify.log").read_text()
    mpc = open_zkey(zkey_path(circuit)).read_mpc_params()
    assert [mpc.cs_hash] == log_hashes(log, "Circuit Hash:")
    # The log lists contributions newest first.
    printed = log_hashes(log, "contribution #")
    assert [contribution_hash(c) for c in reversed(mpc.contributions)] == printed
    names = [c.params.name for c in mpc.contributions]
    assert names == [
        "First phase2 contribution",
        "Second phase2 contribution",
        "Final phase2 beacon",
    ]
    beacon = mpc.contributions[-1].params
    assert beacon.is_beacon and beacon.num_iterations_exp == 10
    assert beacon.beacon_hash == bytes(range(0x21, 0x41))
    assert [c.params.type for c in mpc.contributions] == [0, 0, 1]
    assert mpc.contributions[-1].delta_after_g1 == open_zkey(zkey_path(circuit)).header.delta_g1


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_contribution_chain_grows_and_keeps_the_circuit_hash(circuit: str) -> None:
    stages = ["0000", "0001", "0002", "final"]
    keys = [open_zkey(zkey_path(circuit, stage)) for stage in stages]
    mpcs = [k.read_mpc_params() for k in keys]
    assert [len(m.contributions) for m in mpcs] == [0, 1, 2, 3]
    assert len({m.cs_hash for m in mpcs}) == 1
    # Before any contribution delta is the generator; gamma is always the generator.
    assert keys[0].header.delta_g1 == G1_GENERATOR
    assert keys[0].header.delta_g2 == G2_GENERATOR
    assert {k.header.gamma_g2 for k in keys} == {G2_GENERATOR}
    assert mpcs[2].contributions == mpcs[3].contributions[:2]


def test_streamed_and_ranged_reads_agree_with_whole_sections() -> None:
    zf = open_zkey(zkey_path("poly"))
    for section in (SECTION_IC, SECTION_A, SECTION_B1, SECTION_C, SECTION_H):
        whole = zf.read_g1_section(section)
        assert len(whole) == zf.point_count(section)
        assert [p for chunk in zf.iter_g1_section(section, chunk=3) for p in chunk] == whole
        assert zf.read_g1_section(section, 1, 2) == whole[1:3]
    b2 = zf.read_g2_section()
    assert zf.read_g2_section(2) == b2[2:]
    assert zf.n_coefficients == len(zf.read_coefficients())


def test_equal_coefficient_values_share_one_int() -> None:
    values = open_zkey(zkey_path("poly")).read_coefficient_columns().values
    assert len(set(values)) < len(values)  # the vector repeats values (1 at least)
    assert len({id(value) for value in values}) == len(set(values))


def test_coefficient_values_are_the_files_values_as_signed_residues() -> None:
    columns = open_zkey(zkey_path("poly")).read_coefficient_columns()
    data = section("poly", 4)
    stored = [
        int.from_bytes(data[16 + 44 * i : 48 + 44 * i], "little") for i in range(len(columns))
    ]
    assert [v % R for v in columns.values] == [x * pow(2, -512, R) % R for x in stored]
    assert all(-R // 2 < v <= R // 2 for v in columns.values)
    assert {1, -1} <= set(columns.values)  # ±1 as one-digit ints, not r − 1


def test_bad_ranges_are_caller_errors() -> None:
    zf = open_zkey(zkey_path("poly"))
    with pytest.raises(ValueError, match=r"^points 5\.\.105 are outside 0\.\.8$"):
        zf.read_g1_section(SECTION_A, 5, 100)
    with pytest.raises(ValueError, match=r"^section 7 does not hold G1 points$"):
        zf.read_g1_section(7)
    with pytest.raises(ValueError, match=r"^points \-1\.\.8 are outside 0\.\.8$"):
        zf.read_g2_section(-1)


# --- damaged copies -------------------------------------------------------------------------


def damaged(tmp_path: Path, circuit: str, section_id: int, payload: bytes) -> Path:
    """A copy of the final key with one section's payload replaced."""
    magic, version, sections = split_sections(zkey_path(circuit))
    return rebuild(
        tmp_path / "bad.zkey", magic, version, replace_section(sections, section_id, payload)
    )


def section(circuit: str, section_id: int) -> bytes:
    return dict(split_sections(zkey_path(circuit))[2])[section_id]


def patch(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new) :]


def test_truncated_file(tmp_path: Path) -> None:
    data = zkey_path("poly").read_bytes()
    for cut in (0, 3, 11, 40, len(data) // 2, len(data) - 1):
        (tmp_path / "cut.zkey").write_bytes(data[:cut])
        with pytest.raises(
            TruncatedFileError,
            match=(
                r"^.*/cut\.zkey: (\d+ bytes is too short for a b'zkey' file|claims \d+ "
                r"sections, file is too short|section \d+ claims \d+ bytes, only \d+ "
                r"remain|section \d+: needs \d+ bytes at offset \d+, \d+ left"
                r"|section table cut short at byte \d+)$"
            ),
        ):
            read_zkey(tmp_path / "cut.zkey")


def test_wrong_magic_and_version(tmp_path: Path) -> None:
    data = zkey_path("poly").read_bytes()
    (tmp_path / "a.zkey").write_bytes(b"ptau" + data[4:])
    with pytest.raises(FormatError, match="not a zkey file"):
        open_zkey(tmp_path / "a.zkey")
    (tmp_path / "b.zkey").write_bytes(data[:4] + struct.pack("<I", 2) + data[8:])
    with pytest.raises(FormatError, match="version 2"):
        open_zkey(tmp_path / "b.zkey")


def test_other_protocols_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="protocol 2 is not Groth16"):
        open_zkey(damaged(tmp_path, "poly", 1, struct.pack("<I", 2)))
    with pytest.raises(FormatError, match="section 1 is 8 bytes, expected 4"):
        open_zkey(damaged(tmp_path, "poly", 1, struct.pack("<II", 1, 0)))


def test_fixed_size_header_is_checked_before_it_is_read(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="section 2 is 661 bytes, expected 660"):
        open_zkey(damaged(tmp_path, "poly", 2, section("poly", 2) + b"\x00"))


@pytest.mark.parametrize(("offset", "what"), [(4, "q"), (40, "r"), (0, "n8q")])
def test_flipped_prime_or_field_size_is_an_unknown_curve(
    tmp_path: Path, offset: int, what: str
) -> None:
    header = section("poly", 2)
    bad = patch(header, offset, bytes([header[offset] ^ 1]))
    with pytest.raises(FormatError, match=r"bn128|BN254") as info:
        open_zkey(damaged(tmp_path, "poly", 2, bad))
    assert not isinstance(info.value, TruncatedFileError), what


def test_section_size_must_match_the_header(tmp_path: Path) -> None:
    a = section("poly", SECTION_A)
    with pytest.raises(FormatError, match=r"section 5 is .* header implies"):
        open_zkey(damaged(tmp_path, "poly", SECTION_A, a[:-64]))
    with pytest.raises(FormatError, match="section 5"):
        open_zkey(damaged(tmp_path, "poly", SECTION_A, a + bytes(64)))


def test_header_counts_are_checked_before_payloads(tmp_path: Path) -> None:
    header = section("poly", 2)
    n_vars_at = 4 + 32 + 4 + 32
    huge = patch(header, n_vars_at, struct.pack("<I", 0xFFFFFFFF))
    with pytest.raises(FormatError, match="section 5 is"):
        open_zkey(damaged(tmp_path, "poly", 2, huge))
    odd_domain = patch(header, n_vars_at + 8, struct.pack("<I", 12))
    with pytest.raises(FormatError, match="power of two"):
        open_zkey(damaged(tmp_path, "poly", 2, odd_domain))
    too_public = patch(header, n_vars_at + 4, struct.pack("<I", 100))
    with pytest.raises(FormatError, match="n_public"):
        open_zkey(damaged(tmp_path, "poly", 2, too_public))


def test_duplicate_missing_and_unknown_sections(tmp_path: Path) -> None:
    magic, version, sections = split_sections(zkey_path("poly"))
    dup = rebuild(tmp_path / "dup.zkey", magic, version, [*sections, sections[-1]])
    with pytest.raises(FormatError, match="duplicate section"):
        open_zkey(dup)
    missing = rebuild(tmp_path / "miss.zkey", magic, version, [s for s in sections if s[0] != 9])
    with pytest.raises(FormatError, match="missing section 9"):
        open_zkey(missing)
    extra = rebuild(tmp_path / "extra.zkey", magic, version, [*sections, (11, b"")])
    with pytest.raises(FormatError, match="unexpected section 11"):
        open_zkey(extra)


def test_header_point_off_curve_or_identity(tmp_path: Path) -> None:
    header = section("poly", 2)
    alpha_at = 4 + 32 + 4 + 32 + 12
    off_curve = patch(header, alpha_at, encode_g1((1, 3)))
    with pytest.raises(InvalidValueError, match="alpha_g1 is not on the curve"):
        open_zkey(damaged(tmp_path, "poly", 2, off_curve))
    identity = patch(header, alpha_at, bytes(64))
    with pytest.raises(InvalidValueError, match="alpha_g1 is the point at infinity"):
        open_zkey(damaged(tmp_path, "poly", 2, identity))
    too_big = patch(header, alpha_at, P.to_bytes(32, "little"))
    with pytest.raises(InvalidValueError, match=">= p"):
        open_zkey(damaged(tmp_path, "poly", 2, too_big))


def test_bad_point_in_a_big_section_names_its_index(tmp_path: Path) -> None:
    h = section("poly", SECTION_H)
    zf = open_zkey(damaged(tmp_path, "poly", SECTION_H, patch(h, 3 * 64, encode_g1((1, 3)))))
    assert len(zf.read_g1_section(SECTION_H, 0, 3)) == 3
    with pytest.raises(InvalidValueError, match="section 9: point 3 is not on the curve"):
        zf.read_g1_section(SECTION_H)


def test_coefficient_errors(tmp_path: Path) -> None:
    coefs = section("poly", 4)
    with pytest.raises(FormatError, match=r"section 4 is .* for"):
        open_zkey(damaged(tmp_path, "poly", 4, coefs[:-1]))
    with pytest.raises(FormatError, match="coefficients"):
        open_zkey(damaged(tmp_path, "poly", 4, struct.pack("<I", 10**9) + coefs[4:]))
    bad_signal = patch(coefs, 4 + 8, struct.pack("<I", 1000))
    with pytest.raises(InvalidValueError, match="coefficient 0"):
        open_zkey(damaged(tmp_path, "poly", 4, bad_signal)).read_coefficients()
    bad_value = patch(coefs, 4 + 12, R.to_bytes(32, "little"))
    with pytest.raises(InvalidValueError, match="value >= r"):
        open_zkey(damaged(tmp_path, "poly", 4, bad_value)).read_coefficients()


ENTRY = 44  # matrix, constraint, signal (u32 each), value (32 bytes)


def _entry_fault(coefs: bytes, index: int, field: str) -> bytes:
    """Section 4 with entry `index` out of range in one field."""
    at = 4 + index * ENTRY
    faults = {
        "matrix": (at, struct.pack("<I", 2)),
        "row": (at + 4, struct.pack("<I", 1 << 20)),
        "value": (at + 12, R.to_bytes(32, "little")),
    }
    return patch(coefs, *faults[field])


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        ([(1, "value"), (3, "row")], "coefficient 1 has a value >= r"),
        ([(3, "value"), (1, "matrix")], "coefficient 1 (matrix 2, constraint"),
        ([(2, "row"), (2, "value")], "coefficient 2 (matrix"),  # both in one: the range first
    ],
)
def test_the_first_bad_coefficient_is_named_by_every_reader(
    tmp_path: Path, faults: list[tuple[int, str]], message: str
) -> None:
    coefs = section("poly", 4)
    for index, field in faults:
        coefs = _entry_fault(coefs, index, field)
    zf = open_zkey(damaged(tmp_path, "poly", 4, coefs))
    for read in (zf.read_coefficients, zf.check_coefficients, zf.read_coefficient_columns):
        with pytest.raises(InvalidValueError) as caught:
            read()
        assert str(caught.value).startswith(f"{zf.path}: {message}"), str(caught.value)


def test_a_value_just_below_r_passes_the_quick_check(tmp_path: Path) -> None:
    coefs = patch(section("poly", 4), 4 + 12, (R - 1).to_bytes(32, "little"))
    zf = open_zkey(damaged(tmp_path, "poly", 4, coefs))
    zf.check_coefficients()
    assert zf.read_coefficients()[0].value == (R - 1) * pow(2, -512, R) % R


def mpc_with(params: bytes, kind: int = 0, count: int = 1) -> bytes:
    """A section 10 with one contribution (points all identity) and the given parameters."""
    body = bytes(3 * 64 + 128 + 64) + struct.pack("<II", kind, len(params)) + params
    return bytes(64) + struct.pack("<I", count) + body


@pytest.mark.parametrize(
    ("payload", "error", "message"),
    [
        (mpc_with(b"\x01\x03abc"), None, ""),
        (mpc_with(b"\x02\x0a\x01\x03abc", kind=1), FormatError, "out of order"),
        (mpc_with(b"\x01\x03abc\x01\x01x"), FormatError, "out of order or repeated"),
        (mpc_with(b"\x07\x00"), FormatError, "unknown parameter id 7"),
        (mpc_with(b"\x01\x09abc"), TruncatedFileError, "parameters"),
        (mpc_with(b"\x01\x02\xff\xfe"), FormatError, "not UTF-8"),
        (mpc_with(b"\x02\x0a"), FormatError, "type 0 does not match"),
        (mpc_with(b"\x02\x0a", kind=1), FormatError, "type 1 does not match"),
        (mpc_with(b"", kind=5), FormatError, "unknown contribution type 5"),
        (mpc_with(b"", count=2), FormatError, "cannot fit"),
        (mpc_with(b"") + b"\x00", FormatError, "stray bytes"),
        (mpc_with(b"", count=10**9), FormatError, "cannot fit"),
    ],
)
def test_contribution_section_errors(
    tmp_path: Path, payload: bytes, error: type[Exception] | None, message: str
) -> None:
    zf = open_zkey(damaged(tmp_path, "multiplier", 10, payload))
    if error is None:
        assert zf.read_mpc_params().contributions[0].params.name == "abc"
        return
    with pytest.raises(error, match=message):
        zf.read_mpc_params()


def test_every_truncation_and_byte_flip_fails_cleanly(tmp_path: Path) -> None:
    """No damage to a key may hang or escape as anything but a FormatError."""
    data = zkey_path("multiplier").read_bytes()
    target = tmp_path / "fuzz.zkey"
    for offset in range(0, len(data), 2):
        for variant in (data[:offset], patch(data, offset, bytes([data[offset] ^ 0x5A]))):
            target.write_bytes(variant)
            with contextlib.suppress(FormatError):
                read_zkey(target)
