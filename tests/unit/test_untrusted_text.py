"""Regression tests for what fuzzing found in the JSON and TOML readers (issue 13): each was a
foreign exception, a crash, or quadratic time or memory on main before `toolchain.textlimits`."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import exactly
from toolchain.api.prove import load_inputs
from toolchain.config import read_ceremony_config, read_registry
from toolchain.errors import ConfigError, FormatError, InputError
from toolchain.formats.snarkjs_json import read_proof, read_public, read_verification_key
from toolchain.integrity.model import parse_manifest
from toolchain.witness.calculator import flatten_inputs

HUGE = "1" * 5000
READERS: list[Callable[[Path], object]] = [read_proof, read_public, read_verification_key]


def _file(tmp_path: Path, data: bytes | str, name: str = "doc.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@pytest.mark.parametrize("reader", READERS)
def test_snarkjs_json_number_beyond_the_digit_limit(tmp_path: Path, reader: Callable) -> None:
    path = _file(tmp_path, f'{{"pi_a": [{HUGE}]}}' if reader is not read_public else f"[{HUGE}]")
    with pytest.raises(FormatError, match=r"doc\.json: a 5000-digit number \(at most 4300"):
        reader(path)


def test_depth_check_is_linear_on_escaped_quotes(tmp_path: Path) -> None:
    # The old regex retried from every quote: 100 KB of \" took ~22 s.
    path = _file(tmp_path, '\\"' * 50_000)
    start = time.perf_counter()
    with pytest.raises(FormatError, match=r"doc\.json: malformed JSON at line 1: Expecting value"):
        read_public(path)
    assert time.perf_counter() - start < 1


def test_depth_check_memory_is_linear(tmp_path: Path) -> None:
    # A 10 MB string of escapes peaked at 1.2 GB in the old regex's backtracking stack.
    path = _file(tmp_path, '["' + '\\"' * 500_000 + '"]')
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match=r"doc\.json: \[0\] is not a decimal string$"):
            read_public(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12 * path.stat().st_size


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 150_000 + "]" * 150_000, "JSON nested deeper than 64 levels"),
        ('{"x": ' + HUGE + "}", "a 5000-digit number (at most 4300 digits)"),
        (b'{"x": "\xff"}', "is not UTF-8 text"),
    ],
)
def test_input_json_refusals(tmp_path: Path, text: str | bytes, message: str) -> None:
    # 150,000 levels overflowed the C stack (py_ecc raises the recursion limit): a segfault.
    path = _file(tmp_path, text, "in.json")
    with pytest.raises(InputError, match=exactly(f"{path}: not valid JSON: {message}")):
        load_inputs(path)


def test_manifest_is_depth_checked() -> None:
    with pytest.raises(FormatError, match=r"^m\.json: not valid JSON: JSON nested deeper than 32"):
        parse_manifest("[" * 150_000 + "]" * 150_000, "m.json")


def _deep_list(depth: int) -> object:
    value: object = 7
    for _ in range(depth):
        value = [value]
    return value


def _deep_bus(depth: int) -> object:
    value: object = 7
    for _ in range(depth):
        value = {"a": value}
    return value


def test_flattener_has_no_recursion_limit() -> None:
    # 50,000 levels raised RecursionError in the recursive flattener.
    assert flatten_inputs({"x": _deep_list(50_000)}) == {"x": [7]}
    with pytest.raises(InputError, match=r'^signal "p" mixes objects and plain values$'):
        flatten_inputs({"p": [_deep_list(50_000), {"q": 1}]})
    flat = flatten_inputs({"p": [_deep_bus(20_000)]})
    assert list(flat.values()) == [[7]] and len(next(iter(flat))) == len("p[0]") + 2 * 20_000


def test_flattener_memory_is_linear_in_depth() -> None:
    # [[[...{"a": 1}...]]]: every level held its own longer name "p[0][0]...": 60 KB of JSON
    # took 1.4 GB.
    value: object = {"a": 1}
    for _ in range(10_000):
        value = [value]
    tracemalloc.start()
    try:
        flat = flatten_inputs({"p": value})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert flat == {"p" + "[0]" * 10_000 + ".a": [1]}
    assert peak < 4_000_000


CIRCUITS = '[[circuit]]\nname = "m"\ntemplate = "multiplier"\n'
CEREMONY = (
    '[ceremony]\nname = "c"\n[phase1]\npower = 8\n[beacon]\nhash = "00"\niterations_exp = 10\n'
)
TOML_READERS = [(read_registry, CIRCUITS), (read_ceremony_config, CEREMONY)]


@pytest.mark.parametrize(("reader", "valid"), TOML_READERS)
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (f"x = {HUGE}\n".encode(), "an integer longer than 4300 digits"),
        (b"# caf\xe9\n", "not UTF-8 text (byte {at})"),
        (b"x = " + b"[" * 60_000 + b"]" * 60_000 + b"\n", "nested deeper than 64 levels"),
    ],
)
def test_toml_refusals(
    tmp_path: Path, reader: Callable, valid: str, extra: bytes, message: str
) -> None:
    path = _file(tmp_path, extra + valid.encode(), "config.toml")
    at = extra.find(b"\xe9")
    with pytest.raises(
        ConfigError, match=exactly(f"{path}: invalid TOML: {message.format(at=at)}")
    ):
        reader(path)


def test_toml_brackets_in_strings_and_comments_do_not_count(tmp_path: Path) -> None:
    deep = "[" * 100
    text = f"""# {deep}\n[[circuit]]\nname = "m"\ntemplate = "multiplier"\n"""
    text += f"""description = \'\'\'{deep}\'\'\'\nparams = {{ a = ["{deep}", '{deep}'] }}\n"""
    assert read_registry(_file(tmp_path, text, "c.toml")).circuit[0].description == deep
