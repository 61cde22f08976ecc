"""Groth16 phase 2 (circuit-specific): initial key, contributions, beacon, exports.

snarkjs does the cryptography; every step runs it through snarkjs_step (staged output beside
the target, logged errors caught, entropy on stdin), checks what it wrote, and only then lets it
be renamed into place, never over an input. Acceptance checks live in checks.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolchain.ceremony.entropy import Secret
from toolchain.ceremony.names import check_name
from toolchain.ceremony.snarkjs_step import run_snarkjs, snarkjs_writes, staged
from toolchain.errors import FormatError, UsageError, VerificationError
from toolchain.formats.ptau import PtauFile, open_ptau
from toolchain.formats.r1cs import R1csHeader, read_r1cs_header
from toolchain.formats.snarkjs_json import dump_verification_key, verification_key_from_zkey
from toolchain.formats.zkey import MpcParams, ZkeyFile, open_zkey
from toolchain.fsutil import refuse_overwrite, write_atomic
from toolchain.native.groth16 import Proof
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.tools import Tools


def read_setup_inputs(r1cs: Path, ptau: Path) -> tuple[R1csHeader, PtauFile]:
    """The r1cs and ptau of a setup, checked before snarkjs reads them: containers, headers,
    section sizes, and a ptau prepared for phase 2."""
    header = read_r1cs_header(r1cs)
    source = open_ptau(ptau)
    if not source.is_prepared:
        raise FormatError(
            f"{ptau}: not prepared for phase 2 (no Lagrange sections 12–15): run"
            " `zkt ptau prepare` on it, or use a prepared download (`zkt ptau fetch`)"
        )
    return header, source


def check_verify_inputs(zkey: Path, r1cs: Path, ptau: Path) -> None:
    """Before `snarkjs zkey verify`: the key, r1cs and ptau are what they claim, the ptau is
    big enough for the circuit and the key was set up for this circuit."""
    key = open_zkey(zkey).header
    header, source = read_setup_inputs(r1cs, ptau)
    if source.header.power < header.setup_power:
        raise UsageError(
            f"{ptau}: power {source.header.power} is too small for {r1cs} (needs 2^"
            f"{header.setup_power}: {header.n_constraints} constraints, {header.n_public}"
            " public signals)"
        )
    circuit = (header.n_wires, header.n_public, 1 << header.setup_power)
    if (key.n_vars, key.n_public, key.domain_size) != circuit:
        raise VerificationError(
            f"{zkey}: set up for another circuit than {r1cs} ({key.n_vars} signals, {key.n_public}"
            f" public, domain {key.domain_size}; the r1cs has {circuit[0]}, {circuit[1]},"
            f" {circuit[2]})"
        )


def new_zkey(tools: Tools, r1cs: Path, ptau: Path, out: Path) -> Path:
    """`snarkjs groth16 setup`: the initial key (no contribution yet, δ = γ)."""
    read_setup_inputs(r1cs, ptau)
    with staged(out, r1cs, ptau) as partial:
        snarkjs_writes(tools, snarkjs_args.setup_argv(r1cs, ptau, partial), partial, None)
        open_zkey(partial)
    return out


def contribute(tools: Tools, zkey_in: Path, zkey_out: Path, name: str, entropy: Secret) -> Path:
    """Add one contribution named `name`; the entropy goes to snarkjs on stdin."""
    check_name(name)
    with staged(zkey_out, zkey_in) as partial:
        argv = snarkjs_args.zkey_contribute_argv(zkey_in, partial, name)
        snarkjs_writes(tools, argv, partial, None, entropy)
        _check_one_more(zkey_in, partial)
    return zkey_out


def apply_beacon(
    tools: Tools, zkey_in: Path, zkey_out: Path, beacon_hash: str, iterations_exp: int, name: str
) -> Path:
    """Close the chain with a public beacon (SHA-256 iterated 2^exp times, then ChaCha)."""

    with staged(zkey_out, zkey_in) as partial:
        argv = snarkjs_args.zkey_beacon_argv(zkey_in, partial, beacon_hash, iterations_exp, name)
        snarkjs_writes(tools, argv, partial, None)
        _check_one_more(zkey_in, partial)
    return zkey_out


def _check_one_more(before: Path, after: Path) -> None:
    old, new = mpc_params(before), mpc_params(after)
    if len(new.contributions) != len(old.contributions) + 1:
        raise VerificationError(f"snarkjs did not add a contribution to {before.name}")


@dataclass(frozen=True)
class ParsedKey:
    """A key read once for acceptance: its checked header and sections, and section 10."""

    file: ZkeyFile
    mpc: MpcParams

    @property
    def name(self) -> str:
        """The key's file name, as messages show it."""
        return self.file.path.name


def read_key(zkey: Path) -> ParsedKey:
    """Open a key and decode its contributions, once for every check that follows."""
    file = open_zkey(zkey)
    return ParsedKey(file, file.read_mpc_params())


def mpc_params(zkey: Path) -> MpcParams:
    """Circuit hash and contribution list of a key (section 10)."""
    return open_zkey(zkey).read_mpc_params()


def snarkjs_verify(tools: Tools, r1cs: Path, ptau: Path, zkey: Path) -> bool:
    """`snarkjs zkey verify`: the key derives from r1cs + ptau through its recorded chain."""
    done = run_snarkjs(
        tools, snarkjs_args.zkey_verify_argv(r1cs, ptau, zkey), None, None, check=False
    )
    return snarkjs_args.zkey_verify_succeeded(done.returncode, done.stdout + done.stderr)


def export_verification_key(zkey: Path, out: Path) -> Path:
    """verification_key.json derived natively, byte-identical to `snarkjs zkey export`."""
    refuse_overwrite(out, zkey)
    vk = verification_key_from_zkey(open_zkey(zkey))
    write_atomic(out, dump_verification_key(vk).encode())
    return out


def export_solidity_verifier(tools: Tools, zkey: Path, out: Path) -> Path:
    """verifier.sol from snarkjs's Groth16 template."""

    with staged(out, zkey) as partial:
        snarkjs_writes(tools, snarkjs_args.solidity_verifier_argv(zkey, partial), partial, None)
    return out


def solidity_calldata(proof: Proof, public: list[int]) -> str:
    """The calldata `snarkjs zkey export soliditycalldata` prints, byte for byte."""
    (x0, x1), (y0, y1) = proof.b_g2
    # The EVM pairing precompile takes Fp2 elements as (c1, c0): snarkjs swaps them.
    b = f"[{_pair(x1, x0)},{_pair(y1, y0)}]"
    signals = "[" + ",".join(_hex(v) for v in public) + "]"
    return f"{_pair(*proof.a_g1)},{b},{_pair(*proof.c_g1)},{signals}"


def _hex(value: int) -> str:
    return f'"0x{value:064x}"'


def _pair(first: int, second: int) -> str:
    return f"[{_hex(first)}, {_hex(second)}]"
