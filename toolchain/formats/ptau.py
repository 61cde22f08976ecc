"""Reader for snarkjs's powers of tau .ptau (iden3 container, magic b"ptau", version 1).

Sections (points in the Montgomery encoding of curve_codec; n = 2^power):
    1 header          n8 u32 (32), q (n8 bytes, BN254 p), power u32, ceremony_power u32
    2 tauG1           2n − 1 G1 points τ^i·G1
    3 tauG2           n G2 points τ^i·G2
    4 alphaTauG1      n G1 points α·τ^i·G1
    5 betaTauG1       n G1 points β·τ^i·G1
    6 betaG2          1 G2 point β·G2
    7 contributions   count u32, then per contribution: tauG1, tauG2, alphaG1, betaG1, betaG2
                      (its first points), the 9-point public key (tau/alpha/beta g1_s, g1_sx,
                      then tau/alpha/beta g2_spx), the saved blake2b state (216 bytes), the next
                      challenge hash (64 bytes), type/parameters as in curve_codec
   12 lTauG1          Lagrange bases written by `prepare phase2`: for each k = 0 … power + 1,
                      2^k G1 points L_i(τ)·G1 over the domain of size 2^k (block k starts at
                      point 2^k − 1; 2^(power+2) − 1 points in all)
   13 lTauG2          the same for τ in G2, k = 0 … power (2^(power+1) − 1 points)
   14 lAlphaTauG1     the same for α·τ in G1, k = 0 … power
   15 lBetaTauG1      the same for β·τ in G1, k = 0 … power

Sections 12–15 are present together (a prepared file) or not at all. `open_ptau` checks the
container, the curve, the header and every section size before any point is read; points are
then read in ranges on demand, since published files run to gigabytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import FormatError
from toolchain.formats.binfile import BinFile, read_binfile
from toolchain.formats.curve_codec import (
    G1_SIZE,
    G2_SIZE,
    ByteCursor,
    ContributionParams,
    parse_contribution_params,
    read_g1_range,
    read_g2_range,
    resolve_count,
)
from toolchain.native.curve import G1Affine, G2Affine
from toolchain.native.field import P

SECTION_HEADER = 1
SECTION_TAU_G1 = 2
SECTION_TAU_G2 = 3
SECTION_ALPHA_TAU_G1 = 4
SECTION_BETA_TAU_G1 = 5
SECTION_BETA_G2 = 6
SECTION_CONTRIBUTIONS = 7
SECTION_LAGRANGE_TAU_G1 = 12
SECTION_LAGRANGE_TAU_G2 = 13
SECTION_LAGRANGE_ALPHA_TAU_G1 = 14
SECTION_LAGRANGE_BETA_TAU_G1 = 15

N8 = 32
MAX_POWER = 28
PARTIAL_HASH_SIZE = 216
_HEADER = struct.Struct(f"<I{N8}sII")
_PHASE1 = tuple(range(1, 8))
_LAGRANGE = (12, 13, 14, 15)
_LAGRANGE_G1 = (
    SECTION_LAGRANGE_TAU_G1,
    SECTION_LAGRANGE_ALPHA_TAU_G1,
    SECTION_LAGRANGE_BETA_TAU_G1,
)
_CONTRIBUTION_MIN = 9 * G1_SIZE + 5 * G2_SIZE + PARTIAL_HASH_SIZE + 64 + 8


@dataclass(frozen=True)
class PtauHeader:
    """Section 1."""

    n8: int
    q: int
    power: int
    ceremony_power: int


@dataclass(frozen=True)
class PtauPublicKey:
    """A phase-1 contributor's public key: (s, s·x) in G1 and s·p·x in G2 for τ, α and β."""

    tau_g1_s: G1Affine
    tau_g1_sx: G1Affine
    alpha_g1_s: G1Affine
    alpha_g1_sx: G1Affine
    beta_g1_s: G1Affine
    beta_g1_sx: G1Affine
    tau_g2_spx: G2Affine
    alpha_g2_spx: G2Affine
    beta_g2_spx: G2Affine


@dataclass(frozen=True)
class PtauContribution:
    """One phase-1 contribution as recorded in section 7."""

    tau_g1: G1Affine
    tau_g2: G2Affine
    alpha_g1: G1Affine
    beta_g1: G1Affine
    beta_g2: G2Affine
    key: PtauPublicKey
    partial_hash: bytes
    next_challenge: bytes
    params: ContributionParams


@dataclass(frozen=True)
class PtauFile:
    """An opened .ptau whose header and section sizes are checked; points are read on demand."""

    container: BinFile
    header: PtauHeader

    @property
    def path(self) -> Path:
        """The file this was read from."""
        return self.container.path

    @property
    def is_prepared(self) -> bool:
        """Whether the Lagrange sections 12–15 of `prepare phase2` are present."""
        return SECTION_LAGRANGE_TAU_G1 in self.container.sections

    def read_tau_g1(self, start: int = 0, count: int | None = None) -> list[G1Affine]:
        """τ^i·G1 for i in start … start + count − 1 (default: all 2^(power+1) − 1)."""
        return self._g1(SECTION_TAU_G1, start, count)

    def read_tau_g2(self, start: int = 0, count: int | None = None) -> list[G2Affine]:
        """τ^i·G2 for i in start … start + count − 1 (default: all 2^power)."""
        total = self.container.section(SECTION_TAU_G2).size // G2_SIZE
        return read_g2_range(
            self.container, SECTION_TAU_G2, start, resolve_count(start, count, total)
        )

    def read_alpha_tau_g1(self, start: int = 0, count: int | None = None) -> list[G1Affine]:
        """α·τ^i·G1 for i in start … start + count − 1 (default: all 2^power)."""
        return self._g1(SECTION_ALPHA_TAU_G1, start, count)

    def read_beta_tau_g1(self, start: int = 0, count: int | None = None) -> list[G1Affine]:
        """β·τ^i·G1 for i in start … start + count − 1 (default: all 2^power)."""
        return self._g1(SECTION_BETA_TAU_G1, start, count)

    def read_beta_g2(self) -> G2Affine:
        """β·G2."""
        return read_g2_range(self.container, SECTION_BETA_G2, 0, 1)[0]

    def read_lagrange_g1(
        self, section_id: int, k: int, start: int = 0, count: int | None = None
    ) -> list[G1Affine]:
        """Lagrange points of section 12, 14 or 15 for the domain of size 2^k."""
        if section_id not in _LAGRANGE_G1:
            raise ValueError(f"section {section_id} is not a G1 Lagrange section")
        first, size = self._lagrange_block(section_id, k)
        n = resolve_count(start, count, size)
        return read_g1_range(self.container, section_id, first + start, n)

    def read_lagrange_tau_g2(
        self, k: int, start: int = 0, count: int | None = None
    ) -> list[G2Affine]:
        """Lagrange points L_i(τ)·G2 of section 13 for the domain of size 2^k."""
        first, size = self._lagrange_block(SECTION_LAGRANGE_TAU_G2, k)
        n = resolve_count(start, count, size)
        return read_g2_range(self.container, SECTION_LAGRANGE_TAU_G2, first + start, n)

    def contribution_count(self) -> int:
        """How many phase-1 contributions section 7 lists (0: its maker knows its secrets)."""
        with open(self.path, "rb") as fh:
            count = self.container.read_range(fh, SECTION_CONTRIBUTIONS, 0, 4)
        return int.from_bytes(count, "little")

    def read_contributions(self) -> list[PtauContribution]:
        """Decode section 7."""
        with open(self.path, "rb") as fh:
            data = self.container.read(fh, SECTION_CONTRIBUTIONS)
        return parse_ptau_contributions(data, f"{self.path}: section {SECTION_CONTRIBUTIONS}")

    def _g1(self, section_id: int, start: int, count: int | None) -> list[G1Affine]:
        total = self.container.section(section_id).size // G1_SIZE
        return read_g1_range(self.container, section_id, start, resolve_count(start, count, total))

    def _lagrange_block(self, section_id: int, k: int) -> tuple[int, int]:
        if not self.is_prepared:
            raise ValueError(f"{self.path} is not prepared for phase 2 (no section {section_id})")
        top = self.header.power + (1 if section_id == SECTION_LAGRANGE_TAU_G1 else 0)
        if not 0 <= k <= top:
            raise ValueError(f"section {section_id} has Lagrange blocks for 2^0 … 2^{top} only")
        return (1 << k) - 1, 1 << k


def open_ptau(path: Path) -> PtauFile:
    """Read and check the header and every section size (no point payloads)."""
    container = read_binfile(Path(path), b"ptau", (1,), required=_PHASE1)
    unknown = sorted(set(container.sections) - set(_PHASE1) - set(_LAGRANGE))
    if unknown:
        raise FormatError(f"{container.path}: unexpected section {unknown[0]}")
    size = container.section(SECTION_HEADER).size
    if size != _HEADER.size:
        raise FormatError(f"{container.path}: header is {size} bytes, expected {_HEADER.size}")
    with open(container.path, "rb") as fh:
        header = _parse_header(container, container.read(fh, SECTION_HEADER))
    _check_sizes(container, header)
    return PtauFile(container, header)


def _parse_header(container: BinFile, data: bytes) -> PtauHeader:
    n8, q_bytes, power, ceremony_power = _HEADER.unpack(data)
    if n8 != N8:
        raise FormatError(f"{container.path}: field size n8={n8}; only bn128 (32) is supported")
    q = int.from_bytes(q_bytes, "little")
    if q != P:
        raise FormatError(f"{container.path}: unsupported curve (q={q}); only bn128 is supported")
    if not 1 <= power <= ceremony_power <= MAX_POWER:
        raise FormatError(
            f"{container.path}: power {power} / ceremony power {ceremony_power} "
            f"must satisfy 1 <= power <= ceremony power <= {MAX_POWER}"
        )
    return PtauHeader(n8, q, power, ceremony_power)


def _expected_sizes(container: BinFile, power: int) -> dict[int, int]:
    n = 1 << power
    sizes = {
        SECTION_TAU_G1: (2 * n - 1) * G1_SIZE,
        SECTION_TAU_G2: n * G2_SIZE,
        SECTION_ALPHA_TAU_G1: n * G1_SIZE,
        SECTION_BETA_TAU_G1: n * G1_SIZE,
        SECTION_BETA_G2: G2_SIZE,
    }
    present = [s for s in _LAGRANGE if s in container.sections]
    if present and len(present) != len(_LAGRANGE):
        raise FormatError(f"{container.path}: has Lagrange sections {present}, needs 12–15")
    if present:
        sizes[SECTION_LAGRANGE_TAU_G1] = (4 * n - 1) * G1_SIZE
        sizes[SECTION_LAGRANGE_TAU_G2] = (2 * n - 1) * G2_SIZE
        sizes[SECTION_LAGRANGE_ALPHA_TAU_G1] = (2 * n - 1) * G1_SIZE
        sizes[SECTION_LAGRANGE_BETA_TAU_G1] = (2 * n - 1) * G1_SIZE
    return sizes


def _check_sizes(container: BinFile, header: PtauHeader) -> None:
    for section_id, size in _expected_sizes(container, header.power).items():
        got = container.section(section_id).size
        if got != size:
            raise FormatError(
                f"{container.path}: section {section_id} is {got} bytes, power {header.power} "
                f"implies {size}"
            )
    if container.section(SECTION_CONTRIBUTIONS).size < 4:
        raise FormatError(f"{container.path}: section 7 is too short for its count")


def parse_ptau_contributions(data: bytes, where: str) -> list[PtauContribution]:
    """Decode a section-7 payload: count, then each contribution."""
    cur = ByteCursor(data, where)
    n = cur.u32()
    if n * _CONTRIBUTION_MIN > cur.remaining():
        raise FormatError(f"{where}: {n} contributions cannot fit in {len(data)} bytes")
    contributions = [_parse_contribution(cur, f"contribution {i}") for i in range(n)]
    if cur.remaining():
        raise FormatError(f"{where}: {cur.remaining()} stray bytes after the contributions")
    return contributions


def _parse_contribution(cur: ByteCursor, name: str) -> PtauContribution:
    return PtauContribution(
        tau_g1=cur.g1(f"{name} tauG1"),
        tau_g2=cur.g2(f"{name} tauG2"),
        alpha_g1=cur.g1(f"{name} alphaG1"),
        beta_g1=cur.g1(f"{name} betaG1"),
        beta_g2=cur.g2(f"{name} betaG2"),
        key=_parse_public_key(cur, name),
        partial_hash=cur.take(PARTIAL_HASH_SIZE),
        next_challenge=cur.take(64),
        params=parse_contribution_params(cur),
    )


def _parse_public_key(cur: ByteCursor, name: str) -> PtauPublicKey:
    return PtauPublicKey(
        tau_g1_s=cur.g1(f"{name} key tau g1_s"),
        tau_g1_sx=cur.g1(f"{name} key tau g1_sx"),
        alpha_g1_s=cur.g1(f"{name} key alpha g1_s"),
        alpha_g1_sx=cur.g1(f"{name} key alpha g1_sx"),
        beta_g1_s=cur.g1(f"{name} key beta g1_s"),
        beta_g1_sx=cur.g1(f"{name} key beta g1_sx"),
        tau_g2_spx=cur.g2(f"{name} key tau g2_spx"),
        alpha_g2_spx=cur.g2(f"{name} key alpha g2_spx"),
        beta_g2_spx=cur.g2(f"{name} key beta g2_spx"),
    )
