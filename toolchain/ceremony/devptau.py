"""INSECURE development Powers of Tau: a prepared .ptau whose secrets come from a public seed.

For tests, benchmarks and local development only: whoever knows the seed knows τ, α and β
and can forge proofs for every circuit set up with the file. What it buys is speed: every
point is k·G for a scalar k computed in the field (powers of τ, and the Lagrange values that
`snarkjs powersoftau prepare phase2` gets by inverse FFTs in the exponent), then batched
fixed-base multiplications — seconds where prepare phase2 takes many minutes. The file
records no contribution, so a ceremony check refuses it.

Sections written (n = 2^power; see formats/ptau.py): 1 header, 2 τ^i·G1 (2n − 1),
3 τ^i·G2 (n), 4 α·τ^i·G1 (n), 5 β·τ^i·G1 (n), 6 β·G2, 7 no contributions, and the Lagrange
blocks 12 (L·G1, k = 0 … power + 1), 13 (L·G2), 14 (α·L·G1), 15 (β·L·G1) (k = 0 … power).
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from toolchain.config import engine_name
from toolchain.errors import UsageError
from toolchain.formats.binfile import write_binfile
from toolchain.formats.curve_codec import encode_g1, encode_g2
from toolchain.fsutil import atomic_open
from toolchain.native.curve import G1_GENERATOR, G2_GENERATOR
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.field import P, R, batch_inverse, root_of_unity

MAX_DEV_POWER = 20


def dev_secret(seed: str, label: str) -> int:
    """A non-zero scalar derived from the public seed (blake2b-512 of label and seed, mod r)."""
    digest = hashlib.blake2b(f"zk-toolchain dev ptau|{label}|{seed}".encode()).digest()
    return int.from_bytes(digest, "big") % (R - 1) + 1


def tau_powers(tau: int, count: int) -> list[int]:
    """[1, τ, τ², …] (`count` values)."""
    powers = [1] * count
    for i in range(1, count):
        powers[i] = powers[i - 1] * tau % R
    return powers


def lagrange_values(tau: int, k: int, truncated: bool = False) -> list[int]:
    """L_i(τ) on the 2^k domain: the inverse FFT of τ^0 … τ^(N−1) that prepare phase2 takes.

    L_i(τ) = ω^i (τ^N − 1) / (N (τ − ω^i)). snarkjs's extra block 2^(power+1) has only
    2^(power+1) − 1 powers of τ to transform, the last taken as zero (`truncated`): that
    removes the term (1/N)·ω^(−i(N−1))·τ^(N−1) = (1/N)·ω^i·τ^(N−1) from each value.
    """
    n = 1 << k
    omegas = tau_powers(root_of_unity(k), n)
    inverses = batch_inverse([(tau - w) % R for w in omegas])
    scale = (pow(tau, n, R) - 1) * pow(n, -1, R) % R
    values = [w * scale * inv % R for w, inv in zip(omegas, inverses, strict=True)]
    if truncated:
        last = pow(tau, n - 1, R) * pow(n, -1, R) % R
        values = [(v - w * last) % R for v, w in zip(values, omegas, strict=True)]
    return values


def _lagrange_blocks(tau: int, power: int, extra: bool) -> list[int]:
    blocks = [v for k in range(power + 1) for v in lagrange_values(tau, k)]
    if extra:
        blocks += lagrange_values(tau, power + 1, truncated=True)
    return blocks


def _scaled(values: list[int], factor: int) -> list[int]:
    return [v * factor % R for v in values]


def dev_ptau_sections(power: int, seed: str, engine: Engine) -> list[tuple[int, bytes]]:
    """Every section of the prepared dev ptau, in file order."""

    def _g1_bytes(scalars: list[int]) -> bytes:
        return b"".join(map(encode_g1, engine.batch_mul_g1(G1_GENERATOR, scalars)))

    def _g2_bytes(scalars: list[int]) -> bytes:
        return b"".join(map(encode_g2, engine.batch_mul_g2(G2_GENERATOR, scalars)))

    tau, alpha, beta = (dev_secret(seed, label) for label in ("tau", "alpha", "beta"))
    n = 1 << power
    powers = tau_powers(tau, 2 * n - 1)
    lagrange = _lagrange_blocks(tau, power, extra=False)
    header = struct.pack("<I", 32) + P.to_bytes(32, "little") + struct.pack("<II", power, power)
    return [
        (1, header),
        (2, _g1_bytes(powers)),
        (3, _g2_bytes(powers[:n])),
        (4, _g1_bytes(_scaled(powers[:n], alpha))),
        (5, _g1_bytes(_scaled(powers[:n], beta))),
        (6, _g2_bytes([beta])),
        (7, struct.pack("<I", 0)),
        (12, _g1_bytes(_lagrange_blocks(tau, power, extra=True))),
        (13, _g2_bytes(lagrange)),
        (14, _g1_bytes(_scaled(lagrange, alpha))),
        (15, _g1_bytes(_scaled(lagrange, beta))),
    ]


def write_dev_ptau(path: Path, power: int, seed: str, engine: Engine | None = None) -> None:
    """Write an INSECURE prepared ptau of 2^power, atomically; its bytes depend on the seed only."""
    if not 1 <= power <= MAX_DEV_POWER:
        raise UsageError(f"dev ptau power must be 1..{MAX_DEV_POWER}, not {power}")
    sections = dev_ptau_sections(power, seed, engine or get_engine(engine_name(None)))
    with atomic_open(Path(path)) as fh:
        write_binfile(fh, b"ptau", 1, sections)
