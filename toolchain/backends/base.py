"""The ProverBackend protocol: prove from a .zkey and .wtns, verify snarkjs JSON.

A backend proves with the proof system the key names (Groth16, PLONK, fflonk) and verifies
with the one the verification key names; `backends.PROVES` and `VERIFIES` say which it can.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class ProverBackend(Protocol):
    """A prover and/or verifier that writes and reads snarkjs-compatible proof JSON."""

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
