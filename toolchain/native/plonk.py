"""Native PLONK verifier for snarkjs 0.7.6 proofs: Keccak transcript, one batched pairing check.

From the PLONK paper (ePrint 2019/953, §8.3) with snarkjs's choices. Domain H = ⟨ω⟩ of size
n = 2^power, ω = snarkjs's Fr.w[power]; cosets k₁H, k₂H; everything mod r.

Transcript (Keccak-256; G1 points as 64 bytes x‖y big-endian, the identity 64 zero bytes;
scalars 32 bytes big-endian; a challenge is the digest read big-endian, reduced mod r):

    β = H(Qm Ql Qr Qo Qc S1 S2 S3 ‖ public inputs ‖ A B C)     γ = H(β)
    α = H(β ‖ γ ‖ Z)      ξ = H(α ‖ T1 T2 T3)
    v = H(ξ ‖ ā b̄ c̄ s̄₁ s̄₂ z̄ω), vᵢ = vⁱ (i = 1..5)      u = H(Wxi ‖ Wxiw)

Evaluations at ξ: Z_H(ξ) = ξⁿ − 1, Lᵢ(ξ) = ωⁱ⁻¹·Z_H(ξ) / (n·(ξ − ωⁱ⁻¹)),
PI(ξ) = −Σ xᵢ·Lᵢ(ξ), and

    r₀ = PI(ξ) − α²·L₁(ξ) − α·(ā + βs̄₁ + γ)(b̄ + βs̄₂ + γ)(c̄ + γ)·z̄ω

Linearisation commitment D, batched commitment F and evaluation E:

    D = āb̄·Qm + ā·Ql + b̄·Qr + c̄·Qo + Qc
        + (α(ā + βξ + γ)(b̄ + βk₁ξ + γ)(c̄ + βk₂ξ + γ) + α²L₁(ξ) + u)·Z
        − αβz̄ω(ā + βs̄₁ + γ)(b̄ + βs̄₂ + γ)·S3 − Z_H(ξ)·(T1 + ξⁿ·T2 + ξ²ⁿ·T3)
    F = D + v₁A + v₂B + v₃C + v₄S1 + v₅S2
    E = (−r₀ + v₁ā + v₂b̄ + v₃c̄ + v₄s̄₁ + v₅s̄₂ + u·z̄ω)·[1]₁

and the proof is valid iff

    e(−(Wxi + u·Wxiw), [x]₂) · e(ξ·Wxi + uξω·Wxiw + F − E, [1]₂) = 1,

the right-hand G1 point computed as ONE multi-scalar multiplication.

Before any of it, as the Groth16 verifier: the number of public inputs is the key's
(VerificationError), every input and evaluation is < r, the key's ω is the primitive
2^power-th root snarkjs proves over, k₁H, k₂H and H are disjoint, and [x]₂ is a finite point of
the prime-order subgroup (InvalidValueError naming the field). Points are on their curve when
`formats.universal_json` parses them; commitments may be the identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from toolchain.errors import InvalidValueError
from toolchain.native.curve import (
    G1_GENERATOR,
    G2_GENERATOR,
    G2_IDENTITY,
    G1Affine,
    is_in_subgroup_g2,
)
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.field import TWO_ADICITY, R, batch_inverse, root_of_unity
from toolchain.native.universal import PlonkProof, PlonkVerificationKey
from toolchain.native.verifier import check_public_inputs

_EVALUATIONS = ("eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw")


@dataclass(frozen=True)
class Challenges:
    """The Fiat-Shamir challenges of one proof: β γ α ξ v u."""

    beta: int
    gamma: int
    alpha: int
    xi: int
    v: int
    u: int

    def v_powers(self) -> list[int]:
        """[v, v², v³, v⁴, v⁵]: the weights batching the openings of A, B, C, S1, S2."""
        return [pow(self.v, i, R) for i in range(1, 6)]


def check_plonk_key(vk: PlonkVerificationKey) -> None:
    """InvalidValueError naming the field when the key's domain, cosets or [x]₂ are unsound
    (the G2 subgroup check, most of a verify's time on mcl, is remembered per point)."""
    _check_domain_root(vk)
    n = 1 << vk.power
    if vk.n_public > n:
        raise InvalidValueError(f"key nPublic {vk.n_public} exceeds the domain size 2^{vk.power}")
    _check_cosets(vk.k1, vk.k2, n)
    if vk.x_2 == G2_IDENTITY or not is_in_subgroup_g2(vk.x_2):
        raise InvalidValueError("key X_2 is not a finite point of the prime-order subgroup of G2")


def _check_domain_root(vk: PlonkVerificationKey) -> None:
    """w must be a primitive 2^power-th root of unity, and the one snarkjs's domain uses."""
    if not 1 <= vk.power <= TWO_ADICITY:
        raise InvalidValueError(f"key power {vk.power} is not in [1, {TWO_ADICITY}]")
    order = 1 << vk.power
    if not 0 < vk.w < R or pow(vk.w, order, R) != 1 or pow(vk.w, order // 2, R) == 1:
        raise InvalidValueError(f"key w is not a primitive 2^{vk.power}-th root of unity")
    if vk.w != root_of_unity(vk.power):
        raise InvalidValueError(
            f"key w is a 2^{vk.power}-th root of unity, but not the generator snarkjs proves over"
        )


def _check_cosets(k1: int, k2: int, n: int) -> None:
    """k₁H, k₂H and H are disjoint cosets of the size-n domain: k₁ⁿ, k₂ⁿ ∉ {0, 1}, k₁ⁿ ≠ k₂ⁿ."""
    for name, k in (("k1", k1), ("k2", k2)):
        if not 0 < k < R or pow(k, n, R) == 1:
            raise InvalidValueError(f"key {name} gives no coset of the domain disjoint from it")
    if pow(k1, n, R) == pow(k2, n, R):
        raise InvalidValueError("key k1 and k2 give the same coset of the domain")


def check_plonk_inputs(vk: PlonkVerificationKey, public: Sequence[int], proof: PlonkProof) -> None:
    """VerificationError for a wrong input count, InvalidValueError for a value outside [0, r)."""
    check_public_inputs(vk, public)
    for name in _EVALUATIONS:
        if not 0 <= getattr(proof, name) < R:
            raise InvalidValueError(f"proof {name} is not in [0, r)")


def _g1_bytes(point: G1Affine) -> bytes:
    """snarkjs's uncompressed G1: x‖y big-endian; the identity (0, 0) is 64 zero bytes."""
    return point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")


def _fr_bytes(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _challenge(*parts: bytes) -> int:
    """Keccak-256 of the concatenated parts, read big-endian, reduced mod r."""
    from Crypto.Hash import keccak  # pycryptodome loads cffi: only PLONK verification needs it

    digest = keccak.new(digest_bits=256, data=b"".join(parts)).digest()
    return int.from_bytes(digest, "big") % R


def compute_challenges(
    vk: PlonkVerificationKey, public: Sequence[int], proof: PlonkProof
) -> Challenges:
    """β γ α ξ v u, each from a fresh Keccak transcript that starts with the previous challenge."""
    key_points = (vk.qm, vk.ql, vk.qr, vk.qo, vk.qc, vk.s1, vk.s2, vk.s3)
    beta = _challenge(
        *map(_g1_bytes, key_points),
        *map(_fr_bytes, public),
        *map(_g1_bytes, (proof.a, proof.b, proof.c)),
    )
    gamma = _challenge(_fr_bytes(beta))
    alpha = _challenge(_fr_bytes(beta), _fr_bytes(gamma), _g1_bytes(proof.z))
    xi = _challenge(_fr_bytes(alpha), *map(_g1_bytes, (proof.t1, proof.t2, proof.t3)))
    evaluations = (getattr(proof, name) for name in _EVALUATIONS)
    v = _challenge(_fr_bytes(xi), *map(_fr_bytes, evaluations))
    u = _challenge(_g1_bytes(proof.wxi), _g1_bytes(proof.wxiw))
    return Challenges(beta, gamma, alpha, xi, v, u)


def lagrange_evaluations(power: int, xi: int, zh: int, count: int) -> list[int]:
    """[L₁(ξ), …, L_count(ξ)] on the domain of size 2^power, given Z_H(ξ) ≠ 0."""
    omega, n = root_of_unity(power), 1 << power
    points = [pow(omega, i, R) for i in range(count)]
    inverses = batch_inverse([n * (xi - w) % R for w in points])
    return [w * zh % R * inv % R for w, inv in zip(points, inverses, strict=True)]


def public_input_evaluation(public: Sequence[int], lagrange: Sequence[int]) -> int:
    """PI(ξ) = −Σ xᵢ·Lᵢ(ξ)."""
    return -sum(x * lag for x, lag in zip(public, lagrange, strict=False)) % R


def verify_plonk(
    vk: PlonkVerificationKey,
    public: Sequence[int],
    proof: PlonkProof,
    engine: Engine | None = None,
) -> bool:
    """True iff the proof is valid for these public inputs; malformed inputs raise (None: auto)."""
    engine = engine or get_engine("auto")
    check_plonk_key(vk)
    check_plonk_inputs(vk, public, proof)
    ch = compute_challenges(vk, public, proof)
    xi_n = pow(ch.xi, 1 << vk.power, R)
    zh = (xi_n - 1) % R
    if zh == 0:
        return False  # ξ in H (probability ≈ n/r): Lᵢ(ξ) is undefined, nothing can be checked
    lagrange = lagrange_evaluations(vk.power, ch.xi, zh, max(1, vk.n_public))
    points, scalars = _opening_terms(vk, proof, ch, xi_n, zh, lagrange[0])
    r0 = _r0(proof, ch, public_input_evaluation(public, lagrange), lagrange[0])
    points.append(G1_GENERATOR)
    scalars.append(-_batched_evaluation(proof, ch, r0) % R)
    left = engine.add_g1(proof.wxi, engine.mul_g1(proof.wxiw, ch.u))
    right = engine.msm_g1(points, scalars)
    return engine.pairing_check([(engine.neg_g1(left), vk.x_2), (right, G2_GENERATOR)])


def _r0(proof: PlonkProof, ch: Challenges, pi: int, l1: int) -> int:
    """r₀ = PI(ξ) − α²L₁(ξ) − α(ā + βs̄₁ + γ)(b̄ + βs̄₂ + γ)(c̄ + γ)z̄ω."""
    perm = _permutation_product(proof, ch) * (proof.eval_c + ch.gamma) % R
    return (pi - ch.alpha * ch.alpha * l1 - ch.alpha * perm % R * proof.eval_zw) % R


def _permutation_product(proof: PlonkProof, ch: Challenges) -> int:
    """(ā + βs̄₁ + γ)(b̄ + βs̄₂ + γ), shared by r₀ and the S3 term of D."""
    left = proof.eval_a + ch.beta * proof.eval_s1 + ch.gamma
    right = proof.eval_b + ch.beta * proof.eval_s2 + ch.gamma
    return left * right % R


def _z_scalar(vk: PlonkVerificationKey, proof: PlonkProof, ch: Challenges, l1: int) -> int:
    """α(ā + βξ + γ)(b̄ + βk₁ξ + γ)(c̄ + βk₂ξ + γ) + α²L₁(ξ) + u: Z's coefficient in D."""
    beta_xi = ch.beta * ch.xi % R
    product = (proof.eval_a + beta_xi + ch.gamma) * (proof.eval_b + beta_xi * vk.k1 + ch.gamma)
    product = product % R * (proof.eval_c + beta_xi * vk.k2 + ch.gamma) % R
    return (ch.alpha * product + ch.alpha * ch.alpha * l1 + ch.u) % R


def _opening_terms(
    vk: PlonkVerificationKey, proof: PlonkProof, ch: Challenges, xi_n: int, zh: int, l1: int
) -> tuple[list[G1Affine], list[int]]:
    """The points and scalars of ξ·Wxi + uξω·Wxiw + F (E is added by the caller)."""
    a, b, c = proof.eval_a, proof.eval_b, proof.eval_c
    s3 = -ch.alpha * ch.beta * proof.eval_zw % R * _permutation_product(proof, ch)
    omega = root_of_unity(vk.power)
    terms: list[tuple[G1Affine, int]] = [
        (vk.qm, a * b),
        (vk.ql, a),
        (vk.qr, b),
        (vk.qo, c),
        (vk.qc, 1),
        (proof.z, _z_scalar(vk, proof, ch, l1)),
        (vk.s3, s3),
        (proof.t1, -zh),
        (proof.t2, -zh * xi_n),
        (proof.t3, -zh * xi_n * xi_n),
        *zip((proof.a, proof.b, proof.c, vk.s1, vk.s2), ch.v_powers(), strict=True),
        (proof.wxi, ch.xi),
        (proof.wxiw, ch.u * ch.xi % R * omega),
    ]
    return [p for p, _ in terms], [k % R for _, k in terms]


def _batched_evaluation(proof: PlonkProof, ch: Challenges, r0: int) -> int:
    """E's scalar: −r₀ + v₁ā + v₂b̄ + v₃c̄ + v₄s̄₁ + v₅s̄₂ + u·z̄ω."""
    opened = (proof.eval_a, proof.eval_b, proof.eval_c, proof.eval_s1, proof.eval_s2)
    weighted = sum(v * value for v, value in zip(ch.v_powers(), opened, strict=True))
    return (-r0 + weighted + ch.u * proof.eval_zw) % R
