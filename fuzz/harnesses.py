"""The fuzz targets: every reader of untrusted input, each a function of one byte string.

A target may raise any `ZktError` (the project refusing the input is the point); anything else
is a finding. `check` wraps a target with the two other bounds a finding breaks: one input
taking longer than `MAX_SECONDS`, or allocating more than `MEMORY_FACTOR` times its size plus
`MEMORY_SLACK` (tracemalloc's peak, so Python-level allocations; libFuzzer's -rss_limit_mb is
the backstop for the rest).

Seeds are the committed vectors (tests/vectors, circuits/inputs, the TOML configs).
"""

from __future__ import annotations

import contextlib
import functools
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from toolchain.api.prove import load_inputs
from toolchain.config import read_ceremony_config, read_registry
from toolchain.errors import ZktError
from toolchain.formats.ptau import open_ptau
from toolchain.formats.r1cs import read_r1cs
from toolchain.formats.snarkjs_json import (
    read_proof,
    read_public,
    read_verification_key,
)
from toolchain.formats.sym import read_sym
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import check_zkey
from toolchain.native.groth16 import VerificationKey
from toolchain.native.verifier import verify_proof
from toolchain.witness.calculator import WitnessCalculator, flatten_inputs

REPO = Path(__file__).resolve().parent.parent
VECTORS = REPO / "tests" / "vectors"
MAX_SECONDS = 1.0
MEMORY_FACTOR = 64
MEMORY_SLACK = 32 * 1024 * 1024

Target = Callable[[Path], object]


class FuzzFinding(Exception):
    """An input broke a bound: too slow or too much memory."""


def _snarkjs_json(path: Path) -> None:
    for reader in (read_proof, read_public, read_verification_key):
        with contextlib.suppress(ZktError):
            reader(path)


@functools.cache
def _calculator() -> WitnessCalculator:
    folder = VECTORS / "multiplier"
    return WitnessCalculator(folder / "multiplier.wasm", sym_path=folder / "multiplier.sym")


def _inputs(path: Path) -> None:
    """Input JSON through the flattener and the checks of a real circuit's witness."""
    inputs = load_inputs(path)
    flatten_inputs(inputs)
    _calculator().calculate(inputs)


def _toml(path: Path) -> None:
    for reader in (read_registry, read_ceremony_config):
        with contextlib.suppress(ZktError):
            reader(path)


@functools.cache
def _verification_vectors() -> tuple[VerificationKey, list[int]]:
    folder = VECTORS / "multiplier"
    return read_verification_key(folder / "verification_key.json"), read_public(
        folder / "public.json"
    )


def _verifier(path: Path) -> None:
    """A hostile proof.json (parsed strictly) checked against the committed key."""
    vk, public = _verification_vectors()
    verify_proof(vk, public, read_proof(path))


HARNESSES: dict[str, tuple[Target, tuple[str, ...]]] = {
    "r1cs": (read_r1cs, ("tests/vectors/*/*.r1cs",)),
    "wtns": (read_wtns, ("tests/vectors/*/*.wtns",)),
    "zkey": (check_zkey, ("tests/vectors/*/*.zkey",)),
    "ptau": (open_ptau, ("tests/vectors/ptau/*.ptau",)),
    "sym": (read_sym, ("tests/vectors/*/*.sym",)),
    "snarkjs_json": (_snarkjs_json, ("tests/vectors/*/proof.json", "tests/vectors/*/public.json",
                                     "tests/vectors/*/verification_key.json")),
    "inputs": (_inputs, ("circuits/inputs/*/*.json", "tests/vectors/circuits/*.input.json")),
    "toml": (_toml, ("circuits/circuits.toml", "ceremony/ceremony.toml")),
    "verifier": (_verifier, ("tests/vectors/multiplier/proof.json",)),
}  # fmt: skip


def seeds(name: str) -> list[Path]:
    """The committed files a harness starts from."""
    return sorted(p for pattern in HARNESSES[name][1] for p in REPO.glob(pattern))


def check(name: str, data: bytes, workdir: Path) -> None:
    """Run harness `name` on `data`: a ZktError is fine; a foreign exception propagates; a
    FuzzFinding when the input takes longer than MAX_SECONDS or too much memory."""
    target = HARNESSES[name][0]
    path = workdir / "input"
    path.write_bytes(data)
    tracing = tracemalloc.is_tracing()
    if tracing:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    with contextlib.suppress(ZktError):
        target(path)
    elapsed = time.perf_counter() - start
    if elapsed > MAX_SECONDS:
        raise FuzzFinding(f"{name}: {len(data)} bytes took {elapsed:.2f} s")
    if tracing:
        used = tracemalloc.get_traced_memory()[1] - base
        if used > MEMORY_FACTOR * len(data) + MEMORY_SLACK:
            raise FuzzFinding(f"{name}: {len(data)} bytes allocated {used} bytes")


def warm_up(name: str, workdir: Path) -> None:
    """Run a harness once on each of its seeds, so that lazy caches are filled before it is
    measured."""
    for seed in seeds(name):
        check(name, seed.read_bytes(), workdir)


def scratch() -> Path:
    """A private folder for the input file (removed by the OS's temp cleanup or the caller)."""
    return Path(tempfile.mkdtemp(prefix="zkt-fuzz-"))
