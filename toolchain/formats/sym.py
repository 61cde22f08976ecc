"""Reader for circom's .sym symbol file (text, one signal per line).

Layout:

    label_idx,wire_idx,component_idx,name        e.g. 3,2,0,main.pathElements[1]

`label_idx` numbers every signal of the circuit (from 1); `wire_idx` is its wire in the .r1cs
and the witness, or -1 when circom optimised the signal away; `component_idx` is the component
instance that declares it; `name` is fully qualified from `main` (`main.hashers[0].out`).
Several names may share one wire (circom merges signals it proves equal).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.errors import FormatError


@dataclass(frozen=True)
class SymSignal:
    """One line of a .sym file; `wire` is None when the signal was optimised away."""

    label: int
    wire: int | None
    component: int
    name: str


@dataclass(frozen=True)
class Symbols:
    """A parsed .sym file answering name → wire and wire → names."""

    signals: tuple[SymSignal, ...]
    _by_name: dict[str, SymSignal] = field(repr=False)
    _by_wire: dict[int, tuple[str, ...]] = field(repr=False)

    def wire_of(self, name: str) -> int | None:
        """The wire of a fully qualified name (None: optimised away); KeyError if unknown."""
        try:
            return self._by_name[name].wire
        except KeyError:
            raise KeyError(f"no signal named {name!r} in the symbol file") from None

    def names_of(self, wire: int) -> tuple[str, ...]:
        """Every signal name carried by this wire (empty when no signal is)."""
        return self._by_wire.get(wire, ())

    def names(self) -> Iterator[str]:
        """All signal names, in file order."""
        return (signal.name for signal in self.signals)


def read_sym(path: Path) -> Symbols:
    """Parse and check a .sym file."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            signals = tuple(
                _parse_line(path, lineno, line)
                for lineno, line in enumerate(fh, start=1)
                if line.strip()
            )
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not a text .sym file ({exc.reason})") from exc
    return _index(path, signals)


def _parse_line(path: Path, lineno: int, line: str) -> SymSignal:
    parts = line.rstrip("\r\n").split(",", 3)
    if len(parts) != 4 or not parts[3]:
        raise FormatError(f"{path}:{lineno}: expected 'label,wire,component,name', got {line!r}")
    try:
        label, wire, component = (int(part) for part in parts[:3])
    except ValueError:
        raise FormatError(f"{path}:{lineno}: non-integer index in {line!r}") from None
    if label < 0 or wire < -1 or component < 0:
        raise FormatError(f"{path}:{lineno}: negative index in {line!r}")
    return SymSignal(label, None if wire == -1 else wire, component, parts[3])


def _index(path: Path, signals: tuple[SymSignal, ...]) -> Symbols:
    by_name: dict[str, SymSignal] = {}
    by_wire: dict[int, list[str]] = {}
    for signal in signals:
        if signal.name in by_name:
            raise FormatError(f"{path}: signal {signal.name!r} is listed twice")
        by_name[signal.name] = signal
        if signal.wire is not None:
            by_wire.setdefault(signal.wire, []).append(signal.name)
    frozen = {wire: tuple(names) for wire, names in by_wire.items()}
    return Symbols(signals, by_name, frozen)
