"""Witnesses computed by circuit wasm under wasmtime, checked against snarkjs and circom's JS."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import exactly
from toolchain.errors import InputError, WitnessError
from toolchain.formats.wtns import write_wtns
from toolchain.native.field import R
from toolchain.runner.wasi import load_module
from toolchain.witness.calculator import WitnessCalculator, calculate_witness

pytestmark = pytest.mark.integration

WtnsOracle = Callable[[Path, dict[str, object]], bytes]

MERKLE_INPUTS: dict[str, object] = {
    "leaf": "5",
    "pathElements": ["11", "22", "33", str(R - 1)],
    "pathIndices": [0, 1, 1, 0],
}
BUS_INPUTS: dict[str, object] = {
    "p": {"x": 2, "y": 3},
    "q": [{"x": 5, "y": 7}, {"x": 11, "y": 13}],
    "k": 17,
}


# How a negative input value is refused, after the value.
NEGATIVE = " (field elements are 0 <= v < r; the JS would wrap it mod r)"


def _wtns_bytes(values: list[int], tmp_path: Path) -> bytes:
    path = tmp_path / "ours.wtns"
    write_wtns(path, values)
    return path.read_bytes()


def _calculator(wasm: Path, cache: Path, **kwargs: Path) -> WitnessCalculator:
    return WitnessCalculator(wasm, cache_dir=cache, **kwargs)


def _refused(wasm: Path, cache: Path, inputs: dict[str, object], message: str) -> None:
    """The inputs are refused with exactly `message` (one line), before the circuit runs."""
    with pytest.raises(InputError, match=exactly(message)):
        _calculator(wasm, cache).calculate(inputs)


@pytest.mark.parametrize(
    ("name", "inputs"),
    [
        ("multiplier", {"a": 3, "b": "11"}),
        ("merkle", MERKLE_INPUTS),
        ("bounded", {"x": "99", "m": [[1, 2], [3, 4]]}),
    ],
)
def test_wtns_is_byte_identical_to_snarkjs(
    circuits: dict[str, Path],
    module_cache: Path,
    snarkjs_wtns: WtnsOracle,
    tmp_path: Path,
    name: str,
    inputs: dict[str, object],
) -> None:
    witness = calculate_witness(circuits[name], inputs, cache_dir=module_cache)
    assert _wtns_bytes(witness, tmp_path) == snarkjs_wtns(circuits[name], inputs)


def test_bus_objects_match_circoms_own_js(
    circuits: dict[str, Path], module_cache: Path, circom_js_wtns: WtnsOracle, tmp_path: Path
) -> None:
    witness = calculate_witness(circuits["buses"], BUS_INPUTS, cache_dir=module_cache)
    assert _wtns_bytes(witness, tmp_path) == circom_js_wtns(circuits["buses"], BUS_INPUTS)


def test_flat_bus_names_give_the_same_witness(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    flat = {"p.x": 2, "p.y": 3, "q[0].x": 5, "q[0].y": 7, "q[1].x": 11, "q[1].y": 13, "k": 17}
    whole = {"p": [2, 3], "q": [5, 7, 11, 13], "k": 17}
    calculator = _calculator(circuits["buses"], module_cache)
    assert calculator.calculate(flat) == calculator.calculate(whole)
    assert calculator.calculate(whole) == calculator.calculate(BUS_INPUTS)


def test_calculator_describes_the_circuit(circuits: dict[str, Path], module_cache: Path) -> None:
    calculator = _calculator(circuits["merkle"], module_cache)
    assert calculator.version[0] == 2
    assert calculator.input_size == 9
    assert calculator.input_signals == {"leaf": 1, "pathElements": 4, "pathIndices": 4}


def test_assert_failure_carries_circoms_message(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    message = "bounded.wasm: Assert Failed.\nError in template Bounded_0 line: 10"
    with pytest.raises(WitnessError, match=exactly(message)):
        calculate_witness(
            circuits["bounded"], {"x": 100, "m": [[0, 0], [0, 1]]}, cache_dir=module_cache
        )


def test_unsatisfied_constraint_carries_circoms_message(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    message = "square.wasm: Assert Failed.\nError in template Square_0 line: 8"
    with pytest.raises(WitnessError, match=exactly(message)):
        calculate_witness(circuits["square"], {"x": 3, "y": 10}, cache_dir=module_cache)


def test_threads_sharing_a_calculator_get_their_own_messages(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    # The runtime imports are shared by every store, and wasmtime-py passes a callback's
    # exception through one global: each call's abort and messages must stay its own.
    calculator = _calculator(circuits["square"], module_cache)

    def outcome(y: int) -> str:
        try:
            return str(calculator.calculate({"x": 3, "y": y}))
        except WitnessError as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(outcome, [9, 10] * 250))
    assert results[0::2] == [str(calculator.calculate({"x": 3, "y": 9}))] * 250
    assert all(r.count("Error in template Square_0 line: 8") == 1 for r in results[1::2])


def test_circuit_log_goes_to_logging(
    circuits: dict[str, Path], module_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="toolchain.witness.calculator"):
        calculate_witness(
            circuits["bounded"], {"x": 42, "m": [[0, 0], [0, 1]]}, cache_dir=module_cache
        )
    assert "bounded.wasm: x is 42" in caplog.messages


def test_wrong_number_of_values(circuits: dict[str, Path], module_cache: Path) -> None:
    inputs = {**MERKLE_INPUTS, "pathElements": [1, 2, 3]}
    message = 'merkle.wasm: signal "pathElements" expects 4 values, got 3'
    _refused(circuits["merkle"], module_cache, inputs, message)


def test_unknown_signal_lists_the_real_ones(circuits: dict[str, Path], module_cache: Path) -> None:
    message = (
        'merkle.wasm: unknown input signal "root"'
        " (the circuit's inputs are leaf, pathElements, pathIndices)"
    )
    _refused(circuits["merkle"], module_cache, {**MERKLE_INPUTS, "root": 1}, message)


def test_missing_signals_are_named(circuits: dict[str, Path], module_cache: Path) -> None:
    message = 'merkle.wasm: missing input signals: "leaf", "pathIndices"'
    _refused(circuits["merkle"], module_cache, {"pathElements": [1, 2, 3, 4]}, message)


def test_missing_signals_are_counted_without_a_sym(
    circuits: dict[str, Path], module_cache: Path, tmp_path: Path
) -> None:
    wasm = tmp_path / "alone" / "merkle.wasm"
    wasm.parent.mkdir()
    shutil.copy(circuits["merkle"], wasm)
    message = "merkle.wasm: only 4 of the circuit's 9 input values were given"
    with pytest.raises(InputError, match=exactly(message)):
        calculate_witness(wasm, {"pathElements": [1, 2, 3, 4]}, cache_dir=module_cache)


def test_incomplete_bus_is_reported(circuits: dict[str, Path], module_cache: Path) -> None:
    message = 'buses.wasm: missing input signals: "p" (1 of 2 values)'
    _refused(circuits["buses"], module_cache, {**BUS_INPUTS, "p": {"x": 2}}, message)


def test_bus_given_whole_and_by_field_is_reported(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    inputs = {**BUS_INPUTS, "p": [2, 3], "p.x": 4}
    message = 'buses.wasm: signal "p.x" is also set by "p"'
    _refused(circuits["buses"], module_cache, inputs, message)


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        (-1, f"-1 is negative{NEGATIVE}"),
        ("-1", "'-1' is not an integer or a decimal string"),
        (R, f"{R} is not below the field modulus r (the JS would reduce it mod r)"),
        (str(R + 5), f"{R + 5} is not below the field modulus r (the JS would reduce it mod r)"),
        ("1" * 5000, "a 5000-digit number is not below the field modulus r"),
        (1.5, "1.5 is not an integer or a decimal string"),
        (True, "True is not an integer or a decimal string"),
        (None, "None is not an integer or a decimal string"),
        ("12abc", "'12abc' is not an integer or a decimal string"),
        (" 12", "' 12' is not an integer or a decimal string"),
    ],
)
def test_bad_values_name_signal_and_index(
    circuits: dict[str, Path], module_cache: Path, value: object, complaint: str
) -> None:
    inputs = {**MERKLE_INPUTS, "pathElements": [1, 2, value, 4]}
    message = f'merkle.wasm: signal "pathElements" at index 2: {complaint}'
    _refused(circuits["merkle"], module_cache, inputs, message)


def test_scalar_signal_has_no_index(circuits: dict[str, Path], module_cache: Path) -> None:
    message = f'multiplier.wasm: signal "b": -2 is negative{NEGATIVE}'
    _refused(circuits["multiplier"], module_cache, {"a": 3, "b": -2}, message)


def test_hex_strings_are_accepted_like_snarkjs(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    calculator = _calculator(circuits["multiplier"], module_cache)
    assert calculator.calculate({"a": "0x10", "b": 3}) == calculator.calculate({"a": 16, "b": 3})


def test_every_problem_is_reported_at_once(circuits: dict[str, Path], module_cache: Path) -> None:
    inputs = {"leaf": -1, "pathElements": [1], "pathIndices": [0, 1, 1, "x"], "extra": 0}
    message = (
        '4 problems in merkle.wasm: unknown input signal "extra" (the circuit\'s inputs are leaf,'
        f' pathElements, pathIndices); signal "leaf": -1 is negative{NEGATIVE}; signal'
        ' "pathElements" expects 4 values, got 1; signal "pathIndices" at index 3: \'x\' is not'
        " an integer or a decimal string"
    )
    _refused(circuits["merkle"], module_cache, inputs, message)


def test_missing_signals_come_with_the_other_problems(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    inputs = {"pathElements": [1, 2, -3, 4], "extra": 0}
    message = (
        '3 problems in merkle.wasm: unknown input signal "extra" (the circuit\'s inputs are'
        ' leaf, pathElements, pathIndices); signal "pathElements" at index 2: -3 is negative'
        f'{NEGATIVE}; missing input signals: "leaf", "pathIndices"'
    )
    _refused(circuits["merkle"], module_cache, inputs, message)


def test_problems_name_the_source(circuits: dict[str, Path], module_cache: Path) -> None:
    calculator = _calculator(circuits["multiplier"], module_cache)
    with pytest.raises(InputError, match=exactly(f'in.json: signal "b": -2 is negative{NEGATIVE}')):
        calculator.calculate({"a": 3, "b": -2}, source="in.json")


@pytest.mark.parametrize(
    ("m", "complaint"),
    [
        ([[1, 2, 3], [4]], 'signal "m" has shape [2][2], got a ragged array'),
        ([[1], [2], [3], [4]], 'signal "m" has shape [2][2], got an array [4][1]'),
        ([[[1, 2], [3, 4]]], 'signal "m" has shape [2][2], got an array [1][2][2]'),
    ],
)
def test_nested_arrays_must_have_the_declared_shape(
    circuits: dict[str, Path], module_cache: Path, m: object, complaint: str
) -> None:
    _refused(circuits["bounded"], module_cache, {"x": 1, "m": m}, f"bounded.wasm: {complaint}")


def test_nested_value_for_a_single_signal_and_a_flat_row_major_list(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    message = 'bounded.wasm: signal "x" is a single value, got an array [1][1]'
    _refused(circuits["bounded"], module_cache, {"x": [[1]], "m": [1, 2, 3, 4]}, message)
    calculator = _calculator(circuits["bounded"], module_cache)
    nested = calculator.calculate({"x": 1, "m": [[1, 2], [3, 4]]})
    assert calculator.calculate({"x": 1, "m": [1, 2, 3, 4]}) == nested


def test_arrays_of_buses_may_be_nested_per_element(
    circuits: dict[str, Path], module_cache: Path
) -> None:
    calculator = _calculator(circuits["buses"], module_cache)
    nested = {**BUS_INPUTS, "q": [[5, 7], [11, 13]]}
    assert calculator.calculate(nested) == calculator.calculate(BUS_INPUTS)
    message = 'buses.wasm: signal "q" has shape [2], got an array [1][4]'
    _refused(circuits["buses"], module_cache, {**BUS_INPUTS, "q": [[5, 7, 11, 13]]}, message)


def test_compiled_module_is_cached_and_reused(circuits: dict[str, Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = calculate_witness(circuits["multiplier"], {"a": 2, "b": 5}, cache_dir=cache)
    [cached] = (cache / "wasmtime").iterdir()
    stamp = cached.stat().st_mtime_ns
    second = calculate_witness(circuits["multiplier"], {"a": 2, "b": 5}, cache_dir=cache)
    assert first == second == [1, 10, 2, 5]
    assert cached.stat().st_mtime_ns == stamp


def test_compiled_module_is_loaded_once_per_process(
    circuits: dict[str, Path], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert load_module(circuits["multiplier"], cache) is load_module(circuits["multiplier"], cache)


def test_corrupt_cache_entry_is_recompiled(circuits: dict[str, Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_module(circuits["multiplier"], cache)
    [cached] = (cache / "wasmtime").iterdir()
    cached.write_bytes(b"not a compiled module")
    load_module(circuits["multiplier"], cache)
    assert cached.read_bytes() != b"not a compiled module"


def test_cache_dir_from_environment(
    circuits: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZKT_CACHE", str(tmp_path / "env-cache"))
    load_module(circuits["multiplier"])
    assert len(list((tmp_path / "env-cache" / "wasmtime").iterdir())) == 1
