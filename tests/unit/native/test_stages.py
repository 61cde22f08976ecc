"""The prover's stage timer: every stage recorded, and proofs with and without it identical."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from tests.unit.native.helpers import POLY_PROOF_SHA256
from toolchain.errors import InvalidValueError, TruncatedFileError
from toolchain.formats.snarkjs_json import read_verification_key
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.native import polynomial, prover
from toolchain.native.engine import Engine
from toolchain.native.engine_mcl import MclEngine
from toolchain.native.prover import SHARED_STAGE, create_proof, prove
from toolchain.native.stages import StageTimer, untimed
from toolchain.native.verifier import verify_proof

VECTORS = Path(__file__).resolve().parents[2] / "vectors"

POLY_STAGE = (
    "poly: to the odd coset ×3 (convolution)"
    if polynomial.HAVE_GMPY2
    else "poly: to the odd coset ×3 (iNTT, shift, NTT)"
)
POLY_STAGES = ["A, B rows; C = A·B", POLY_STAGE, "poly: A·B−C"]
# One thread: after the polynomial work, each MSM timed as its own stage, in the queue's order.
INLINE = [*POLY_STAGES, "MSM A", "MSM B1", "MSM C (L)", "MSM B2 (G2)", "MSM H"]
# MSMs on threads overlap the polynomial work: this thread times its share of them as one stage.
THREADED = [*POLY_STAGES, SHARED_STAGE]


def stages_of(engine: Engine) -> list[str]:
    """The stages a proof on `engine` records, in order."""
    slots, _ = engine.concurrent_msms()
    return ["check witness", *(THREADED if slots > 1 else INLINE), "blinding"]


def _poly() -> tuple:  # type: ignore[type-arg]
    d = VECTORS / "poly"
    return read_zkey(d / "poly_final.zkey"), read_wtns(d / "witness.wtns")


def test_timer_records_every_stage_in_order(engine: Engine) -> None:
    zkey, witness = _poly()
    timer = StageTimer()
    create_proof(zkey, witness, 5, 7, engine, timer)
    assert list(timer.seconds) == stages_of(engine)
    assert all(seconds >= 0 for seconds in timer.seconds.values())


def test_proof_is_identical_with_and_without_the_timer(engine: Engine) -> None:
    zkey, witness = _poly()
    timed = create_proof(zkey, witness, 5, 7, engine, StageTimer())
    assert timed == create_proof(zkey, witness, 5, 7, engine)
    assert hashlib.sha256(repr(timed).encode()).hexdigest() == POLY_PROOF_SHA256


def test_prove_passes_the_timer_and_the_proof_verifies(engine: Engine) -> None:
    zkey, witness = _poly()
    timer = StageTimer()
    proof, public = prove(zkey, witness, engine, timer)
    assert list(timer.seconds) == stages_of(engine)
    assert verify_proof(
        read_verification_key(VECTORS / "poly" / "verification_key.json"), public, proof
    )


def test_repeated_stage_adds_up_and_untimed_records_nothing() -> None:
    timer = StageTimer()
    for _ in range(2):
        with timer("x"):
            pass
    assert list(timer.seconds) == ["x"]
    with untimed("anything"):
        pass
    with pytest.raises(ZeroDivisionError), timer("failing"):
        1 / 0  # noqa: B018
    assert "failing" in timer.seconds


def test_the_ntt_path_records_its_stage_and_proves_the_same(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    zkey, witness = _poly()
    monkeypatch.setattr(polynomial, "HAVE_GMPY2", False)
    timer = StageTimer()
    proof = create_proof(zkey, witness, 5, 7, engine, timer)
    assert "poly: to the odd coset ×3 (iNTT, shift, NTT)" in timer.seconds
    assert hashlib.sha256(repr(proof).encode()).hexdigest() == POLY_PROOF_SHA256


def _msm_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("msm_")]


def test_a_failing_msm_raises_and_leaves_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    zkey, witness = _poly()
    engine = MclEngine(workers=2)
    single = MclEngine(workers=1)

    def broken() -> object:
        raise TruncatedFileError("k.zkey: section 5 is cut short since it was read")

    monkeypatch.setattr(single, "msm_parts_g1", lambda points, scalars: [broken])
    monkeypatch.setattr(engine, "concurrent_msms", lambda: (2, single))
    with pytest.raises(TruncatedFileError, match=r"^k\.zkey: section 5 is cut short"):
        create_proof(zkey, witness, 5, 7, engine)
    assert _msm_threads() == []


def test_failing_polynomial_work_drops_the_msms_not_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    zkey, witness = _poly()
    engine = MclEngine(workers=2)
    single = MclEngine(workers=1)
    real, began, failed, started = single.msm_parts_g1, threading.Event(), threading.Event(), []

    def held_back(points: object, scalars: object) -> list[Callable[[], object]]:
        def part(whole: Callable[[], object]) -> object:
            started.append(points)  # the first part waits until the witness map has failed
            began.set()
            failed.wait(10)
            return whole()

        return [partial(part, whole) for whole in real(points, scalars)]  # type: ignore[arg-type]

    def no_map(*args: object) -> list[int]:
        began.wait(10)
        failed.set()
        raise InvalidValueError("the witness map failed")

    monkeypatch.setattr(single, "msm_parts_g1", held_back)
    monkeypatch.setattr(engine, "concurrent_msms", lambda: (2, single))
    monkeypatch.setattr(engine, "h_evaluations", no_map)
    with pytest.raises(InvalidValueError, match=r"^the witness map failed$"):
        create_proof(zkey, witness, 5, 7, engine)
    assert _msm_threads() == []
    assert started == [zkey.a_query]  # B1, C and B2 were queued, never started


@pytest.mark.parametrize(("workers", "yields"), [(2, [0] * 5), (1, [])])
def test_queueing_an_msm_lets_a_waiting_thread_take_the_gil(
    monkeypatch: pytest.MonkeyPatch, workers: int, yields: list[int]
) -> None:
    zkey, witness = _poly()
    slept: list[float] = []
    monkeypatch.setattr(prover.time, "sleep", slept.append)
    proof = create_proof(zkey, witness, 5, 7, MclEngine(workers=workers))
    assert slept == yields  # sleep(0) after each of the five MSMs is queued, with threads only
    assert proof == create_proof(zkey, witness, 5, 7, MclEngine(workers=1))
