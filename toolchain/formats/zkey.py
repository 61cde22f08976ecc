"""Reader for snarkjs's Groth16 proving key .zkey (iden3 container, magic b"zkey", version 1).

Sections (points in the Montgomery encoding of curve_codec; snarkjs's names in brackets):
    1 protocol       u32 protocol id; 1 = Groth16 (PLONK and FFLONK keys are rejected here;
                     `zkey_protocol` names any of the three: 2 = PLONK, 10 = fflonk)
    2 header         n8q u32 (32), q (n8q bytes), n8r u32 (32), r (n8r bytes), n_vars u32,
                     n_public u32, domain_size u32, then alpha_g1, beta_g1, beta_g2, gamma_g2,
                     delta_g1, delta_g2 — in this order, which is the order snarkjs writes and
                     reads, not the order in the comment atop its zkey_utils.js
    3 gamma_abc_g1   [IC] (n_public + 1) G1 points
    4 coefficients   n u32, then n × (matrix u32, constraint u32, signal u32, value 32 bytes);
                     matrix 0 = A, 1 = B (C is computed from A·B on the witness); value is
                     stored as v·R² mod r with R = 2^256 and decoded here to v. The A rows
                     include n_public + 1 extra constraints binding the public signals.
    5 a_query        [A] n_vars G1 points
    6 b_g1_query     [B1] n_vars G1 points
    7 b_g2_query     [B2] n_vars G2 points
    8 l_query        [C] (n_vars − n_public − 1) G1 points, for the private signals only
                     (l_query[0] belongs to signal n_public + 1)
    9 h_query        [hExps] domain_size G1 points (Lagrange points at the odd indices of the
                     doubled domain)
   10 contributions  circuit hash (64 bytes), n u32, then n × (delta_after_g1, then the public
                     key g1_s, g1_sx, g2_spx, transcript hash 64 bytes, type/parameters as in
                     curve_codec)

`open_zkey` checks the container, the protocol, the curve, the header and the size of every
section against the header before any big payload is read; the point sections are then read
whole or in ranges on demand. Header points must not be the identity; other points may be
(native.curve's all-zero G1_IDENTITY / G2_IDENTITY). `read_zkey` decodes sections 2-9 into the
proving key `native.groth16.Zkey`; section 10, the phase-2 chain proving does not use, is
`ZkeyFile.read_mpc_params`'s (read_zkey still checks it). `check_zkey` is the cheap check
before a key is handed to snarkjs: everything but the big point sections.
`contribution_record_size` is what one more named contribution adds to a key's size.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from toolchain.errors import FormatError, InvalidValueError
from toolchain.formats.binfile import BinFile, FileSection, OpenedFile, read_binfile
from toolchain.formats.curve_codec import (
    G1_SIZE,
    G2_SIZE,
    ByteCursor,
    ContributionParams,
    parse_contribution_params,
    parse_g1_array,
    parse_g2_array,
    read_g1_range,
    read_g2_range,
    resolve_count,
)
from toolchain.native.curve import G1_IDENTITY, G2_IDENTITY, G1Affine, G2Affine
from toolchain.native.field import P, R
from toolchain.native.groth16 import (
    Coefficient,
    CoefficientColumns,
    PointLayout,
    SectionBytes,
    Zkey,
    ZkeyHeader,
)

SECTION_PROTOCOL = 1
SECTION_HEADER = 2
SECTION_IC = 3
SECTION_COEFFICIENTS = 4
SECTION_A = 5
SECTION_B1 = 6
SECTION_B2 = 7
SECTION_C = 8
SECTION_H = 9
SECTION_CONTRIBUTIONS = 10

GROTH16_PROTOCOL = 1
N8 = 32
MAX_DOMAIN_SIZE = 1 << 28
_HEADER_SIZE = 4 + N8 + 4 + N8 + 12 + 3 * G1_SIZE + 3 * G2_SIZE
_COEFFICIENT = struct.Struct(f"<III{N8}s")
_COEFFICIENT_WORDS = _COEFFICIENT.size // 4
_R_TOP_WORD = R >> (8 * N8 - 32)  # a value's last u32: below this, the value is below r
_R2_INV = pow(pow(2, 2 * 8 * N8, R), -1, R)
_CONTRIBUTION_MIN = 3 * G1_SIZE + G2_SIZE + 64 + 8
_G1_SECTIONS = (SECTION_IC, SECTION_A, SECTION_B1, SECTION_C, SECTION_H)


@dataclass(frozen=True)
class ZkeyContribution:
    """One phase-2 contribution: delta after it, the contributor's public key and trailer."""

    delta_after_g1: G1Affine
    g1_s: G1Affine
    g1_sx: G1Affine
    g2_spx: G2Affine
    transcript: bytes
    params: ContributionParams


@dataclass(frozen=True)
class MpcParams:
    """Section 10: the circuit hash and the chain of phase-2 contributions."""

    cs_hash: bytes
    contributions: list[ZkeyContribution]


@dataclass(frozen=True)
class ZkeyFile:
    """An opened .zkey whose header and section sizes are checked; payloads are read on demand."""

    container: BinFile
    header: ZkeyHeader
    n_coefficients: int

    @property
    def path(self) -> Path:
        """The file this was read from."""
        return self.container.path

    def point_count(self, section_id: int) -> int:
        """Number of points in a point section (3, 5–9)."""
        if section_id not in (*_G1_SECTIONS, SECTION_B2):
            raise ValueError(f"section {section_id} does not hold points")
        size = G2_SIZE if section_id == SECTION_B2 else G1_SIZE
        return self.container.section(section_id).size // size

    def read_g1_section(
        self, section_id: int, start: int = 0, count: int | None = None
    ) -> list[G1Affine]:
        """Decode the G1 points of section 3, 5, 6, 8 or 9 (all, or `count` from `start`)."""
        if section_id not in _G1_SECTIONS:
            raise ValueError(f"section {section_id} does not hold G1 points")
        total = self.point_count(section_id)
        return read_g1_range(self.container, section_id, start, resolve_count(start, count, total))

    def read_g2_section(self, start: int = 0, count: int | None = None) -> list[G2Affine]:
        """Decode the G2 points of section 7 (b_g2_query), all or `count` from `start`."""
        total = self.point_count(SECTION_B2)
        return read_g2_range(self.container, SECTION_B2, start, resolve_count(start, count, total))

    def iter_g1_section(self, section_id: int, chunk: int = 1 << 16) -> Iterator[list[G1Affine]]:
        """Stream a G1 section in lists of at most `chunk` points."""
        total = self.point_count(section_id)
        for start in range(0, total, chunk):
            yield self.read_g1_section(section_id, start, min(chunk, total - start))

    def read_coefficients(self) -> list[Coefficient]:
        """Decode section 4, checking matrix, row, signal and value ranges."""
        return list(self.read_coefficient_columns())

    def read_coefficient_columns(self) -> CoefficientColumns:
        """Section 4 as columns, values as signed residues (`CoefficientColumns`), every range
        checked."""
        return _coefficient_columns(self, self._coefficient_bytes())

    def check_coefficients(self) -> None:
        """Section 4's ranges checked without decoding it (a few C-level passes); on a fault,
        the decoding names the first bad entry."""
        if not _plainly_in_range(self.header, self._coefficient_bytes()):
            self.read_coefficient_columns()

    def _coefficient_bytes(self) -> bytes:
        """Section 4's entries, after its count."""
        with open(self.path, "rb") as fh:
            return self.container.read(fh, SECTION_COEFFICIENTS)[4:]

    def read_mpc_params(self) -> MpcParams:
        """Decode section 10: circuit hash and phase-2 contributions."""
        with open(self.path, "rb") as fh:
            data = self.container.read(fh, SECTION_CONTRIBUTIONS)
        return parse_mpc_params(data, f"{self.path}: section {SECTION_CONTRIBUTIONS}")


def contribution_record_size(name: str) -> int:
    """Bytes one `snarkjs zkey contribute -n NAME` record adds to section 10 (and to the file):
    delta_after, g1_s, g1_sx, g2_spx, the transcript, type, parameter length, then the name
    parameter (id 1, length byte, UTF-8 bytes)."""
    encoded = name.encode()
    if not 0 < len(encoded) < 256:
        raise ValueError(f"a contribution name is 1 to 255 bytes, not {len(encoded)}")
    return _CONTRIBUTION_MIN + 2 + len(encoded)


def open_zkey(path: Path) -> ZkeyFile:
    """Read and check the protocol, header and every section size (no point payloads)."""
    container = read_binfile(Path(path), b"zkey", (1,), required=tuple(range(1, 11)))
    extra = sorted(set(container.sections) - set(range(1, 11)))
    if extra:
        raise FormatError(f"{container.path}: unexpected section {extra[0]} in a Groth16 zkey")
    with open(container.path, "rb") as fh:
        _check_protocol(container, _read_small(container, fh, SECTION_PROTOCOL, 4))
        header = _parse_header(container, _read_small(container, fh, SECTION_HEADER, _HEADER_SIZE))
        _check_sizes(container, header)
        n_coefficients = _check_coefficients_size(container, fh)
    return ZkeyFile(container, header, n_coefficients)


def check_zkey(path: Path) -> ZkeyFile:
    """A proving key checked before another program reads it: container, header, section sizes,
    IC points, coefficient ranges and the contribution chain; the big point sections are left
    to the check of the proof made from it."""
    zf = open_zkey(path)
    zf.read_g1_section(SECTION_IC)
    zf.check_coefficients()
    zf.read_mpc_params()
    return zf


def _read_small(container: BinFile, fh: BinaryIO, section_id: int, size: int) -> bytes:
    """A fixed-size section, its size checked before it is read."""
    got = container.section(section_id).size
    if got != size:
        raise FormatError(f"{container.path}: section {section_id} is {got} bytes, expected {size}")
    return container.read(fh, section_id)


class CodecLayout:
    """The format's own decoding: points as plain affine tuples, each checked to be canonical
    and on its curve (curve_codec)."""

    def g1(self, section: SectionBytes, where: str) -> list[G1Affine]:
        """The G1 points of one section."""
        return parse_g1_array(section.read(0, len(section)), where)

    def g2(self, section: SectionBytes, where: str) -> list[G2Affine]:
        """The G2 points of one section."""
        return parse_g2_array(section.read(0, len(section)), where)


def read_zkey(path: Path, layout: PointLayout | None = None) -> Zkey:
    """Read and decode the header, IC and coefficients of a .zkey and hand its point sections to
    `layout` (section 10 checked only).

    `layout` (None: `CodecLayout`, which decodes every point now) gets each point section as a
    `FileSection` of the file opened here: an engine's own layout may keep only that and read
    its points at each proof."""
    zf = open_zkey(path)
    zf.read_mpc_params()  # a damaged contribution chain refuses the key, though proving skips it
    points = layout or CodecLayout()
    opened = OpenedFile(zf.path)

    def section(section_id: int) -> tuple[FileSection, str]:
        where = f"{zf.path}: section {section_id}"
        return FileSection(opened, zf.container.section(section_id)), where

    return Zkey(
        header=zf.header,
        gamma_abc_g1=zf.read_g1_section(SECTION_IC),
        coefficients=zf.read_coefficient_columns(),
        a_query=points.g1(*section(SECTION_A)),
        b_g1_query=points.g1(*section(SECTION_B1)),
        b_g2_query=points.g2(*section(SECTION_B2)),
        l_query=points.g1(*section(SECTION_C)),
        h_query=points.g1(*section(SECTION_H)),
    )


def _check_protocol(container: BinFile, data: bytes) -> None:
    (protocol,) = struct.unpack("<I", data)
    if protocol != GROTH16_PROTOCOL:
        raise FormatError(f"{container.path}: protocol {protocol} is not Groth16 (1)")


def _parse_header(container: BinFile, data: bytes) -> ZkeyHeader:
    cur = ByteCursor(data, f"{container.path}: header")
    n8q = cur.u32()
    if n8q != N8:
        raise FormatError(f"{cur.where}: n8q={n8q}; not a BN254 key (bn128 has 32)")
    q = int.from_bytes(cur.take(N8), "little")
    n8r = cur.u32()
    r = int.from_bytes(cur.take(N8), "little")
    if q != P or n8r != N8 or r != R:
        raise FormatError(f"{cur.where}: unsupported curve (q={q}, r={r}); only bn128 is supported")
    n_vars, n_public, domain_size = cur.u32(), cur.u32(), cur.u32()
    _check_counts(cur.where, n_vars, n_public, domain_size)
    return ZkeyHeader(
        n8q=n8q,
        q=q,
        n8r=n8r,
        r=r,
        n_vars=n_vars,
        n_public=n_public,
        domain_size=domain_size,
        alpha_g1=_finite_g1(cur, "alpha_g1"),
        beta_g1=_finite_g1(cur, "beta_g1"),
        beta_g2=_finite_g2(cur, "beta_g2"),
        gamma_g2=_finite_g2(cur, "gamma_g2"),
        delta_g1=_finite_g1(cur, "delta_g1"),
        delta_g2=_finite_g2(cur, "delta_g2"),
    )


def _finite_g1(cur: ByteCursor, what: str) -> G1Affine:
    point = cur.g1(what)
    if point == G1_IDENTITY:
        raise InvalidValueError(f"{cur.where}: {what} is the point at infinity")
    return point


def _finite_g2(cur: ByteCursor, what: str) -> G2Affine:
    point = cur.g2(what)
    if point == G2_IDENTITY:
        raise InvalidValueError(f"{cur.where}: {what} is the point at infinity")
    return point


def _check_counts(where: str, n_vars: int, n_public: int, domain_size: int) -> None:
    if n_public + 1 > n_vars:
        raise FormatError(f"{where}: n_public={n_public} leaves no room in n_vars={n_vars}")
    if domain_size < 1 or domain_size & (domain_size - 1) or domain_size > MAX_DOMAIN_SIZE:
        raise FormatError(f"{where}: domain size {domain_size} is not a power of two <= 2^28")
    if n_public + 1 > domain_size:
        raise FormatError(f"{where}: domain size {domain_size} is below n_public + 1")


def _check_sizes(container: BinFile, header: ZkeyHeader) -> None:
    expected = {
        SECTION_IC: (header.n_public + 1) * G1_SIZE,
        SECTION_A: header.n_vars * G1_SIZE,
        SECTION_B1: header.n_vars * G1_SIZE,
        SECTION_B2: header.n_vars * G2_SIZE,
        SECTION_C: (header.n_vars - header.n_public - 1) * G1_SIZE,
        SECTION_H: header.domain_size * G1_SIZE,
    }
    for section_id, size in expected.items():
        got = container.section(section_id).size
        if got != size:
            raise FormatError(
                f"{container.path}: section {section_id} is {got} bytes, header implies {size}"
            )
    if container.section(SECTION_CONTRIBUTIONS).size < 64 + 4:
        raise FormatError(f"{container.path}: section 10 is too short for a circuit hash")


def _check_coefficients_size(container: BinFile, fh: BinaryIO) -> int:
    sec = container.section(SECTION_COEFFICIENTS)
    if sec.size < 4:
        raise FormatError(f"{container.path}: section 4 is too short for its count")
    (n,) = struct.unpack("<I", container.read_range(fh, SECTION_COEFFICIENTS, 0, 4))
    if sec.size != 4 + n * _COEFFICIENT.size:
        raise FormatError(
            f"{container.path}: section 4 is {sec.size} bytes for {n} coefficients "
            f"(expected {4 + n * _COEFFICIENT.size})"
        )
    return int(n)


def _coefficient_columns(zf: ZkeyFile, data: bytes) -> CoefficientColumns:
    """Section 4's entries as columns (C-level slicing into 4-byte arrays; the values
    `_signed_values`), every range checked; the first bad entry is named, as a loop over them
    would."""
    words = memoryview(data).cast("I")  # an entry is 11 words: matrix, row, signal, value
    matrices, rows, signals = (array("I", words[k::_COEFFICIENT_WORDS]) for k in range(3))
    values, too_big = _signed_values(data)
    columns = CoefficientColumns(matrices, rows, signals, values)
    outside = _outside_matrices(zf.header, columns)
    if outside is not None and (too_big is None or outside <= too_big):
        raise InvalidValueError(
            f"{zf.path}: coefficient {outside} (matrix {matrices[outside]}, constraint "
            f"{rows[outside]}, signal {signals[outside]}) is outside the "
            f"{zf.header.domain_size}×{zf.header.n_vars} matrices"
        )
    if too_big is not None:
        raise InvalidValueError(f"{zf.path}: coefficient {too_big} has a value >= r")
    return columns


def _signed_values(data: bytes) -> tuple[list[int], int | None]:
    """Section 4's stored values (v·R², little-endian) as v's signed residues
    (`CoefficientColumns`), decoded once per distinct value and shared: a circuit's coefficients
    repeat (1, −1, a few constants; 270 distinct in 260,444 at 2^16), so the list holds pointers
    to a few ints, not an int each (≈ 64 bytes). Also the index of the first stored value >= r,
    if any."""
    distinct: dict[bytes, int] = {}
    too_big: list[bytes] = []

    def value(raw: bytes) -> int:
        known = distinct.get(raw)
        if known is None:
            stored = int.from_bytes(raw, "little")
            if stored >= R:
                too_big.append(raw)
            v = stored * _R2_INV % R
            known = distinct[raw] = v - R if v > R // 2 else v
        return known

    offsets = range(12, len(data), _COEFFICIENT.size)
    values = [value(data[i : i + N8]) for i in offsets]  # one entry's bytes alive at a time
    if not too_big:
        return values, None
    return values, next(n for n, i in enumerate(offsets) if data[i : i + N8] == too_big[0])


def _plainly_in_range(header: ZkeyHeader, data: bytes) -> bool:
    """Whether every entry is inside the matrices and every value's top word below r's (so the
    value is below r), by the maximum of each column."""
    words = memoryview(data).cast("I")

    def top(column: int) -> int:
        return max(words[column::_COEFFICIENT_WORDS], default=0)

    limits = ((0, 1), (1, header.domain_size - 1), (2, header.n_vars - 1), (10, _R_TOP_WORD - 1))
    return all(top(column) <= limit for column, limit in limits)


def _outside_matrices(header: ZkeyHeader, c: CoefficientColumns) -> int | None:
    """The first entry outside matrix 0/1, the domain's rows or the signals, if any."""
    if not c.matrices or (
        max(c.matrices) <= 1 and max(c.rows) < header.domain_size and max(c.signals) < header.n_vars
    ):
        return None
    entries = enumerate(zip(c.matrices, c.rows, c.signals, strict=True))
    return next(
        i
        for i, (matrix, row, signal) in entries
        if matrix > 1 or row >= header.domain_size or signal >= header.n_vars
    )


def parse_mpc_params(data: bytes, where: str) -> MpcParams:
    """Decode a section-10 payload: circuit hash, contribution count and contributions."""
    cur = ByteCursor(data, where)
    cs_hash = cur.take(64)
    n = cur.u32()
    if n * _CONTRIBUTION_MIN > cur.remaining():
        raise FormatError(f"{where}: {n} contributions cannot fit in {len(data)} bytes")
    contributions = [_parse_contribution(cur, i) for i in range(n)]
    if cur.remaining():
        raise FormatError(f"{where}: {cur.remaining()} stray bytes after the contributions")
    return MpcParams(cs_hash, contributions)


def _parse_contribution(cur: ByteCursor, index: int) -> ZkeyContribution:
    name = f"contribution {index}"
    return ZkeyContribution(
        delta_after_g1=cur.g1(f"{name} delta_after"),
        g1_s=cur.g1(f"{name} g1_s"),
        g1_sx=cur.g1(f"{name} g1_sx"),
        g2_spx=cur.g2(f"{name} g2_spx"),
        transcript=cur.take(64),
        params=parse_contribution_params(cur),
    )


PROTOCOL_IDS = {1: "groth16", 2: "plonk", 10: "fflonk"}  # section 1 of snarkjs's .zkey


def zkey_protocol(path: Path) -> str:
    """The protocol a .zkey's section 1 names (groth16, plonk, fflonk): FormatError otherwise."""
    container = read_binfile(Path(path), b"zkey", (1,), required=(SECTION_PROTOCOL,))
    with open(container.path, "rb") as fh:
        (protocol,) = struct.unpack("<I", _read_small(container, fh, SECTION_PROTOCOL, 4))
    if protocol not in PROTOCOL_IDS:
        raise FormatError(
            f"{container.path}: protocol {protocol} is not Groth16 (1), PLONK (2) or fflonk (10)"
        )
    return PROTOCOL_IDS[protocol]
