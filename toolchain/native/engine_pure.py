"""The pure-Python engine: plain-int curve arithmetic, MSMs over processes, py_ecc pairings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from toolchain.native import curve, field, msm, pairing
from toolchain.native.curve import G1Affine, G2Affine
from toolchain.native.engine import PythonFieldOps, usable_cpus
from toolchain.native.groth16 import PointLayout


class PureEngine(PythonFieldOps):
    """The Engine in pure Python: plain ints, gmpy2 for MSMs when importable."""

    name = "pure"
    # A key's points as the format decodes them: checked affine tuples.
    key_layout: PointLayout | None = None

    def __init__(self, *, workers: int | None = None, use_gmpy2: bool | None = None) -> None:
        """Keep the MSM options: processes (None: every usable core), gmpy2 (None: if found)."""
        # Large MSMs split over processes ran ~1.5-1.75x faster on 2 idle cores at 2^14 points;
        # msm.MIN_POINTS_PER_WORKER keeps small ones in this process.
        self.workers = usable_cpus() if workers is None else workers
        self.use_gmpy2 = use_gmpy2

    def concurrent_msms(self) -> tuple[int, PureEngine]:
        """One MSM at a time: each already spreads over processes, and Python holds the GIL."""
        return 1, self

    def add_g1(self, a: G1Affine, b: G1Affine) -> G1Affine:
        """Return a + b in G1."""
        return curve.to_affine_g1(curve.add_g1(curve.from_affine_g1(a), curve.from_affine_g1(b)))

    def neg_g1(self, a: G1Affine) -> G1Affine:
        """Return −a in G1."""
        return curve.to_affine_g1(curve.neg_g1(curve.from_affine_g1(a)))

    def mul_g1(self, a: G1Affine, k: int) -> G1Affine:
        """Return k·a in G1 for a scalar 0 <= k < r."""
        return curve.to_affine_g1(curve.mul_g1(curve.from_affine_g1(a), field.parse_scalar(k)))

    def msm_g1(self, points: Sequence[G1Affine], scalars: Sequence[int]) -> G1Affine:
        """Return Σ scalars[i]·points[i] in G1."""
        total = msm.msm_g1(points, scalars, workers=self.workers, use_gmpy2=self.use_gmpy2)
        return curve.to_affine_g1(total)

    def msm_parts_g1(
        self, points: Sequence[G1Affine], scalars: Sequence[int]
    ) -> list[Callable[[], G1Affine]]:
        """One part, the whole MSM: it spreads over processes itself."""
        return [partial(self.msm_g1, points, scalars)]

    def batch_mul_g1(self, base: G1Affine, scalars: Sequence[int]) -> list[G1Affine]:
        """Return [k·base for k in scalars] in G1."""
        return msm.batch_mul_g1(base, scalars, workers=self.workers, use_gmpy2=self.use_gmpy2)

    def add_g2(self, a: G2Affine, b: G2Affine) -> G2Affine:
        """Return a + b in G2."""
        return curve.to_affine_g2(curve.add_g2(curve.from_affine_g2(a), curve.from_affine_g2(b)))

    def mul_g2(self, a: G2Affine, k: int) -> G2Affine:
        """Return k·a in G2 for a scalar 0 <= k < r."""
        return curve.to_affine_g2(curve.mul_g2(curve.from_affine_g2(a), field.parse_scalar(k)))

    def msm_g2(self, points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
        """Return Σ scalars[i]·points[i] in G2."""
        total = msm.msm_g2(points, scalars, workers=self.workers, use_gmpy2=self.use_gmpy2)
        return curve.to_affine_g2(total)

    def msm_parts_g2(
        self, points: Sequence[G2Affine], scalars: Sequence[int]
    ) -> list[Callable[[], G2Affine]]:
        """One part, the whole MSM."""
        return [partial(self.msm_g2, points, scalars)]

    def batch_mul_g2(self, base: G2Affine, scalars: Sequence[int]) -> list[G2Affine]:
        """Return [k·base for k in scalars] in G2."""
        return msm.batch_mul_g2(base, scalars, workers=self.workers, use_gmpy2=self.use_gmpy2)

    def pairing_check(self, pairs: Sequence[tuple[G1Affine, G2Affine]]) -> bool:
        """Return True iff Π e(P_i, Q_i) == 1."""
        return pairing.pairing_check(pairs)
