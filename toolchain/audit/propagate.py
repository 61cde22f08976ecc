"""Propagation: the signals the constraints determine uniquely, symbolically and by value.

`determined` proves, for every input (not only the example), that a wire has one value once the
inputs are fixed. Its rules, applied until nothing changes (each sound on its own):

    linear      a constraint linear in one unknown wire with a non-zero coefficient (A or B a
                constant, or A and B both determined) fixes that wire;
    bits        wires each constrained to {0, 1} by (b − α)(b − β) = 0 with {α, β} = {0, 1},
                whose weighted sum (weights c·2^e, distinct e < 253) equals a determined value,
                are fixed: two bit vectors with the same sum below r are the same vector;
    non-zero    x·L = k with k a non-zero constant, x determined and L linear in one unknown:
                x ≠ 0 is forced (x·L ≠ 0), so L = k/x fixes it;
    is-zero     x·L = K and x·M = N, with x, K determined, L and N each linear in the same one
                unknown z (non-zero coefficients): x ≠ 0 fixes z by L = K/x, x = 0 by N = 0.

`complete` fills in a partial witness by value: any constraint left with one unknown wire, linear
in it with a non-zero coefficient, gives that wire's value.
"""

from __future__ import annotations

from collections.abc import Iterable

from toolchain.audit.system import System
from toolchain.formats.r1cs import Constraint, LinearCombination
from toolchain.native.field import R, inverse

# Weighted sums of at most this many bits stay below r (2^253 < r), so they cannot wrap.
MAX_BITS = 253


def determined(system: System) -> frozenset[int]:
    """Every wire the constraints fix uniquely given the inputs (the constant wire 0 included)."""
    known = {0, *system.inputs}
    bits = _binary_wires(system)
    pending = set(range(len(system.constraints)))
    while pending:
        index = pending.pop()
        for wire in _fixed_by(system, index, known, bits):
            if wire not in known:
                known.add(wire)
                pending.update(system.users[wire])
    return frozenset(known)


def _fixed_by(system: System, index: int, known: set[int], bits: set[int]) -> Iterable[int]:
    a, b, c = system.constraints[index]
    linear = _linear_form(a, b, c, known)
    if linear is not None:
        unknown = [w for w, coef in linear.items() if w not in known and coef]
        if len(unknown) == 1:
            return unknown
        if unknown and len(unknown) <= MAX_BITS and set(unknown) <= bits:
            return unknown if _distinct_powers([linear[w] for w in unknown]) else ()
        return ()
    return _non_zero(a, b, c, known) or _is_zero(system, index, known)


def _non_zero(
    a: LinearCombination, b: LinearCombination, c: LinearCombination, known: set[int]
) -> tuple[int, ...]:
    """x·L = k ≠ 0 (a constant): the determined side x cannot be zero, so L is fixed."""
    if not c.keys() <= {0} or not c.get(0, 0):
        return ()
    for x, lc in ((a, b), (b, a)):
        z = _single_unknown(lc, known)
        if z is not None and x.keys() <= known:
            return (z,)
    return ()


def _linear_form(
    a: LinearCombination, b: LinearCombination, c: LinearCombination, known: set[int]
) -> LinearCombination | None:
    """k·B − C (or k·A − C) when the other side is the constant k; −C with A, B determined."""
    if a.keys() <= {0}:
        return _combine(a.get(0, 0), b, c)
    if b.keys() <= {0}:
        return _combine(b.get(0, 0), a, c)
    if a.keys() <= known and b.keys() <= known:
        return _combine(0, {}, c)
    return None


def _combine(k: int, side: LinearCombination, c: LinearCombination) -> LinearCombination:
    out = {w: k * coef % R for w, coef in side.items()}
    for w, coef in c.items():
        out[w] = (out.get(w, 0) - coef) % R
    return out


def _distinct_powers(weights: list[int]) -> bool:
    """Whether the weights are c·2^e for one c ≠ 0 and distinct exponents e < MAX_BITS.

    c is the weight of the smallest exponent, which need not be the smallest number mod r
    (a constraint scaled by 1/3 has weights 2^e/3): each weight is tried as c.
    """
    if len(set(weights)) != len(weights) or 0 in weights:
        return False
    powers = {1 << e for e in range(MAX_BITS)}
    for base in weights:
        scale = inverse(base)
        if all(w * scale % R in powers for w in weights):
            return True
    return False


def _binary_wires(system: System) -> set[int]:
    """Wires constrained to {0, 1} by a constraint (αb + a)(βb + b') = 0 with roots 0 and 1."""
    bits: set[int] = set()
    for a, b, c in system.constraints:
        if c or a.keys() - {0} != b.keys() - {0} or len(a.keys() - {0}) != 1:
            continue
        (wire,) = a.keys() - {0}
        if {_root(a, wire), _root(b, wire)} == {0, 1}:
            bits.add(wire)
    return bits


def _root(lc: LinearCombination, wire: int) -> int | None:
    return -lc.get(0, 0) * inverse(lc[wire]) % R if lc[wire] else None


def _is_zero(system: System, index: int, known: set[int]) -> Iterable[int]:
    """The is-zero rule with this constraint as x·L = K (x on either side)."""
    a, b, c = system.constraints[index]
    if not c.keys() <= known:
        return ()
    for x, lc in ((a, b), (b, a)):
        z = _single_unknown(lc, known)
        if z is None or not x.keys() <= known or not x.keys() - {0}:
            continue
        if any(_pairs_with(system, other, x, z, known) for other in _sharing(system, x, index)):
            return (z,)
    return ()


def _single_unknown(lc: LinearCombination, known: set[int]) -> int | None:
    unknown = [w for w, coef in lc.items() if w not in known and coef]
    return unknown[0] if len(unknown) == 1 else None


def _sharing(system: System, x: LinearCombination, index: int) -> Iterable[int]:
    """Other constraints with a side proportional to x (found through x's first wire)."""
    first = min(x.keys() - {0})
    return (other for other in system.users[first] if other != index)


def _pairs_with(system: System, other: int, x: LinearCombination, z: int, known: set[int]) -> bool:
    """Whether constraint `other` is x·M = N with N linear in the one unknown z."""
    a, b, c = system.constraints[other]
    if not (_proportional(a, x) or _proportional(b, x)):
        return False
    return _single_unknown(c, known) == z


def _proportional(lc: LinearCombination, x: LinearCombination) -> bool:
    if lc.keys() != x.keys():
        return False
    first = min(x)
    if not x[first] or not lc[first]:
        return False
    ratio = lc[first] * inverse(x[first]) % R
    return all(lc[w] == coef * ratio % R for w, coef in x.items())


def complete(system: System, values: dict[int, int], start: Iterable[int] | None = None) -> None:
    """Fill in `values` (wire → value) from every constraint left with one unknown wire in
    which it is linear with a non-zero coefficient, until nothing changes; `start` names the
    constraints worth a look first (default: all of them)."""
    pending = set(range(len(system.constraints)) if start is None else start)
    while pending:
        index = pending.pop()
        solved = _solve_one(system.constraints[index], values)
        if solved is not None:
            wire, value = solved
            values[wire] = value
            pending.update(system.users[wire])


def _solve_one(constraint: Constraint, values: dict[int, int]) -> tuple[int, int] | None:
    unknown = {w for lc in constraint for w in lc if w not in values and w != 0}
    if len(unknown) != 1:
        return None
    (wire,) = unknown
    (a0, a1), (b0, b1), (c0, c1) = (_affine(lc, wire, values) for lc in constraint)
    if a1 * b1 % R:
        return None  # quadratic in the wire: left to the search's guesses
    coef = (a0 * b1 + a1 * b0 - c1) % R
    if not coef:
        return None
    return wire, (c0 - a0 * b0) * inverse(coef) % R


def _affine(lc: LinearCombination, wire: int, values: dict[int, int]) -> tuple[int, int]:
    """(constant, coefficient of `wire`) of a linear combination with every other wire known."""
    constant = sum(coef * (1 if w == 0 else values[w]) for w, coef in lc.items() if w != wire)
    return constant % R, lc.get(wire, 0)
