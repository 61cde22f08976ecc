"""Prover backends (snarkjs, rapidsnark, native) behind one protocol, and `auto` selection."""

from __future__ import annotations

from toolchain.backends.base import ProverBackend
from toolchain.backends.native import NativeBackend
from toolchain.backends.rapidsnark import RapidsnarkBackend
from toolchain.backends.snarkjs import SnarkjsBackend
from toolchain.errors import ToolError, UsageError
from toolchain.runner.tools import Tools

NAMES = ("auto", "snarkjs", "rapidsnark", "native")


def all_backends(tools: Tools) -> list[ProverBackend]:
    """Every backend, fastest prover first."""
    return [RapidsnarkBackend(), SnarkjsBackend(tools), NativeBackend()]


def prover_backend(name: str, tools: Tools) -> ProverBackend:
    """The named backend (ToolError if it is not installed); `auto`: the fastest available."""
    return _pick(name, tools, [b for b in all_backends(tools) if b.can_prove])


def verifier_backend(name: str, tools: Tools) -> ProverBackend:
    """The named verifier; `auto` is native: in process, and it checks what snarkjs skips."""
    order: list[ProverBackend] = [NativeBackend(), SnarkjsBackend(tools), RapidsnarkBackend()]
    return _pick(name, tools, [b for b in order if b.can_verify])


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
