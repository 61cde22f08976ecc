"""pytest plugin for testing circuits: the `circuit` fixture and its pass/fail expectations.

    def test_membership(circuit):
        membership = circuit("membership_4")              # compiled once per session
        valid = membership.inputs("valid")                # circuits/inputs/membership_4/valid.json
        membership.expect_pass(valid, outputs={"nullifierHash": 3144...})
        membership.expect_fail({**valid, "root": "1"}, match="Assert Failed")
        witness = membership.witness(valid)
        membership.expect_unsatisfied(witness.with_signal("root", 1))  # not only the asserts
        membership.expect_unique_outputs(valid)           # what `zkt audit` proves

Loaded through the `pytest11` entry point `zkt`. The project is `--zkt-project`, else
$ZKT_PROJECT, else the nearest directory holding circuits/circuits.toml from pytest's rootdir
(then the current directory) upwards. Circuits compile through the project's cache; each one is
compiled, read and given its witness calculator once per session.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

from toolchain.errors import ConfigError, InputError, WitnessError, ZktError
from toolchain.formats.r1cs import R1cs, R1csHeader, read_r1cs
from toolchain.formats.sym import Symbols, read_sym
from toolchain.native.field import R
from toolchain.paths import REGISTRY, Project, find_project_root
from toolchain.witness.constraints import Unsatisfied, check_constraints

if TYPE_CHECKING:
    from toolchain.api.workspace import Workspace
    from toolchain.witness.calculator import WitnessCalculator

FailureKind = Literal["input", "witness", "constraint"]

_FAILURE_TEXT: dict[FailureKind, str] = {
    "input": "the inputs were refused",
    "witness": "the witness calculation failed",
    "constraint": "the witness breaks the constraints",
}
# Unsatisfied constraints listed in a failure message; the rest are counted.
_SHOWN_CONSTRAINTS = 3
_PROJECT_STARTS = pytest.StashKey[tuple[Path, ...]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The --zkt-project option."""
    parser.getgroup("zkt", "zk-toolchain circuit tests").addoption(
        "--zkt-project",
        metavar="DIR",
        help="project whose circuits the `circuit` fixture compiles (default: $ZKT_PROJECT,"
        " else found from the rootdir or the current directory upwards)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Decide where the project is looked for, before any fixture runs."""
    # Read now: a conftest may clear $ZKT_PROJECT for its session before the fixture runs.
    explicit = config.getoption("zkt_project") or os.environ.get("ZKT_PROJECT")
    starts = (Path(explicit),) if explicit else (config.rootpath, Path.cwd())
    config.stash[_PROJECT_STARTS] = tuple(dict.fromkeys(starts))


@pytest.fixture(scope="session")
def circuit(pytestconfig: pytest.Config) -> CircuitFactory:
    """Factory: `circuit("merkle_4")` is that registry circuit, compiled once per session."""
    return CircuitFactory(pytestconfig.stash[_PROJECT_STARTS])


@dataclass(frozen=True)
class Witness:
    """A witness in wire order (`values`), its signals looked up by name through the .sym."""

    circuit: str
    values: tuple[int, ...] = field(repr=False)
    symbols: Symbols = field(repr=False)

    def signal(self, name: str) -> int:
        """The value of a signal: `main.root`, `root` (main's own), `pathElements[2]`."""
        return self.values[self.wire(name)]

    def wire(self, name: str) -> int:
        """The wire carrying a signal; KeyError (with close names) when none does."""
        qualified = name if name.startswith("main.") else f"main.{name}"
        try:
            wire = self.symbols.wire_of(qualified)
        except KeyError:
            raise KeyError(self._unknown(qualified)) from None
        if wire is None:
            raise KeyError(f"{self.circuit}: circom optimised {qualified} away; no wire carries it")
        return wire

    def with_signal(self, name: str, value: int) -> Witness:
        """A copy with one signal set to `value` mod r (-1 is r - 1), for `Circuit.check`."""
        values = list(self.values)
        values[self.wire(name)] = value % R
        return replace(self, values=tuple(values))

    def _unknown(self, qualified: str) -> str:
        close = difflib.get_close_matches(qualified, list(self.symbols.names()), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return f"{self.circuit} has no signal {qualified}{hint}"


@dataclass(frozen=True)
class Failure:
    """How inputs failed: refused ("input"), an assert ("witness") or a broken "constraint"."""

    kind: FailureKind
    message: str

    def __str__(self) -> str:
        return f"{_FAILURE_TEXT[self.kind]}: {self.message}"


class Circuit:
    """One compiled registry circuit: its witnesses, its constraints, and expectations on both."""

    def __init__(
        self, name: str, project: Project, header: R1csHeader, calculator: WitnessCalculator
    ) -> None:
        self.name = name
        self.header = header
        self._project = project
        self._calculator = calculator

    def __repr__(self) -> str:
        return f"<Circuit {self.name}: {self.constraint_count} constraints>"

    @property
    def constraint_count(self) -> int:
        """The number of R1CS constraints, as `snarkjs r1cs info` counts them."""
        return self.header.n_constraints

    @cached_property
    def r1cs(self) -> R1cs:
        """The parsed .r1cs (read on first use)."""
        return read_r1cs(self._project.r1cs(self.name))

    @cached_property
    def symbols(self) -> Symbols:
        """The parsed .sym (read on first use)."""
        return read_sym(self._project.sym(self.name))

    @property
    def public_signals(self) -> tuple[str, ...]:
        """main's public signals in wire order: outputs, then public inputs."""
        wires = range(1, self.header.n_public + 1)
        # main's own names come first in the .sym, before any subcomponent's alias of the wire.
        return tuple(self.symbols.names_of(w)[0].removeprefix("main.") for w in wires)

    def inputs(self, example: str) -> dict[str, object]:
        """A fresh copy of the example input circuits/inputs/<name>/<example>.json."""
        from toolchain.api.prove import load_inputs  # already loaded by the factory: no cost here

        return load_inputs(self._project.inputs_dir(self.name) / f"{example}.json")

    def witness(self, inputs: Mapping[str, object]) -> Witness:
        """The witness for these inputs; InputError or WitnessError when it cannot be computed."""
        return Witness(self.name, tuple(self._calculator.calculate(inputs)), self.symbols)

    def check(self, witness: Witness | Sequence[int]) -> list[Unsatisfied]:
        """The constraints a witness (computed, or tampered with) breaks; empty when none."""
        values = witness.values if isinstance(witness, Witness) else witness
        return check_constraints(self.r1cs, values, self.symbols)

    def expect_unsatisfied(self, witness: Witness | Sequence[int]) -> list[Unsatisfied]:
        """Fail the test unless the witness (typically tampered with) breaks a constraint."""
        __tracebackhide__ = True
        broken = self.check(witness)
        if not broken:
            pytest.fail(
                f"{self.name}: expected the witness to break a constraint, but it satisfies all"
                f" {self.constraint_count}"
            )
        return broken

    def expect_pass(
        self, inputs: Mapping[str, object], *, outputs: Mapping[str, int | str] | None = None
    ) -> Witness:
        """Fail the test unless the inputs give a satisfying witness with these signal values."""
        __tracebackhide__ = True
        outcome = self._run(inputs)
        if isinstance(outcome, Failure):
            pytest.fail(f"{self.name}: expected the inputs to pass, but {outcome}")
        wrong = [
            f"signal {name}: expected {expected}, got {outcome.signal(name)}"
            for name, expected in (outputs or {}).items()
            if outcome.signal(name) != int(expected)
        ]
        if wrong:
            pytest.fail(f"{self.name}: " + "\n".join(wrong))
        return outcome

    def expect_fail(
        self,
        inputs: Mapping[str, object],
        *,
        match: str | None = None,
        kind: FailureKind | None = None,
    ) -> Failure:
        """Fail the test if the inputs give a satisfying witness, or fail otherwise than asked."""
        __tracebackhide__ = True
        outcome = self._run(inputs)
        if isinstance(outcome, Witness):
            pytest.fail(
                f"{self.name}: expected the inputs to fail, but their witness satisfies all"
                f" {self.constraint_count} constraints"
            )
        if kind is not None and outcome.kind != kind:
            pytest.fail(f"{self.name}: expected a {kind!r} failure, but {outcome}")
        if match is not None and not re.search(match, outcome.message):
            pytest.fail(f"{self.name}: the failure does not match {match!r}: {outcome}")
        return outcome

    def expect_unique_outputs(self, inputs: Mapping[str, object], *, seconds: float = 5.0) -> None:
        """Fail the test unless `zkt audit` proves every output determined by the inputs: an
        under-constrained circuit fails naming the forged signals, and so does `unknown`."""
        __tracebackhide__ = True
        from toolchain.audit.system import system_of
        from toolchain.audit.verdict import UNIQUE, audit, differences

        system = system_of(self.r1cs, self.symbols)
        verdict = audit(system, self.witness(inputs).values, seconds)
        if verdict.status != UNIQUE:
            changed = [f"{system.name(w)}: {h} -> {f}" for w, h, f in differences(verdict)[:3]]
            left = ", ".join(system.name(w) for w in verdict.undetermined_outputs)
            pytest.fail(
                f"{self.name}: expected unique outputs, but the audit says {verdict.status}"
                f" (undetermined: {left})" + "".join(f"\n  {line}" for line in changed)
            )

    def _run(self, inputs: Mapping[str, object]) -> Witness | Failure:
        # The witness when it computes and satisfies every constraint, else how it failed.
        try:
            witness = self.witness(inputs)
        except InputError as exc:
            return Failure("input", str(exc))
        except WitnessError as exc:
            return Failure("witness", str(exc))
        broken = self.check(witness)
        return Failure("constraint", self._describe(broken)) if broken else witness

    def _describe(self, broken: list[Unsatisfied]) -> str:
        lines = [str(unsatisfied) for unsatisfied in broken[:_SHOWN_CONSTRAINTS]]
        if len(broken) > _SHOWN_CONSTRAINTS:
            lines.append(f"... and {len(broken) - _SHOWN_CONSTRAINTS} more")
        summary = f"{len(broken)} of {self.constraint_count} constraints unsatisfied"
        return "\n".join([summary, *lines])


class CircuitFactory:
    """What the `circuit` fixture returns: circuit(name) → Circuit, built once per session."""

    def __init__(self, starts: tuple[Path, ...]) -> None:
        self._starts = starts
        self._workspace: Workspace | None = None
        self._circuits: dict[str, Circuit] = {}

    def __call__(self, name: str) -> Circuit:
        """The registry circuit `name`, compiled through the cache on first use."""
        __tracebackhide__ = True
        if name not in self._circuits:
            try:
                self._circuits[name] = self._build(name)
            except ZktError as exc:
                # Not skipped: a missing tool or a broken circuit must fail the run.
                pytest.fail(f"zkt: circuit {name}: {exc}", pytrace=False)
        return self._circuits[name]

    def _build(self, name: str) -> Circuit:
        # Imported on first use: pytest loads this plugin in every run in the environment, and
        # compiling pulls in pydantic, jinja2 and wasmtime (a quarter of a second).
        from toolchain.api.compile import compile_circuits
        from toolchain.api.workspace import open_workspace
        from toolchain.witness.calculator import WitnessCalculator

        if self._workspace is None:
            self._workspace = open_workspace(_find_root(self._starts))
        (result,) = compile_circuits(self._workspace, (name,))
        project = self._workspace.project
        calculator = WitnessCalculator(project.wasm(name), sym_path=project.sym(name))
        return Circuit(name, project, result.header, calculator)


def _find_root(starts: tuple[Path, ...]) -> Path:
    for start in starts:
        try:
            return find_project_root(start)
        except ConfigError:
            continue
    searched = " or ".join(str(start) for start in starts)
    raise ConfigError(
        f"no {REGISTRY} in {searched} or any parent: pass --zkt-project DIR or set $ZKT_PROJECT"
    )
