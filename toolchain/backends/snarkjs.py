"""The snarkjs backend: `node <pinned>/snarkjs/build/cli.cjs groth16 prove|verify`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

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
        """snarkjs writes in place: let it write into a temp dir, then move the files over."""
        with tempfile.TemporaryDirectory(dir=proof_out.parent, prefix=".zkt-prove-") as tmp:
            proof, public = Path(tmp) / "proof.json", Path(tmp) / "public.json"
            self._run(snarkjs_args.prove_argv(zkey, wtns, proof, public))
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
