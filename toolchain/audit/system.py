"""The R1CS as the audit sees it: constraints over wires, which wires are inputs and outputs.

Wire 0 is the constant 1. Outputs and inputs are found through the wire → label map, not by
wire position: circom counts private inputs it optimised away, so positions can drift.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from toolchain.formats.r1cs import Constraint, R1cs
from toolchain.formats.sym import Symbols
from toolchain.witness.constraints import check_constraints, evaluate


@dataclass(frozen=True)
class System:
    """A circuit's constraints with its input and output wires and, when known, their names."""

    r1cs: R1cs
    inputs: frozenset[int]
    outputs: tuple[int, ...]
    symbols: Symbols | None = None

    @property
    def constraints(self) -> list[Constraint]:
        """The R1CS constraints, A·w × B·w = C·w each."""
        return self.r1cs.constraints

    @property
    def n_wires(self) -> int:
        """Wires of the witness, the constant wire 0 included."""
        return self.r1cs.header.n_wires

    @functools.cached_property
    def users(self) -> list[tuple[int, ...]]:
        """For each wire, the constraints it appears in."""
        users: list[list[int]] = [[] for _ in range(self.n_wires)]
        for index, constraint in enumerate(self.constraints):
            for wire in wires_of(constraint):
                users[wire].append(index)
        return [tuple(found) for found in users]

    def name(self, wire: int) -> str:
        """The signal name of a wire (`main.out`), or `wire N` when the .sym has none."""
        names = self.symbols.names_of(wire) if self.symbols is not None else ()
        return names[0] if names else f"wire {wire}"

    def satisfied(self, witness: Sequence[int]) -> bool:
        """Whether the witness satisfies every constraint (the project's own check)."""
        return not check_constraints(self.r1cs, witness)

    def holds(self, index: int, witness: Sequence[int]) -> bool:
        """Whether one constraint holds on a witness."""
        a, b, c = (evaluate(lc, witness) for lc in self.constraints[index])
        return a * b % self.r1cs.header.prime == c


def wires_of(constraint: Constraint) -> set[int]:
    """The wires a constraint involves, the constant wire 0 left out."""
    a, b, c = constraint
    return (a.keys() | b.keys() | c.keys()) - {0}


def system_of(r1cs: R1cs, symbols: Symbols | None = None) -> System:
    """The audit's view of a parsed R1CS: inputs and outputs by their labels."""
    header = r1cs.header
    last_input = header.n_pub_out + header.n_pub_in + header.n_prv_in
    labels = list(enumerate(r1cs.wire_to_label))
    outputs = tuple(w for w, label in labels if 1 <= label <= header.n_pub_out)
    inputs = frozenset(w for w, label in labels if header.n_pub_out < label <= last_input)
    return System(r1cs, inputs, outputs, symbols)
