"""sameRatio, shared by both ceremony verifiers."""

from __future__ import annotations

from toolchain.ceremony.pairing_checks import same_ratio
from toolchain.native.curve import G1_GENERATOR, G2_GENERATOR
from toolchain.native.engine import Engine


def test_same_ratio_refuses_identity_points(engine: Engine) -> None:
    zero = (0, 0)
    assert same_ratio(engine, G1_GENERATOR, G1_GENERATOR, G2_GENERATOR, G2_GENERATOR)
    assert not same_ratio(engine, zero, zero, G2_GENERATOR, G2_GENERATOR)
