"""The snarkjs backend: `node <pinned>/snarkjs/build/cli.cjs groth16|plonk|fflonk prove|verify`.

The proof system is the key's: the .zkey's section 1 for proving, the verification key's
"protocol" for verifying. Every proof snarkjs makes is checked before it is kept: a Groth16 one
natively against the key (`check_proof_from`), a PLONK or fflonk one strictly parsed and
verified against the verification key exported from the same key (`check_universal_proof_from`,
whose verifier is `verify_universal_made`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from toolchain.backends.native import NativeBackend, check_made_proof
from toolchain.config import engine_name
from toolchain.errors import FormatError, InvalidValueError, VerificationError
from toolchain.formats.snarkjs_json import read_proof, read_public, verification_key_from_zkey
from toolchain.formats.universal_json import (
    read_key_protocol,
    read_universal_verification_inputs,
)
from toolchain.formats.universal_zkey import (
    dump_universal_verification_key,
    open_universal_zkey,
    verification_key,
)
from toolchain.formats.zkey import open_zkey, zkey_protocol
from toolchain.fsutil import write_atomic
from toolchain.native.engines import get_engine
from toolchain.native.groth16 import Proof
from toolchain.runner import command
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.tools import Tools

FileVerifier = Callable[[Path, Path, Path], bool]  # (vkey, public, proof) -> valid


class SnarkjsBackend:
    """snarkjs 0.7.6 from the project's pinned tools."""

    name = "snarkjs"
    can_prove = True
    can_verify = True

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def available(self) -> bool:
        """node on PATH and the pinned snarkjs installed."""
        return not self.missing()

    def missing(self) -> str:
        """What stops snarkjs from running, or ''."""
        if command.which("node") is None:
            return "node is not on PATH"
        if self.tools.installed_version("snarkjs") is None:
            return "snarkjs is not installed (zkt tools install)"
        return ""

    def _argv(self, args: list[str]) -> list[str]:
        self.tools.require("snarkjs")
        return [str(command.which("node")), str(self.tools.snarkjs_cli), *args]

    def prove(self, zkey: Path, wtns: Path, proof_out: Path, public_out: Path) -> None:
        """snarkjs writes in place: let it write into a temp dir, check the proof (a damaged key
        gives a bad one), then move the files over."""
        protocol = zkey_protocol(zkey)
        with tempfile.TemporaryDirectory(dir=proof_out.parent, prefix=".zkt-prove-") as tmp:
            proof, public = Path(tmp) / "proof.json", Path(tmp) / "public.json"
            self.run(snarkjs_args.prove_argv(zkey, wtns, proof, public, protocol))
            if protocol == "groth16":
                check_proof_from(zkey, proof, public)
            else:
                check_universal_proof_from(self, zkey, proof, public)
            shutil.move(proof, proof_out)
            shutil.move(public, public_out)

    def run(self, args: list[str]) -> None:
        """Run snarkjs; a failure is one line naming its files and fault (SnarkjsError)."""
        done = command.run(self._argv(args), check=False)
        if done.returncode != 0 or snarkjs_args.logged_error(done.stdout + done.stderr):
            output = done.stdout + done.stderr
            raise snarkjs_args.SnarkjsError(done.argv, str(Path.cwd()), done.returncode, output)

    def verify(self, vkey: Path, public: Path, proof: Path) -> bool:
        """`<protocol> verify` of the protocol the key names: exit 0 and its success line."""
        protocol = read_key_protocol(vkey)
        argv = snarkjs_args.verify_argv(vkey, public, proof, protocol)
        done = command.run(self._argv(argv), check=False)
        return snarkjs_args.verify_succeeded(done.returncode, done.stdout + done.stderr, protocol)


def check_proof_from(
    zkey: Path, proof: Path, public: Path, maker: str = "snarkjs"
) -> tuple[Proof, list[int]]:
    """snarkjs (and rapidsnark, the `maker`) prove from a damaged key without a word: keep a
    proof only when it parses strictly and verifies natively against the key it was made from.
    Returns the checked proof and public signals."""
    try:
        parsed, inputs = read_proof(proof), read_public(public)
    except FormatError as exc:
        fault = str(exc).removeprefix(f"{proof}: ").removeprefix(f"{public}: ")
        raise InvalidValueError(
            f"{zkey}: {maker} made a proof whose {fault}: the key is damaged"
        ) from None
    vk = verification_key_from_zkey(open_zkey(zkey))
    check_made_proof(zkey, maker, vk, inputs, parsed, get_engine(engine_name(None)))
    return parsed, inputs


def check_universal_proof_from(
    snarkjs: SnarkjsBackend, zkey: Path, proof: Path, public: Path
) -> None:
    """A PLONK or fflonk proof snarkjs made is kept only when it parses strictly and verifies
    against the verification key of the key it was made from: derived natively from its header
    (byte-identical to `snarkjs zkey export verificationkey`) and written beside it."""
    vkey = proof.parent / "verification_key.json"
    derived = verification_key(open_universal_zkey(zkey).header)
    write_atomic(vkey, dump_universal_verification_key(derived).encode())
    check_universal_texts(zkey, vkey, public, proof, snarkjs.verify)


def check_universal_texts(
    zkey: Path, vkey: Path, public: Path, proof: Path, snarkjs_verify: FileVerifier
) -> None:
    """InvalidValueError when the files do not parse strictly, VerificationError when the proof
    does not verify (`verify_universal_made`): either way the key `zkey` is to blame."""
    try:
        read_universal_verification_inputs(vkey, public, proof)
    except FormatError as exc:
        raise InvalidValueError(_damaged(zkey, str(exc), vkey, public, proof)) from None
    if not verify_universal_made(vkey, public, proof, snarkjs_verify):
        raise VerificationError(
            f"{zkey}: the proof snarkjs made from it does not verify against it: the key is"
            " damaged or not this circuit's"
        )


def _damaged(zkey: Path, fault: str, vkey: Path, public: Path, proof: Path) -> str:
    """The one line blaming `zkey` for a strict-parse `fault` in what snarkjs made from it."""
    if fault.startswith(f"{vkey}: "):
        field = fault.removeprefix(f"{vkey}: ")
        return f"{zkey}: the verification key snarkjs exports from it is damaged: {field}"
    fault = fault.removeprefix(f"{proof}: ").removeprefix(f"{public}: ")
    return f"{zkey}: snarkjs made a proof whose {fault}: the key is damaged"


def verify_universal_made(
    vkey: Path, public: Path, proof: Path, snarkjs_verify: FileVerifier
) -> bool:
    """Whether a PLONK or fflonk proof snarkjs just made verifies: the check before it is kept
    (CLI prove and batch). PLONK natively, in process (no second snarkjs run); fflonk, which
    has no native verifier, by `snarkjs_verify` (the CLI or the persistent worker)."""
    if read_key_protocol(vkey) == "plonk":
        return NativeBackend().verify(vkey, public, proof)
    return snarkjs_verify(vkey, public, proof)
