"""The rapidsnark backend: a `rapidsnark` or `prover` binary on PATH (proving only)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from toolchain.errors import UsageError
from toolchain.runner import command

PROGRAMS = ("rapidsnark", "prover")


class RapidsnarkBackend:
    """iden3's C++ prover: `prover <zkey> <wtns> <proof.json> <public.json>`."""

    name = "rapidsnark"
    can_prove = True
    can_verify = False

    def _program(self) -> Path | None:
        return next((p for p in map(command.which, PROGRAMS) if p is not None), None)

    def available(self) -> bool:
        """A rapidsnark binary is on PATH."""
        return self._program() is not None

    def missing(self) -> str:
        """What stops rapidsnark from running, or ''."""
        return "" if self.available() else f"none of {', '.join(PROGRAMS)} is on PATH"

    def prove(self, zkey: Path, wtns: Path, proof_out: Path, public_out: Path) -> None:
        """Run the binary into a temp dir, then move its outputs over."""
        program = self._program()
        if program is None:
            raise UsageError(self.missing())
        with tempfile.TemporaryDirectory(dir=proof_out.parent, prefix=".zkt-prove-") as tmp:
            proof, public = Path(tmp) / "proof.json", Path(tmp) / "public.json"
            command.run([str(program), str(zkey), str(wtns), str(proof), str(public)])
            shutil.move(proof, proof_out)
            shutil.move(public, public_out)

    def verify(self, vkey: Path, public: Path, proof: Path) -> bool:
        """rapidsnark only proves."""
        raise UsageError("rapidsnark only proves: verify with --backend native or snarkjs")
