"""accept_final on the committed vector chain: the final key passes; a key snarkjs rejects, or
one without the committed beacon, is refused with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.ceremony.helpers import FINAL, FIRST, SECOND, committed_beacon, extend, patch_point
from tests.unit.formats.helpers import vector
from toolchain.ceremony import checks
from toolchain.config import engine_name
from toolchain.errors import VerificationError
from toolchain.formats.zkey import SECTION_C, open_zkey
from toolchain.native.curve import G1_GENERATOR
from toolchain.native.engines import get_engine
from toolchain.runner.tools import Tools

R1CS = vector("multiplier", "multiplier.r1cs")
PTAU = vector("ptau", "pot4_final.ptau")


def test_final_key_is_accepted(tools: Tools) -> None:
    assert checks.accept_final(tools, R1CS, PTAU, FINAL, committed_beacon(), 2) == 2


def test_final_key_snarkjs_rejects_is_refused(tools: Tools, tmp_path: Path) -> None:
    # One L point changed: every check of accept_final but snarkjs's replay would pass it.
    point = open_zkey(FINAL).read_g1_section(SECTION_C, 0, 1)[0]
    moved = get_engine(engine_name(None)).add_g1(point, G1_GENERATOR)
    key = patch_point(FINAL, tmp_path / "bad.zkey", SECTION_C, 0, moved)
    with pytest.raises(
        VerificationError,
        match=r"^bad\.zkey: snarkjs zkey verify rejects it against multiplier\.r1cs$",
    ):
        checks.accept_final(tools, R1CS, PTAU, key, committed_beacon(), 2)


def test_final_key_without_the_beacon_is_refused(tools: Tools) -> None:
    with pytest.raises(
        VerificationError, match=r"^multiplier_0002\.zkey: the chain does not end with the beacon$"
    ):
        checks.accept_final(tools, R1CS, PTAU, SECOND, committed_beacon(), 2)
    assert checks.accept_final(tools, R1CS, PTAU, SECOND, None, 2) == 2


def test_final_key_with_too_few_contributions_is_refused(tools: Tools) -> None:
    with pytest.raises(
        VerificationError,
        match=r"^multiplier_final\.zkey: 2 real contributions \(the beacon excluded\), at least 3"
        r" needed \(min_contributions\): a key with fewer trusts too few people$",
    ):
        checks.accept_final(tools, R1CS, PTAU, FINAL, committed_beacon(), 3)


def test_one_contribution_and_a_beacon_pass_by_default(tools: Tools, tmp_path: Path) -> None:
    # A beacon forged as snarkjs derives one: snarkjs's own replay accepts it too.
    engine = get_engine(engine_name(None))
    key = extend(engine, FIRST, tmp_path / "beacon.zkey", rescale=True, beacon=(bytes(32), 0))
    assert checks.accept_final(tools, R1CS, PTAU, key, None) == 1
