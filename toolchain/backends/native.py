"""The native backend: our Groth16 prover, Groth16 and PLONK verifiers, in process, on mcl or pure.

`verify` picks the verifier by the key's "protocol"; fflonk keys are refused (snarkjs checks them).
"""

from __future__ import annotations

from pathlib import Path

from toolchain.config import engine_name
from toolchain.errors import InvalidValueError, UsageError
from toolchain.formats.snarkjs_json import (
    dump_proof,
    dump_public,
    read_proof,
    read_public,
    read_verification_key,
)
from toolchain.formats.universal_json import (
    read_key_protocol,
    read_universal_verification_inputs,
)
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.fsutil import write_atomic
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.plonk import verify_plonk
from toolchain.native.prover import prove
from toolchain.native.universal import PlonkProof, PlonkVerificationKey
from toolchain.native.verifier import verify_proof

FFLONK_REFUSAL = (
    "the native verifier checks Groth16 and PLONK proofs; verify fflonk with --backend snarkjs"
)


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
        proof, public = prove(read_zkey(zkey), read_wtns(wtns), self._engine())
        write_atomic(proof_out, dump_proof(proof).encode())
        write_atomic(public_out, dump_public(public).encode())

    def verify(self, vkey: Path, public: Path, proof: Path) -> bool:
        """Verify a Groth16 or PLONK proof, with every input and point checked first."""
        protocol = read_key_protocol(vkey)
        if protocol == "groth16":
            key, values = read_verification_key(vkey), read_public(public)
            return verify_proof(key, values, read_proof(proof), self._engine())
        if protocol == "plonk":
            vk, inputs, parsed = read_universal_verification_inputs(vkey, public, proof)
            if isinstance(vk, PlonkVerificationKey) and isinstance(parsed, PlonkProof):
                try:
                    return verify_plonk(vk, inputs, parsed, self._engine())
                except InvalidValueError as exc:  # name the file, as the JSON parsers do
                    raise InvalidValueError(f"{_source(exc, vkey, public, proof)}: {exc}") from None
        raise UsageError(FFLONK_REFUSAL)

    def _engine(self) -> Engine:
        return get_engine(engine_name(self.engine))


def _source(exc: InvalidValueError, vkey: Path, public: Path, proof: Path) -> Path:
    """The file a verifier refusal is about, by the message's first words."""
    text = str(exc)
    return proof if text.startswith("proof") else public if text.startswith("public") else vkey
