"""Circom witness generation in process: the circuit's wasm run by wasmtime, no Node.

This re-implements the protocol of the `witness_calculator.js` circom writes beside each wasm
(and of circom_runtime, which `snarkjs wtns calculate` uses):

    init(0)                                  reset the circuit's memory
    getInputSignalSize(hMSB, hLSB) -> i32    values an input takes; 0 for other names
    write a value to the shared read/write memory (n32 little-endian u32 words), then
    setInputSignal(hMSB, hLSB, i)            the last input triggers the whole computation
    getWitness(i)                            copy wire i, normal form, into the shared memory

Input names are addressed by the 64-bit FNV-1a hash of their qualified name (`in`, `p.x`,
`q[1].x`) split into two u32 halves. Circuit failures arrive through the `runtime` imports:
`printErrorMessage` (read the text with getMessageChar until 0) and then `exceptionHandler(code)`.

Reading the witness back takes one getWitness call per wire; a host call from Python costs
~17 µs, so a tiny helper module (`_DUMP_WAT`), linked to the circuit's own exports, makes those
calls inside wasm and copies each value into a memory of its own that Python reads in one go.

Unlike the JS, inputs are checked before anything runs, and values outside [0, r) are refused
instead of being silently reduced mod r. Compiled modules are cached on disk, keyed by the wasm's
sha256 and the wasmtime version (see toolchain.runner.wasi).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path

import wasmtime

from toolchain.errors import FormatError, InputError, WitnessError, ZktError
from toolchain.formats.sym import read_sym
from toolchain.native.field import R
from toolchain.runner.wasi import load_module, shared_engine

log = logging.getLogger(__name__)

FlatInputs = dict[str, list[object]]

N32 = 8
N8 = 4 * N32
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1

_REQUIRED_FUNCTIONS = (
    "getVersion", "getMinorVersion", "getPatchVersion", "getSharedRWMemoryStart",
    "getRawPrime", "getFieldNumLen32", "getWitnessSize", "getInputSize", "getInputSignalSize",
    "init", "setInputSignal", "getWitness", "getMessageChar",
)  # fmt: skip

# exceptionHandler codes, worded as witness_calculator.js words them. Codes 1-3 and 6 mean the
# inputs do not fit the circuit; the others are failures of the circuit itself.
_EXCEPTIONS: dict[int, tuple[str, type[ZktError]]] = {
    1: ("Signal not found", InputError),
    2: ("Too many signals set", InputError),
    3: ("Signal already set", InputError),
    4: ("Assert Failed", WitnessError),
    5: ("Not enough memory", WitnessError),
    6: ("Input signal array access exceeds the size", InputError),
    7: ("Out of bounds array access", WitnessError),
}

# dump(n, shared): getWitness(i) for i < n, each value copied to witness[32 i .. 32 i + 32].
_DUMP_WAT = """
(module
  (import "circuit" "memory" (memory 0))
  (import "circuit" "getWitness" (func $get_witness (param i32)))
  (memory $witness (export "witness") 0)
  (func (export "dump") (param $n i32) (param $shared i32)
    (local $i i32)
    (if (i32.lt_s (memory.grow $witness (i32.add (i32.shr_u (local.get $n) (i32.const 11))
                                                 (i32.const 1)))
                  (i32.const 0))
      (then unreachable))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $get_witness (local.get $i))
        (memory.copy $witness 0 (i32.shl (local.get $i) (i32.const 5)) (local.get $shared)
                     (i32.const 32))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))))
"""

_DECIMAL = re.compile(r"[0-9]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")


def fnv1a_64(name: str) -> tuple[int, int]:
    """The 64-bit FNV-1a hash circom uses to address a signal, as (high, low) u32 halves."""
    h = _FNV_OFFSET
    for char in name:
        h = ((h ^ ord(char)) * _FNV_PRIME) & _MASK64
    return h >> 32, h & 0xFFFFFFFF


@functools.cache
def _dump_module() -> wasmtime.Module:
    return wasmtime.Module(shared_engine(), _DUMP_WAT)


# circom's `runtime` imports: the _Session method each one calls and its number of i32 params.
_RUNTIME: dict[str, tuple[str, int]] = {
    "exceptionHandler": ("_on_exception", 1),
    "printErrorMessage": ("_on_error_message", 0),
    "writeBufferMessage": ("_on_buffer_message", 0),
    "showSharedRWMemory": ("_on_show_memory", 0),
}

# The session whose wasm runs in this thread (set by _Session._running): where the runtime
# imports deliver what the circuit reports.
_RUNNING: ContextVar[_Session] = ContextVar("running_witness_session")


def _host(method: str) -> Callable[..., None]:
    def call(caller: wasmtime.Caller, *args: int) -> None:
        getattr(_RUNNING.get(), method)(caller, *args)

    return call


@functools.cache
def _runtime_linker() -> wasmtime.Linker:
    """circom's runtime imports, defined once per process and shared by every store.

    wasmtime-py keeps a host function's callback in a global table until whatever owns the
    function is deleted. Made per store (`Func(store, ...)`) as bound methods of the session
    that holds the store, they kept every store alive (a cycle through that table, which the
    GC cannot see). These belong to the linker and hold no store.
    """
    linker = wasmtime.Linker(shared_engine())
    for name, (method, n_params) in _RUNTIME.items():
        func_type = wasmtime.FuncType([wasmtime.ValType.i32()] * n_params, [])
        linker.define_func("runtime", name, func_type, _host(method), access_caller=True)
    return linker


def _instance_pre(module: wasmtime.Module, path: Path) -> wasmtime.InstancePre:
    """The circuit's module with its imports resolved once, ready to instantiate per witness."""
    for imp in module.imports:
        if imp.module != "runtime" or imp.name not in _RUNTIME:
            raise FormatError(f"{path}: imports {imp.module}.{imp.name}, not circom's")
    try:
        return _runtime_linker().instantiate_pre(module)
    except wasmtime.WasmtimeError as exc:
        raise FormatError(f"{path}: cannot instantiate: {exc}") from exc


class _CircuitAbort(Exception):
    """Raised inside exceptionHandler to unwind out of the wasm, like the JS `throw`."""


class _Session:
    """One fresh instance of the circuit: its store, exports and the messages it printed.

    Use it in a `with` block: leaving it deletes the store (the circuit's memory) at once,
    whatever else (a traceback) still refers to the session.
    """

    def __init__(self, pre: wasmtime.InstancePre, path: Path) -> None:
        self.path = path
        self.store = wasmtime.Store(shared_engine())
        self.errors: list[str] = []
        self._log_parts: list[str] = []
        self._abort_code: int | None = None
        try:
            self._memory, self._funcs = self._instantiate(pre)
            self._shared = self.call("getSharedRWMemoryStart")
        except BaseException:
            self.store.close()
            raise

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.close()

    @contextlib.contextmanager
    def _running(self) -> Iterator[None]:
        token = _RUNNING.set(self)
        try:
            yield
        finally:
            _RUNNING.reset(token)

    def _instantiate(
        self, pre: wasmtime.InstancePre
    ) -> tuple[wasmtime.Memory, dict[str, wasmtime.Func]]:
        try:
            with self._running():
                instance = pre.instantiate(self.store)
        except wasmtime.WasmtimeError as exc:
            raise FormatError(f"{self.path}: cannot instantiate: {exc}") from exc
        exports = instance.exports(self.store)
        memory = exports.get("memory")
        funcs = {name: exports.get(name) for name in _REQUIRED_FUNCTIONS}
        found = {name: func for name, func in funcs.items() if isinstance(func, wasmtime.Func)}
        lacking = [name for name in funcs if name not in found]
        if not isinstance(memory, wasmtime.Memory) or lacking:
            lacking += [] if isinstance(memory, wasmtime.Memory) else ["memory"]
            raise FormatError(f"{self.path}: not a circom 2 witness wasm (lacks {lacking})")
        return memory, found

    def call(self, name: str, *args: int) -> int:
        """Call an export of the circuit (see `_invoke`)."""
        return self._invoke(self._funcs[name], *args)

    def _invoke(self, func: wasmtime.Func, *args: int) -> int:
        # Circuit aborts become InputError/WitnessError, any other trap a WitnessError.
        # wasmtime-py hands a callback's exception back through one global that threads share:
        # another thread may take ours, or give us its own, so the session's record decides.
        try:
            with self._running():
                result = func(self.store, *args)
        except (_CircuitAbort, wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            if self._abort_code is not None:
                raise self._abort_error(self._abort_code) from None
            raise WitnessError(f"{self.path.name}: the circuit trapped: {exc}") from exc
        return int(result) if result is not None else 0

    def read_shared(self) -> int:
        """The field element currently in the shared read/write memory."""
        data = self._memory.read(self.store, self._shared, self._shared + N8)
        return int.from_bytes(data, "little")

    def witness(self, size: int) -> list[int]:
        """Wires 0..size-1 of the computed witness, fetched by the dump helper in one call."""
        helper = wasmtime.Instance(
            self.store, _dump_module(), [self._memory, self._funcs["getWitness"]]
        )
        exports = helper.exports(self.store)
        dump, memory = exports["dump"], exports["witness"]
        assert isinstance(dump, wasmtime.Func) and isinstance(memory, wasmtime.Memory)
        self._invoke(dump, size, self._shared)
        data = memory.read(self.store, 0, N8 * size)
        return [int.from_bytes(data[i : i + N8], "little") for i in range(0, len(data), N8)]

    def write_shared(self, value: int) -> None:
        """Put a field element (normal form) into the shared read/write memory."""
        self._memory.write(self.store, value.to_bytes(N8, "little"), self._shared)

    def _abort_error(self, code: int) -> ZktError:
        reason, error_type = _EXCEPTIONS.get(code, ("Unknown error", WitnessError))
        details = "".join(f"\n{line}" for line in self.errors)
        return error_type(f"{self.path.name}: {reason}.{details}")

    def _message(self, caller: wasmtime.Caller) -> str:
        get_char = self._funcs["getMessageChar"]
        chars: list[str] = []
        while char := get_char(caller):
            chars.append(chr(char))
        return "".join(chars)

    def _on_exception(self, caller: wasmtime.Caller, code: int) -> None:
        self._abort_code = code
        raise _CircuitAbort(code)

    def _on_error_message(self, caller: wasmtime.Caller) -> None:
        self.errors.append(self._message(caller))

    def _on_buffer_message(self, caller: wasmtime.Caller) -> None:
        # circom's log() sends its items one by one and ends the line with a lone "\n".
        message = self._message(caller)
        if message == "\n":
            log.info("%s: %s", self.path.name, " ".join(self._log_parts))
            self._log_parts = []
        else:
            self._log_parts.append(message)

    def _on_show_memory(self, caller: wasmtime.Caller) -> None:
        data = self._memory.read(caller, self._shared, self._shared + N8)
        self._log_parts.append(str(int.from_bytes(data, "little")))


class WitnessCalculator:
    """A circom circuit's witness wasm, compiled once and run in a fresh instance per witness."""

    def __init__(
        self, wasm_path: Path, *, sym_path: Path | None = None, cache_dir: Path | None = None
    ) -> None:
        self.path = Path(wasm_path)
        self._pre = _instance_pre(load_module(self.path, cache_dir), self.path)
        with _Session(self._pre, self.path) as session:
            self.version = tuple(
                session.call(name) for name in ("getVersion", "getMinorVersion", "getPatchVersion")
            )
            self._check_field(session)
            self.witness_size = session.call("getWitnessSize")
            self.input_size = session.call("getInputSize")
        self._sym_path = sym_path or _default_sym(self.path)

    @functools.cached_property
    def input_signals(self) -> dict[str, int]:
        """main's input signals and their sizes; {} without a .sym (read only when needed)."""
        if self._sym_path is None:
            return {}
        with _Session(self._pre, self.path) as session:
            return _input_signals(session, self._sym_path)

    def _check_field(self, session: _Session) -> None:
        if self.version[0] != 2:
            raise FormatError(f"{self.path}: compiled by circom {self.version}, need circom 2")
        if session.call("getFieldNumLen32") != N32:
            raise FormatError(f"{self.path}: field elements are not {N32} words")
        session.call("getRawPrime")
        if session.read_shared() != R:
            raise FormatError(f"{self.path}: compiled for another prime than BN254's r")

    @functools.cached_property
    def _sym_names(self) -> list[str]:
        """Every signal name of the .sym without its "main." ([] without a .sym)."""
        if self._sym_path is None:
            return []
        names = read_sym(self._sym_path).names()
        return [name[len("main.") :] for name in names if name.startswith("main.")]

    def calculate(self, inputs: Mapping[str, object], source: str | None = None) -> list[int]:
        """The full witness for these inputs (checked first; nothing is reduced mod r).

        Every problem of the inputs is reported at once, in one InputError naming `source`
        (default: the wasm's file name).
        """
        with _Session(self._pre, self.path) as session:
            session.call("init", 0)
            assignments = self._check_inputs(session, inputs, source or self.path.name)
            for name, values in assignments.items():
                msb, lsb = fnv1a_64(name)
                for index, value in enumerate(values):
                    session.write_shared(value)
                    session.call("setInputSignal", msb, lsb, index)
            return session.witness(self.witness_size)

    def check(self, inputs: Mapping[str, object], source: str | None = None) -> None:
        """InputError, as `calculate` would raise it, unless these inputs fit the circuit (its
        names, shapes and field ranges); the circuit itself does not run."""
        with _Session(self._pre, self.path) as session:
            session.call("init", 0)
            self._check_inputs(session, inputs, source or self.path.name)

    def _check_inputs(
        self, session: _Session, inputs: Mapping[str, object], source: str
    ) -> dict[str, list[int]]:
        problems: list[str] = []
        flat, nested = _flatten(inputs, problems)
        # The wasm answers 0, not the -1 the JS tests for, for names that are not inputs.
        sizes = {name: session.call("getInputSignalSize", *fnv1a_64(name)) for name in flat}
        unknown = [name for name, size in sizes.items() if size <= 0]
        if unknown:
            problems.append(self._unknown_message(unknown))
        assignments: dict[str, list[int]] = {}
        for name, raw_values in flat.items():
            if 0 < sizes[name] != len(raw_values):
                problems.append(
                    f'signal "{name}" expects {sizes[name]} values, got {len(raw_values)}'
                )
            elif sizes[name] > 0:
                assignments[name] = _field_elements(name, raw_values, problems)
        problems.extend(self._shape_problems(nested))
        problems.extend(self._coverage_problems({n: s for n, s in sizes.items() if s > 0}))
        if problems:
            raise InputError(problems_message(source, problems))
        return assignments

    def _unknown_message(self, unknown: list[str]) -> str:
        names = ", ".join(f'"{name}"' for name in unknown)
        plural = "s" if len(unknown) > 1 else ""
        return f"unknown input signal{plural} {names}{self._known_inputs_hint()}"

    def _known_inputs_hint(self) -> str:
        if not self.input_signals:
            return ""
        return " (the circuit's inputs are " + ", ".join(self.input_signals) + ")"

    def _shape_problems(self, nested: dict[str, list[object]]) -> list[str]:
        """Nested arrays must have the signal's declared shape (a flat list is read row-major)."""
        problems: list[str] = []
        for name, value in nested.items():
            declared = _declared_shape(name, self._sym_names)
            if declared is None:  # no .sym to say; the value count is still checked
                continue
            dims, is_bus = declared
            given = _shape(value)
            if given == dims or (is_bus and given is not None and given[: len(dims)] == dims):
                continue
            got = "a ragged array" if given is None else f"an array {_dims_text(given)}"
            expected = f"has shape {_dims_text(dims)}" if dims else "is a single value"
            problems.append(f'signal "{name}" {expected}, got {got}')
        return problems

    def _coverage_problems(self, sizes: dict[str, int]) -> list[str]:
        """Input values set twice or left unset (the wasm would not complain before running)."""
        problems = _overlaps(sizes)
        count = sum(sizes.values())
        if not problems and count < self.input_size:
            problems.append(self._missing_message(sizes, count))
        return problems

    def _missing_message(self, sizes: dict[str, int], count: int) -> str:
        counts: dict[str, int] = {}
        for key, size in sizes.items():
            counts[_base_name(key)] = counts.get(_base_name(key), 0) + size
        missing = [
            f'"{name}"' if name not in counts else f'"{name}" ({counts[name]} of {size} values)'
            for name, size in self.input_signals.items()
            if counts.get(name, 0) < size
        ]
        if not missing:  # no .sym to name them
            return f"only {count} of the circuit's {self.input_size} input values were given"
        return "missing input signals: " + ", ".join(missing)


def problems_message(source: str, problems: list[str]) -> str:
    """One line for every problem of an input file: `N problems in SOURCE: a; b`."""
    if len(problems) == 1:
        return f"{source}: {problems[0]}"
    return f"{len(problems)} problems in {source}: " + "; ".join(problems)


def _overlaps(given: dict[str, int]) -> list[str]:
    # {"p": [1, 2], "p.x": 3} sets p.x twice: the wasm would overwrite it or, once the
    # computation has started, abort with "Signal already set".
    problems: list[str] = []
    for key in given:
        prefixes = (key[: cut.start()] for cut in re.finditer(r"[.\[]", key))
        outer = next((prefix for prefix in prefixes if prefix in given), None)
        if outer is not None:
            problems.append(f'signal "{key}" is also set by "{outer}"')
    return problems


def calculate_witness(
    wasm_path: Path,
    inputs: Mapping[str, object],
    *,
    sym_path: Path | None = None,
    cache_dir: Path | None = None,
) -> list[int]:
    """The witness of a circom circuit for these inputs, computed by its wasm under wasmtime."""
    calculator = WitnessCalculator(wasm_path, sym_path=sym_path, cache_dir=cache_dir)
    return calculator.calculate(inputs)


def flatten_inputs(inputs: Mapping[str, object]) -> FlatInputs:
    """Input JSON as witness_calculator.js sees it: qualified signal names to flat value lists."""
    problems: list[str] = []
    flat, _ = _flatten(inputs, problems)
    if problems:
        raise InputError("; ".join(problems))
    return flat


def _flatten(
    inputs: Mapping[str, object], problems: list[str]
) -> tuple[FlatInputs, dict[str, list[object]]]:
    """`flatten_inputs`, collecting problems, plus the nested lists as given (for their shape)."""
    if not isinstance(inputs, Mapping):
        raise InputError(f"circuit inputs must be a JSON object, not {type(inputs).__name__}")
    walk = _Walk(problems)
    walk.qualify("", inputs)
    return walk.flat, walk.nested


class _Walk:
    """One pass over input JSON: qualified names, their flat values, nested lists, problems.

    Iterative (an explicit stack, children pushed in reverse so names come out in document
    order): however deep the input nests, no recursion and no per-level copies.
    """

    def __init__(self, problems: list[str]) -> None:
        self.flat: FlatInputs = {}
        self.nested: dict[str, list[object]] = {}
        self.problems = problems

    def qualify(self, prefix: str, value: object) -> None:
        """Objects are buses: fields become `prefix.field`, arrays of buses `prefix[i].field`."""
        stack: list[tuple[str, object, bool]] = [(prefix, value, False)]
        while stack:
            name, item, in_bus_array = stack.pop()
            if in_bus_array and isinstance(item, list):
                stack.extend((f"{name}[{i}]", v, True) for i, v in _reversed(item))
            elif isinstance(item, Mapping):
                stack.extend(
                    (f"{name}.{key}" if name else str(key), v, False)
                    for key, v in reversed(list(item.items()))
                )
            elif isinstance(item, list):
                stack.extend(self._qualify_array(name, item))
            else:
                self._put(name, [item])

    def _qualify_array(self, prefix: str, value: list[object]) -> list[tuple[str, object, bool]]:
        """An array of plain values is one signal; of buses, its elements (to walk next)."""
        leaves = _flat(value)
        kinds = {isinstance(leaf, Mapping) for leaf in leaves}
        if kinds == {True, False}:
            self.problems.append(f'signal "{prefix}" mixes objects and plain values')
        elif kinds == {True}:
            return [(f"{prefix}[{i}]", item, True) for i, item in _reversed(value)]
        else:
            if any(isinstance(item, list) for item in value):
                self.nested[prefix] = value
            self._put(prefix, leaves)
        return []

    def _put(self, name: str, values: list[object]) -> None:
        # {"p": {"x": 1}, "p.x": 2} names p.x twice; the JS would silently keep the last one.
        if name in self.flat:
            self.problems.append(f'signal "{name}" is given twice')
        else:
            self.flat[name] = values


def _reversed(items: list[object]) -> reversed[tuple[int, object]]:
    return reversed(list(enumerate(items)))


def _flat(value: object) -> list[object]:
    """The leaves of a nested list, depth first (without recursion)."""
    if not isinstance(value, list):
        return [value]
    leaves: list[object] = []
    stack = [iter(value)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            leaves.append(item)
        else:
            stack.pop()
    return leaves


def _shape(value: object) -> tuple[int, ...] | None:
    """The dimensions of a (nested) list, or None when its rows differ in shape.

    The first element at each level gives the candidate dimensions; every list is then checked
    against them (without recursion)."""
    dims: list[int] = []
    first = value
    while isinstance(first, list):
        dims.append(len(first))
        first = first[0] if first else None
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth == len(dims):
            if isinstance(item, list):
                return None
        elif not isinstance(item, list) or len(item) != dims[depth]:
            return None
        else:
            stack.extend((child, depth + 1) for child in item)
    return tuple(dims)


_INDICES = re.compile(r"((?:\[[0-9]+\])+)(\..*)?")


def _declared_shape(name: str, sym_names: list[str]) -> tuple[tuple[int, ...], bool] | None:
    """The array dimensions of input `name` and whether its elements are buses, from the .sym
    (None when the .sym does not say: no .sym, or a bus given whole)."""
    if name in sym_names:
        return (), False
    dims: list[int] = []
    is_bus = False
    for symbol in sym_names:
        match = _INDICES.fullmatch(symbol[len(name) :]) if symbol.startswith(name) else None
        if match is not None:
            indices = [int(i) for i in re.findall(r"[0-9]+", match.group(1))]
            dims = [max(d, i + 1) for d, i in zip(dims or [0] * len(indices), indices, strict=True)]
            is_bus = is_bus or match.group(2) is not None
    return (tuple(dims), is_bus) if dims else None


def _dims_text(dims: tuple[int, ...]) -> str:
    return "".join(f"[{d}]" for d in dims)


def _field_elements(name: str, raw_values: list[object], problems: list[str]) -> list[int]:
    values: list[int] = []
    for index, raw in enumerate(raw_values):
        where = f'signal "{name}"' + (f" at index {index}" if len(raw_values) > 1 else "")
        value = _parse_value(raw)
        if isinstance(value, str):
            problems.append(f"{where}: {value}")
        else:
            values.append(value)
    return values


def _parse_value(raw: object) -> int | str:
    """The field element `raw` denotes, or a sentence saying why it is not one."""
    if isinstance(raw, str) and (_DECIMAL.fullmatch(raw) or _HEX.fullmatch(raw)):
        if len(raw) > _MAX_SHOWN:  # far above r (and maybe beyond Python's int/str limit)
            return f"a {len(raw)}-digit number is not below the field modulus r"
        raw = int(raw, 16 if raw.startswith("0x") else 10)
    if isinstance(raw, bool) or not isinstance(raw, int):
        return f"{_shown(raw)} is not an integer or a decimal string"
    if raw < 0:
        return (
            f"{_shown(raw)} is negative (field elements are 0 <= v < r; the JS would wrap it mod r)"
        )
    if raw >= R:
        return f"{_shown(raw)} is not below the field modulus r (the JS would reduce it mod r)"
    return raw


_MAX_SHOWN = 100  # characters of a bad value an error message quotes (r has 77 digits)


def _shown(raw: object) -> str:
    """`raw` as an error message quotes it: whole when short, else its size."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 4 * _MAX_SHOWN:
        return f"a {raw.bit_length()}-bit number"  # str() of it may exceed the int/str limit
    text = repr(raw)
    return text if len(text) <= _MAX_SHOWN else f"{text[: _MAX_SHOWN - 3]}..."


def _base_name(qualified: str) -> str:
    # "p.x" and "q[1].y" set parts of the inputs "p" and "q".
    return re.split(r"[.\[]", qualified, maxsplit=1)[0]


def _default_sym(wasm_path: Path) -> Path | None:
    # circom writes <out>/<name>.sym beside <out>/<name>_js/<name>.wasm.
    candidate = wasm_path.parent.parent / f"{wasm_path.stem}.sym"
    return candidate if candidate.is_file() else None


def _input_signals(session: _Session, sym_path: Path) -> dict[str, int]:
    """main's input signals and their sizes: names from the .sym, sizes from the wasm."""
    sizes: dict[str, int] = {}
    for name in read_sym(sym_path).names():
        # "main.pathElements[2]" -> "pathElements"; subcomponents ("main.hashers[0].out")
        # give names the wasm does not know as inputs, dropped below.
        if name.startswith("main."):
            base = _base_name(name[len("main.") :])
            if base not in sizes:
                sizes[base] = session.call("getInputSignalSize", *fnv1a_64(base))
    return {name: size for name, size in sizes.items() if size > 0}
