"""Reader for the header of snarkjs's PLONK (protocol 2) and fflonk (protocol 10) .zkey files.

Same iden3 container as the Groth16 key (magic b"zkey", version 1); field elements in the header
are 32 bytes little-endian Montgomery (v·2^256 mod r), points as in curve_codec. D is the domain
size, P5 = 5·D·32 bytes (a polynomial's D coefficients, then its 4·D evaluations):

    PLONK (14 sections)                     fflonk (17 sections)
    1  protocol  u32 = 2                    1  protocol  u32 = 10
    2  header (796 bytes)                   2  header (476 bytes)
    3  additions  n_additions × 72          3  additions  n_additions × 72
    4-6 A, B, C maps  n_constraints × u32   4-6 A, B, C maps  n_constraints × u32
    7-11 Qm Ql Qr Qo Qc  P5 each            7-11 QL QR QM QO QC  P5 each
    12 sigma  3 × P5                        12-14 sigma 1, 2, 3  P5 each
    13 Lagrange  max(n_public, 1) × P5      15 Lagrange  max(n_public, 1) × P5
    14 ptau  (D + 6) G1 points              16 ptau  (9·D + 18) G1 points
                                            17 C0  8·D coefficients

    header: n8q u32 (32), q, n8r u32 (32), r, n_vars u32, n_public u32, domain_size u32,
            n_additions u32, n_constraints u32, k1, k2, then
            PLONK:  Qm Ql Qr Qo Qc S1 S2 S3 (G1), X_2 (G2)
            fflonk: w3 w4 w8 wr, X_2 (G2), C0 (G1)

n_vars counts the r1cs's signals plus one per addition; the constraints are the r1cs's plus one
per public signal plus the additions, and D = 2^max(3, ⌊log2(n_constraints − 1)⌋ + 1) for
PLONK, 2^max(3, ⌊log2(n_constraints + 1)⌋ + 1) for fflonk (which keeps two blinding rows).
`open_universal_zkey` checks all of it before anything else is read; `verification_key` derives
what `snarkjs zkey export verificationkey` does (w is snarkjs's Fr.w[power]) and
`dump_universal_verification_key` writes it byte for byte as snarkjs does.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import FormatError, InvalidValueError
from toolchain.formats.binfile import BinFile, read_binfile
from toolchain.formats.curve_codec import G1_SIZE, ByteCursor
from toolchain.formats.snarkjs_json import _g1_json, _g2_json, _render
from toolchain.formats.zkey import MAX_DOMAIN_SIZE, N8, PROTOCOL_IDS, _read_small
from toolchain.native.curve import G2_IDENTITY, G1Affine, G2Affine
from toolchain.native.field import P, R, root_of_unity
from toolchain.native.universal import FflonkVerificationKey, PlonkVerificationKey

UNIVERSAL_IDS = {name: number for number, name in PROTOCOL_IDS.items() if name != "groth16"}
N_SECTIONS = {"plonk": 14, "fflonk": 17}
PLONK_COMMITMENTS = ("Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3")
FFLONK_ROOTS = ("w3", "w4", "w8", "wr")
_COUNTS = 4 + N8 + 4 + N8 + 5 * 4 + 2 * N8
HEADER_SIZES = {
    "plonk": _COUNTS + len(PLONK_COMMITMENTS) * G1_SIZE + 2 * G1_SIZE,
    "fflonk": _COUNTS + len(FFLONK_ROOTS) * N8 + 2 * G1_SIZE + G1_SIZE,
}
_ADDITION = 2 * 4 + 2 * N8
_R_INV = pow(2**256, -1, R)
UniversalVerificationKey = PlonkVerificationKey | FflonkVerificationKey


@dataclass(frozen=True)
class UniversalZkeyHeader:
    """Section 2 of a PLONK or fflonk key: counts, coset shifts, commitments, roots, [x]₂."""

    protocol: str
    n_vars: int
    n_public: int
    domain_size: int
    n_additions: int
    n_constraints: int
    k1: int
    k2: int
    commitments: dict[str, G1Affine]  # PLONK: Qm … S3; fflonk: C0
    roots: dict[str, int]  # fflonk: w3 w4 w8 wr; PLONK: none
    x_2: G2Affine

    @property
    def power(self) -> int:
        """log2 of the domain size."""
        return self.domain_size.bit_length() - 1


@dataclass(frozen=True)
class UniversalZkey:
    """An opened PLONK or fflonk key: its container and checked header (payloads not read)."""

    container: BinFile
    header: UniversalZkeyHeader

    @property
    def path(self) -> Path:
        """The file this was read from."""
        return self.container.path


def domain_power(protocol: str, n_constraints: int) -> int:
    """The power of the domain snarkjs's `<protocol> setup` picks for `n_constraints` rows."""
    rows = n_constraints - 1 if protocol == "plonk" else n_constraints + 1
    return max(3, max(rows, 1).bit_length())


def open_universal_zkey(path: Path, expected: str | None = None) -> UniversalZkey:
    """Read and check a PLONK or fflonk key's protocol (`expected`, when given), header and
    every section size; FormatError naming the file otherwise."""
    container = read_binfile(Path(path), b"zkey", (1,), required=(1, 2))
    with open(container.path, "rb") as fh:
        protocol = _protocol(container, _read_small(container, fh, 1, 4), expected)
        _check_section_ids(container, protocol)
        data = _read_small(container, fh, 2, HEADER_SIZES[protocol])
    header = _parse_header(container, protocol, data)
    _check_sizes(container, header)
    return UniversalZkey(container, header)


def _protocol(container: BinFile, data: bytes, expected: str | None) -> str:
    (number,) = struct.unpack("<I", data)
    name = PROTOCOL_IDS.get(number)
    if name not in UNIVERSAL_IDS:
        raise FormatError(f"{container.path}: protocol {number} is not PLONK (2) or fflonk (10)")
    if expected is not None and name != expected:
        raise FormatError(f"{container.path}: a {name} key, not {expected}")
    return name


def _check_section_ids(container: BinFile, protocol: str) -> None:
    wanted = set(range(1, N_SECTIONS[protocol] + 1))
    for section_id in sorted(wanted - set(container.sections)):
        raise FormatError(f"{container.path}: missing section {section_id}")
    for section_id in sorted(set(container.sections) - wanted):
        raise FormatError(f"{container.path}: unexpected section {section_id} in a {protocol} zkey")


def _parse_header(container: BinFile, protocol: str, data: bytes) -> UniversalZkeyHeader:
    cur = ByteCursor(data, f"{container.path}: header")
    n8q = cur.u32()
    q = int.from_bytes(cur.take(N8), "little") if n8q == N8 else None
    n8r = cur.u32()
    r = int.from_bytes(cur.take(N8), "little")
    if q != P or n8r != N8 or r != R:
        raise FormatError(f"{cur.where}: unsupported curve (n8q={n8q}, q={q}, r={r}); only bn128")
    n_vars, n_public, domain_size, n_additions, n_constraints = (cur.u32() for _ in range(5))
    k1, k2 = _scalar(cur, "k1"), _scalar(cur, "k2")
    if protocol == "plonk":
        commitments = {name: cur.g1(name) for name in PLONK_COMMITMENTS}
        roots: dict[str, int] = {}
        x_2 = cur.g2("X_2")
    else:
        roots = {name: _scalar(cur, name) for name in FFLONK_ROOTS}
        x_2 = cur.g2("X_2")
        commitments = {"C0": cur.g1("C0")}
    if x_2 == G2_IDENTITY:
        raise InvalidValueError(f"{cur.where}: X_2 is the point at infinity")
    header = UniversalZkeyHeader(
        protocol, n_vars, n_public, domain_size, n_additions, n_constraints, k1, k2,
        commitments, roots, x_2,
    )  # fmt: skip
    _check_counts(cur.where, header)
    return header


def _scalar(cur: ByteCursor, what: str) -> int:
    raw = int.from_bytes(cur.take(N8), "little")
    if raw >= R:
        raise InvalidValueError(f"{cur.where}: {what} is not below r")
    return raw * _R_INV % R


def _check_counts(where: str, header: UniversalZkeyHeader) -> None:
    size = header.domain_size
    if size < 8 or size & (size - 1) or size > MAX_DOMAIN_SIZE:
        raise FormatError(f"{where}: domain size {size} is not a power of two in 2^3..2^28")
    if header.n_public + 1 + header.n_additions > header.n_vars:
        raise FormatError(
            f"{where}: n_public={header.n_public} and n_additions={header.n_additions}"
            f" leave no room in n_vars={header.n_vars}"
        )
    want = domain_power(header.protocol, header.n_constraints)
    if header.n_constraints < header.n_public or want != header.power:
        raise FormatError(
            f"{where}: {header.n_constraints} constraints need domain 2^{want},"
            f" the header says {size}"
        )


def _check_sizes(container: BinFile, header: UniversalZkeyHeader) -> None:
    for section_id, size in _section_sizes(header).items():
        got = container.section(section_id).size
        if got != size:
            raise FormatError(
                f"{container.path}: section {section_id} is {got} bytes, header implies {size}"
            )


def _section_sizes(header: UniversalZkeyHeader) -> dict[int, int]:
    domain, poly = header.domain_size, 5 * header.domain_size * N8
    lagrange = max(header.n_public, 1) * poly
    sizes = {3: header.n_additions * _ADDITION}
    sizes |= dict.fromkeys((4, 5, 6), header.n_constraints * 4)
    if header.protocol == "plonk":
        sizes |= dict.fromkeys(range(7, 12), poly)
        return sizes | {12: 3 * poly, 13: lagrange, 14: (domain + 6) * G1_SIZE}
    sizes |= dict.fromkeys(range(7, 15), poly)
    return sizes | {15: lagrange, 16: (9 * domain + 18) * G1_SIZE, 17: 8 * domain * N8}


def verification_key(header: UniversalZkeyHeader) -> UniversalVerificationKey:
    """The verification key `snarkjs zkey export verificationkey` derives from the header."""
    w = root_of_unity(header.power)
    if header.protocol == "plonk":
        c = header.commitments
        return PlonkVerificationKey(
            header.n_public, header.power, header.k1, header.k2, w,
            c["Qm"], c["Ql"], c["Qr"], c["Qo"], c["Qc"], c["S1"], c["S2"], c["S3"], header.x_2,
        )  # fmt: skip
    roots = header.roots
    return FflonkVerificationKey(
        header.n_public, header.power, header.k1, header.k2, w,
        roots["w3"], roots["w4"], roots["w8"], roots["wr"], header.x_2, header.commitments["C0"],
    )  # fmt: skip


def dump_universal_verification_key(vk: UniversalVerificationKey) -> str:
    """verification_key.json text, byte for byte as `snarkjs zkey export verificationkey`."""
    head = {"curve": "bn128", "nPublic": vk.n_public, "power": vk.power}
    shifts = {"k1": str(vk.k1), "k2": str(vk.k2)}
    if isinstance(vk, PlonkVerificationKey):
        points = (vk.qm, vk.ql, vk.qr, vk.qo, vk.qc, vk.s1, vk.s2, vk.s3)
        selectors = {name: _g1_json(p) for name, p in zip(PLONK_COMMITMENTS, points, strict=True)}
        tail = {"X_2": _g2_json(vk.x_2), "w": str(vk.w)}
        return _render({"protocol": "plonk", **head, **shifts, **selectors, **tail})
    roots = {"w": str(vk.w), "w3": str(vk.w3), "w4": str(vk.w4), "w8": str(vk.w8), "wr": str(vk.wr)}
    tail = {"X_2": _g2_json(vk.x_2), "C0": _g1_json(vk.c0)}
    return _render({"protocol": "fflonk", **head, **shifts, **roots, **tail})
