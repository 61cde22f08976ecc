"""Relations of a PLONK or fflonk key (a universal setup, no phase 2) to the other artifacts.

    check_protocol            the key's protocol (section 1) is the registry's and the lock's
    check_universal_shape     its header is the r1cs's: public signals, signals (n_vars less
                              one per addition) and rows (r1cs constraints + public + additions)
    check_rebuilt             `snarkjs <protocol> setup` of the locked r1cs and ptau gives the
                              same bytes (both setups are deterministic): the universal analogue
                              of `zkey verify`
    check_universal_vkey      verification_key.json is byte for byte the key derived natively
                              from the header (formats.universal_zkey)
    check_universal_verifier  verifier.sol's constants are the header's (domain, shifts, roots,
                              commitments, [x]₂) and it takes the key's number of public signals
    check_universal_transcript  exactly one universal_setup record, made with this protocol,
                              from the locked r1cs and ptau, producing this key

The Groth16 checks on a final key (δ ≠ γ, minimum phase-2 contributions, the MPC chain) have no
object here: `NO_PHASE2` says so in the report row.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from toolchain.ceremony.transcript import Record
from toolchain.ceremony.universal import SETUP_KIND, rebuild_key
from toolchain.errors import IntegrityError
from toolchain.formats.r1cs import R1csHeader
from toolchain.formats.universal_zkey import (
    UniversalZkey,
    dump_universal_verification_key,
    verification_key,
)
from toolchain.formats.zkey import zkey_protocol
from toolchain.integrity.checks import VerifierTemplate, _g1_constants, check_verifier_text
from toolchain.native.curve import G2Affine
from toolchain.native.field import P, R, root_of_unity
from toolchain.runner.tools import Tools

NO_PHASE2 = "no phase 2: delta != gamma, contribution count and MPC chain do not apply"
# The PLONK and fflonk templates hold constants of their own (field sizes, memory offsets)
# beside the key's: only the key's are compared.
UNIVERSAL_TEMPLATE = VerifierTemplate(
    re.compile(r"uint\d+\s+constant\s+(\w+)\s*=\s*(\d+)\s*;"),
    re.compile(r"uint256\[(\d+)\]\s+calldata\s+_?pubSignals"),
    exact=False,
)


def check_protocol(zkey: Path, registry: str, locked: str) -> str:
    """The key's section 1 names the protocol circuits.toml and the manifest name."""
    got = zkey_protocol(zkey)
    if got != registry:
        raise IntegrityError(
            f"{zkey.name} is a {got} key, circuits.toml says protocol = {registry}"
        )
    if got != locked:
        raise IntegrityError(f"{zkey.name} is a {got} key, the lock recorded {locked}")
    return f"{got} key"


def check_universal_shape(zkey: UniversalZkey, r1cs: R1csHeader) -> str:
    """Public signals, signals and rows of the header agree with the r1cs."""
    h = zkey.header
    got = (h.n_public, h.n_vars - h.n_additions, h.n_constraints - h.n_additions - h.n_public)
    want = (r1cs.n_public, r1cs.n_wires, r1cs.n_constraints)
    if got != want:
        raise IntegrityError(
            f"zkey header (n_public, signals, constraints) = {got}, the r1cs gives {want}:"
            " the key was set up for another circuit"
        )
    return f"header matches r1cs (n_public {got[0]}, signals {got[1]}, domain {h.domain_size})"


def check_rebuilt(tools: Tools, zkey: UniversalZkey, r1cs: Path, ptau: Path) -> str:
    """The key is byte for byte what snarkjs's setup makes again from the r1cs and ptau."""
    protocol = zkey.header.protocol
    with tempfile.TemporaryDirectory(prefix="zkt-rebuild-key-") as tmp:
        again = rebuild_key(tools, protocol, r1cs, ptau, Path(tmp) / "final.zkey")
        if again.read_bytes() != zkey.path.read_bytes():
            raise IntegrityError(
                f"{protocol} setup of the locked r1cs and ptau {ptau.name} makes another key"
            )
    return f"rebuilt by {protocol} setup from the r1cs and {ptau.name}: identical"


def check_universal_vkey(vkey: Path, zkey: UniversalZkey) -> str:
    """verification_key.json is byte for byte the key derived from the zkey's header."""
    derived = dump_universal_verification_key(verification_key(zkey.header)).encode()
    if vkey.read_bytes() != derived:
        raise IntegrityError(f"differs from the key derived from {zkey.path.name}")
    return f"equals the key derived from {zkey.path.name}"


def universal_verifier_constants(zkey: UniversalZkey) -> dict[str, int]:
    """The constants snarkjs's PLONK or fflonk verifier template writes for this key."""
    h = zkey.header
    w = root_of_unity(h.power)
    constants = {"q": R, "qf": P, "n": h.domain_size, "k1": h.k1, "k2": h.k2, "w1": w}
    constants |= _x2_constants(h.x_2)
    for name, point in h.commitments.items():
        constants |= _g1_constants(name, point)
    if h.protocol == "plonk":
        return constants | {"nPublic": h.n_public, "nLagrange": max(h.n_public, 1)}
    roots = {"wr": h.roots["wr"], "w3": h.roots["w3"], "w4": h.roots["w4"]}
    return constants | roots | {"w8_1": h.roots["w8"]}


def _x2_constants(point: G2Affine) -> dict[str, int]:
    # Unlike the Groth16 template, PLONK's and fflonk's write Fp2 as (c0, c1).
    (x0, x1), (y0, y1) = point
    return {"X2x1": x0, "X2x2": x1, "X2y1": y0, "X2y2": y1}


def check_universal_verifier(sol: Path, zkey: UniversalZkey) -> str:
    """verifier.sol holds the key's constants and takes its number of public signals."""
    expected, n_public = universal_verifier_constants(zkey), zkey.header.n_public
    return check_verifier_text(sol, zkey.path.name, expected, n_public, UNIVERSAL_TEMPLATE)


def check_universal_transcript(
    records: list[Record], zkey: UniversalZkey, zkey_sha256: str, r1cs_sha256: str, ptau: str
) -> str:
    """One universal_setup record, of this protocol, from the locked r1cs and ptau, to this key."""
    if len(records) != 1 or records[0].kind != SETUP_KIND:
        kinds = ", ".join(r.kind for r in records) or "none"
        raise IntegrityError(f"a universal key has one {SETUP_KIND} record, this has: {kinds}")
    record = records[0]
    if record.file.sha256 != zkey_sha256:
        raise IntegrityError(f"its record ({record.file.path}) is not {zkey.path.name}")
    locked = {
        "protocol": zkey.header.protocol,
        "r1cs_sha256": r1cs_sha256,
        "ptau_blake2b": ptau,
    }
    for key, value in locked.items():
        if record.inputs.get(key) != value:
            shown = (record.inputs.get(key) or "nothing")[:16]
            raise IntegrityError(f"its setup used {key} {shown}…, not the locked one")
    return f"one {SETUP_KIND} record ({record.name}) producing {zkey.path.name}"
