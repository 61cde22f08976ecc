"""Pure argv builders and output parsers for circom (no process is started here)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class CircomFlags:
    """The flags that change circom's output (part of the compile cache key)."""

    optimization: int = 1
    prime: str = "bn128"


def compile_argv(
    source: Path, out_dir: Path, include_dirs: list[Path], flags: CircomFlags
) -> list[str]:
    """circom arguments (without the program) producing .r1cs, .sym and the witness wasm."""
    argv = [str(source), "--r1cs", "--wasm", "--sym", "-o", str(out_dir)]
    argv += [f"--O{flags.optimization}", "--prime", flags.prime]
    for directory in include_dirs:
        argv += ["-l", str(directory)]
    return argv


def strip_ansi(text: str) -> str:
    """circom colours its output; remove the escape codes for logs and messages."""
    return _ANSI.sub("", text)


# circom's report locations: `┌─ "/path/x.circom":18:33` (also in warnings).
_LOCATION = re.compile(r'"([^"\n]+)":(\d+):(\d+)')


def annotate_locations(output: str, explain: Callable[[str, int], str | None]) -> str:
    """circom's output with `explain(file, line)`'s note after every `"file":line:col` it gives."""

    def note(match: re.Match[str]) -> str:
        extra = explain(match.group(1), int(match.group(2)))
        return f"{match.group(0)} ({extra})" if extra else match.group(0)

    return _LOCATION.sub(note, output)


def parse_version(output: str) -> str | None:
    """`circom compiler 2.2.3` → `2.2.3`."""
    match = re.search(r"circom compiler (\d+\.\d+\.\d+)", strip_ansi(output))
    return match.group(1) if match else None


_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_INCLUDE = re.compile(r'\binclude\s+"([^"]+)"\s*;')


def parse_includes(source: str) -> list[tuple[str, int]]:
    """The `include "..."` targets of a circom source with their line numbers, comments ignored."""
    blanked = _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
    return [(m.group(1), blanked.count("\n", 0, m.start()) + 1) for m in _INCLUDE.finditer(blanked)]
