"""File-level operations on .zkey files: contribute, beacon, verify (phase 2); export and calldata
(every protocol: Groth16, PLONK, fflonk)."""

from __future__ import annotations

from pathlib import Path

from toolchain.ceremony import checks, phase1, phase2, universal
from toolchain.ceremony.entropy import Secret
from toolchain.errors import UsageError
from toolchain.formats.snarkjs_json import load_json_file, read_proof, read_public
from toolchain.formats.universal_calldata import fflonk_calldata, plonk_calldata
from toolchain.formats.universal_json import parse_fflonk_proof, parse_plonk_proof
from toolchain.formats.zkey import zkey_protocol
from toolchain.fsutil import refuse_existing
from toolchain.runner.tools import Tools


def contribute_zkey(
    tools: Tools,
    zkey_in: Path,
    zkey_out: Path,
    contributor: str,
    entropy: Secret,
    *,
    force: bool = False,
) -> Path:
    """Contribute to `zkey_in`, writing `zkey_out`, accepted only as one valid contribution more."""
    refuse_existing(zkey_out, zkey_in, force=force)  # an input is never an output, first
    universal.refuse_phase2_key(zkey_in)
    checks.check_open(phase2.mpc_params(zkey_in), zkey_in.name)
    phase2.contribute(tools, zkey_in, zkey_out, contributor, entropy)
    checks.accept_contribution(zkey_in, zkey_out)
    return zkey_out


def beacon_zkey(
    tools: Tools,
    zkey_in: Path,
    zkey_out: Path,
    beacon_hash: str,
    iterations_exp: int,
    *,
    force: bool = False,
) -> Path:
    """Apply a public beacon to `zkey_in`, writing `zkey_out`, accepted as one contribution more."""
    refuse_existing(zkey_out, zkey_in, force=force)  # an input is never an output, first
    universal.refuse_phase2_key(zkey_in)
    phase1.parse_beacon_hash(beacon_hash)
    phase1.check_beacon_exp(iterations_exp)
    checks.check_beacon_may_close(phase2.mpc_params(zkey_in), 1, zkey_in.name)
    phase2.apply_beacon(tools, zkey_in, zkey_out, beacon_hash, iterations_exp, "beacon")
    checks.accept_contribution(zkey_in, zkey_out)
    return zkey_out


def verify_zkey(
    tools: Tools,
    zkey: Path,
    r1cs: Path | None,
    ptau: Path | None,
    previous: Path | None,
    native: bool = False,
    min_contributions: int = 1,
) -> list[str]:
    """Our checks, plus snarkjs's (r1cs + ptau) unless `native`; the names of those passed."""
    universal.refuse_phase2_key(zkey)
    passed = []
    if not native:
        if r1cs is None or ptau is None:
            raise UsageError("--r1cs and --ptau are needed unless --native is given")
        phase2.check_verify_inputs(zkey, r1cs, ptau)
        checks.check_snarkjs_accepts(tools, r1cs, ptau, zkey)
        passed.append("snarkjs zkey verify")
    elif previous is None:
        raise UsageError("--native checks a contribution against --previous: give it")
    key = phase2.read_key(zkey)
    checks.check_key_has_contribution(key)
    passed.append("has a phase-2 contribution (delta != gamma)")
    checks.check_min_contributions(key.mpc, min_contributions, key.name)
    real = checks.real_contributions(key.mpc)
    passed.append(f"{real} real contribution(s), beacon excluded (at least {min_contributions})")
    if previous is not None:
        checks.accept_step(phase2.read_key(previous), key)  # the candidate is read once
        passed.append(f"extends {previous.name} by exactly one contribution")
        passed.append("native: proof of knowledge, delta step, L and H rescaled, rest unchanged")
    return passed


def export_zkey(tools: Tools, zkey: Path, out_dir: Path, *, force: bool = False) -> list[Path]:
    """verification_key.json and verifier.sol for `zkey`, into `out_dir` (neither may exist
    unless `force`). A Groth16 key's verification key is derived natively, a PLONK or fflonk
    one's by snarkjs; the verifier is snarkjs's template for the key's protocol."""
    vkey, verifier = out_dir / "verification_key.json", out_dir / "verifier.sol"
    for out in (vkey, verifier):
        refuse_existing(out, zkey, force=force)
    if zkey_protocol(zkey) == "groth16":
        phase2.export_verification_key(zkey, vkey)
    else:
        universal.export_verification_key(tools, zkey, vkey)
    return [vkey, phase2.export_solidity_verifier(tools, zkey, verifier)]


def calldata(proof: Path, public: Path) -> str:
    """Solidity calldata for a proof, as `snarkjs zkey export soliditycalldata` prints it for
    the protocol the proof names (PLONK, fflonk, else Groth16); both files parsed strictly."""
    proof_obj = load_json_file(proof)
    named = proof_obj.get("protocol") if isinstance(proof_obj, dict) else None
    if named == "plonk":
        return plonk_calldata(parse_plonk_proof(proof_obj, str(proof)), read_public(public))
    if named == "fflonk":
        return fflonk_calldata(parse_fflonk_proof(proof_obj, str(proof)), read_public(public))
    return phase2.solidity_calldata(read_proof(proof), read_public(public))
