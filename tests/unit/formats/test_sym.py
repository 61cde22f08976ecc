"""The .sym reader: name → wire, wire → names, optimised-away signals, malformed lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.errors import FormatError
from toolchain.formats.sym import SymSignal, read_sym

# Shaped like circom's output for bounded.circom, plus a merged wire (7 carries two names).
SAMPLE = """\
1,1,0,main.y
2,2,0,main.x
3,-1,0,main.m[0][0]
4,3,0,main.m[1][1]
5,7,1,main.sub.out
6,7,1,main.sub.in

"""


def _sym(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.sym"
    path.write_text(text)
    return path


def test_name_to_wire(tmp_path: Path) -> None:
    symbols = read_sym(_sym(tmp_path, SAMPLE))
    assert symbols.wire_of("main.x") == 2
    assert symbols.wire_of("main.m[1][1]") == 3


def test_optimised_away_signal_has_no_wire(tmp_path: Path) -> None:
    symbols = read_sym(_sym(tmp_path, SAMPLE))
    assert symbols.wire_of("main.m[0][0]") is None
    assert symbols.signals[2] == SymSignal(label=3, wire=None, component=0, name="main.m[0][0]")


def test_wire_to_names(tmp_path: Path) -> None:
    symbols = read_sym(_sym(tmp_path, SAMPLE))
    assert symbols.names_of(7) == ("main.sub.out", "main.sub.in")
    assert symbols.names_of(1) == ("main.y",)
    assert symbols.names_of(0) == ()


def test_names_in_file_order(tmp_path: Path) -> None:
    symbols = read_sym(_sym(tmp_path, SAMPLE))
    assert list(symbols.names())[:3] == ["main.y", "main.x", "main.m[0][0]"]


def test_unknown_name_is_a_key_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match=r"main\.z"):
        read_sym(_sym(tmp_path, SAMPLE)).wire_of("main.z")


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("1,1,main.y", "expected 'label,wire,component,name'"),
        ("1,1,0,", "expected 'label,wire,component,name'"),
        ("1,x,0,main.y", "non-integer index"),
        ("1,-2,0,main.y", "negative index"),
        ("-1,1,0,main.y", "negative index"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, line: str, complaint: str) -> None:
    path = _sym(tmp_path, f"1,1,0,main.a\n{line}\n")
    with pytest.raises(FormatError, match=complaint) as caught:
        read_sym(path)
    assert f"{path}:2:" in str(caught.value)


def test_duplicate_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="listed twice"):
        read_sym(_sym(tmp_path, "1,1,0,main.a\n2,2,0,main.a\n"))


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sym"
    path.write_bytes(b"\xff\xfe\x00r1cs")
    with pytest.raises(FormatError, match="not a text"):
        read_sym(path)
