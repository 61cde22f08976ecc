"""Groth16 prover producing snarkjs-identical proofs from a .zkey and a witness (no I/O).

With witness w, blinding r and s, and the zkey's queries (snarkjs names in brackets):

    A = α₁ + Σ wᵢ·a_queryᵢ [A] + r·δ₁
    B = β₂ + Σ wᵢ·b_g2_queryᵢ [B2] + s·δ₂          (B₁ likewise in G1 with b_g1_query [B1])
    C = Σ_{i>ℓ} wᵢ·l_queryᵢ [C] + Σ hⱼ·h_queryⱼ [H] + s·A + r·B₁ − r·s·δ₁

where h are snarkjs's witness-map values: A·B − C at the odd points of the doubled domain
(`polynomial.h_evaluations`), the zkey's H points being the matching Lagrange points.
A and B on the domain come from the zkey's coefficient section; C = A·B pointwise, because
the public-input rows snarkjs adds to A have zero B.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from functools import reduce
from queue import Empty, SimpleQueue
from threading import Thread
from typing import Any, Generic, TypeVar

from toolchain.errors import InvalidValueError
from toolchain.native.curve import G1Affine, G2Affine
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine
from toolchain.native.field import R
from toolchain.native.groth16 import CoefficientColumns, Proof, Zkey
from toolchain.native.stages import Stages, untimed

T = TypeVar("T")
# The stage of the MSMs this thread shares with the others, the wait for theirs included (their
# own stages are timed only when this thread runs them all).
SHARED_STAGE = "MSMs on every thread (H after the rest)"


def evaluate_ab(
    coefficients: CoefficientColumns, witness: Sequence[int], domain_size: int
) -> tuple[list[int], list[int]]:
    """A·w and B·w on every constraint row from the zkey's coefficient section: the signed
    values times the witness summed as they are (a ±1 times w costs little), each row reduced
    once."""
    rows: tuple[list[int], list[int]] = ([0] * domain_size, [0] * domain_size)
    c = coefficients
    for matrix, row, signal, value in zip(c.matrices, c.rows, c.signals, c.values, strict=True):
        rows[matrix][row] += value * witness[signal]
    for sums in rows:  # in place: each row's wide sum is freed as soon as it is reduced
        sums[:] = [x % R for x in sums]
    return rows


def check_witness(zkey: Zkey, witness: Sequence[int]) -> None:
    """InvalidValueError unless the witness fits the key: length, w₀ = 1, every value < r."""
    if len(witness) != zkey.header.n_vars:
        raise InvalidValueError(
            f"witness has {len(witness)} values, the zkey's circuit has {zkey.header.n_vars}"
        )
    if witness[0] != 1:
        raise InvalidValueError(f"witness[0] is {witness[0]}, expected 1")
    for index, value in enumerate(witness):
        if not 0 <= value < R:
            raise InvalidValueError(f"witness[{index}] is not in [0, r)")


def create_proof(
    zkey: Zkey, witness: Sequence[int], r: int, s: int, engine: Engine, stages: Stages = untimed
) -> Proof:
    """The Groth16 proof for `witness` with explicit blinding scalars r and s (deterministic).

    The four MSMs over the witness (A, B1, B2, C) need nothing else, so where the engine runs
    MSMs on threads (`Engine.concurrent_msms`: n of them) they are queued at once, in parts of
    at most 2^14 points (`Engine.msm_parts_g1`), and n − 1 threads take the parts one at a time
    while this thread does the polynomial work that the fifth (H) needs; then H's parts are
    queued and this thread takes parts too, until none is left (`_MsmQueue`): a thread a core,
    none idle while a part waits (so a large proof does not end on one long MSM beside H), and
    only n − 1 parts' working memory beside the polynomial work's. The G1 MSMs go first and B2
    last: a G2 part's working memory is three times a G1 part's (17 against 5.5 MiB at 2^14
    points), so it comes after the polynomial work's peak, not beside it. With one, this
    thread runs them all after the polynomial work.
    `stages` surrounds each stage (the witness check, the A and B rows, the polynomial steps,
    each MSM run alone, the MSMs shared by every thread, and the blinding); the default records
    nothing.
    """
    with stages("check witness"):
        check_witness(zkey, witness)
    h = zkey.header
    slots, single = engine.concurrent_msms()
    g1, g2 = single.add_g1, single.add_g2
    with _MsmQueue(slots, stages) as msms:
        sum_a = msms.add("MSM A", single.msm_parts_g1(zkey.a_query, witness), g1)
        sum_b1 = msms.add("MSM B1", single.msm_parts_g1(zkey.b_g1_query, witness), g1)
        private = witness[h.n_public + 1 :]
        sum_l = msms.add("MSM C (L)", single.msm_parts_g1(zkey.l_query, private), g1)
        sum_b2 = msms.add("MSM B2 (G2)", single.msm_parts_g2(zkey.b_g2_query, witness), g2)
        h_values = _h_values(zkey, witness, engine, stages)
        sum_h = msms.add("MSM H", single.msm_parts_g1(zkey.h_query, h_values), g1)
        del h_values, private  # the queue holds them until their MSMs are summed
        msms.take_the_rest()
        sums = (sum_a.result(), sum_b1.result(), sum_b2.result(), sum_l.result())
    with stages("blinding"):
        pi_a, pi_b1, pi_b2, pi_l = sums
        return _blind(zkey, engine, (pi_a, pi_b1, pi_b2, engine.add_g1(pi_l, sum_h.result())), r, s)


def _h_values(zkey: Zkey, witness: Sequence[int], engine: Engine, stages: Stages) -> list[int]:
    """The H MSM's scalars: A·B − C at the odd points. A, B and C are freed on return, before
    the H MSM."""
    with stages("A, B rows; C = A·B"):
        a, b = evaluate_ab(zkey.coefficients, witness, zkey.header.domain_size)
        c = [x * y % R for x, y in zip(a, b, strict=True)]
    return engine.h_evaluations(a, b, c, stages)


class _MsmQueue:
    """The proof's MSMs as parts, taken in the order added by `slots` − 1 threads from the start
    and by this thread once it calls `take_the_rest` (with one slot, this thread runs them all
    there, each part timed as its MSM's stage). On leaving, parts not started are dropped and the
    threads joined, so a failure anywhere leaves no thread behind; a failed part raises from its
    MSM's `_Sum`."""

    def __init__(self, slots: int, stages: Stages) -> None:
        """Start `slots` − 1 threads, waiting for parts."""
        self._jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self._stages = stages
        self._threads = [
            Thread(target=self._work, name=f"msm_{i}", daemon=True) for i in range(slots - 1)
        ]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> _MsmQueue:
        """The queue, its threads started."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Drop the parts not started, stop the threads and wait for them."""
        for job in self._queued():
            job.done.cancel()
        self._stop()

    def add(self, stage: str, parts: list[Callable[[], T]], add: Callable[[T, T], T]) -> _Sum[T]:
        """Queue one MSM's parts (`Engine.msm_parts_g1`), each named as the MSM's stage; the
        sum of their sums is the MSM's.

        Then this thread lets go of the GIL for a moment: a thread woken by the parts would
        otherwise wait for it until the switch interval (5 ms) ends, while this thread goes on
        with the polynomial work in Python; so it starts at once (a 2^14 proof's first MSM
        started 6 ms late)."""
        jobs = [_Job(stage, part, Future()) for part in parts]
        for job in jobs:
            self._jobs.put(job)
        if self._threads:
            time.sleep(0)
        return _Sum([job.done for job in jobs], add)

    def take_the_rest(self) -> None:
        """Run queued parts on this thread until none is left (timed together, or each as its
        MSM's stage when this thread is the only one), then wait for those on other threads."""
        alone = not self._threads
        with untimed(SHARED_STAGE) if alone else self._stages(SHARED_STAGE):
            for job in self._queued():
                with self._stages(job.stage) if alone else untimed(job.stage):
                    job.run()
            self._stop()

    def _queued(self) -> Iterator[_Job]:
        """The parts left in the queue, taken until it is empty (stop signals skipped)."""
        with suppress(Empty):
            while True:
                job = self._jobs.get_nowait()
                if job is not None:
                    yield job

    def _stop(self) -> None:
        """Tell every thread to stop once the queue is drained, and wait for them."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _work(self) -> None:
        """A thread's loop: run parts until told to stop."""
        while (job := self._jobs.get()) is not None:
            job.run()


@dataclass(frozen=True)
class _Job:
    """One queued part of an MSM and the future of its sum."""

    stage: str
    part: Callable[[], object]
    done: Future[Any]

    def run(self) -> None:
        """Sum it into its future (an error too), unless cancelled before it started."""
        if self.done.set_running_or_notify_cancel():
            try:
                self.done.set_result(self.part())
            except BaseException as exc:  # the caller's result() raises it
                self.done.set_exception(exc)


@dataclass(frozen=True)
class _Sum(Generic[T]):
    """An MSM queued as parts: its sum once every part is summed (a failed part raises)."""

    parts: list[Future[T]]
    add: Callable[[T, T], T]

    def result(self) -> T:
        """The parts' sums added (waiting for them)."""
        return reduce(self.add, (part.result() for part in self.parts))


def _blind(
    zkey: Zkey,
    engine: Engine,
    sums: tuple[G1Affine, G1Affine, G2Affine, G1Affine],
    r: int,
    s: int,
) -> Proof:
    """The proof from the MSM sums (A, B1, B2, C): α, β, δ and the blinding r, s added."""
    h = zkey.header
    pi_a, pi_b1, pi_b, pi_c = sums
    pi_a = _sum_g1(engine, pi_a, h.alpha_g1, engine.mul_g1(h.delta_g1, r))
    pi_b = engine.add_g2(engine.add_g2(pi_b, h.beta_g2), engine.mul_g2(h.delta_g2, s))
    pi_b1 = _sum_g1(engine, pi_b1, h.beta_g1, engine.mul_g1(h.delta_g1, s))
    blinding = _sum_g1(
        engine,
        engine.mul_g1(pi_a, s),
        engine.mul_g1(pi_b1, r),
        engine.neg_g1(engine.mul_g1(h.delta_g1, r * s % R)),
    )
    return Proof(a_g1=pi_a, b_g2=pi_b, c_g1=engine.add_g1(pi_c, blinding))


def _sum_g1(engine: Engine, first: G1Affine, *rest: G1Affine) -> G1Affine:
    total = first
    for point in rest:
        total = engine.add_g1(total, point)
    return total


def public_signals(zkey: Zkey, witness: Sequence[int]) -> list[int]:
    """The public signals snarkjs writes to public.json: witness[1 .. n_public]."""
    return list(witness[1 : zkey.header.n_public + 1])


def prove(
    zkey: Zkey, witness: Sequence[int], engine: Engine | None = None, stages: Stages = untimed
) -> tuple[Proof, list[int]]:
    """A proof with fresh random blinding, and its public signals (None: auto)."""
    r, s = secrets.randbelow(R), secrets.randbelow(R)
    proof = create_proof(zkey, witness, r, s, engine or get_engine("auto"), stages)
    return proof, public_signals(zkey, witness)
