"""The universal setup of a PLONK or fflonk circuit: its key straight from the ptau, no phase 2.

    artifacts/NAME/final.zkey              `snarkjs plonk setup` / `fflonk setup` of r1cs + ptau
    artifacts/NAME/verification_key.json   `snarkjs zkey export verificationkey`
    artifacts/NAME/verifier.sol            `snarkjs zkey export solidityverifier`
    ceremony/transcripts/NAME.jsonl        one record, kind "universal_setup": the protocol, the
                                           r1cs and ptau it used, the key's hashes

There is no contribution to make: the secret is the ptau's τ, which its phase-1 contributors
already hid. Both setups are deterministic (the same r1cs and ptau give the same bytes), so
anyone can rebuild the key and compare it (`rebuild_key`). All three files are written into a
staging folder and moved into place together; the transcript record comes last.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from toolchain import __version__
from toolchain.ceremony.phase2 import export_solidity_verifier, read_setup_inputs
from toolchain.ceremony.snarkjs_step import snarkjs_writes, staged
from toolchain.ceremony.transcript import Record, append_record, file_hashes, now, read_transcript
from toolchain.config import UNIVERSAL_PROTOCOLS
from toolchain.errors import FormatError, UsageError
from toolchain.formats.ptau import open_ptau
from toolchain.formats.r1cs import LinearCombination, read_r1cs
from toolchain.formats.universal_zkey import domain_power
from toolchain.formats.zkey import zkey_protocol
from toolchain.hashing import hash_file
from toolchain.native.field import R
from toolchain.paths import Project, shown_path
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.tools import PINNED, Tools

SETUP_KIND = "universal_setup"


def rebuild_key(tools: Tools, protocol: str, r1cs: Path, ptau: Path, out: Path) -> Path:
    """`snarkjs <protocol> setup` of r1cs + ptau into `out` (not existing), its protocol checked."""
    if protocol not in UNIVERSAL_PROTOCOLS:
        raise UsageError(f"{protocol} has no universal setup (choose plonk or fflonk)")
    read_setup_inputs(r1cs, ptau)  # containers, headers, and a ptau prepared for phase 2
    with staged(out, r1cs, ptau) as partial:
        argv = snarkjs_args.universal_setup_argv(protocol, r1cs, ptau, partial)
        snarkjs_writes(tools, argv, partial, None)
        if zkey_protocol(partial) != protocol:
            raise FormatError(f"snarkjs {protocol} setup wrote a {zkey_protocol(partial)} key")
    return out


def universal_power(protocol: str, r1cs: Path) -> int:
    """The smallest ptau power snarkjs's `<protocol> setup` of `r1cs` accepts.

    Its rows are one per public signal, one per r1cs constraint and one per addition it splits
    off a linear combination too long for a gate (plonk_setup.js, r1cs_constraint_processor.js);
    PLONK reads the ptau's Lagrange points of that domain, fflonk 9·D + 18 of its τ powers in G1
    (a power-p ptau holds 2^(p+1) − 1 of them).
    """
    circuit = read_r1cs(r1cs)
    rows = circuit.header.n_public + sum(1 + _additions(*c) for c in circuit.constraints)
    power = domain_power(protocol, rows)
    if protocol == "plonk":
        return power
    return max(power, (9 * (1 << power) + 18).bit_length() - 1)


def _additions(a: LinearCombination, b: LinearCombination, c: LinearCombination) -> int:
    """Extra rows one r1cs constraint costs: a sum gate takes 3 signals, a product 1 per side."""
    terms_a, terms_b = _signals(a), _signals(b)
    if (not terms_a and not a.get(0)) or (not terms_b and not b.get(0)):
        return max(0, len(_signals(c)) - 3)
    if not terms_a or not terms_b:
        k, lc = (a[0], b) if not terms_a else (b[0], a)
        joined = {s: (k * lc.get(s, 0) - c.get(s, 0)) % R for s in set(lc) | set(c)}
        return max(0, len(_signals(joined)) - 3)
    return sum(max(0, len(_signals(lc)) - 1) for lc in (a, b, c))


def _signals(lc: LinearCombination) -> list[int]:
    return [s for s, v in lc.items() if s != 0 and v % R]


def universal_setup(project: Project, tools: Tools, name: str, protocol: str, ptau: Path) -> Record:
    """Circuit `name`'s key, verification key and Solidity verifier from `ptau`; record 0."""
    check_fresh(project, name)
    final, r1cs = project.zkey(name), project.r1cs(name)
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=final.parent, prefix=".zkt-setup-") as tmp:
        stage = Path(tmp)
        rebuild_key(tools, protocol, r1cs, ptau, stage / final.name)
        export_verification_key(tools, stage / final.name, stage / project.vkey(name).name)
        export_solidity_verifier(tools, stage / final.name, stage / project.verifier_sol(name).name)
        for produced in (project.vkey(name), project.verifier_sol(name), final):
            (stage / produced.name).replace(produced)
    return append_record(project.transcript(name), _record(project, name, protocol, ptau))


def refuse_phase2_key(path: Path) -> None:
    """UsageError when the .zkey at `path` is a PLONK or fflonk key: it has no phase 2."""
    protocol = zkey_protocol(path)
    if protocol in UNIVERSAL_PROTOCOLS:
        raise UsageError(
            f"{path} is a {protocol} key from a universal setup: it has no phase 2 to contribute"
            " to, close or verify (`zkt artifacts verify` rebuilds it from the ptau)"
        )


def check_fresh(project: Project, name: str) -> None:
    """UsageError when circuit `name` was set up already, or has a key no setup recorded."""
    if read_transcript(project.transcript(name)):
        raise UsageError(f"{name}: already set up ({project.transcript(name)})")
    final = project.zkey(name)
    if final.is_file():
        raise UsageError(
            f"{name}: {final} exists but no setup is recorded for it: move artifacts/{name}/"
            " away to set up again"
        )


def export_verification_key(tools: Tools, zkey: Path, out: Path) -> Path:
    """verification_key.json of a PLONK or fflonk key, by `snarkjs zkey export verificationkey`
    (a Groth16 one is derived natively: `phase2.export_verification_key`)."""
    with staged(out, zkey) as partial:
        argv = snarkjs_args.export_verification_key_argv(zkey, partial)
        snarkjs_writes(tools, argv, partial, None)
    return out


def _record(project: Project, name: str, protocol: str, ptau: Path) -> Record:
    inputs = {
        "protocol": protocol,
        "r1cs_sha256": hash_file(project.r1cs(name)),
        "ptau_blake2b": hash_file(ptau, "blake2b"),
        "ptau_path": shown_path(project.root, ptau.resolve()),
        "ptau_contributions": str(open_ptau(ptau).contribution_count()),
    }
    return Record(
        index=0,
        kind=SETUP_KIND,
        name=f"{protocol} setup",
        contribution_hash="",
        previous_hash="",
        file=file_hashes(project.zkey(name), project.root),
        tools={"snarkjs": PINNED["snarkjs"], "zk-toolchain": __version__},
        time=now(),
        inputs=inputs,
    )
