"""Untrusted text before a parser sees it: one linear, bounded check shared by every reader.

Every JSON reader (snarkjs proof/public/vkey, circuit inputs, the manifest, transcripts) decodes
through `load_json`, and the TOML reader (`config`) checks its nesting with `nesting_depth`:

- size: at most `MAX_JSON_BYTES` (64 MiB) of JSON, checked before anything is decoded;
- text: UTF-8, strictly (a stray byte is refused, not replaced);
- nesting: at most `max_depth` brackets deep. py_ecc raises the recursion limit to 100000 when
  imported, so a deeply nested document would overflow the C stack inside `json.loads` (a
  segfault, not a RecursionError) or recurse for seconds in a pure-Python parser. The depth is
  measured in linear time and constant extra memory per byte: strings (and, for TOML, comments)
  are cut out by one possessive regex that never backtracks, what is left is reduced to its
  brackets, and their running sum is taken in C (`itertools.accumulate`);
- numbers: an integer longer than `MAX_INT_DIGITS` (Python's default int/str limit, 4300) is
  refused by name instead of escaping as a bare ValueError;
- strict JSON: no duplicate keys (unless the reader brings its own hook), no NaN / Infinity.

Every refusal is a `JsonRefusal` (a ValueError) with a one-line reason; the reader translates it
once into its own error family (FormatError, InputError, ...), prefixed with the file it read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any, NoReturn

MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_INT_DIGITS = 4300
# A JSON string (an unterminated one runs to the end; a backslash escapes any character)...
JSON_STRING = r'"[^"\\]*+(?:\\(?:.|\Z)[^"\\]*+)*+(?:"|\Z)'
# ... and runs of strings with what follows them up to the next bracket or quote: one match each.
JSON_SKIP = re.compile(rf'(?:{JSON_STRING}[^"\[\]{{}}]*+)++', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = tuple({ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}.get(b, 0) for b in range(256))

PairsHook = Callable[[list[tuple[str, Any]]], Any]


class JsonRefusal(ValueError):
    """Untrusted JSON refused before or while decoding; the message is one line, no file name."""


def nesting_depth(text: str, skip: re.Pattern[str] = JSON_SKIP) -> int:
    """The deepest nesting of the brackets []{} in `text` outside what `skip` matches (strings,
    comments). `skip` must never backtrack (possessive quantifiers), so this stays linear."""
    outside = skip.sub("", text).encode("utf-8", "surrogatepass")
    brackets = outside.translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def load_json(
    data: bytes | str,
    *,
    max_depth: int,
    max_bytes: int = MAX_JSON_BYTES,
    pairs_hook: PairsHook | None = None,
) -> Any:
    """Decode untrusted JSON within the limits above; JsonRefusal (one line) when refused.

    `pairs_hook` replaces the duplicate-key refusal; a JsonRefusal it raises passes through.
    """
    if len(data) > max_bytes:  # bytes, or characters of text already decoded
        raise JsonRefusal(f"JSON larger than {max_bytes} bytes")
    text = _utf8(data)
    if nesting_depth(text) > max_depth:
        raise JsonRefusal(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(
            text,
            object_pairs_hook=pairs_hook or unique_keys,
            parse_constant=_no_constants,
            parse_int=_integer,
        )
    except json.JSONDecodeError as exc:
        raise JsonRefusal(f"malformed JSON at line {exc.lineno}: {exc.msg}") from None


def _utf8(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonRefusal("is not UTF-8 text") from None


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object hook refusing a key given twice (json would keep the last one silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonRefusal(f"duplicate key {key[:64]!r}")
        out[key] = value
    return out


def _no_constants(name: str) -> NoReturn:
    raise JsonRefusal(f"{name} is not a JSON value")


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JsonRefusal(f"a {digits}-digit number (at most {MAX_INT_DIGITS} digits)")
    return int(text)
