"""Points the BN254 tests need and the library never makes: on the twist, outside G2; and a
key section's bytes held in memory (`InMemory`), where the library reads them from the file."""

from __future__ import annotations

from dataclasses import dataclass

from toolchain.native.curve import B_G2, Fp2, G2Affine, add_fp2, mul_fp2, square_fp2
from toolchain.native.field import P


def _sqrt_fp(a: int) -> int | None:
    """Return a square root of a in Fp (p ≡ 3 mod 4), or None."""
    s = pow(a, (P + 1) // 4, P)
    return s if s * s % P == a % P else None


def _sqrt_fp2(a: Fp2) -> Fp2 | None:
    """Return a square root in Fp2 through the norm map, or None."""
    a0, a1 = a
    norm_root = _sqrt_fp((a0 * a0 + a1 * a1) % P)
    if norm_root is None:
        return None
    half = pow(2, -1, P)
    for candidate in ((a0 + norm_root) * half % P, (a0 - norm_root) * half % P):
        x0 = _sqrt_fp(candidate)
        if x0:
            root = (x0, a1 * pow(2 * x0, -1, P) % P)
            assert square_fp2(root) == (a0 % P, a1 % P)
            return root
    # a1 = 0 and a0 a non-residue: the root is purely imaginary.
    x1 = _sqrt_fp(-a0 % P)
    return None if x1 is None else (0, x1)


def twist_point(start: int) -> G2Affine:
    """Return the first point on y² = x³ + b2 with x = (start + i, 1): try-and-increment, no
    cofactor clearing, so it is (all but certainly) outside the order-r subgroup."""
    x0 = start
    while True:
        x = (x0 % P, 1)
        y = _sqrt_fp2(add_fp2(mul_fp2(square_fp2(x), x), B_G2))
        if y is not None:
            return x, y
        x0 += 1


# sha256 of repr(create_proof(poly vector, r=5, s=7)) as main made it before the stage timer:
# the timer, the key layouts and every later speed-up must leave the proof bit-identical.
POLY_PROOF_SHA256 = "5a17fd4b1e70282dd32751edf664fd158a52113fcca78c1ca813165af2007ddb"


@dataclass(frozen=True)
class InMemory:
    """A section's bytes already in memory, as `SectionBytes`."""

    raw: bytes

    def __len__(self) -> int:
        """The section's size in bytes."""
        return len(self.raw)

    def read(self, start: int, end: int) -> bytes:
        """Bytes [start, end) of the section."""
        return self.raw[start:end]
