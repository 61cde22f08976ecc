"""The PLONK/fflonk .zkey header reader against the committed example keys and damaged copies.

The keys and their verification_key.json are artifacts/ of this repository: made by
`snarkjs plonk setup` / `fflonk setup` and `zkey export verificationkey` (zkt setup, locked in
artifacts/manifest.json).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.unit.formats.helpers import rebuild, replace_section, split_sections, vector
from toolchain.errors import FormatError, InvalidValueError, TruncatedFileError
from toolchain.formats.universal_zkey import (
    HEADER_SIZES,
    dump_universal_verification_key,
    open_universal_zkey,
    verification_key,
)
from toolchain.native.field import P, R

KEYS = ("range_32_plonk", "poseidon_preimage_1_plonk", "poseidon_preimage_1_fflonk")
COUNTS_AT = 4 + 32 + 4 + 32  # n_vars, n_public, domain_size, n_additions, n_constraints
K1_AT = COUNTS_AT + 20


def key_path(name: str) -> Path:
    return REPO / "artifacts" / name / "final.zkey"


def damaged(tmp_path: Path, name: str, section_id: int, edit: bytes | None = None) -> Path:
    magic, version, sections = split_sections(key_path(name))
    payload = dict(sections)[section_id]
    return rebuild(tmp_path / "bad.zkey", magic, version, replace_section(
        sections, section_id, payload if edit is None else edit
    ))  # fmt: skip


def patched_header(name: str, at: int, raw: bytes) -> bytes:
    _, _, sections = split_sections(key_path(name))
    header = bytearray(dict(sections)[2])
    header[at : at + len(raw)] = raw
    return bytes(header)


@pytest.mark.parametrize("name", KEYS)
def test_derived_verification_key_is_snarkjs_export_byte_for_byte(name: str) -> None:
    zkey = open_universal_zkey(key_path(name))
    exported = (REPO / "artifacts" / name / "verification_key.json").read_text()
    assert dump_universal_verification_key(verification_key(zkey.header)) == exported


def test_header_counts_are_the_setup_log_values() -> None:
    header = open_universal_zkey(key_path("range_32_plonk"), "plonk").header
    # snarkjs plonk setup: 170 r1cs signals + 152 additions, 173 + 2 public + 152 rows
    assert (header.n_vars, header.n_public, header.n_additions) == (322, 2, 152)
    assert (header.n_constraints, header.domain_size, header.k1, header.k2) == (327, 512, 2, 3)
    fflonk = open_universal_zkey(key_path("poseidon_preimage_1_fflonk"), "fflonk").header
    assert set(fflonk.roots) == {"w3", "w4", "w8", "wr"}
    assert pow(fflonk.roots["w3"], 3, R) == 1 and pow(fflonk.roots["w8"], 8, R) == 1


def test_a_plonk_key_is_not_an_fflonk_one() -> None:
    path = key_path("range_32_plonk")
    with pytest.raises(FormatError, match=f"^{re.escape(str(path))}: a plonk key, not fflonk$"):
        open_universal_zkey(path, "fflonk")


def test_a_groth16_key_is_refused() -> None:
    path = vector("multiplier", "multiplier_final.zkey")
    with pytest.raises(FormatError, match=r"protocol 1 is not PLONK \(2\) or fflonk \(10\)$"):
        open_universal_zkey(path)


def test_truncated_key_is_refused(tmp_path: Path) -> None:
    cut = tmp_path / "cut.zkey"
    cut.write_bytes(key_path("range_32_plonk").read_bytes()[:-100])  # snarkjs writes 2 last
    with pytest.raises(TruncatedFileError, match=r"section 2 claims 796 bytes, only 696 remain$"):
        open_universal_zkey(cut)


@pytest.mark.parametrize("name", ["range_32_plonk", "poseidon_preimage_1_fflonk"])
def test_header_of_the_wrong_size_is_refused(tmp_path: Path, name: str) -> None:
    protocol = name.rsplit("_", 1)[1]
    want = HEADER_SIZES[protocol]
    bad = damaged(tmp_path, name, 2, patched_header(name, 0, b"") + b"\0")
    with pytest.raises(FormatError, match=f"section 2 is {want + 1} bytes, expected {want}$"):
        open_universal_zkey(bad)


@pytest.mark.parametrize(
    ("section_id", "size"), [(3, 10944), (7, 81920), (12, 245760), (13, 163840), (14, 33152)]
)
def test_section_of_the_wrong_size_is_refused(tmp_path: Path, section_id: int, size: int) -> None:
    _, _, sections = split_sections(key_path("range_32_plonk"))
    bad = damaged(tmp_path, "range_32_plonk", section_id, dict(sections)[section_id][:-32])
    with pytest.raises(
        FormatError, match=f"section {section_id} is {size - 32} bytes, header implies {size}$"
    ):
        open_universal_zkey(bad)


def test_fflonk_c0_section_is_checked(tmp_path: Path) -> None:
    bad = damaged(tmp_path, "poseidon_preimage_1_fflonk", 17, b"\0" * 64)
    with pytest.raises(FormatError, match=r"section 17 is 64 bytes, header implies 131072$"):
        open_universal_zkey(bad)


@pytest.mark.parametrize(
    ("at", "raw", "error"),
    [
        (4, (P + 2).to_bytes(32, "little"), "unsupported curve"),
        (40, (R - 2).to_bytes(32, "little"), "unsupported curve"),
        (0, struct.pack("<I", 48), "unsupported curve \\(n8q=48"),
        (COUNTS_AT + 8, struct.pack("<I", 500), "domain size 500 is not a power of two"),
        (COUNTS_AT + 8, struct.pack("<I", 1024), "327 constraints need domain 2\\^9, the header"),
        (COUNTS_AT, struct.pack("<I", 100), "leave no room in n_vars=100"),
        (K1_AT, R.to_bytes(32, "little"), "k1 is not below r"),
    ],
)
def test_hostile_header_values_are_refused(tmp_path: Path, at: int, raw: bytes, error: str) -> None:
    bad = damaged(tmp_path, "range_32_plonk", 2, patched_header("range_32_plonk", at, raw))
    with pytest.raises(FormatError, match=error):
        open_universal_zkey(bad)


def test_x2_at_infinity_is_refused(tmp_path: Path) -> None:
    name = "range_32_plonk"
    x2_at = HEADER_SIZES["plonk"] - 128
    bad = damaged(tmp_path, name, 2, patched_header(name, x2_at, b"\0" * 128))
    with pytest.raises(InvalidValueError, match=r"X_2 is the point at infinity$"):
        open_universal_zkey(bad)


def test_missing_and_extra_sections_are_refused(tmp_path: Path) -> None:
    magic, version, sections = split_sections(key_path("range_32_plonk"))
    short = rebuild(tmp_path / "short.zkey", magic, version, [s for s in sections if s[0] != 13])
    with pytest.raises(FormatError, match=r"missing section 13$"):
        open_universal_zkey(short)
    extra = rebuild(tmp_path / "extra.zkey", magic, version, [*sections, (15, b"")])
    with pytest.raises(FormatError, match=r"unexpected section 15 in a plonk zkey$"):
        open_universal_zkey(extra)
