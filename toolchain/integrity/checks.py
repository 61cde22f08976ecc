"""Relations between locked artifacts: each check proves one link of the pipeline or raises.

A hash only says a file is the one that was locked; these say the files belong together:

    check_rendered      the rendered source is what circuits.toml + its template render to now
    check_hand_written  a hand-written source is still the entry's `source` in circuits.toml
    check_zkey_shape    the zkey's n_vars, n_public and domain size are the r1cs's
    check_coefficients  the zkey's section 4 is exactly what `snarkjs groth16 setup` derives
                        from the r1cs (A and B terms in file order, then one A row per public
                        signal binding it), so the key was set up for these constraints
    check_zkey_ptau     the zkey's alpha1, beta1, beta2 are the ptau's alphaTauG1[0],
                        betaTauG1[0], betaG2 (phase 2 never changes them)
    check_vkey          verification_key.json is byte for byte the one derived from the zkey
    check_verifier      verifier.sol's constants are the zkey's key points, its public-signal
                        count the zkey's
    check_transcript    the ceremony transcript's last record produced this zkey (file hash,
                        contribution hash, number of steps) from the locked r1cs and ptau

Each returns a short note for the report and raises IntegrityError naming what differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from toolchain.ceremony import checks as ceremony_checks
from toolchain.ceremony.transcript import Record
from toolchain.config import CircuitEntry
from toolchain.errors import IntegrityError, VerificationError
from toolchain.formats.ptau import PtauFile
from toolchain.formats.r1cs import R1cs, R1csHeader
from toolchain.formats.snarkjs_json import dump_verification_key, verification_key_from_zkey
from toolchain.formats.zkey import SECTION_IC, ZkeyFile
from toolchain.hashing import sha256_bytes
from toolchain.native.curve import G1_IDENTITY, G1Affine, G2Affine
from toolchain.native.field import P, R
from toolchain.native.groth16 import Coefficient
from toolchain.render.templates import render_entry

_CONSTANT = re.compile(r"uint256\s+constant\s+(\w+)\s*=\s*(\d+)\s*;")
_PUB_SIGNALS = re.compile(r"uint\[(\d+)\]\s+calldata\s+_pubSignals")


def check_rendered(templates_dir: Path, entry: CircuitEntry, locked_sha256: str) -> str:
    """The registry entry renders (in memory, no circom) to the locked source bytes."""
    if entry.template is None:
        raise IntegrityError(
            f"locked as rendered from a template, but circuits.toml now says hand-written"
            f" {entry.source}"
        )
    rendered = render_entry(templates_dir, entry)
    if sha256_bytes(rendered.text.encode()) != locked_sha256:
        raise IntegrityError(
            f"circuits.toml + templates/{rendered.template_path.name} now render to other"
            " bytes: the template or the parameters changed since locking"
        )
    return f"renders from templates/{rendered.template_path.name}"


def check_hand_written(entry: CircuitEntry, locked_path: str | None) -> str:
    """The registry still names the locked file as the entry's hand-written source.

    Its content is the file hash every artifact row checks; nothing is rendered.
    """
    if entry.source is None:
        raise IntegrityError(
            f"locked as hand-written {locked_path}, but circuits.toml now renders it from"
            f" template {entry.template}"
        )
    if entry.source != locked_path:
        raise IntegrityError(f"locked as {locked_path}, but circuits.toml now says {entry.source}")
    return f"hand-written {entry.source}"


def domain_size(r1cs: R1csHeader) -> int:
    """The FFT domain `snarkjs groth16 setup` picks: 2^setup_power."""
    return 1 << r1cs.setup_power


def check_zkey_shape(zkey: ZkeyFile, r1cs: R1csHeader) -> str:
    """n_vars, n_public and the domain size of the zkey header are the r1cs's."""
    got = (zkey.header.n_vars, zkey.header.n_public, zkey.header.domain_size)
    want = (r1cs.n_wires, r1cs.n_public, domain_size(r1cs))
    if got != want:
        raise IntegrityError(
            f"zkey header (n_vars, n_public, domain) = {got}, the r1cs gives {want}:"
            " the key was set up for another circuit"
        )
    return f"header matches r1cs (n_vars {got[0]}, n_public {got[1]}, domain {got[2]})"


def expected_coefficients(r1cs: R1cs) -> Iterator[Coefficient]:
    """Section 4 as snarkjs's zkey_new.js writes it from the r1cs constraints."""
    for row, (a, b, _c) in enumerate(r1cs.constraints):
        for matrix, combination in ((0, a), (1, b)):
            for signal, value in combination.items():
                yield Coefficient(matrix, row, signal, value)
    # One extra A row per public signal (and the constant one): A_s(x) = 1 there binds it.
    for signal in range(r1cs.header.n_public + 1):
        yield Coefficient(0, r1cs.header.n_constraints + signal, signal, 1)


def check_coefficients(zkey: ZkeyFile, r1cs: R1cs) -> str:
    """The zkey's coefficient section equals the one derived from the r1cs, entry by entry."""
    terms = sum(len(a) + len(b) for a, b, _c in r1cs.constraints)
    count = terms + r1cs.header.n_public + 1
    if zkey.n_coefficients != count:
        raise IntegrityError(
            f"zkey has {zkey.n_coefficients} coefficients, the r1cs gives {count}:"
            " the key was set up for other constraints"
        )
    pairs = zip(zkey.read_coefficients(), expected_coefficients(r1cs), strict=True)
    for index, (got, want) in enumerate(pairs):
        if got != want:
            raise IntegrityError(f"zkey coefficient {index} is {got}, the r1cs gives {want}")
    return f"{count} coefficients match r1cs"


def check_zkey_ptau(zkey: ZkeyFile, ptau: PtauFile) -> str:
    """The zkey's alpha1, beta1 and beta2 are the ptau's, and the ptau covers its domain."""
    if ptau.header.power < zkey.header.power:
        raise IntegrityError(
            f"the ptau has power {ptau.header.power}, the key's domain needs {zkey.header.power}"
        )
    pairs = {
        "alpha1": (zkey.header.alpha_g1, ptau.read_alpha_tau_g1(0, 1)[0]),
        "beta1": (zkey.header.beta_g1, ptau.read_beta_tau_g1(0, 1)[0]),
        "beta2": (zkey.header.beta_g2, ptau.read_beta_g2()),
    }
    wrong = [name for name, (ours, theirs) in pairs.items() if ours != theirs]
    if wrong:
        raise IntegrityError(
            f"zkey {', '.join(wrong)} differ from the ptau's ({ptau.path.name}): another ptau"
        )
    return f"alpha/beta from the ptau {ptau.path.name} (power {ptau.header.power})"


def check_vkey(vkey: Path, zkey: ZkeyFile) -> str:
    """verification_key.json is byte for byte the key derived from the zkey."""
    derived = dump_verification_key(verification_key_from_zkey(zkey)).encode()
    if vkey.read_bytes() != derived:
        raise IntegrityError(f"differs from the key derived from {zkey.path.name}")
    return f"equals the key derived from {zkey.path.name}"


def verifier_constants(zkey: ZkeyFile) -> dict[str, int]:
    """The `uint256 constant`s snarkjs's Groth16 verifier template writes for this key."""
    header = zkey.header
    constants = {"r": R, "q": P, **_g1_constants("alpha", header.alpha_g1)}
    g2_points = (("beta", header.beta_g2), ("gamma", header.gamma_g2), ("delta", header.delta_g2))
    for label, point in g2_points:
        constants.update(_g2_constants(label, point))
    for index, ic in enumerate(zkey.read_g1_section(SECTION_IC)):
        constants.update(_g1_constants(f"IC{index}", ic))
    return constants


def _g1_constants(label: str, point: G1Affine) -> dict[str, int]:
    # snarkjs writes the point at infinity as (0, 1, 0); its x and y are then 0 and 1.
    x, y = (0, 1) if point == G1_IDENTITY else point
    return {f"{label}x": x, f"{label}y": y}


def _g2_constants(label: str, point: G2Affine) -> dict[str, int]:
    # The EVM pairing precompile takes Fp2 as (c1, c0): the template writes x1 = x.c1.
    (x0, x1), (y0, y1) = point
    return {f"{label}x1": x1, f"{label}x2": x0, f"{label}y1": y1, f"{label}y2": y0}


def check_verifier(sol: Path, zkey: ZkeyFile) -> str:
    """verifier.sol holds exactly the zkey's constants and takes its number of public signals."""
    return check_verifier_text(
        sol, zkey.path.name, verifier_constants(zkey), zkey.header.n_public, GROTH16_TEMPLATE
    )


@dataclass(frozen=True)
class VerifierTemplate:
    """How a snarkjs verifier template writes its constants and its public-signal count, and
    whether it holds the key's constants only (`exact`) or others of its own beside them."""

    constant: re.Pattern[str]
    pub_signals: re.Pattern[str]
    exact: bool


GROTH16_TEMPLATE = VerifierTemplate(_CONSTANT, _PUB_SIGNALS, exact=True)


def check_verifier_text(
    sol: Path, key: str, expected: dict[str, int], n_public: int, template: VerifierTemplate
) -> str:
    """verifier.sol holds the `expected` constants of key `key` and takes `n_public` signals."""
    text = sol.read_text(errors="replace")
    found = {name: int(value) for name, value in template.constant.findall(text)}
    names = found.keys() | expected.keys() if template.exact else expected.keys()
    wrong = sorted(k for k in names if found.get(k) != expected.get(k))
    if wrong:
        raise IntegrityError(f"constants {', '.join(wrong[:6])} differ from {key}'s key")
    counts = [int(n) for n in template.pub_signals.findall(text)]
    if counts != [n_public]:
        raise IntegrityError(f"takes {counts or 'no'} public signals, {key} has {n_public}")
    return f"constants are {key}'s key ({len(expected)} checked)"


def check_real_contributions(zkey: ZkeyFile, minimum: int) -> str:
    """The final key holds `minimum` real (non-beacon) contributions: a beacon protects nothing."""
    mpc = zkey.read_mpc_params()
    try:
        ceremony_checks.check_min_contributions(mpc, minimum, zkey.path.name)
    except VerificationError as exc:
        raise IntegrityError(str(exc)) from None
    real = ceremony_checks.real_contributions(mpc)
    beacon = " + the beacon" if len(mpc.contributions) > real else ""
    return f"{real} real phase-2 contribution(s){beacon} (at least {minimum} required)"


def check_transcript(
    records: list[Record], zkey: ZkeyFile, zkey_sha256: str, r1cs_sha256: str, ptau_blake2b: str
) -> str:
    """The transcript's last record produced the zkey, and its setup used the locked inputs."""
    if not records:
        raise IntegrityError("the transcript has no records")
    last = records[-1]
    if last.file.sha256 != zkey_sha256:
        raise IntegrityError(f"its last record ({last.file.path}) is not {zkey.path.name}")
    mpc = zkey.read_mpc_params()
    head = mpc.contributions[-1].transcript if mpc.contributions else mpc.cs_hash
    if last.contribution_hash != head.hex():
        raise IntegrityError(f"its last contribution hash is not {zkey.path.name}'s")
    if last.index != len(mpc.contributions):
        raise IntegrityError(
            f"it records {last.index} contributions, {zkey.path.name} has {len(mpc.contributions)}"
        )
    _check_setup_inputs(records[0], r1cs_sha256, ptau_blake2b)
    return f"{len(records)} records ending at {zkey.path.name}"


def _check_setup_inputs(setup: Record, r1cs_sha256: str, ptau_blake2b: str) -> None:
    locked = {"r1cs_sha256": r1cs_sha256, "ptau_blake2b": ptau_blake2b}
    for key, value in locked.items():
        recorded = setup.inputs.get(key)
        if recorded is not None and recorded != value:
            raise IntegrityError(f"its setup used {key} {recorded[:16]}…, not the locked one")
