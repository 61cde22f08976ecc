"""The .ptau reader against snarkjs-made files (tests/vectors/ptau) and damaged copies."""

from __future__ import annotations

import contextlib
import json
import struct
from pathlib import Path
from typing import Any

import pytest

from tests.unit.formats.helpers import (
    log_hashes,
    rebuild,
    replace_section,
    split_sections,
    vector,
)
from toolchain.errors import FormatError, InvalidValueError, TruncatedFileError
from toolchain.formats.curve_codec import G1_SIZE, encode_g1
from toolchain.formats.ptau import PtauFile, open_ptau
from toolchain.native.curve import (
    G1_GENERATOR,
    G1_JACOBIAN_IDENTITY,
    G2_GENERATOR,
    G1Affine,
    G2Affine,
    add_g1,
    eq_g1,
    from_affine_g1,
    mul_g1,
)
from toolchain.native.field import P, R, root_of_unity
from toolchain.native.pairing import pairing_check

STAGES = ("0000", "0001", "0002", "beacon", "final")


def ptau(stage: str = "final") -> PtauFile:
    return open_ptau(vector("ptau", f"pot4_{stage}.ptau"))


def as_fr_string(x: int) -> str:
    """How `powersoftau export json` prints a point: Montgomery x bytes read as an Fr element."""
    return str(x * 2**256 % P * pow(2**256, -1, R) % R)


def json_g1(points: list[G1Affine]) -> list[str]:
    return [as_fr_string(p[0]) for p in points]


def json_g2(points: list[G2Affine]) -> list[str]:
    return [as_fr_string(p[0][0]) for p in points]


# --- the real files -------------------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_headers(stage: str) -> None:
    pf = ptau(stage)
    assert (pf.header.n8, pf.header.q, pf.header.power, pf.header.ceremony_power) == (32, P, 4, 4)
    assert pf.is_prepared == (stage == "final")
    assert len(pf.read_contributions()) == {"0000": 0, "0001": 1, "0002": 2}.get(stage, 3)


def test_final_matches_snarkjs_export_json() -> None:
    pf = ptau()
    dump: dict[str, Any] = json.loads(vector("ptau", "pot4_final.json").read_text())
    assert dump["power"] == 4
    assert json_g1(pf.read_tau_g1()) == dump["tauG1"]
    assert json_g2(pf.read_tau_g2()) == dump["tauG2"]
    assert json_g1(pf.read_alpha_tau_g1()) == dump["alphaTauG1"]
    assert json_g1(pf.read_beta_tau_g1()) == dump["betaTauG1"]
    assert json_g2([pf.read_beta_g2()]) == dump["betaG2"]
    for k in range(5):
        assert json_g1(pf.read_lagrange_g1(12, k)) == dump["lTauG1"][k]
        assert json_g2(pf.read_lagrange_tau_g2(k)) == dump["lTauG2"][k]
        assert json_g1(pf.read_lagrange_g1(14, k)) == dump["lAlphaTauG1"][k]
        assert json_g1(pf.read_lagrange_g1(15, k)) == dump["lBetaTauG1"][k]
    contributions = pf.read_contributions()
    assert [c.params.name for c in contributions] == [c["name"] for c in dump["contributions"]]
    assert [c.params.type for c in contributions] == [c["type"] for c in dump["contributions"]]
    assert json_g1([c.tau_g1 for c in contributions]) == [c["tauG1"] for c in dump["contributions"]]


def test_contributions_match_powersoftau_verify_log() -> None:
    log = vector("ptau", "pot4_final.verify.log").read_text()
    contributions = ptau().read_contributions()
    # After the file's own hash, the log lists contributions newest first.
    printed = log_hashes(log, "Next Challenge:")
    assert [c.next_challenge for c in reversed(contributions)] == printed
    beacon = contributions[-1].params
    assert beacon.is_beacon and beacon.num_iterations_exp == 10
    assert beacon.beacon_hash == bytes(range(1, 33))
    assert all(len(c.partial_hash) == 216 for c in contributions)
    # Each contribution records the first points it left behind.
    assert contributions[-1].tau_g1 == ptau().read_tau_g1(1, 1)[0]
    assert contributions[-1].beta_g2 == ptau().read_beta_g2()


def test_first_points_are_the_generators_and_tau_is_consistent() -> None:
    pf = ptau()
    tau_g1 = pf.read_tau_g1(0, 2)
    tau_g2 = pf.read_tau_g2(0, 2)
    assert tau_g1[0] == G1_GENERATOR and tau_g2[0] == G2_GENERATOR
    minus_tau_g1 = (tau_g1[1][0], -tau_g1[1][1] % P)
    # e(τ·G1, G2) = e(G1, τ·G2), checked as e(−τ·G1, G2)·e(G1, τ·G2) = 1.
    assert pairing_check([(minus_tau_g1, G2_GENERATOR), (G1_GENERATOR, tau_g2[1])])


def g1_sum(points: list[G1Affine], scalars: list[int]) -> Any:
    acc = G1_JACOBIAN_IDENTITY
    for point, scalar in zip(points, scalars, strict=True):
        acc = add_g1(acc, mul_g1(from_affine_g1(point), scalar))
    return acc


@pytest.mark.parametrize("k", range(1, 6))
def test_lagrange_blocks_interpolate_one_and_tau(k: int) -> None:
    """Σ L_i(τ)·G1 = G1 and Σ ω^i·L_i(τ)·G1 = τ·G1 on the domain of size 2^k (k = 5 too)."""
    pf = ptau()
    lagrange = pf.read_lagrange_g1(12, k)
    n, w = 1 << k, root_of_unity(k)
    assert eq_g1(g1_sum(lagrange, [1] * n), from_affine_g1(G1_GENERATOR))
    tau_g1 = pf.read_tau_g1(1, 1)[0]
    assert eq_g1(g1_sum(lagrange, [pow(w, i, R) for i in range(n)]), from_affine_g1(tau_g1))


def test_partial_reads() -> None:
    pf = ptau()
    everything = pf.read_tau_g1()
    assert len(everything) == 31
    assert pf.read_tau_g1(0, 3) == everything[:3]
    assert pf.read_tau_g1(29) == everything[29:]
    assert pf.read_lagrange_g1(12, 3, 2, 4) == pf.read_lagrange_g1(12, 3)[2:6]
    assert len(pf.read_lagrange_g1(12, 5)) == 32
    assert pf.read_lagrange_g1(12, 0) == [G1_GENERATOR]
    assert pf.read_lagrange_tau_g2(0) == [G2_GENERATOR]


def test_bad_requests_are_caller_errors() -> None:
    with pytest.raises(ValueError, match=r"^points 30\.\.32 are outside 0\.\.31$"):
        ptau().read_tau_g1(30, 2)
    with pytest.raises(ValueError, match=r"^section 13 is not a G1 Lagrange section$"):
        ptau().read_lagrange_g1(13, 1)
    with pytest.raises(ValueError, match=r"^section 14 has Lagrange blocks for 2\^0 … 2\^4 only$"):
        ptau().read_lagrange_g1(14, 5)
    with pytest.raises(ValueError, match="not prepared"):
        ptau("beacon").read_lagrange_tau_g2(1)


# --- damaged copies -------------------------------------------------------------------------


def sections_of(stage: str = "final") -> tuple[bytes, int, list[tuple[int, bytes]]]:
    return split_sections(vector("ptau", f"pot4_{stage}.ptau"))


def damaged(tmp_path: Path, section_id: int, payload: bytes, stage: str = "final") -> Path:
    magic, version, sections = sections_of(stage)
    out = tmp_path / "bad.ptau"
    return rebuild(out, magic, version, replace_section(sections, section_id, payload))


def header(power: int, ceremony_power: int, q: int = P, n8: int = 32) -> bytes:
    return (
        struct.pack("<I", n8) + q.to_bytes(32, "little") + struct.pack("<II", power, ceremony_power)
    )


def test_truncated_and_wrong_magic(tmp_path: Path) -> None:
    data = vector("ptau", "pot4_final.ptau").read_bytes()
    for cut in (0, 7, 30, len(data) // 3, len(data) - 1):
        (tmp_path / "cut.ptau").write_bytes(data[:cut])
        with pytest.raises(
            TruncatedFileError,
            match=(
                r"^.*/cut\.ptau: (\d+ bytes is too short for a b'ptau' file|claims \d+ "
                r"sections, file is too short|section \d+ claims \d+ bytes, only \d+ "
                r"remain|section \d+: needs \d+ bytes at offset \d+, \d+ left"
                r"|section table cut short at byte \d+)$"
            ),
        ):
            open_ptau(tmp_path / "cut.ptau")
    (tmp_path / "magic.ptau").write_bytes(b"zkey" + data[4:])
    with pytest.raises(FormatError, match="not a ptau file"):
        open_ptau(tmp_path / "magic.ptau")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (header(4, 4, q=P + 2), "unsupported curve"),
        (header(4, 4, n8=48), "n8=48"),
        (header(5, 5), "section 2 is .* power 5"),
        (header(3, 4), "section 2 is .* power 3"),
        (header(0, 4), "1 <= power"),
        (header(4, 3), "ceremony power 3"),
        (header(4, 4) + b"\x00", "header is 45 bytes"),
    ],
)
def test_header_errors(tmp_path: Path, payload: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        open_ptau(damaged(tmp_path, 1, payload))


def test_lagrange_sections_come_together(tmp_path: Path) -> None:
    magic, version, sections = sections_of()
    partial = rebuild(tmp_path / "p.ptau", magic, version, [s for s in sections if s[0] != 13])
    with pytest.raises(FormatError, match="needs 12–15"):
        open_ptau(partial)
    short = dict(sections)[12][:-G1_SIZE]
    with pytest.raises(FormatError, match="section 12 is"):
        open_ptau(damaged(tmp_path, 12, short))


def test_duplicate_missing_and_unknown_sections(tmp_path: Path) -> None:
    magic, version, sections = sections_of()
    with pytest.raises(FormatError, match="duplicate section"):
        open_ptau(rebuild(tmp_path / "d.ptau", magic, version, [*sections, sections[1]]))
    with pytest.raises(FormatError, match="missing section 7"):
        open_ptau(rebuild(tmp_path / "m.ptau", magic, version, [s for s in sections if s[0] != 7]))
    with pytest.raises(FormatError, match="unexpected section 9"):
        open_ptau(rebuild(tmp_path / "u.ptau", magic, version, [*sections, (9, b"")]))


def test_bad_points_name_section_and_index(tmp_path: Path) -> None:
    tau = dict(sections_of()[2])[2]
    off_curve = tau[: 5 * G1_SIZE] + encode_g1((1, 3)) + tau[6 * G1_SIZE :]
    pf = open_ptau(damaged(tmp_path, 2, off_curve))
    assert len(pf.read_tau_g1(0, 5)) == 5
    with pytest.raises(InvalidValueError, match="section 2: point 5 is not on the curve"):
        pf.read_tau_g1()


def test_contribution_section_errors(tmp_path: Path) -> None:
    contributions = dict(sections_of()[2])[7]
    with pytest.raises(
        TruncatedFileError,
        match=r"^.*/bad\.ptau: section 7: needs 50 bytes at offset 4557, 49 left$",
    ):
        open_ptau(damaged(tmp_path, 7, contributions[:-1])).read_contributions()
    with pytest.raises(FormatError, match="stray bytes"):
        open_ptau(damaged(tmp_path, 7, contributions + b"\x00")).read_contributions()
    with pytest.raises(FormatError, match="cannot fit"):
        huge = struct.pack("<I", 10**6) + contributions[4:]
        open_ptau(damaged(tmp_path, 7, huge)).read_contributions()
    with pytest.raises(FormatError, match="too short"):
        open_ptau(damaged(tmp_path, 7, b""))


def read_everything(pf: PtauFile) -> None:
    pf.read_tau_g1()
    pf.read_tau_g2()
    pf.read_alpha_tau_g1()
    pf.read_beta_tau_g1()
    pf.read_beta_g2()
    pf.read_contributions()


def test_every_truncation_and_byte_flip_fails_cleanly(tmp_path: Path) -> None:
    """No damage to a ptau may hang or escape as anything but a FormatError."""
    data = vector("ptau", "pot4_beacon.ptau").read_bytes()
    target = tmp_path / "fuzz.ptau"
    for offset in range(0, len(data), 7):
        for variant in (
            data[:offset],
            data[:offset] + bytes([data[offset] ^ 0xA5]) + data[offset + 1 :],
        ):
            target.write_bytes(variant)
            with contextlib.suppress(FormatError):
                read_everything(open_ptau(target))
