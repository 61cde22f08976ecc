"""The .wtns reader and writer: snarkjs's exact bytes, and every malformed file refused."""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path

import pytest

from toolchain.errors import FormatError, InvalidValueError, TruncatedFileError
from toolchain.formats.wtns import read_wtns, write_wtns
from toolchain.native.field import R

# `snarkjs wtns calculate` (0.7.6) on multiplier.circom (circom 2.2.3) with a=3, b=11.
MULTIPLIER_WITNESS = [1, 33, 3, 11]
SNARKJS_MULTIPLIER = bytes.fromhex(
    "77746e73 02000000 02000000"  # magic, version 2, 2 sections
    "01000000 2800000000000000 20000000"  # section 1 (40 bytes): n8 = 32
    "010000f093f5e1439170b97948e833285d588181b64550b829a031e1724e6430"  # r, little-endian
    "04000000"  # 4 witness values
    "02000000 8000000000000000"  # section 2 (128 bytes)
) + b"".join(value.to_bytes(32, "little") for value in MULTIPLIER_WITNESS)
VALUES_OFFSET = 12 + 12 + 40 + 12  # file header, section 1 header + payload, section 2 header


def _write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "w.wtns"
    path.write_bytes(data)
    return path


def test_writer_matches_snarkjs_bytes(tmp_path: Path) -> None:
    path = tmp_path / "w.wtns"
    write_wtns(path, MULTIPLIER_WITNESS)
    assert path.read_bytes() == SNARKJS_MULTIPLIER


def test_reader_reads_snarkjs_file(tmp_path: Path) -> None:
    assert read_wtns(_write_bytes(tmp_path, SNARKJS_MULTIPLIER)) == MULTIPLIER_WITNESS


def test_round_trip_large_values(tmp_path: Path) -> None:
    values = [1, 0, R - 1, 2**255 % R, 12345678901234567890]
    path = tmp_path / "w.wtns"
    write_wtns(path, values)
    assert read_wtns(path) == values


def test_writer_replaces_atomically_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path, b"old")
    write_wtns(path, MULTIPLIER_WITNESS)
    assert os.listdir(tmp_path) == ["w.wtns"]
    assert read_wtns(path) == MULTIPLIER_WITNESS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # a witness holds private inputs


@pytest.mark.parametrize("bad", [R, -1])
def test_writer_refuses_values_outside_the_field(tmp_path: Path, bad: int) -> None:
    path = _write_bytes(tmp_path, b"old")
    with pytest.raises(InvalidValueError, match=r"witness\[2\]"):
        write_wtns(path, [1, 5, bad])
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["w.wtns"]


def test_reader_rejects_wrong_magic(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not a wtns file"):
        read_wtns(_write_bytes(tmp_path, b"r1cs" + SNARKJS_MULTIPLIER[4:]))


def test_reader_rejects_wrong_version(tmp_path: Path) -> None:
    data = SNARKJS_MULTIPLIER[:4] + struct.pack("<I", 3) + SNARKJS_MULTIPLIER[8:]
    with pytest.raises(FormatError, match="version 3"):
        read_wtns(_write_bytes(tmp_path, data))


@pytest.mark.parametrize("keep", [3, 20, 70, len(SNARKJS_MULTIPLIER) - 1])
def test_reader_rejects_truncated_file(tmp_path: Path, keep: int) -> None:
    with pytest.raises(
        TruncatedFileError,
        match=(
            r"^.*/w\.wtns: (\d+ bytes is too short for a b'wtns' file|claims \d+ sections, "
            r"file is too short|section \d+ claims \d+ bytes, only \d+ remain|section \d+: "
            r"needs \d+ bytes at offset \d+, \d+ left"
            r"|section table cut short at byte \d+)$"
        ),
    ):
        read_wtns(_write_bytes(tmp_path, SNARKJS_MULTIPLIER[:keep]))


def test_reader_rejects_value_not_below_r(tmp_path: Path) -> None:
    data = bytearray(SNARKJS_MULTIPLIER)
    data[VALUES_OFFSET + 64 : VALUES_OFFSET + 96] = R.to_bytes(32, "little")
    with pytest.raises(InvalidValueError, match=r"witness\[2\]"):
        read_wtns(_write_bytes(tmp_path, bytes(data)))


def test_reader_rejects_other_prime(tmp_path: Path) -> None:
    data = bytearray(SNARKJS_MULTIPLIER)
    data[28:60] = (R + 2).to_bytes(32, "little")
    with pytest.raises(FormatError, match="not BN254"):
        read_wtns(_write_bytes(tmp_path, bytes(data)))


def test_reader_rejects_count_not_matching_values(tmp_path: Path) -> None:
    data = bytearray(SNARKJS_MULTIPLIER)
    data[60:64] = struct.pack("<I", 5)
    with pytest.raises(FormatError, match="128 bytes of values for 5"):
        read_wtns(_write_bytes(tmp_path, bytes(data)))


def test_reader_rejects_witness_not_starting_with_one(tmp_path: Path) -> None:
    data = bytearray(SNARKJS_MULTIPLIER)
    data[VALUES_OFFSET] = 2
    with pytest.raises(InvalidValueError, match=r"witness\[0\] is 2"):
        read_wtns(_write_bytes(tmp_path, bytes(data)))
