"""BN254 field constants and scalar-field helpers (plain ints, no I/O)."""

from __future__ import annotations

# Base field of BN254 (coordinates of G1/G2 points).
P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
# Scalar field of BN254 (circuit signals, witness values, exponents).
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
