"""The snarkjs backend: `node <pinned>/snarkjs/build/cli.cjs groth16 prove|verify`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from toolchain.config import engine_name
from toolchain.errors import FormatError, InvalidValueError, VerificationError
from toolchain.formats.snarkjs_json import read_proof, read_public, verification_key_from_zkey
from toolchain.formats.zkey import open_zkey
from toolchain.native.engines import get_engine
from toolchain.native.verifier import verify_proof
from toolchain.runner import command
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.tools import Tools


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
        """snarkjs writes in place: let it write into a temp dir, check the proof natively (a
        damaged key gives a bad one), then move the files over."""
        with tempfile.TemporaryDirectory(dir=proof_out.parent, prefix=".zkt-prove-") as tmp:
            proof, public = Path(tmp) / "proof.json", Path(tmp) / "public.json"
            self._run(snarkjs_args.prove_argv(zkey, wtns, proof, public))
            check_proof_from(zkey, proof, public)
            shutil.move(proof, proof_out)
            shutil.move(public, public_out)

    def _run(self, args: list[str]) -> None:
        """Run snarkjs; a failure is one line naming its files and fault (SnarkjsError)."""
        done = command.run(self._argv(args), check=False)
        if done.returncode != 0 or snarkjs_args.logged_error(done.stdout + done.stderr):
            output = done.stdout + done.stderr
            raise snarkjs_args.SnarkjsError(done.argv, str(Path.cwd()), done.returncode, output)

    def verify(self, vkey: Path, public: Path, proof: Path) -> bool:
        """Exit 0 and "OK!" mean valid."""
        done = command.run(self._argv(snarkjs_args.verify_argv(vkey, public, proof)), check=False)
        return snarkjs_args.verify_succeeded(done.returncode, done.stdout + done.stderr)


def check_proof_from(zkey: Path, proof: Path, public: Path) -> None:
    """snarkjs proves from a damaged key without a word: keep its proof only when it parses
    strictly and verifies natively against the key it was made from."""
    try:
        parsed, inputs = read_proof(proof), read_public(public)
    except FormatError as exc:
        fault = str(exc).removeprefix(f"{proof}: ").removeprefix(f"{public}: ")
        raise InvalidValueError(
            f"{zkey}: snarkjs made a proof whose {fault}: the key is damaged"
        ) from None
    vk = verification_key_from_zkey(open_zkey(zkey))
    if not verify_proof(vk, inputs, parsed, get_engine(engine_name(None))):
        raise VerificationError(
            f"{zkey}: the proof snarkjs made from it does not verify against it: the key is"
            " damaged or not this circuit's"
        )
