"""Small mistakes a user hits: each refused on one `zkt: error:` line, with its exit family,
no traceback and no file created or changed; and `zkt verify --backend all`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import tree
from tests.integration.helpers import zkt
from tests.integration.test_cli_errors import make_project
from toolchain.api.ceremony import setup
from toolchain.api.compile import compile_circuits
from toolchain.api.prove import prove
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.ceremony.devptau import write_dev_ptau
from toolchain.ceremony.phase2 import export_verification_key, new_zkey

BOX = """pragma circom 2.1.0;
template Box() {
    signal input x;
    signal input m[2][2];
    signal output y;
    y <== x * m[1][1];
}
{{ main_component("Box") }}
"""
GOOD = {"x": 3, "m": [[1, 2], [3, 4]]}
USAGE = 2


@pytest.fixture(scope="module")
def boxed(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A one-circuit project (sq: x and m[2][2]) with a test key and a proof in build/sq/proof."""
    root = tmp_path_factory.mktemp("box")
    ws = open_workspace(make_project(root / "project", template=BOX))
    compile_circuits(ws)
    ptau = root / "dev8.ptau"
    write_dev_ptau(ptau, 8, "zk-toolchain tests")
    new_zkey(ws.tools, ws.project.r1cs("sq"), ptau, ws.project.zkey("sq"))
    export_verification_key(ws.project.zkey("sq"), ws.project.vkey("sq"))
    (root / "good.json").write_text(json.dumps(GOOD))
    prove(ws, "sq", root / "good.json", "native")
    return ws


def refused(ws: Workspace, code: int, message: str, *args: str, **env: str) -> None:
    """`zkt ARGS` exits `code` with exactly `message` on one line and changes no file."""
    before = tree(ws.project.root)
    done = zkt(*args, cwd=ws.project.root, env=env)
    assert (done.returncode, done.stderr) == (code, f"zkt: error: {message}\n"), done.stderr
    assert "Traceback" not in done.stdout
    assert tree(ws.project.root) == before


def _inputs(ws: Workspace, inputs: object, text: str | None = None) -> str:
    path = ws.project.root / "in.json"
    path.write_text(text if text is not None else json.dumps(inputs))
    return "in.json"


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (
            {"m": [[1, 2, 3], [4]], "z": 1, "x": "0xZZ"},
            '3 problems in in.json: unknown input signal "z" (the circuit\'s inputs are x, m);'
            " signal \"x\": '0xZZ' is not an integer or a decimal string;"
            ' signal "m" has shape [2][2], got a ragged array',
        ),
        ({"x": [[3]], "m": [1, 2, 3, 4]},
         'in.json: signal "x" is a single value, got an array [1][1]'),
        ({"m": [[1, 2], [3, 4]]}, 'in.json: missing input signals: "x"'),
        ({"x": -1, "m": [[1], [2], [3], [4]]}, "2 problems in in.json: signal \"x\": -1 is negative"
         " (field elements are 0 <= v < r; the JS would wrap it mod r);"
         ' signal "m" has shape [2][2], got an array [4][1]'),
    ],
)  # fmt: skip
def test_input_problems_all_on_one_line(boxed: Workspace, inputs: object, message: str) -> None:
    source = _inputs(boxed, inputs)
    refused(boxed, USAGE, message, "witness", "sq", source, "-o", "w.wtns")
    refused(boxed, USAGE, message, "prove", "sq", source, "--out", "p")


def test_a_key_given_twice_in_the_json(boxed: Workspace) -> None:
    source = _inputs(boxed, None, text='{"x": 1, "x": 2, "m": [1, 2, 3, 4]}')
    refused(boxed, USAGE, 'in.json: "x" given twice in one object', "witness", "sq", source)


ENGINE = "unknown engine 'bogus' (by name or $ZKT_ENGINE); known: auto, pure, mcl"
PROOF = ("build/sq/proof/proof.json", "build/sq/proof/public.json")


@pytest.mark.parametrize("backend", ["auto", "snarkjs", "native"])
def test_unknown_engine_is_refused_by_prove_and_verify(boxed: Workspace, backend: str) -> None:
    source = _inputs(boxed, GOOD)
    bogus = {"ZKT_ENGINE": "bogus"}
    refused(
        boxed, USAGE, ENGINE, "prove", "sq", source, "--backend", backend, "--out", "p", **bogus
    )
    refused(boxed, USAGE, ENGINE, "verify", "sq", *PROOF, "--backend", backend, **bogus)


def test_verify_checks_the_circuit_name(boxed: Workspace) -> None:
    refused(boxed, USAGE, "unknown circuit 'sqq' (known: sq)", "verify", "sqq", *PROOF)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("prove",), "Missing argument 'NAME'. (see zkt prove --help)"),
        (("verify", "sq", *PROOF, "--backend", "rapidsnark"),
         "Invalid value for '--backend': 'rapidsnark' is not one of 'auto', 'native', 'snarkjs',"
         " 'all'. (see zkt verify --help)"),
        (("zkey", "export", "k.zkey", "--bogus"),
         "No such option '--bogus'. Did you mean '--out'? (see zkt zkey export --help)"),
        (("bogus",), "No such command 'bogus'. (see zkt --help)"),
    ],
)  # fmt: skip
def test_click_usage_errors_are_one_line(
    boxed: Workspace, args: tuple[str, ...], message: str
) -> None:
    refused(boxed, USAGE, message, *args)


@pytest.mark.parametrize("name", ["", "   ", "x" * 300])
def test_zkey_contribute_refuses_bad_names(boxed: Workspace, name: str) -> None:
    message = f"contribution name {name!r}: 1 to 64 characters"
    key = str(boxed.project.zkey("sq"))
    refused(boxed, USAGE, message, "zkey", "contribute", key, "out.zkey", "--name", name)


@pytest.mark.parametrize("name", ["", "x" * 300])
def test_ceremony_contribute_refuses_bad_names(boxed: Workspace, tmp_path: Path, name: str) -> None:
    ws = open_workspace(make_project(tmp_path / "project", template=BOX))
    setup(ws, ("sq",), boxed.project.root.parent / "dev8.ptau")
    message = f"contribution name {name!r}: 1 to 64 characters"
    refused(ws, USAGE, message, "ceremony", "contribute", "sq", "--name", name)


def test_verify_with_every_backend(boxed: Workspace) -> None:
    done = zkt("verify", "sq", *PROOF, "--backend", "all", cwd=boxed.project.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "sq: valid proof (native verifier)\nsq: valid proof (snarkjs verifier)\n"
