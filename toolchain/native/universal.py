"""PLONK and fflonk values as plain ints and point tuples: proofs and verification keys.

`formats.universal_json` parses snarkjs 0.7's JSON into these; the native PLONK verifier works
on them and never sees text. Field names follow snarkjs's JSON keys (lower-cased), which follow
the PLONK paper's: selector commitments Qm Ql Qr Qo Qc, permutation commitments S1 S2 S3,
wire commitments A B C, grand product Z, quotient parts T1 T2 T3, opening proofs Wxi Wxiw.
Commitments may be the identity (a selector that is zero everywhere commits to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.native.curve import G1Affine, G2Affine


@dataclass(frozen=True)
class PlonkVerificationKey:
    """snarkjs's PLONK verification_key.json: domain 2^power with generator w, coset shifts
    k1 and k2, the eight preprocessed commitments and [x]₂ from the ptau."""

    n_public: int
    power: int
    k1: int
    k2: int
    w: int
    qm: G1Affine
    ql: G1Affine
    qr: G1Affine
    qo: G1Affine
    qc: G1Affine
    s1: G1Affine
    s2: G1Affine
    s3: G1Affine
    x_2: G2Affine


@dataclass(frozen=True)
class PlonkProof:
    """snarkjs's PLONK proof.json: nine G1 commitments and six evaluations at ξ (zw at ξω)."""

    a: G1Affine
    b: G1Affine
    c: G1Affine
    z: G1Affine
    t1: G1Affine
    t2: G1Affine
    t3: G1Affine
    wxi: G1Affine
    wxiw: G1Affine
    eval_a: int
    eval_b: int
    eval_c: int
    eval_s1: int
    eval_s2: int
    eval_zw: int


# fflonk's evaluations, in the order snarkjs writes them (proof.json "evaluations").
FFLONK_EVALUATIONS = (
    "ql", "qr", "qm", "qo", "qc", "s1", "s2", "s3", "a", "b", "c", "z", "zw", "t1w", "t2w", "inv",
)  # fmt: skip


@dataclass(frozen=True)
class FflonkVerificationKey:
    """snarkjs's fflonk verification_key.json: the roots of unity it uses, [x]₂ and C0."""

    n_public: int
    power: int
    k1: int
    k2: int
    w: int
    w3: int
    w4: int
    w8: int
    wr: int
    x_2: G2Affine
    c0: G1Affine


@dataclass(frozen=True)
class FflonkProof:
    """snarkjs's fflonk proof.json: commitments C1 C2 W1 W2 and the evaluations by name."""

    c1: G1Affine
    c2: G1Affine
    w1: G1Affine
    w2: G1Affine
    evaluations: dict[str, int]
