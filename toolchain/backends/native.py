"""The native backend: our Groth16 prover and verifier, in process, on the mcl or pure engine."""

from __future__ import annotations

from pathlib import Path

from toolchain.config import engine_name
from toolchain.formats.snarkjs_json import (
    dump_proof,
    dump_public,
    read_proof,
    read_public,
    read_verification_key,
)
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.fsutil import write_atomic
from toolchain.native.engines import get_engine
from toolchain.native.prover import prove
from toolchain.native.verifier import verify_proof


class NativeBackend:
    """Groth16 on toolchain.native, its curve arithmetic in mcl (when installed) or pure Python."""

    name = "native"
    can_prove = True
    can_verify = True

    def __init__(self, engine: str | None = None) -> None:
        """Keep the engine name for get_engine: auto, pure, mcl (None: $ZKT_ENGINE, else auto)."""
        self.engine = engine

    def available(self) -> bool:
        """Always: it needs nothing outside this package."""
        return True

    def missing(self) -> str:
        """Nothing is ever missing."""
        return ""

    def prove(self, zkey: Path, wtns: Path, proof_out: Path, public_out: Path) -> None:
        """Prove with random blinding; write snarkjs-identical JSON."""
        proof, public = prove(
            read_zkey(zkey), read_wtns(wtns), get_engine(engine_name(self.engine))
        )
        write_atomic(proof_out, dump_proof(proof).encode())
        write_atomic(public_out, dump_public(public).encode())

    def verify(self, vkey: Path, public: Path, proof: Path) -> bool:
        """Verify with every input and point checked first."""
        vk, inputs = read_verification_key(vkey), read_public(public)
        return verify_proof(vk, inputs, read_proof(proof), get_engine(engine_name(self.engine)))
