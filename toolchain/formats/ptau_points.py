"""Reading a .ptau's point sections by id: counts, ranges, chunks and the first points.

A thin layer over formats.ptau for code that walks every point section the same way (the
challenge hash chain, the phase-1 verifier): sections 3 (tau_g2) and 6 (beta_g2) hold G2
points, sections 2, 4 and 5 G1 points.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from toolchain.formats.curve_codec import G1_SIZE, G2_SIZE, read_g1_range, read_g2_range
from toolchain.formats.ptau import (
    SECTION_ALPHA_TAU_G1,
    SECTION_BETA_G2,
    SECTION_BETA_TAU_G1,
    SECTION_TAU_G1,
    SECTION_TAU_G2,
    PtauFile,
    PtauPublicKey,
)
from toolchain.native.curve import G1Affine, G2Affine

G1_SECTIONS = (SECTION_TAU_G1, SECTION_ALPHA_TAU_G1, SECTION_BETA_TAU_G1)
# The order snarkjs hashes them in: tau_g1, tau_g2, alpha_tau_g1, beta_tau_g1, beta_g2.
POINT_SECTIONS = (
    SECTION_TAU_G1,
    SECTION_TAU_G2,
    SECTION_ALPHA_TAU_G1,
    SECTION_BETA_TAU_G1,
    SECTION_BETA_G2,
)
KEY_NAMES = ("tau", "alpha", "beta")

FirstPoints = tuple[list[G1Affine], list[G2Affine], G1Affine, G1Affine, G2Affine]


def is_g2_section(section_id: int) -> bool:
    """Whether a point section holds G2 points."""
    return section_id in (SECTION_TAU_G2, SECTION_BETA_G2)


def point_count(ptau: PtauFile, section_id: int) -> int:
    """Number of points in a point section."""
    size = G2_SIZE if is_g2_section(section_id) else G1_SIZE
    return ptau.container.section(section_id).size // size


def read_points(ptau: PtauFile, section_id: int, start: int, count: int) -> list[Any]:
    """`count` points of a G1 or G2 section from index `start`."""
    reader = read_g2_range if is_g2_section(section_id) else read_g1_range
    return reader(ptau.container, section_id, start, count)


def iter_points(ptau: PtauFile, section_id: int, chunk: int = 1 << 16) -> Iterator[list[Any]]:
    """A whole point section in lists of at most `chunk` points."""
    total = point_count(ptau, section_id)
    for start in range(0, total, chunk):
        yield read_points(ptau, section_id, start, min(chunk, total - start))


def read_first_points(ptau: PtauFile) -> FirstPoints:
    """([G1, τ·G1], [G2, τ·G2], α·G1, β·G1, β·G2): what a contribution records of its file."""
    return (
        ptau.read_tau_g1(0, 2),
        ptau.read_tau_g2(0, 2),
        ptau.read_alpha_tau_g1(0, 1)[0],
        ptau.read_beta_tau_g1(0, 1)[0],
        ptau.read_beta_g2(),
    )


def key_points(key: PtauPublicKey, name: str) -> tuple[G1Affine, G1Affine, G2Affine]:
    """(g1_s, g1_sx, g2_spx) of the tau, alpha or beta part of a phase-1 public key."""
    return (
        getattr(key, f"{name}_g1_s"),
        getattr(key, f"{name}_g1_sx"),
        getattr(key, f"{name}_g2_spx"),
    )
