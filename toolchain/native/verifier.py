"""Groth16 verifier with the checks snarkjs leaves out; one multi-pairing, one final exp.

Before any pairing: the number of public inputs equals the key's, every input is < r, every
point is on its curve (checked when parsed), no proof or key point is the identity, and every
G2 point (proof B, key β, γ, δ) is in the prime-order subgroup (remembered per point: see
`curve.is_in_subgroup_g2`). Then

    e(−A, B) · e(α, β) · e(vk_x, γ) · e(C, δ) = 1,   vk_x = IC₀ + Σ xᵢ·ICᵢ₊₁.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolchain.errors import InvalidValueError, VerificationError
from toolchain.native.curve import G1_IDENTITY, G2_IDENTITY, G1Affine, G2Affine, is_in_subgroup_g2
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.field import R
from toolchain.native.groth16 import Proof, VerificationKey
from toolchain.native.universal import PlonkVerificationKey


def check_public_inputs(vk: VerificationKey | PlonkVerificationKey, public: Sequence[int]) -> None:
    """VerificationError for a wrong count, InvalidValueError for a value outside [0, r)."""
    if len(public) != vk.n_public:
        raise VerificationError(
            f"the verification key expects {vk.n_public} public inputs, got {len(public)}"
        )
    for index, value in enumerate(public):
        if not 0 <= value < R:
            raise InvalidValueError(f"public input {index} is not in [0, r)")


def check_points(vk: VerificationKey, proof: Proof) -> None:
    """InvalidValueError for an identity point or a G2 point outside the prime-order subgroup."""
    for name, g1 in (("proof A", proof.a_g1), ("proof C", proof.c_g1), ("key alpha", vk.alpha_g1)):
        _not_identity_g1(name, g1)
    g2_points = (
        ("proof B", proof.b_g2),
        ("key beta", vk.beta_g2),
        ("key gamma", vk.gamma_g2),
        ("key delta", vk.delta_g2),
    )
    for name, g2 in g2_points:
        _valid_g2(name, g2)


def _not_identity_g1(name: str, point: G1Affine) -> None:
    if point == G1_IDENTITY:
        raise InvalidValueError(f"{name} is the point at infinity")


def _valid_g2(name: str, point: G2Affine) -> None:
    if point == G2_IDENTITY:
        raise InvalidValueError(f"{name} is the point at infinity")
    if not is_in_subgroup_g2(point):
        raise InvalidValueError(f"{name} is not in the prime-order subgroup of G2")


def verify_proof(
    vk: VerificationKey, public: Sequence[int], proof: Proof, engine: Engine | None = None
) -> bool:
    """True iff the proof is valid for these public inputs; malformed inputs raise (None: auto)."""
    engine = engine or get_engine("auto")
    check_public_inputs(vk, public)
    check_points(vk, proof)
    vk_x = engine.add_g1(vk.gamma_abc_g1[0], engine.msm_g1(vk.gamma_abc_g1[1:], list(public)))
    return engine.pairing_check(
        [
            (engine.neg_g1(proof.a_g1), proof.b_g2),
            (vk.alpha_g1, vk.beta_g2),
            (vk_x, vk.gamma_g2),
            (proof.c_g1, vk.delta_g2),
        ]
    )
