"""Groth16 values as plain ints and point tuples: proof, verification key, proving key.

The readers in `toolchain.formats` parse snarkjs's files into these (proof.json and
verification_key.json in `snarkjs_json`, the .zkey in `zkey`); the prover and verifier work on
them and never see bytes. Field names follow the Groth16 paper; snarkjs's names in brackets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolchain.native.curve import G1Affine, G2Affine

if TYPE_CHECKING:  # pairing loads py_ecc: a prover on mcl never needs it
    from toolchain.native.pairing import Fp12


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof (A, B, C) as validated affine points."""

    a_g1: G1Affine
    b_g2: G2Affine
    c_g1: G1Affine


@dataclass(frozen=True)
class VerificationKey:
    """A Groth16 verification key; gamma_abc_g1 is snarkjs's IC (one point per public + 1)."""

    alpha_g1: G1Affine
    beta_g2: G2Affine
    gamma_g2: G2Affine
    delta_g2: G2Affine
    alphabeta_12: Fp12
    gamma_abc_g1: list[G1Affine]

    @property
    def n_public(self) -> int:
        """The number of public signals the key expects."""
        return len(self.gamma_abc_g1) - 1


@dataclass(frozen=True)
class ZkeyHeader:
    """The proving key's sizes, curve moduli and fixed points (a .zkey's section 2)."""

    n8q: int
    q: int
    n8r: int
    r: int
    n_vars: int
    n_public: int
    domain_size: int
    alpha_g1: G1Affine
    beta_g1: G1Affine
    beta_g2: G2Affine
    gamma_g2: G2Affine
    delta_g1: G1Affine
    delta_g2: G2Affine

    @property
    def power(self) -> int:
        """log2 of the domain size."""
        return self.domain_size.bit_length() - 1


@dataclass(frozen=True)
class Coefficient:
    """One entry of matrix A (0) or B (1): `value`·`signal` in row `constraint` (value < r)."""

    matrix: int
    constraint: int
    signal: int
    value: int


@dataclass(frozen=True)
class Zkey:
    """A Groth16 proving key: header, [IC], coefficients [ccoefs], [A], [B1], [B2], [C], [H]."""

    header: ZkeyHeader
    gamma_abc_g1: list[G1Affine]
    coefficients: list[Coefficient]
    a_query: list[G1Affine]
    b_g1_query: list[G1Affine]
    b_g2_query: list[G2Affine]
    l_query: list[G1Affine]
    h_query: list[G1Affine]
