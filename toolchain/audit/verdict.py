"""The verdict on one circuit: unique, under-constrained (with a second witness), or unknown.

    unique              propagation proved every output determined by the inputs, for every
                        input (not only the example one)
    under-constrained   a second witness with the example's inputs satisfies every constraint
                        and gives another output: a prover can forge proofs of that output
    unknown             neither within the budget; the outputs left undecided are listed.
                        Unknown is not safe.

Intermediate signals propagation left undetermined are searched too once the outputs are
settled: one found free (a second witness with the same outputs) is reported, not failed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from toolchain.audit.propagate import determined
from toolchain.audit.search import Forgery, search
from toolchain.audit.system import System
from toolchain.errors import WitnessError

UNIQUE, UNDER_CONSTRAINED, UNKNOWN = "unique", "under-constrained", "unknown"


@dataclass(frozen=True)
class Verdict:
    """The audit of one circuit: its status, what was left, and the evidence."""

    status: str
    outputs: tuple[int, ...]
    undetermined_outputs: tuple[int, ...]
    undetermined_intermediates: tuple[int, ...]
    honest: tuple[int, ...]
    forgery: Forgery | None  # outputs forged (under-constrained) or intermediates shown free
    stopped: str  # how the output search ended: "proved", "found", "budget", ...
    seconds: float


def audit(system: System, honest: Sequence[int], seconds: float, *, seed: int = 0) -> Verdict:
    """Audit a circuit from an honest witness of it, within `seconds` of search."""
    start = time.monotonic()
    if not system.satisfied(honest):
        raise WitnessError("the example witness does not satisfy the circuit's constraints")
    known = determined(system)
    free = frozenset(range(system.n_wires)) - known
    open_outputs = undetermined_outputs(system, known)
    intermediates = tuple(sorted(free - set(system.outputs)))
    deadline = start + seconds
    status, stopped, forgery = UNIQUE, "proved", None
    if open_outputs:
        outcome = search(system, honest, free, open_outputs, deadline, seed=seed)
        forgery, stopped = outcome.forgery, outcome.stopped
        status = UNDER_CONSTRAINED if forgery is not None else UNKNOWN
    elif intermediates:
        forgery = search(system, honest, free, intermediates, deadline, seed=seed).forgery
    return Verdict(
        status,
        system.outputs,
        open_outputs,
        intermediates,
        tuple(honest),
        forgery,
        stopped,
        time.monotonic() - start,
    )


def undetermined_outputs(system: System, known: frozenset[int]) -> tuple[int, ...]:
    """The outputs not among `known` (what propagation determined): none means unique."""
    return tuple(w for w in system.outputs if w not in known)


def unproven_outputs(system: System) -> tuple[int, ...]:
    """The outputs propagation alone leaves undetermined, with no input and no search (none:
    unique for every input)."""
    return undetermined_outputs(system, determined(system))


def differences(verdict: Verdict) -> list[tuple[int, int, int]]:
    """(wire, honest value, forged value) for every wire the forgery changes."""
    if verdict.forgery is None:
        return []
    pairs = zip(verdict.honest, verdict.forgery.witness, strict=True)
    return [(wire, h, f) for wire, (h, f) in enumerate(pairs) if h != f]
