"""Witness code that needs no circom: signal hashes, input qualification, and the runtime
protocol driven by a hand-written WAT stand-in for a circuit's wasm."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from tests.conftest import exactly
from toolchain.errors import FormatError, InputError, WitnessError
from toolchain.native.field import R
from toolchain.witness.calculator import WitnessCalculator, flatten_inputs, fnv1a_64

# The last lines of wasmtime's report of an `unreachable` trap (its backtrace comes before).
TRAP_CAUSE = r"(?s:.*)\n\nCaused by:\n    wasm trap: wasm `unreachable` instruction executed\n$"

# Speaks circom's protocol for one input "in" and two wires (1, then the input + 1). The input
# value picks the behaviour: 0 computes, 99 traps, anything else raises that exceptionHandler
# code after printing "boom" through printErrorMessage.
FAKE_CIRCUIT = """
(module
  (import "runtime" "exceptionHandler" (func $fail (param i32)))
  (import "runtime" "printErrorMessage" (func $print_error))
  (memory (export "memory") 1)
  (data (i32.const 64) "boom\\00")
  (data (i32.const 128) "{prime}")
  (global $msg (mut i32) (i32.const 64))
  (func (export "getVersion") (result i32) (i32.const {major}))
  (func (export "getMinorVersion") (result i32) (i32.const 2))
  (func (export "getPatchVersion") (result i32) (i32.const 3))
  (func (export "getSharedRWMemoryStart") (result i32) (i32.const 0))
  (func (export "getRawPrime") (memory.copy (i32.const 0) (i32.const 128) (i32.const 32)))
  (func (export "getFieldNumLen32") (result i32) (i32.const 8))
  (func (export "getWitnessSize") (result i32) (i32.const 2))
  (func (export "getInputSize") (result i32) (i32.const 1))
  (func (export "getInputSignalSize") (param i32 i32) (result i32)
    (i32.and
      (i32.eq (local.get 0) (i32.const {in_msb}))
      (i32.eq (local.get 1) (i32.const {in_lsb}))))
  (func (export "init") (param i32))
  (func (export "setInputSignal") (param i32 i32 i32)
    (if (i32.eq (i32.load (i32.const 0)) (i32.const 99)) (then unreachable))
    (if (i32.load (i32.const 0))
      (then (call $print_error) (call $fail (i32.load (i32.const 0)))))
    (i32.store (i32.const 32) (i32.const 1)))
  (func (export "getWitness") (param i32)
    (i32.store (i32.const 0) (i32.add (local.get 0) (i32.load (i32.const 32)))))
  (func (export "getMessageChar") (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (global.get $msg)))
    (if (local.get $c) (then (global.set $msg (i32.add (global.get $msg) (i32.const 1)))))
    (local.get $c)))
"""


def _fake_circuit(tmp_path: Path, major: int = 2, prime: int = R) -> WitnessCalculator:
    msb, lsb = (half - (1 << 32) if half >= 1 << 31 else half for half in fnv1a_64("in"))
    prime_bytes = "".join(f"\\{byte:02x}" for byte in prime.to_bytes(32, "little"))
    wat = FAKE_CIRCUIT.format(prime=prime_bytes, major=major, in_msb=msb, in_lsb=lsb)
    wasm = tmp_path / "fake_js" / "fake.wasm"
    wasm.parent.mkdir()
    wasm.write_bytes(wasmtime.wat2wasm(wat))
    return WitnessCalculator(wasm, cache_dir=tmp_path / "cache")


@pytest.mark.parametrize(
    ("name", "expected"),
    [  # fnvHash() from circom's witness_calculator.js, run under Node
        ("", "cbf29ce484222325"),
        ("a", "af63dc4c8601ec8c"),
        ("pathElements", "4099e7b711de8b07"),
        ("q[1].x", "c35d9afcfa7e390d"),
    ],
)
def test_fnv1a_matches_the_js(name: str, expected: str) -> None:
    msb, lsb = fnv1a_64(name)
    assert f"{msb:08x}{lsb:08x}" == expected


def test_nested_arrays_are_flattened_row_major() -> None:
    flat = flatten_inputs({"a": "1", "m": [[1, 2], [3, [4, 5]]], "e": []})
    assert flat == {"a": ["1"], "m": [1, 2, 3, 4, 5], "e": []}


def test_bus_objects_are_qualified_like_the_js() -> None:
    flat = flatten_inputs({"p": {"x": 1, "y": [2, 3]}, "q": [[{"x": 4}], [{"x": 5}]]})
    assert flat == {"p.x": [1], "p.y": [2, 3], "q[0][0].x": [4], "q[1][0].x": [5]}


def test_objects_mixed_with_values_are_refused() -> None:
    with pytest.raises(InputError, match=r'^signal "q" mixes objects and plain values$'):
        flatten_inputs({"q": [{"x": 1}, 2]})


def test_a_name_given_twice_is_refused() -> None:
    with pytest.raises(InputError, match=r'^signal "p\.x" is given twice$'):
        flatten_inputs({"p": {"x": 1}, "p.x": 2})


def test_flattening_problems_are_all_reported() -> None:
    message = 'signal "q" mixes objects and plain values; signal "p.x" is given twice'
    with pytest.raises(InputError, match=exactly(message)):
        flatten_inputs({"q": [{"x": 1}, 2], "p": {"x": 1}, "p.x": 2})


def test_inputs_must_be_an_object() -> None:
    with pytest.raises(InputError, match=r"^circuit inputs must be a JSON object, not list$"):
        flatten_inputs([1, 2])  # type: ignore[arg-type]


def test_protocol_computes_a_witness(tmp_path: Path) -> None:
    calculator = _fake_circuit(tmp_path)
    assert calculator.version == (2, 2, 3)
    assert (calculator.witness_size, calculator.input_size) == (2, 1)
    assert calculator.calculate({"in": 0}) == [1, 2]


def test_missing_input_is_counted(tmp_path: Path) -> None:
    message = "fake.wasm: only 0 of the circuit's 1 input values were given"
    with pytest.raises(InputError, match=exactly(message)):
        _fake_circuit(tmp_path).calculate({})


def test_unknown_input_is_refused_before_running(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r'^fake\.wasm: unknown input signal "out"$'):
        _fake_circuit(tmp_path).calculate({"in": 0, "out": 1})


@pytest.mark.parametrize(
    ("code", "error", "reason"),
    [
        (1, InputError, "Signal not found"),
        (3, InputError, "Signal already set"),
        (4, WitnessError, "Assert Failed"),
        (5, WitnessError, "Not enough memory"),
        (6, InputError, "Input signal array access exceeds the size"),
        (7, WitnessError, "Out of bounds array access"),
        (42, WitnessError, "Unknown error"),
    ],
)
def test_exception_codes_carry_the_circuits_message(
    tmp_path: Path, code: int, error: type[Exception], reason: str
) -> None:
    with pytest.raises(error, match=exactly(f"fake.wasm: {reason}.\nboom")):
        _fake_circuit(tmp_path).calculate({"in": code})


def test_trap_is_a_witness_error(tmp_path: Path) -> None:
    # wasmtime's own report follows, backtrace included; its last line names the trap.
    trapped = r"^fake\.wasm: the circuit trapped: error while executing at wasm backtrace:\n"
    with pytest.raises(WitnessError, match=trapped + TRAP_CAUSE):
        _fake_circuit(tmp_path).calculate({"in": 99})


def test_circom_1_wasm_is_refused(tmp_path: Path) -> None:
    wasm = tmp_path / "fake_js" / "fake.wasm"
    message = f"{wasm}: compiled by circom (1, 2, 3), need circom 2"
    with pytest.raises(FormatError, match=exactly(message)):
        _fake_circuit(tmp_path, major=1)


def test_other_prime_is_refused(tmp_path: Path) -> None:
    wasm = tmp_path / "fake_js" / "fake.wasm"
    message = f"{wasm}: compiled for another prime than BN254's r"
    with pytest.raises(FormatError, match=exactly(message)):
        _fake_circuit(tmp_path, prime=R - 2)


def test_not_wasm_is_a_format_error(tmp_path: Path) -> None:
    wasm = tmp_path / "bad.wasm"
    wasm.write_bytes(b"\x00asm garbage")
    message = (
        f"{wasm}: not a valid WebAssembly module: failed to parse WebAssembly module\n\n"
        "Caused by:\n    unknown binary version: 0x72616720 (at offset 0x4)\n"
    )
    with pytest.raises(FormatError, match=exactly(message)):
        WitnessCalculator(wasm, cache_dir=tmp_path / "cache")


def test_wasm_that_is_not_circom_is_a_format_error(tmp_path: Path) -> None:
    wasm = tmp_path / "empty.wasm"
    wasm.write_bytes(b"\x00asm\x01\x00\x00\x00")  # a valid module with no exports at all
    lacks = (
        "['getVersion', 'getMinorVersion', 'getPatchVersion', 'getSharedRWMemoryStart',"
        " 'getRawPrime', 'getFieldNumLen32', 'getWitnessSize', 'getInputSize',"
        " 'getInputSignalSize', 'init', 'setInputSignal', 'getWitness', 'getMessageChar',"
        " 'memory']"
    )
    message = f"{wasm}: not a circom 2 witness wasm (lacks {lacks})"
    with pytest.raises(FormatError, match=exactly(message)):
        WitnessCalculator(wasm, cache_dir=tmp_path / "cache")


def test_foreign_import_is_a_format_error(tmp_path: Path) -> None:
    wasm = tmp_path / "wasi.wasm"
    wasm.write_bytes(wasmtime.wat2wasm('(module (import "env" "f" (func)))'))
    with pytest.raises(FormatError, match=exactly(f"{wasm}: imports env.f, not circom's")):
        WitnessCalculator(wasm, cache_dir=tmp_path / "cache")
