"""Engine protocol for the Groth16 prover and verifier, and the Python part both engines share.

Engines exchange plain-int affine points (identity all-zero, see `curve`) and ints mod r, so
the mcl engine (`engine_mcl`, C++ through the optional mclbn256 wheel) replaces the pure one
(`engine_pure`) without touching its callers; `engines.get_engine(name)` picks one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Protocol

from toolchain.native import curve, field, polynomial
from toolchain.native.curve import Fp2, G1Affine, G2Affine
from toolchain.native.groth16 import PointLayout
from toolchain.native.stages import Stages, untimed


class Engine(Protocol):
    """BN254 operations for Groth16: Fr, G1, G2, NTT over r, pairing check, validation."""

    name: str
    # How a .zkey's point sections are best read for this engine (None: the format's tuples).
    key_layout: PointLayout | None

    def concurrent_msms(self) -> tuple[int, Engine]:
        """How many MSMs the prover may run at once on threads (1: one after another, inline),
        and the engine each of them should run on."""

    def inverse_fr(self, x: int) -> int:
        """Return x⁻¹ mod r."""

    def batch_inverse_fr(self, values: Sequence[int]) -> list[int]:
        """Return every value's inverse mod r."""

    def add_g1(self, a: G1Affine, b: G1Affine) -> G1Affine:
        """Return a + b in G1."""

    def neg_g1(self, a: G1Affine) -> G1Affine:
        """Return −a in G1."""

    def mul_g1(self, a: G1Affine, k: int) -> G1Affine:
        """Return k·a in G1 for a scalar 0 <= k < r."""

    def msm_g1(self, points: Sequence[G1Affine], scalars: Sequence[int]) -> G1Affine:
        """Return Σ scalars[i]·points[i] in G1."""

    def msm_parts_g1(
        self, points: Sequence[G1Affine], scalars: Sequence[int]
    ) -> list[Callable[[], G1Affine]]:
        """`msm_g1` as parts to call on any thread, whose sums add up to its sum (a queue of
        them keeps every thread busy to the end of a proof)."""

    def batch_mul_g1(self, base: G1Affine, scalars: Sequence[int]) -> list[G1Affine]:
        """Return [k·base for k in scalars] in G1 (fixed base, 0 <= k < r)."""

    def add_g2(self, a: G2Affine, b: G2Affine) -> G2Affine:
        """Return a + b in G2."""

    def mul_g2(self, a: G2Affine, k: int) -> G2Affine:
        """Return k·a in G2 for a scalar 0 <= k < r."""

    def msm_g2(self, points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
        """Return Σ scalars[i]·points[i] in G2."""

    def msm_parts_g2(
        self, points: Sequence[G2Affine], scalars: Sequence[int]
    ) -> list[Callable[[], G2Affine]]:
        """`msm_g2` as parts to call on any thread, whose sums add up to its sum."""

    def batch_mul_g2(self, base: G2Affine, scalars: Sequence[int]) -> list[G2Affine]:
        """Return [k·base for k in scalars] in G2 (fixed base, 0 <= k < r)."""

    def ntt(self, values: Sequence[int]) -> list[int]:
        """Evaluate coefficients on the power-of-two domain of r (snarkjs's Fr.fft)."""

    def intt(self, values: Sequence[int]) -> list[int]:
        """Interpolate coefficients from evaluations on the domain (snarkjs's Fr.ifft)."""

    def h_evaluations(
        self, a: list[int], b: list[int], c: list[int], stages: Stages = untimed
    ) -> list[int]:
        """Return snarkjs's witness map: A·B − C at the odd points of the doubled domain,
        emptying the three lists as it goes (their values are freed early)."""

    def pairing_check(self, pairs: Sequence[tuple[G1Affine, G2Affine]]) -> bool:
        """Return True iff Π e(P_i, Q_i) == 1."""

    def parse_g1(self, x: int, y: int) -> G1Affine:
        """Return a validated G1 point or raise InvalidValueError."""

    def parse_g2(self, x: Fp2, y: Fp2) -> G2Affine:
        """Return a validated G2 point (curve and subgroup) or raise InvalidValueError."""


def usable_cpus() -> int:
    """Return how many CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class PythonFieldOps:
    """What both engines keep in Python: Fr inverses, the NTTs, and point validation.

    Validation is deliberately ours in every engine: py_ecc and C libraries alike may skip the
    range or subgroup checks an untrusted point needs.
    """

    def inverse_fr(self, x: int) -> int:
        """Return x⁻¹ mod r."""
        return field.inverse(x)

    def batch_inverse_fr(self, values: Sequence[int]) -> list[int]:
        """Return every value's inverse mod r with one inversion."""
        return field.batch_inverse(values)

    def ntt(self, values: Sequence[int]) -> list[int]:
        """Evaluate coefficients on the power-of-two domain of r."""
        return polynomial.ntt(values)

    def intt(self, values: Sequence[int]) -> list[int]:
        """Interpolate coefficients from evaluations on the domain."""
        return polynomial.intt(values)

    def h_evaluations(
        self, a: list[int], b: list[int], c: list[int], stages: Stages = untimed
    ) -> list[int]:
        """Return A·B − C at the odd points of the doubled domain (its steps timed by stages),
        emptying the three lists."""
        return polynomial.h_evaluations(a, b, c, stages)

    def parse_g1(self, x: int, y: int) -> G1Affine:
        """Return a validated G1 point (coordinates < p, on the curve)."""
        return curve.parse_g1(x, y)

    def parse_g2(self, x: Fp2, y: Fp2) -> G2Affine:
        """Return a validated G2 point (coordinates < p, on the twist, in the subgroup)."""
        return curve.parse_g2(x, y)
