"""Pydantic models for circuits.toml and ceremony.toml; the only parser of configuration files.

[[circuit]]
name = "merkle_4"                 # unique, ^[a-z][a-z0-9_]*$
template = "merkle"               # templates/merkle.circom.j2 ...
# source = "circuits/src/x.circom"  # ... or a hand-written circom file (exactly one of the two)
description = "..."
public = ["root"]                 # main's input signals made public (checked after compiling)
expected_constraints = 1234       # optional: compile fails when circom disagrees
params = { depth = 4 }            # template variables: ints, bools, lists, nested tables
protocol = "groth16"              # or "plonk" / "fflonk": a universal setup, no phase 2
[circuit.circom]                  # optional
optimization = 1                  # circom --O0 / --O1 / --O2
include = ["vendor/circuits"]     # extra include dirs, relative to the project root
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from toolchain.errors import ConfigError, UsageError
from toolchain.textlimits import MAX_INT_DIGITS, nesting_depth

RESERVED_PARAMS = frozenset({"name", "public", "main_component"})
# A hand-written source: a relative path to a .circom file inside the project (no "..").
SOURCE_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_./-]*\.circom$"
ENGINE_ENV = "ZKT_ENGINE"
ENGINE_NAMES = ("auto", "pure", "mcl")  # the arithmetic engines of the native backend
NATIVE_BACKEND = "native"  # the backend those engines run: Groth16 in toolchain.native
# Groth16 keys come from a per-circuit phase-2 ceremony; PLONK and fflonk keys straight from a ptau.
Protocol = Literal["groth16", "plonk", "fflonk"]
PROTOCOLS: tuple[Protocol, ...] = ("groth16", "plonk", "fflonk")
UNIVERSAL_PROTOCOLS: tuple[Protocol, ...] = ("plonk", "fflonk")
# What `zkt audit` does with an under-constrained verdict: fail (exit 1), warn, or skip the
# circuit (with a reason).
AuditPolicy = Literal["fail", "warn", "skip"]
ModelT = TypeVar("ModelT", bound=BaseModel)
# tomllib recurses once per nested array or inline table: deeper than this is hostile.
MAX_TOML_DEPTH = 64
# What is not a structural bracket in TOML: strings (multi-line ones first), comments, other runs.
_TOML_SKIP = re.compile(
    r'(?:"""(?:[^"\\]++|\\(?:.|\Z)|"(?!""))*+(?:"""|\Z)'
    r"|'''(?:[^']++|'(?!''))*+(?:'''|\Z)"
    r'|"(?:[^"\\\n]++|\\(?:.|\Z))*+(?:"|(?=\n)|\Z)'
    r"|'[^'\n]*+(?:'|(?=\n)|\Z)"
    r"|#[^\n]*+"
    r"""|[^\[\]{}"'#]++)++""",
    re.DOTALL,
)


class _Strict(BaseModel):
    # defer_build: ceremony.toml's models are built only by the commands that read it
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class CircomOptions(_Strict):
    """Per-circuit circom flags."""

    optimization: Literal[0, 1, 2] = 1
    include: list[str] = Field(default_factory=list)


class CircuitEntry(_Strict):
    """One circuit instance: a template plus the parameters that specialise it, or a
    hand-written circom file (`source`, relative to the project root) with its own main."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    template: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
    source: str | None = Field(default=None, pattern=SOURCE_PATTERN)
    description: str = ""
    public: list[str] = Field(default_factory=list)
    expected_constraints: int | None = Field(default=None, ge=0)
    params: dict[str, Any] = Field(default_factory=dict)
    circom: CircomOptions = Field(default_factory=CircomOptions)
    protocol: Protocol = "groth16"
    audit: AuditPolicy = "fail"
    audit_reason: str = Field(default="", max_length=500)

    @field_validator("params")
    @classmethod
    def _no_reserved_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        clash = RESERVED_PARAMS & params.keys()
        if clash:
            raise ValueError(f"parameter names {sorted(clash)} are reserved")
        return params

    @field_validator("source")
    @classmethod
    def _inside_project(cls, source: str | None) -> str | None:
        if source is not None and ".." in source.split("/"):
            raise ValueError("a source path stays inside the project: no '..'")
        return source

    @model_validator(mode="after")
    def _template_or_source(self) -> CircuitEntry:
        if (self.template is None) == (self.source is None):
            raise ValueError(
                "give exactly one of template (templates/NAME.circom.j2) and source"
                " (a hand-written circom file such as circuits/src/NAME.circom)"
            )
        if self.source is not None and self.params:
            raise ValueError("params apply to templates only: a hand-written source takes none")
        if self.audit == "skip" and not self.audit_reason.strip():
            raise ValueError('audit = "skip" needs an audit_reason saying why')
        return self

    # The entry's position in circuits.toml, set by Registry: error messages name it.
    _index: int | None = PrivateAttr(default=None)

    @property
    def universal(self) -> bool:
        """Whether the key comes from a universal setup (PLONK, fflonk): no phase-2 ceremony."""
        return self.protocol in UNIVERSAL_PROTOCOLS

    @property
    def location(self) -> str:
        """`circuit[3] (merkle_4)`: where the entry is in circuits.toml, for messages."""
        index = "" if self._index is None else f"[{self._index}]"
        return f"circuit{index} ({self.name})"


class Registry(_Strict):
    """The whole circuits.toml."""

    circuit: list[CircuitEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Registry:
        seen: set[str] = set()
        for index, entry in enumerate(self.circuit):
            entry._index = index
            if entry.name in seen:
                raise ValueError(f"circuit name {entry.name!r} is listed twice")
            seen.add(entry.name)
        return self

    def get(self, name: str) -> CircuitEntry:
        """The entry called `name`, or a UsageError listing the known names."""
        for entry in self.circuit:
            if entry.name == name:
                return entry
        known = ", ".join(e.name for e in self.circuit)
        raise UsageError(f"unknown circuit {name!r} (known: {known})")

    def select(self, names: list[str] | tuple[str, ...]) -> list[CircuitEntry]:
        """The named entries in the order given, or all entries when `names` is empty."""
        return [self.get(n) for n in names] if names else list(self.circuit)

    def first_universal(self, names: list[str]) -> CircuitEntry | None:
        """The first PLONK or fflonk circuit among `names` (each checked to exist), if any."""
        return next((entry for entry in map(self.get, names) if entry.universal), None)


def read_registry(path: Path) -> Registry:
    """Parse and validate circuits.toml; errors name the file, the entry and the key."""
    return _read_model(Registry, path)


def _read_model(model: type[ModelT], path: Path) -> ModelT:
    data = _read_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(path, data, exc)) from exc


def _read_toml(path: Path) -> dict[str, Any]:
    """Decode a TOML file explicitly; every failure of it or of tomllib is one ConfigError line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: not found") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 text (byte {exc.start})") from None
    if nesting_depth(text, _TOML_SKIP) > MAX_TOML_DEPTH:
        raise ConfigError(f"{path}: invalid TOML: nested deeper than {MAX_TOML_DEPTH} levels")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except ValueError:  # tomllib's int() of an integer beyond Python's int/str digit limit
        raise ConfigError(
            f"{path}: invalid TOML: an integer longer than {MAX_INT_DIGITS} digits"
        ) from None


def _describe(path: Path, data: dict[str, Any], exc: ValidationError) -> str:
    """One line per problem: `circuits.toml: circuit[2] (merkle_4).params: ...`."""
    lines = [f"{path}: {exc.error_count()} problem(s)"]
    for err in exc.errors():
        lines.append(f"  {_location(data, err['loc'])}: {err['msg']}")
    return "\n".join(lines)


def _location(data: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for i, key in enumerate(loc):
        if isinstance(key, int):
            parts[-1] += f"[{key}]"
            if i == 1 and loc[0] == "circuit":
                parts[-1] += _entry_name(data, key)
        else:
            parts.append(str(key))
    return ".".join(parts) or "(top level)"


def _entry_name(data: dict[str, Any], index: int) -> str:
    entries = data.get("circuit")
    if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
        name = entries[index].get("name")
        if isinstance(name, str):
            return f" ({name})"
    return ""


class Phase1Options(_Strict):
    """Where the ceremony's prepared ptau comes from."""

    source: Literal["fetch", "file", "dev"] = "fetch"
    power: int = Field(ge=1, le=28)
    path: str | None = None  # source = "file": a prepared ptau, relative to the project root
    seed: str = "zk-toolchain dev"  # source = "dev": INSECURE, public seed

    @model_validator(mode="after")
    def _path_for_file(self) -> Phase1Options:
        if self.source == "file" and not self.path:
            raise ValueError('source = "file" needs a path')
        return self


class BeaconOptions(_Strict):
    """The public randomness that closes phase 2, committed before the ceremony starts."""

    hash: str = Field(pattern=r"^[0-9a-fA-F]{2,510}$")
    iterations_exp: int = Field(ge=10, le=63)
    source: str = ""  # where the hash comes from (e.g. a named future block or drand round)

    @field_validator("hash")
    @classmethod
    def _even_length(cls, value: str) -> str:
        if len(value) % 2:
            raise ValueError("the beacon hash must be whole bytes (an even number of hex digits)")
        return value.lower()


class CeremonySettings(_Strict):
    """[ceremony]: its name and the circuits it covers (all registry circuits when empty)."""

    name: str
    circuits: list[str] = Field(default_factory=list)
    # Real (non-beacon) contributions a final key needs; production ceremonies ask for >= 20.
    min_contributions: int = Field(default=1, ge=1, le=100_000)


class CoordinatorOptions(_Strict):
    """[coordinator]: how `zkt ceremony serve` runs the ceremony over HTTP (all optional).

    A turn's deadline is slot_seconds plus seconds_per_mib for every MiB of keys downloaded and
    uploaded; a waiting participant who misses 3 heartbeats loses the place; a missed deadline
    costs one of max_retries rejoins.
    """

    slot_seconds: int = Field(default=600, ge=1, le=7 * 24 * 3600)
    seconds_per_mib: float = Field(default=2, ge=0, le=3600)
    heartbeat_seconds: int = Field(default=15, ge=1, le=3600)
    max_retries: int = Field(default=2, ge=0, le=1000)
    invite_only: bool = False
    invite_hours: float = Field(default=72, gt=0, le=24 * 365)
    max_body_mib: int = Field(default=512, ge=1, le=1 << 20)
    rate_per_minute: int = Field(default=120, ge=1, le=10_000_000)


class CeremonyConfig(_Strict):
    """The whole ceremony/ceremony.toml."""

    ceremony: CeremonySettings
    phase1: Phase1Options
    beacon: BeaconOptions
    coordinator: CoordinatorOptions = Field(default_factory=CoordinatorOptions)


def read_ceremony_config(path: Path) -> CeremonyConfig:
    """Parse and validate ceremony.toml; errors name the file and key."""
    return _read_model(CeremonyConfig, path)


def engine_name(explicit: str | None) -> str:
    """The native engine to use: `explicit` if given, else $ZKT_ENGINE, else "auto".

    An unknown name is a UsageError wherever it comes from, whichever backend runs.
    """
    name = explicit or os.environ.get(ENGINE_ENV) or "auto"
    if name not in ENGINE_NAMES:
        known = ", ".join(ENGINE_NAMES)
        raise UsageError(f"unknown engine {name!r} (by name or ${ENGINE_ENV}); known: {known}")
    return name
