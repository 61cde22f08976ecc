"""Prover backends (snarkjs, rapidsnark, native) behind one protocol, and `auto` selection."""

from __future__ import annotations

from toolchain.backends.base import ProverBackend
from toolchain.backends.native import NativeBackend
from toolchain.backends.rapidsnark import RapidsnarkBackend
from toolchain.backends.snarkjs import SnarkjsBackend
from toolchain.config import engine_name
from toolchain.errors import ToolError, UsageError, ZktError
from toolchain.native.engines import get_engine
from toolchain.runner.tools import Tools

NAMES = ("auto", "snarkjs", "rapidsnark", "native")


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


def prover_backend(name: str, tools: Tools, engine: str | None = None) -> ProverBackend:
    """The named backend (ToolError if it is not installed); `auto`: the fastest available."""
    name = _native_if_engine(name, engine)
    return _pick(name, tools, [b for b in all_backends(tools, engine) if b.can_prove])


def verifier_backend(name: str, tools: Tools, engine: str | None = None) -> ProverBackend:
    """The named verifier; `auto` is native: in process, and it checks what snarkjs skips."""
    name = _native_if_engine(name, engine)
    order: list[ProverBackend] = [NativeBackend(engine), SnarkjsBackend(tools), RapidsnarkBackend()]
    return _pick(name, tools, [b for b in order if b.can_verify])


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
        return next(b for b in candidates if b.available())
    for backend in candidates:
        if backend.name == name:
            if not backend.available():
                raise ToolError(f"backend {name} is not available: {backend.missing()}")
            return backend
    raise UsageError(f"{name} only proves: verify with --backend native or snarkjs")
