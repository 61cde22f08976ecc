"""R1CS satisfaction: every constraint A·w × B·w = C·w (mod r) evaluated on a witness.

What `snarkjs wtns check` decides, but each broken constraint is reported with the values of its
three sides and the signals it involves, named through the circuit's .sym, so a failing test can
say where a witness goes wrong, not only that it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from toolchain.errors import WitnessError
from toolchain.formats.r1cs import LinearCombination, R1cs
from toolchain.formats.sym import Symbols
from toolchain.native.field import R

# An unsatisfied Num2Bits(64) constraint involves 65 signals: its message shows the first few.
_SHOWN_SIGNALS = 8


@dataclass(frozen=True)
class Unsatisfied:
    """One constraint a witness breaks: its index, the values A·w, B·w, C·w and its signals."""

    index: int
    a: int
    b: int
    c: int
    # Every signal the constraint involves (wire order, the constant wire 0 left out) → value;
    # a wire with no name in the .sym appears as "wire N".
    signals: dict[str, int]

    def __str__(self) -> str:
        shown = [f"{name} = {value}" for name, value in list(self.signals.items())[:_SHOWN_SIGNALS]]
        hidden = len(self.signals) - len(shown)
        more = f", and {hidden} more" if hidden > 0 else ""
        return (
            f"constraint {self.index}: A·w × B·w ≠ C·w ({self.a} × {self.b} ≠ {self.c} mod r);"
            f" signals: {', '.join(shown)}{more}"
        )


def evaluate(lc: LinearCombination, witness: Sequence[int]) -> int:
    """The value of a linear combination on a witness, mod r."""
    return sum(coef * witness[wire] for wire, coef in lc.items()) % R


def check_constraints(
    r1cs: R1cs, witness: Sequence[int], symbols: Symbols | None = None
) -> list[Unsatisfied]:
    """Every constraint the witness breaks, in order (empty when it satisfies them all)."""
    _check_shape(r1cs, witness)
    broken: list[Unsatisfied] = []
    for index, (a_lc, b_lc, c_lc) in enumerate(r1cs.constraints):
        a, b, c = evaluate(a_lc, witness), evaluate(b_lc, witness), evaluate(c_lc, witness)
        if a * b % R != c:
            wires = sorted((a_lc.keys() | b_lc.keys() | c_lc.keys()) - {0})
            broken.append(Unsatisfied(index, a, b, c, _named(wires, witness, symbols)))
    return broken


def _check_shape(r1cs: R1cs, witness: Sequence[int]) -> None:
    # What is no witness of this R1CS is an error, not a list of unsatisfied constraints.
    if len(witness) != r1cs.header.n_wires:
        raise WitnessError(f"the witness has {len(witness)} values for {r1cs.header.n_wires} wires")
    if witness[0] != 1:
        # Wire 0 is the constant 1 that the verifier fixes; any other value scales every constraint.
        raise WitnessError(f"wire 0 must be the constant 1, not {witness[0]}")
    outside = next((wire for wire, value in enumerate(witness) if not 0 <= value < R), None)
    if outside is not None:
        raise WitnessError(f"wire {outside}: {witness[outside]} is not a field element in [0, r)")


def _named(wires: list[int], witness: Sequence[int], symbols: Symbols | None) -> dict[str, int]:
    named: dict[str, int] = {}
    for wire in wires:
        names = symbols.names_of(wire) if symbols is not None else ()
        for name in names or (f"wire {wire}",):
            named[name] = witness[wire]
    return named
