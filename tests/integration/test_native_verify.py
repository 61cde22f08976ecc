"""Native phase-2 verification of real snarkjs contributions on a 2^12-domain key (merkle_4).

Prints both timings (run with -s): the native check against the previous key, and snarkjs's
`zkey verify`, which rebuilds the initial key from r1cs + ptau.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.unit.formats.helpers import rebuild, replace_section, split_sections
from toolchain.api.workspace import Workspace
from toolchain.ceremony import phase2, verify_phase2
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.config import engine_name
from toolchain.errors import VerificationError
from toolchain.formats.curve_codec import encode_g1
from toolchain.formats.zkey import SECTION_H
from toolchain.native.curve import G1_GENERATOR
from toolchain.native.engines import get_engine

NAME = "merkle_4"


@pytest.fixture(scope="module")
def keys(
    compiled: Workspace, dev_ptau: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    """The initial key and two snarkjs contributions on top of it."""
    out = tmp_path_factory.mktemp("native_verify")
    initial = phase2.new_zkey(compiled.tools, compiled.project.r1cs(NAME), dev_ptau, out / "0.zkey")
    chain = [initial]
    for number, name in enumerate(("alice", "bob"), 1):
        chain.append(
            phase2.contribute(
                compiled.tools, chain[-1], out / f"{number}.zkey", name, fresh_entropy()
            )
        )
    return chain


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def test_native_verify_accepts_snarkjs_contributions(
    compiled: Workspace, dev_ptau: Path, keys: list[Path]
) -> None:
    initial, first, second = keys
    engine = get_engine(engine_name(None))
    step = timed(lambda: verify_phase2.verify_zkey_step(first, second, engine))
    whole = timed(lambda: verify_phase2.verify_zkey_chain(initial, second, engine))
    r1cs = compiled.project.r1cs(NAME)
    accepted: list[bool] = []
    snarkjs = timed(
        lambda: accepted.append(phase2.snarkjs_verify(compiled.tools, r1cs, dev_ptau, second))
    )
    assert accepted == [True]
    print(
        f"\n{NAME} ({engine.name}): native step {step:.2f} s, native chain {whole:.2f} s,"
        f" snarkjs zkey verify {snarkjs:.2f} s"
    )


def test_native_verify_refuses_one_changed_h_point(keys: list[Path], tmp_path: Path) -> None:
    _, first, second = keys
    magic, version, sections = split_sections(second)
    h = bytearray(dict(sections)[SECTION_H])
    h[-64:] = encode_g1(G1_GENERATOR)
    bad = rebuild(
        tmp_path / "bad.zkey", magic, version, replace_section(sections, SECTION_H, bytes(h))
    )
    with pytest.raises(VerificationError, match=r"H section \(9\) is not the base key's scaled"):
        verify_phase2.verify_zkey_step(first, bad, get_engine(engine_name(None)))
