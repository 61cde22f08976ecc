"""zkt init --adopt on a small hand-made circom repository: registered, skipped, compiled."""

from __future__ import annotations

from pathlib import Path

from tests.integration.helpers import zkt
from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import open_workspace

LIB = """pragma circom 2.1.0;
template Square() { signal input x; signal output y; y <== x * x; }
"""
SQUARES = """pragma circom 2.1.0;
include "../lib/square.circom";
template SumOfSquares() {
    signal input a; signal input b; signal input total;
    signal sa <== Square()(a);
    signal sb <== Square()(b);
    total === sa + sb;
}
component main {public [total]} = SumOfSquares();
"""
HASHER = """pragma circom 2.1.0;
include "circomlib/circuits/poseidon.circom";
template Hasher() { signal input x; signal output h <== Poseidon(1)([x]); }
component main = Hasher();
"""


def test_adopt_registers_both_mains_skips_the_library_and_both_compile(tmp_path: Path) -> None:
    for path, text in {
        "circuits/lib/square.circom": LIB,
        "circuits/main/sum_of_squares.circom": SQUARES,
        "zk/hasher.circom": HASHER,
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.circom")}
    done = zkt("init", "--adopt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:3] == [
        "registered sum_of_squares: circuits/main/sum_of_squares.circom public ['total']",
        "registered hasher: zk/hasher.circom public []",
        "skipped    circuits/lib/square.circom: no `component main`: a library, included by others",
    ]
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.circom")} == before
    ws = open_workspace(tmp_path)
    assert [(e.name, e.public) for e in ws.registry.circuit] == [
        ("sum_of_squares", ["total"]),
        ("hasher", []),
    ]
    results = compile_circuits(ws)
    assert [r.name for r in results] == ["sum_of_squares", "hasher"]
    assert all(ws.project.r1cs(r.name).is_file() for r in results)
