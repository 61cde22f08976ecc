"""accept_upload on the committed snarkjs-made chain: each hostile key is refused with its code.

The keys are the vectors' (multiplier_0001 by "First phase2 contribution", _0002 by "Second
phase2 contribution", _final ending with the beacon) and copies of them edited the way
tests/unit/ceremony/helpers.py edits keys: forged contributions, patched points and sections.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.ceremony.helpers import (
    BETA_G2_AT,
    DELTA_G1_AT,
    FINAL,
    FIRST,
    INITIAL,
    SECOND,
    extend,
    patch_g2_header,
    patch_header,
    patch_point,
)
from tests.unit.formats.helpers import vector
from toolchain.ceremony.checks import accept_upload
from toolchain.coordinator.protocol import CODES
from toolchain.errors import ZktError
from toolchain.formats.curve_codec import encode_g1
from toolchain.formats.zkey import SECTION_A, SECTION_C, contribution_record_size
from toolchain.native.curve import G1_GENERATOR, G1_IDENTITY, G2_GENERATOR
from toolchain.native.engine import Engine

SECOND_NAME = "Second phase2 contribution"


def refused(accepted: Path, candidate: Path, name: str = "mallory") -> str:
    """The code accept_upload refuses `candidate` with (a CODES acceptance code)."""
    with pytest.raises(ZktError) as caught:
        accept_upload(accepted, candidate, name)
    code = caught.value.code
    assert code is not None and CODES[code] == 422, caught.value
    return code


@pytest.fixture
def good(engine: Engine, tmp_path: Path) -> Path:
    """SECOND plus one valid contribution by mallory."""
    return extend(engine, SECOND, tmp_path / "good.zkey", rescale=True)


def test_a_real_snarkjs_contribution_is_accepted() -> None:
    added = accept_upload(FIRST, SECOND, SECOND_NAME)
    assert added.params.name == SECOND_NAME


def test_a_forged_valid_contribution_is_accepted(good: Path) -> None:
    assert accept_upload(SECOND, good, "mallory").params.name == "mallory"


def test_the_next_size_is_one_named_record_more() -> None:
    grown = SECOND.stat().st_size - FIRST.stat().st_size
    assert grown == contribution_record_size(SECOND_NAME)
    with pytest.raises(ValueError, match=r"^a contribution name is 1 to 255 bytes, not 0$"):
        contribution_record_size("")


def test_another_name(good: Path) -> None:
    assert refused(SECOND, good, "alice") == "wrong_name"


def test_not_a_key(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zkey"
    junk.write_bytes(b"zkey" + bytes(100))
    assert refused(SECOND, junk) == "bad_container"


def test_truncated_key(good: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.zkey"
    cut.write_bytes(good.read_bytes()[:-10])
    assert refused(SECOND, cut) == "bad_container"


def test_another_circuits_key() -> None:
    assert refused(vector("poly", "poly_0001.zkey"), SECOND, SECOND_NAME) == "wrong_circuit"


def test_a_replayed_key() -> None:
    assert refused(SECOND, SECOND, SECOND_NAME) == "not_one_contribution"


def test_two_contributions_at_once() -> None:
    assert refused(INITIAL, SECOND, SECOND_NAME) == "not_one_contribution"


def test_a_chain_rebuilt_from_genesis(engine: Engine, tmp_path: Path) -> None:
    rebuilt = INITIAL
    for number in range(1, 4):
        rebuilt = extend(engine, rebuilt, tmp_path / f"r{number}.zkey", rescale=True, k=number + 5)
    assert refused(SECOND, rebuilt) == "chain_rebuilt"


def test_a_beacon() -> None:
    assert refused(SECOND, FINAL, "beacon") == "beacon_refused"


def test_delta_left_equal_to_gamma(engine: Engine, tmp_path: Path) -> None:
    key = extend(engine, INITIAL, tmp_path / "one.zkey", rescale=True, k=1)
    assert refused(INITIAL, key) == "delta_unchanged"


def test_delta_at_infinity(good: Path, tmp_path: Path) -> None:
    key = patch_header(good, tmp_path / "inf.zkey", DELTA_G1_AT, encode_g1(G1_IDENTITY))
    assert refused(SECOND, key) == "invalid_point"


def test_an_off_curve_point_in_l(good: Path, tmp_path: Path) -> None:
    key = patch_point(good, tmp_path / "off.zkey", SECTION_C, 0, (1, 3))
    assert refused(SECOND, key) == "invalid_point"


def test_a_proof_of_knowledge_of_another_secret(engine: Engine, tmp_path: Path) -> None:
    key = extend(engine, SECOND, tmp_path / "pok.zkey", rescale=True, pok_secret=5)
    assert refused(SECOND, key) == "bad_proof_of_knowledge"


def test_header_delta_not_the_chain_s(engine: Engine, good: Path, tmp_path: Path) -> None:
    other = encode_g1(engine.mul_g1(G1_GENERATOR, 3))
    key = patch_header(good, tmp_path / "delta.zkey", DELTA_G1_AT, other)
    assert refused(SECOND, key) == "bad_delta_step"


def test_a_header_value_changed(engine: Engine, good: Path, tmp_path: Path) -> None:
    key = patch_g2_header(good, tmp_path / "beta.zkey", BETA_G2_AT, engine.mul_g2(G2_GENERATOR, 5))
    assert refused(SECOND, key) == "header_changed"


def test_a_fixed_section_changed(engine: Engine, good: Path, tmp_path: Path) -> None:
    key = patch_point(good, tmp_path / "a.zkey", SECTION_A, 0, engine.mul_g1(G1_GENERATOR, 7))
    assert refused(SECOND, key) == "section_changed"


def test_l_and_h_not_rescaled(engine: Engine, tmp_path: Path) -> None:
    key = extend(engine, SECOND, tmp_path / "norescale.zkey", rescale=False)
    assert refused(SECOND, key) == "bad_rescale"
