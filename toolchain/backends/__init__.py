"""Prover backends (snarkjs, rapidsnark, native) behind one protocol, and `auto` selection.

Groth16 has every backend; PLONK and fflonk proofs are made and checked by snarkjs (`PROVES`,
`VERIFIES`): a backend named for a proof system it does not handle is refused in one line.
"""

from __future__ import annotations

from toolchain.backends.base import ProverBackend
from toolchain.backends.native import NativeBackend
from toolchain.backends.rapidsnark import RapidsnarkBackend
from toolchain.backends.snarkjs import SnarkjsBackend
from toolchain.config import PROTOCOLS, Protocol, engine_name
from toolchain.errors import ToolError, UsageError, ZktError
from toolchain.native.engines import get_engine
from toolchain.runner.tools import Tools

NAMES = ("auto", "snarkjs", "rapidsnark", "native")
GROTH16_ONLY: tuple[Protocol, ...] = ("groth16",)
# The proof systems each backend proves and verifies. `auto` and `all` choose from these, native
# first where it verifies (Groth16 and PLONK in process; fflonk only through snarkjs).
PROVES: dict[str, tuple[Protocol, ...]] = {
    "snarkjs": PROTOCOLS, "rapidsnark": GROTH16_ONLY, "native": GROTH16_ONLY,
}  # fmt: skip
VERIFIES: dict[str, tuple[Protocol, ...]] = {
    "native": ("groth16", "plonk"), "snarkjs": PROTOCOLS, "rapidsnark": (),
}  # fmt: skip


def all_backends(tools: Tools, engine: str | None = None) -> list[ProverBackend]:
    """Every backend, fastest prover first; `engine` is the native backend's arithmetic."""
    native, snarkjs = NativeBackend(engine), SnarkjsBackend(tools)
    middle: list[ProverBackend] = (
        [native, snarkjs] if _native_is_fast(engine) else [snarkjs, native]
    )
    return [RapidsnarkBackend(), *middle]


def _native_is_fast(engine: str | None) -> bool:
    """On mcl the native prover beats the snarkjs CLI (2^14: 1.6 s against 2.1 s, whole process)."""
    try:
        return get_engine(engine_name(engine)).name == "mcl"
    except ZktError:
        return False


def prover_backend(
    name: str, tools: Tools, engine: str | None = None, protocol: Protocol = "groth16"
) -> ProverBackend:
    """The named backend (ToolError if it is not installed, UsageError if it does not prove
    `protocol`); `auto`: the fastest available for `protocol`."""
    name = _native_if_engine(name, engine)
    if name in PROVES and protocol not in PROVES[name]:
        raise UsageError(
            f"the {name} backend proves Groth16 only, not {protocol}: use --backend snarkjs"
            " (or auto)"
        )
    every = _candidates(name, tools, engine, protocol)
    return _pick(name, tools, [b for b in every if b.can_prove and protocol in PROVES[b.name]])


def _candidates(
    name: str, tools: Tools, engine: str | None, protocol: Protocol
) -> list[ProverBackend]:
    """The provers `name` is looked up in: ordered (which loads mcl) only for `auto`."""
    if protocol != "groth16":  # snarkjs alone proves PLONK and fflonk
        return [SnarkjsBackend(tools)]
    if name == "auto":
        return all_backends(tools, engine)
    return [RapidsnarkBackend(), NativeBackend(engine), SnarkjsBackend(tools)]


def verifier_backend(
    name: str, tools: Tools, engine: str | None = None, protocol: Protocol = "groth16"
) -> ProverBackend:
    """The named verifier (asked whatever the protocol: it refuses what it cannot check);
    `auto`: the first of native (in process, it checks what snarkjs skips) and snarkjs that
    verifies `protocol`."""
    name = _native_if_engine(name, engine)
    order: list[ProverBackend] = [NativeBackend(engine), SnarkjsBackend(tools), RapidsnarkBackend()]
    if name == "auto":
        order = [b for b in order if protocol in VERIFIES[b.name]]
    return _pick(name, tools, [b for b in order if b.can_verify])


def verifier_names_for(protocol: Protocol) -> list[str]:
    """The verifiers `--backend all` runs for `protocol`, in order (native first)."""
    return [name for name in ("native", "snarkjs") if protocol in VERIFIES[name]]


def _native_if_engine(name: str, engine: str | None) -> str:
    """An engine is the native backend's: giving one means native (UsageError for another)."""
    if engine is None:
        return name
    if name not in ("auto", "native"):
        raise UsageError(f"--engine {engine} is for the native backend, not --backend {name}")
    return "native"


def _pick(name: str, tools: Tools, candidates: list[ProverBackend]) -> ProverBackend:
    if name not in NAMES:
        raise UsageError(f"unknown backend {name!r}: choose from {', '.join(NAMES)}")
    if name == "auto":
        found = next((b for b in candidates if b.available()), None)
        if found is None:  # only snarkjs proves PLONK and fflonk
            raise ToolError(f"no backend is available: {candidates[0].missing()}")
        return found
    for backend in candidates:
        if backend.name == name:
            if not backend.available():
                raise ToolError(f"backend {name} is not available: {backend.missing()}")
            return backend
    raise UsageError(f"{name} only proves: verify with --backend native or snarkjs")
