"""The search for a second witness: same inputs, every constraint satisfied, another value where
propagation could not prove uniqueness.

Two stages, within one deadline:

    guesses  from the honest witness, give one undetermined wire another value (structured ones
             first: h+1, 0, 1, −h, h−1, −1, 2, then random), complete the rest by propagation,
             falling back to the honest value for a wire nothing determines, and check;
    solver   for a small residue (few undetermined wires), z3 over integers in [0, r) with
             each constraint as A·B − C = k·r (k an integer unknown of its own) and a target
             ≠ its honest value. z3 is an
             optional extra (`pip install zk-toolchain[audit]`); without it this stage is skipped.

Nothing is believed: every candidate, the solver's models included, is checked against the
constraints in Python before it is returned.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from toolchain.audit.propagate import complete
from toolchain.audit.system import System
from toolchain.native.field import R

# Structured rounds of guesses before random ones; the solver's residue limit (wires).
_RANDOM_ROUNDS = 8
SOLVER_MAX_WIRES = 24


@dataclass(frozen=True)
class Forgery:
    """A second witness: every constraint holds, the inputs are the honest ones, and `differs`
    lists the target wires where it departs from the honest witness."""

    witness: tuple[int, ...]
    differs: tuple[int, ...]
    method: str  # "guess" or "solver"


@dataclass(frozen=True)
class Outcome:
    """What a search found: a forgery, or none and why it stopped."""

    forgery: Forgery | None
    stopped: str  # "found", "budget", "exhausted", "solver-unsat"


def search(
    system: System,
    honest: Sequence[int],
    free: frozenset[int],
    targets: Sequence[int],
    deadline: float,
    *,
    seed: int = 0,
) -> Outcome:
    """A second witness differing from `honest` on one of `targets`, the `free` wires (those
    propagation left undetermined) being the only ones allowed to change."""
    relevant = sorted({i for w in free for i in system.users[w]})
    found = _guess(system, honest, free, targets, relevant, deadline, random.Random(seed))
    if found is not None:
        return Outcome(found, "found")
    if time.monotonic() >= deadline:
        return Outcome(None, "budget")
    return _solver(system, honest, free, targets, relevant, deadline)


def _guess(
    system: System,
    honest: Sequence[int],
    free: frozenset[int],
    targets: Sequence[int],
    relevant: list[int],
    deadline: float,
    rng: random.Random,
) -> Forgery | None:
    seeds = [*targets, *sorted(free - set(targets))]
    for round_ in range(len(_STRUCTURED) + _RANDOM_ROUNDS):
        for wire in seeds:
            if time.monotonic() >= deadline:
                return None
            value = _candidate(round_, honest[wire], rng)
            if value == honest[wire]:
                continue
            witness = _fill(system, honest, free, {wire: value})
            forgery = _forgery(system, honest, witness, targets, relevant, "guess")
            if forgery is not None:
                return forgery
    return None


# Structured guesses for a wire whose honest value is h: h+1, 0, 1, −h (the other square
# root), h−1, −1, 2.
_STRUCTURED: tuple[Callable[[int], int], ...] = (
    lambda h: h + 1, lambda h: 0, lambda h: 1, lambda h: -h, lambda h: h - 1, lambda h: -1,
    lambda h: 2,
)  # fmt: skip


def _candidate(round_: int, honest: int, rng: random.Random) -> int:
    if round_ < len(_STRUCTURED):
        return _STRUCTURED[round_](honest) % R
    return rng.randrange(R)


def _fill(
    system: System, honest: Sequence[int], free: frozenset[int], guesses: dict[int, int]
) -> list[int]:
    """The witness with these guesses, the fixed wires honest, the rest completed by propagation
    (a free wire nothing determines takes its honest value, then propagation goes on)."""
    values = {w: v for w, v in enumerate(honest) if w not in free}
    values.update(guesses)
    complete(system, values)
    for wire in sorted(free):
        if wire not in values:
            values[wire] = honest[wire]
            complete(system, values, system.users[wire])
    return [values[w] for w in range(len(honest))]


def _forgery(
    system: System,
    honest: Sequence[int],
    witness: list[int],
    targets: Sequence[int],
    relevant: list[int],
    method: str,
) -> Forgery | None:
    differs = tuple(w for w in targets if witness[w] != honest[w])
    if not differs or not all(system.holds(i, witness) for i in relevant):
        return None
    return Forgery(tuple(witness), differs, method)


def _solver(
    system: System,
    honest: Sequence[int],
    free: frozenset[int],
    targets: Sequence[int],
    relevant: list[int],
    deadline: float,
) -> Outcome:
    try:
        import z3
    except ImportError:  # the optional extra is not installed
        return Outcome(None, "exhausted")
    if len(free) > SOLVER_MAX_WIRES:
        return Outcome(None, "exhausted")
    solver = z3.Solver()
    solver.set("timeout", max(1, int((deadline - time.monotonic()) * 1000)))
    unknowns = {w: z3.Int(f"w{w}") for w in sorted(free)}
    for var in unknowns.values():
        solver.add(var >= 0, var < R)
    for index in relevant:
        # A·B ≡ C (mod r) as the integer equation A·B − C = k·r with a quotient k of its own:
        # exact, and far easier for z3 than its `%` on 254-bit products.
        a, b, c = (_expr(lc, honest, unknowns) for lc in system.constraints[index])
        solver.add(a * b - c == z3.Int(f"k{index}") * R)
    solver.add(z3.Or([unknowns[w] != honest[w] for w in targets]))
    answer = solver.check()
    if answer == z3.unsat:
        return Outcome(None, "solver-unsat")
    if answer != z3.sat:
        return Outcome(None, "budget")
    model = solver.model()
    witness = list(honest)
    for wire, var in unknowns.items():
        witness[wire] = model.eval(var, model_completion=True).as_long()
    forgery = _forgery(system, honest, witness, targets, relevant, "solver")
    return Outcome(forgery, "found" if forgery is not None else "exhausted")


def _expr(lc: dict[int, int], honest: Sequence[int], unknowns: dict[int, Any]) -> Any:
    """A linear combination as a z3 term: the free wires as variables, the others as values."""
    terms: Iterator[Any] = (
        coef * unknowns[w] if w in unknowns else coef * honest[w] % R for w, coef in lc.items()
    )
    return sum(terms, 0)
