"""The native backend: our Groth16 prover, Groth16 and PLONK verifiers, in process, on mcl or pure.

`verify` picks the verifier by the key's "protocol"; fflonk keys are refused (snarkjs checks them).

A proving key is read once per process for each engine and content (`load_key`, keyed by its
sha256: a batch, the service and repeated `prove` calls read it once), in the engine's own
layout (the mcl engine's point arrays skip the per-point curve checks), so every proof made
from it is checked against the key before it is kept (`check_made_proof`, which snarkjs's and
rapidsnark's proofs go through too). `zkt prove` starts reading the key on a thread
(`preload`) while the witness is computed, and hands the witness over in memory
(`prove_witness`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from toolchain.config import NATIVE_BACKEND, engine_name
from toolchain.errors import InvalidValueError, UsageError, VerificationError
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
from toolchain.hashing import hash_file
from toolchain.native.curve import is_on_curve_g1, is_on_curve_g2
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.groth16 import Proof, VerificationKey, Zkey, verification_key
from toolchain.native.plonk import verify_plonk
from toolchain.native.polynomial import prepare_odd_coset
from toolchain.native.prover import prove
from toolchain.native.universal import PlonkProof, PlonkVerificationKey
from toolchain.native.verifier import verify_proof

FFLONK_REFUSAL = (
    "the native verifier checks Groth16 and PLONK proofs; verify fflonk with --backend snarkjs"
)


class NativeBackend:
    """Groth16 on toolchain.native, its curve arithmetic in mcl (when installed) or pure Python."""

    name = NATIVE_BACKEND
    can_prove = True
    can_verify = True

    def __init__(self, engine: str | None = None) -> None:
        """Keep the engine name for get_engine: auto, pure, mcl (None: $ZKT_ENGINE, else auto)."""
        self.engine = engine
        self._preloading: tuple[Path, Future[tuple[Engine, LoadedKey]]] | None = None

    def available(self) -> bool:
        """Always: it needs nothing outside this package."""
        return True

    def missing(self) -> str:
        """Nothing is ever missing."""
        return ""

    def prove(self, zkey: Path, wtns: Path, proof_out: Path, public_out: Path) -> None:
        """Prove with random blinding, check the proof against the key, write snarkjs JSON."""
        self.prove_witness(zkey, read_wtns(wtns), proof_out, public_out)

    def preload(self, zkey: Path) -> None:
        """Start loading the engine and reading `zkey` on a thread, for `prove_witness` to take:
        mcl's set-up and the file reads release the GIL, so the witness is computed meanwhile.
        A failure is raised where `prove_witness` takes the key, as it would be without this."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zkt-preload")
        self._preloading = (zkey, pool.submit(self._load, zkey))
        pool.shutdown(wait=False)  # the thread ends with its one task

    def prove_witness(
        self, zkey: Path, witness: Sequence[int], proof_out: Path, public_out: Path
    ) -> None:
        """`prove` from the witness values in memory (no .wtns written and read back)."""
        engine, key = self._loaded(zkey)
        proof, public = prove(key.zkey, witness, engine)
        check_made_proof(zkey, "the native prover", key.vkey, public, proof, engine)
        write_atomic(proof_out, dump_proof(proof).encode())
        write_atomic(public_out, dump_public(public).encode())

    def _loaded(self, zkey: Path) -> tuple[Engine, LoadedKey]:
        """The engine and the key: the ones `preload` started for `zkey`, else loaded now."""
        preloading, self._preloading = self._preloading, None
        if preloading is not None and preloading[0] == zkey:
            return preloading[1].result()
        return self._load(zkey)

    def _load(self, zkey: Path) -> tuple[Engine, LoadedKey]:
        """The engine, the key in its layout, and the key's domain made ready for the prover."""
        engine = self._engine()
        key = load_key(zkey, engine)
        prepare_odd_coset(key.zkey.header.domain_size)
        return engine, key

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


@dataclass(frozen=True)
class LoadedKey:
    """A proving key read for one engine, and the verification key its proofs are checked by."""

    zkey: Zkey
    vkey: VerificationKey


# The keys last loaded, by (sha256, engine): two, so a service alternating circuits keeps both.
_LOADED: OrderedDict[tuple[str, str], LoadedKey] = OrderedDict()
_LOADED_MAX = 2
_LOADING = Lock()


def load_key(path: Path, engine: Engine, sha256: str | None = None) -> LoadedKey:
    """The key at `path` in `engine`'s layout, read once per process for its content: its
    `sha256`, when the caller has just checked it, else hashed here (the mcl layout keeps the
    file open and reads its points at each proof)."""
    cache_key = (sha256 or hash_file(path), engine.name)
    with _LOADING:
        loaded = _LOADED.pop(cache_key, None)
        if loaded is None:
            zkey = read_zkey(path, engine.key_layout)
            loaded = LoadedKey(zkey, verification_key(zkey.header, zkey.gamma_abc_g1))
        _LOADED[cache_key] = loaded
        while len(_LOADED) > _LOADED_MAX:
            _LOADED.popitem(last=False)
    return loaded


def check_made_proof(
    zkey: Path,
    maker: str,
    vkey: VerificationKey,
    public: list[int],
    proof: Proof,
    engine: Engine,
) -> None:
    """A prover makes a wrong proof from a damaged key without a word: keep a proof only when
    its points are on their curves and it verifies against the key it was made from."""
    on_curve = (
        ("pi_a", is_on_curve_g1(proof.a_g1)),
        ("pi_b", is_on_curve_g2(proof.b_g2)),
        ("pi_c", is_on_curve_g1(proof.c_g1)),
    )
    for name, ok in on_curve:
        if not ok:
            raise InvalidValueError(
                f"{zkey}: {maker} made a proof whose {name} is not on the curve: the key is damaged"
            )
    try:
        valid = verify_proof(vkey, public, proof, engine)
    except InvalidValueError as exc:
        raise InvalidValueError(
            f"{zkey}: {maker} made a proof that is malformed ({exc}): the key is damaged"
        ) from None
    if not valid:
        raise VerificationError(
            f"{zkey}: the proof {maker} made from it does not verify against it: the key is"
            " damaged or not this circuit's"
        )
