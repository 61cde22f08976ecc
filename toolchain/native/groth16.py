"""Groth16 values as plain ints and point tuples: proof, verification key, proving key.

The readers in `toolchain.formats` parse snarkjs's files into these (proof.json and
verification_key.json in `snarkjs_json`, the .zkey in `zkey`); the prover and verifier work on
them and never see bytes. Field names follow the Groth16 paper; snarkjs's names in brackets.

A key's big point queries are `Sequence`s: plain lists of affine tuples as the format decodes
them, or an engine's own table over the file's bytes (`PointLayout`, given each section as
`SectionBytes`: the mcl engine's `MclLayout` reads its points at each MSM), which the engine
then sums without making a Python object of a point.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from toolchain.native.curve import G1Affine, G2Affine
from toolchain.native.field import R

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
    """A Groth16 verification key; gamma_abc_g1 is snarkjs's IC (one point per public + 1).

    snarkjs's files also hold e(α, β) (vk_alphabeta_12), which verifying never uses: a key
    read from a file keeps the file's (`stored_alphabeta`), one derived from a proving key
    computes it on first use only (a pure-Python pairing, ~0.3 s), for its JSON export.
    Keys compare by the points alone.
    """

    alpha_g1: G1Affine
    beta_g2: G2Affine
    gamma_g2: G2Affine
    delta_g2: G2Affine
    gamma_abc_g1: list[G1Affine]
    stored_alphabeta: Fp12 | None = field(default=None, compare=False)

    @cached_property
    def alphabeta_12(self) -> Fp12:
        """e(α, β) as snarkjs writes it: the file's, or computed once."""
        if self.stored_alphabeta is not None:
            return self.stored_alphabeta
        from toolchain.native.pairing import snarkjs_pairing  # py_ecc: only when exported

        return snarkjs_pairing(self.alpha_g1, self.beta_g2)

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
class CoefficientColumns:
    """Matrices A and B as columns: entry i is `values[i]` times signal `signals[i]`, in row
    `rows[i]` of matrix `matrices[i]` (0 = A, 1 = B).

    `values` holds each v as its signed residue, v or v − r, whichever is nearer 0: most of a
    circuit's coefficients are ±1, so they stay one-digit ints and A·w and B·w cost the prover
    a fraction of full products (a .zkey keeps v·R²: `formats.zkey` decodes each distinct value
    once); iterating gives each entry as a `Coefficient` with v in [0, r).
    """

    matrices: Sequence[int]
    rows: Sequence[int]
    signals: Sequence[int]
    values: list[int]

    def __len__(self) -> int:
        """The number of entries."""
        return len(self.values)

    def __iter__(self) -> Iterator[Coefficient]:
        """Every entry, its value in [0, r)."""
        columns = zip(self.matrices, self.rows, self.signals, self.values, strict=True)
        for matrix, row, signal, value in columns:
            yield Coefficient(matrix, row, signal, value % R)


class SectionBytes(Protocol):
    """A key section's bytes, read a piece at a time: `formats.zkey` reads a point section from
    the open file at each read, so a key's points need not stay in memory (the page cache keeps
    them)."""

    def __len__(self) -> int:
        """The section's size in bytes."""

    def read(self, start: int, end: int) -> bytes:
        """Bytes [start, end) of the section, all of them (or an error)."""


class PointLayout(Protocol):
    """How a key's point sections become point sequences, from the file's bytes (affine,
    Montgomery form, little-endian, the identity all zero); errors name `where`."""

    def g1(self, section: SectionBytes, where: str) -> Sequence[G1Affine]:
        """The G1 points of one section."""

    def g2(self, section: SectionBytes, where: str) -> Sequence[G2Affine]:
        """The G2 points of one section."""


@dataclass(frozen=True)
class Zkey:
    """A Groth16 proving key: header, [IC], coefficients [ccoefs], [A], [B1], [B2], [C], [H]."""

    header: ZkeyHeader
    gamma_abc_g1: list[G1Affine]
    coefficients: CoefficientColumns
    a_query: Sequence[G1Affine]
    b_g1_query: Sequence[G1Affine]
    b_g2_query: Sequence[G2Affine]
    l_query: Sequence[G1Affine]
    h_query: Sequence[G1Affine]


def verification_key(header: ZkeyHeader, gamma_abc_g1: list[G1Affine]) -> VerificationKey:
    """The verification key of a proving key: its header's points and its IC (what `snarkjs
    zkey export verificationkey` writes; alphabeta on first use)."""
    return VerificationKey(
        alpha_g1=header.alpha_g1,
        beta_g2=header.beta_g2,
        gamma_g2=header.gamma_g2,
        delta_g2=header.delta_g2,
        gamma_abc_g1=gamma_abc_g1,
    )
