"""Reader for circom's .r1cs (iden3 container, magic b"r1cs", version 1).

Sections:
    1 header       n8 u32, prime (n8 bytes LE), n_wires u32, n_pub_out u32, n_pub_in u32,
                   n_prv_in u32, n_labels u64, n_constraints u32
    2 constraints  n_constraints × (A, B, C); each linear combination is
                   n_terms u32 then n_terms × (wire u32, coefficient n8 bytes LE, normal form)
    3 wire→label   n_wires × u64
    4, 5           custom gates (PLONK only; not used for Groth16)

Wire 0 is the constant 1, then outputs, public inputs, private inputs, then internal wires.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import FormatError, InvalidValueError, TruncatedFileError
from toolchain.formats.binfile import BinFile, read_binfile
from toolchain.native.field import R

LinearCombination = dict[int, int]
Constraint = tuple[LinearCombination, LinearCombination, LinearCombination]

_TAIL = struct.Struct("<IIIIQI")


@dataclass(frozen=True)
class R1csHeader:
    """Counts from the .r1cs header, named as `snarkjs r1cs info` reports them."""

    n8: int
    prime: int
    n_wires: int
    n_pub_out: int
    n_pub_in: int
    n_prv_in: int
    n_labels: int
    n_constraints: int

    @property
    def n_public(self) -> int:
        """Public signals as Groth16 sees them: outputs then public inputs."""
        return self.n_pub_out + self.n_pub_in

    @property
    def setup_power(self) -> int:
        """The power of the domain snarkjs's groth16 setup uses (see `setup_power`)."""
        return setup_power(self.n_constraints, self.n_public)


def setup_power(n_constraints: int, n_public: int) -> int:
    """The power of the domain snarkjs's groth16 setup uses: 2^p > constraints + public.

    zkey_new.js: cirPower = floor(log2(nConstraints + nPubInputs + nOutputs)) + 1, and 1 for an
    empty circuit; a ptau of a smaller power cannot set the circuit up.
    """
    return max(1, (n_constraints + n_public).bit_length())


@dataclass(frozen=True)
class R1cs:
    """A parsed .r1cs: header, constraints and the wire → label map."""

    header: R1csHeader
    constraints: list[Constraint]
    wire_to_label: list[int]


def read_r1cs_header(path: Path) -> R1csHeader:
    """Read and validate only the header section (cheap; used by `zkt info`)."""
    container = _open(path)
    with open(path, "rb") as fh:
        return _parse_header(container, container.read(fh, 1))


def read_r1cs(path: Path) -> R1cs:
    """Read the whole file: header, every constraint and the wire → label map."""
    container = _open(path)
    with open(path, "rb") as fh:
        header = _parse_header(container, container.read(fh, 1))
        constraints = _parse_constraints(container, header, container.read(fh, 2))
        labels = _parse_labels(container, header, container.read(fh, 3))
    return R1cs(header, constraints, labels)


def _open(path: Path) -> BinFile:
    return read_binfile(Path(path), b"r1cs", (1,), required=(1, 2, 3))


def _parse_header(container: BinFile, data: bytes) -> R1csHeader:
    if len(data) < 4:
        raise TruncatedFileError(f"{container.path}: r1cs header too short")
    (n8,) = struct.unpack_from("<I", data, 0)
    if n8 != 32 or len(data) != 4 + n8 + _TAIL.size:
        raise FormatError(f"{container.path}: r1cs header has n8={n8}, size {len(data)}")
    prime = int.from_bytes(data[4 : 4 + n8], "little")
    if prime != R:
        raise FormatError(f"{container.path}: unsupported prime {prime} (only bn128 is supported)")
    # No wire-count check against the input counts: circom counts private inputs it optimised
    # away in n_prv_in, so valid files can have n_prv_in + n_public + 1 > n_wires.
    return R1csHeader(n8, prime, *_TAIL.unpack_from(data, 4 + n8))


def _parse_constraints(container: BinFile, header: R1csHeader, data: bytes) -> list[Constraint]:
    # Each constraint needs at least three u32 term counts: reject absurd counts up front.
    if header.n_constraints * 12 > len(data):
        raise TruncatedFileError(f"{container.path}: constraint section too short")
    pos = 0
    out: list[Constraint] = []
    for _ in range(header.n_constraints):
        a, pos = _parse_lc(container, header, data, pos)
        b, pos = _parse_lc(container, header, data, pos)
        c, pos = _parse_lc(container, header, data, pos)
        out.append((a, b, c))
    if pos != len(data):
        raise FormatError(f"{container.path}: {len(data) - pos} stray bytes after constraints")
    return out


def _parse_lc(
    container: BinFile, header: R1csHeader, data: bytes, pos: int
) -> tuple[LinearCombination, int]:
    if pos + 4 > len(data):
        raise TruncatedFileError(f"{container.path}: constraint section cut short")
    (n_terms,) = struct.unpack_from("<I", data, pos)
    pos += 4
    end = pos + n_terms * (4 + header.n8)
    if end > len(data):
        raise TruncatedFileError(f"{container.path}: linear combination runs past its section")
    lc: LinearCombination = {}
    for _ in range(n_terms):
        (wire,) = struct.unpack_from("<I", data, pos)
        coef = int.from_bytes(data[pos + 4 : pos + 4 + header.n8], "little")
        if wire >= header.n_wires or coef >= R:
            raise InvalidValueError(f"{container.path}: bad term (wire {wire}) at byte {pos}")
        lc[wire] = coef
        pos += 4 + header.n8
    return lc, end


def _parse_labels(container: BinFile, header: R1csHeader, data: bytes) -> list[int]:
    if len(data) != 8 * header.n_wires:
        raise FormatError(f"{container.path}: wire map has {len(data)} bytes for {header.n_wires}")
    return list(struct.unpack(f"<{header.n_wires}Q", data))
