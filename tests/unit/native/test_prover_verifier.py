"""Native Groth16 on the committed snarkjs vectors: proofs, determinism and hostile inputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.config import engine_name
from toolchain.errors import InvalidValueError, VerificationError
from toolchain.formats.snarkjs_json import read_proof, read_public, read_verification_key
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.native.curve import (
    G1_GENERATOR,
    G1_IDENTITY,
    G2_GENERATOR,
    G2_IDENTITY,
    G2Affine,
    add_g2,
    from_affine_g2,
    is_in_subgroup_g2,
    is_on_curve_g2,
    to_affine_g2,
)
from toolchain.native.engines import get_engine
from toolchain.native.field import P, R
from toolchain.native.groth16 import Proof, VerificationKey, Zkey
from toolchain.native.prover import create_proof, prove, public_signals
from toolchain.native.verifier import check_public_inputs, verify_proof

VECTORS = Path(__file__).resolve().parents[2] / "vectors"


def load(name: str) -> tuple[Zkey, list[int], VerificationKey, Proof, list[int]]:
    d = VECTORS / name
    return (
        read_zkey(d / f"{name}_final.zkey"),
        read_wtns(d / "witness.wtns"),
        read_verification_key(d / "verification_key.json"),
        read_proof(d / "proof.json"),
        read_public(d / "public.json"),
    )


@pytest.fixture(scope="module", params=["multiplier", "poly"])
def vector(
    request: pytest.FixtureRequest,
) -> tuple[Zkey, list[int], VerificationKey, Proof, list[int]]:
    return load(request.param)


def test_snarkjs_proof_verifies_natively(vector: tuple) -> None:  # type: ignore[type-arg]
    _, _, vk, proof, public = vector
    assert verify_proof(vk, public, proof) is True


def test_native_proof_verifies_and_public_matches(vector: tuple) -> None:  # type: ignore[type-arg]
    zkey, witness, vk, _, public = vector
    proof, ours = prove(zkey, witness)
    assert ours == public
    assert verify_proof(vk, ours, proof) is True


def test_create_proof_is_deterministic_and_blinded(vector: tuple) -> None:  # type: ignore[type-arg]
    zkey, witness, vk, _, _ = vector
    engine = get_engine(engine_name(None))
    first = create_proof(zkey, witness, 5, 7, engine)
    assert first == create_proof(zkey, witness, 5, 7, engine)
    assert first != create_proof(zkey, witness, 5, 8, engine)
    assert verify_proof(vk, public_signals(zkey, witness), first)


def test_changed_public_input_is_rejected(vector: tuple) -> None:  # type: ignore[type-arg]
    _, _, vk, proof, public = vector
    changed = [(public[0] + 1) % R, *public[1:]]
    assert verify_proof(vk, changed, proof) is False


def test_public_input_plus_r_is_refused(vector: tuple) -> None:  # type: ignore[type-arg]
    _, _, vk, proof, public = vector
    with pytest.raises(InvalidValueError, match="public input 0 is not in"):
        verify_proof(vk, [public[0] + R, *public[1:]], proof)


def test_missing_or_extra_public_input_is_refused(vector: tuple) -> None:  # type: ignore[type-arg]
    _, _, vk, proof, public = vector
    with pytest.raises(VerificationError, match=f"expects {len(public)} public inputs"):
        verify_proof(vk, public[:-1], proof)
    with pytest.raises(VerificationError, match=f"expects {len(public)} public inputs"):
        verify_proof(vk, [*public, 1], proof)


def test_identity_points_are_refused(vector: tuple) -> None:  # type: ignore[type-arg]
    _, _, vk, proof, public = vector
    with pytest.raises(InvalidValueError, match="proof A is the point at infinity"):
        verify_proof(vk, public, replace(proof, a_g1=G1_IDENTITY))
    with pytest.raises(InvalidValueError, match="proof C is the point at infinity"):
        verify_proof(vk, public, replace(proof, c_g1=G1_IDENTITY))


def test_non_subgroup_g2_is_refused(
    vector: tuple,  # type: ignore[type-arg]
    make_twist_point: Callable[[int], G2Affine],
) -> None:
    _, _, vk, proof, public = vector
    outsider = make_twist_point(1)
    assert is_on_curve_g2(outsider)
    with pytest.raises(InvalidValueError, match="proof B is not in the prime-order subgroup"):
        verify_proof(vk, public, replace(proof, b_g2=outsider))
    with pytest.raises(InvalidValueError, match="key delta is not in the prime-order subgroup"):
        verify_proof(replace(vk, delta_g2=outsider), public, proof)


def test_each_g2_point_is_checked_once_and_a_refusal_stays_a_refusal(
    vector: tuple,  # type: ignore[type-arg]
    make_twist_point: Callable[[int], G2Affine],
) -> None:
    _, _, vk, proof, public = vector
    is_in_subgroup_g2.cache_clear()
    assert verify_proof(vk, public, proof) and verify_proof(vk, public, proof)
    assert (is_in_subgroup_g2.cache_info().misses, is_in_subgroup_g2.cache_info().hits) == (4, 4)
    outsider = replace(vk, gamma_g2=make_twist_point(1))
    for _ in range(2):
        with pytest.raises(
            InvalidValueError, match=r"^key gamma is not in the prime-order subgroup of G2$"
        ):
            verify_proof(outsider, public, proof)
    assert is_in_subgroup_g2.cache_info().misses == 5


def test_swapped_points_fail_the_pairing(vector: tuple) -> None:  # type: ignore[type-arg]
    _, _, vk, proof, public = vector
    other_b = to_affine_g2(add_g2(from_affine_g2(proof.b_g2), from_affine_g2(G2_GENERATOR)))
    assert verify_proof(vk, public, replace(proof, b_g2=other_b)) is False
    assert verify_proof(vk, public, replace(proof, a_g1=G1_GENERATOR)) is False


def test_witness_not_fitting_the_key_is_refused(vector: tuple) -> None:  # type: ignore[type-arg]
    zkey, witness, *_ = vector
    engine = get_engine(engine_name(None))
    with pytest.raises(InvalidValueError, match="witness has"):
        create_proof(zkey, witness[:-1], 1, 1, engine)
    with pytest.raises(InvalidValueError, match=r"witness\[1\] is not in"):
        create_proof(zkey, [1, P, *witness[2:]], 1, 1, engine)


def test_identity_key_alpha_is_refused(vector: tuple) -> None:  # type: ignore[type-arg]
    _, _, vk, proof, public = vector
    with pytest.raises(InvalidValueError, match=r"^key alpha is the point at infinity$"):
        verify_proof(replace(vk, alpha_g1=G1_IDENTITY), public, proof)


@pytest.mark.parametrize("field", ["beta", "gamma", "delta"])
def test_key_g2_points_are_checked_one_by_one(
    vector: tuple,  # type: ignore[type-arg]
    make_twist_point: Callable[[int], G2Affine],
    field: str,
) -> None:
    _, _, vk, proof, public = vector
    with pytest.raises(InvalidValueError, match=rf"^key {field} is the point at infinity$"):
        verify_proof(replace(vk, **{f"{field}_g2": G2_IDENTITY}), public, proof)
    outsider = make_twist_point(1)
    with pytest.raises(
        InvalidValueError, match=rf"^key {field} is not in the prime-order subgroup of G2$"
    ):
        verify_proof(replace(vk, **{f"{field}_g2": outsider}), public, proof)


def test_public_inputs_from_zero_to_r_minus_one(vector: tuple) -> None:  # type: ignore[type-arg]
    _, _, vk, _, public = vector
    check_public_inputs(vk, [0] * len(public))
    check_public_inputs(vk, [R - 1] * len(public))
    with pytest.raises(InvalidValueError, match=r"^public input 0 is not in \[0, r\)$"):
        check_public_inputs(vk, [R] * len(public))
    with pytest.raises(InvalidValueError, match=r"^public input 0 is not in \[0, r\)$"):
        check_public_inputs(vk, [-1] * len(public))
