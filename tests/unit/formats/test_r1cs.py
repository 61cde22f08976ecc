"""The .r1cs reader on a hand-built file and on corrupted copies of it."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from toolchain.errors import FormatError, InvalidValueError, TruncatedFileError
from toolchain.formats.binfile import write_binfile
from toolchain.formats.r1cs import read_r1cs, read_r1cs_header
from toolchain.native.field import R


def header_section(prime: int = R, n_wires: int = 4, n_constraints: int = 1) -> bytes:
    # n8, prime, wires, pub out, pub in, prv in, labels, constraints
    tail = struct.pack("<IIIIQI", n_wires, 1, 0, 2, 5, n_constraints)
    return struct.pack("<I", 32) + prime.to_bytes(32, "little") + tail


def lc(terms: dict[int, int]) -> bytes:
    out = struct.pack("<I", len(terms))
    for wire, coef in terms.items():
        out += struct.pack("<I", wire) + coef.to_bytes(32, "little")
    return out


def r1cs_bytes(sections: list[tuple[int, bytes]] | None = None) -> bytes:
    """a * b = c with wires 1 (c), 2 (a), 3 (b)."""
    constraint = lc({2: 1}) + lc({3: 1}) + lc({1: 1})
    labels = struct.pack("<4Q", 0, 1, 2, 3)
    buf = io.BytesIO()
    write_binfile(
        buf, b"r1cs", 1, sections or [(1, header_section()), (2, constraint), (3, labels)]
    )
    return buf.getvalue()


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "c.r1cs"
    path.write_bytes(data)
    return path


def test_reads_header_constraints_and_labels(tmp_path: Path) -> None:
    parsed = read_r1cs(write(tmp_path, r1cs_bytes()))
    assert parsed.header.n_wires == 4 and parsed.header.n_public == 1
    assert parsed.constraints == [({2: 1}, {3: 1}, {1: 1})]
    assert parsed.wire_to_label == [0, 1, 2, 3]


@pytest.mark.parametrize("cut", [3, 11, 30, 100])
def test_truncated(tmp_path: Path, cut: int) -> None:
    with pytest.raises(
        TruncatedFileError,
        match=(
            r"^.*/c\.r1cs: (\d+ bytes is too short for a b'r1cs' file|claims \d+ sections, "
            r"file is too short|section \d+ claims \d+ bytes, only \d+ remain|section \d+: "
            r"needs \d+ bytes at offset \d+, \d+ left"
            r"|section table cut short at byte \d+)$"
        ),
    ):
        read_r1cs(write(tmp_path, r1cs_bytes()[:cut]))


def test_wrong_magic_and_version(tmp_path: Path) -> None:
    data = r1cs_bytes()
    with pytest.raises(FormatError, match="not a r1cs file"):
        read_r1cs_header(write(tmp_path, b"wtns" + data[4:]))
    with pytest.raises(FormatError, match="unsupported r1cs version 9"):
        read_r1cs_header(write(tmp_path, data[:4] + struct.pack("<I", 9) + data[8:]))


def test_section_size_past_end(tmp_path: Path) -> None:
    data = bytearray(r1cs_bytes())
    struct.pack_into("<Q", data, 16, 1 << 40)  # first section's size
    with pytest.raises(TruncatedFileError, match="claims 1099511627776 bytes"):
        read_r1cs_header(write(tmp_path, bytes(data)))


def test_flipped_prime(tmp_path: Path) -> None:
    bad = r1cs_bytes([(1, header_section(prime=R + 2)), (2, b""), (3, b"")])
    with pytest.raises(FormatError, match="unsupported prime"):
        read_r1cs_header(write(tmp_path, bad))


def test_duplicate_and_missing_sections(tmp_path: Path) -> None:
    dup = r1cs_bytes([(1, header_section()), (1, header_section()), (3, b"")])
    with pytest.raises(FormatError, match="duplicate section 1"):
        read_r1cs_header(write(tmp_path, dup))
    missing = r1cs_bytes([(1, header_section()), (3, b"")])
    with pytest.raises(FormatError, match="missing section 2"):
        read_r1cs_header(write(tmp_path, missing))


def test_coefficient_not_below_r(tmp_path: Path) -> None:
    constraint = lc({2: R}) + lc({3: 1}) + lc({1: 1})
    labels = struct.pack("<4Q", 0, 1, 2, 3)
    data = r1cs_bytes([(1, header_section()), (2, constraint), (3, labels)])
    with pytest.raises(InvalidValueError, match=r"^.*/c\.r1cs: bad term \(wire 2\) at byte 4$"):
        read_r1cs(write(tmp_path, data))


def test_absurd_constraint_count(tmp_path: Path) -> None:
    data = r1cs_bytes([(1, header_section(n_constraints=10**9)), (2, b""), (3, b"\0" * 32)])
    with pytest.raises(TruncatedFileError, match="constraint section too short"):
        read_r1cs(write(tmp_path, data))
