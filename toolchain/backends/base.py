"""The ProverBackend protocol: prove from a .zkey and .wtns, verify snarkjs JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class ProverBackend(Protocol):
    """A Groth16 implementation that writes and reads snarkjs-compatible proof JSON."""

    name: str
    can_prove: bool
    can_verify: bool

    def available(self) -> bool:
        """Whether the backend can run on this machine now."""

    def missing(self) -> str:
        """What is missing when `available()` is False (for error messages)."""

    def prove(self, zkey: Path, wtns: Path, proof_out: Path, public_out: Path) -> None:
        """Write proof.json and public.json for the witness (atomically)."""

    def verify(self, vkey: Path, public: Path, proof: Path) -> bool:
        """True iff the proof is valid for the public signals under the verification key."""
