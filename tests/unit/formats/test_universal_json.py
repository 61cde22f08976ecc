"""PLONK and fflonk proof.json / verification_key.json: the strict parsers on hostile documents.

The documents are built here in snarkjs 0.7.6's shapes, with valid points (multiples of the
generators) and scalars: the parsers check shape, ranges and curves, not the proof itself (real
snarkjs files go through them in tests/integration/test_universal_proofs.py). Every refusal is
one exact message naming the file and the field.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import exactly
from toolchain.errors import FormatError, InvalidValueError, VerificationError
from toolchain.formats.universal_json import (
    key_protocol,
    parse_fflonk_proof,
    parse_fflonk_verification_key,
    parse_plonk_proof,
    parse_plonk_verification_key,
    read_key_protocol,
    read_universal_verification_inputs,
    read_verification_protocol,
)
from toolchain.native.curve import G1_GENERATOR, G1_IDENTITY, G2_GENERATOR
from toolchain.native.field import P, R
from toolchain.native.universal import (
    FFLONK_EVALUATIONS,
    FflonkProof,
    FflonkVerificationKey,
    PlonkProof,
    PlonkVerificationKey,
)

G1 = [str(G1_GENERATOR[0]), str(G1_GENERATOR[1]), "1"]
G1_ZERO = ["0", "1", "0"]
(X0, X1), (Y0, Y1) = G2_GENERATOR
G2 = [[str(X0), str(X1)], [str(Y0), str(Y1)], ["1", "0"]]
G2_ZERO = [["0", "0"], ["1", "0"], ["0", "0"]]
OFF_G1 = ["1", "3", "1"]
OFF_G2 = [[str(X0), str(X1)], [str(Y0), str(Y1 + 1)], ["1", "0"]]
PLONK_POINTS = ("A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw")
PLONK_EVALS = ("eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw")
PLONK_SELECTORS = ("Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3")
FFLONK_POINTS = ("C1", "C2", "W1", "W2")
FFLONK_ROOTS = ("k1", "k2", "w", "w3", "w4", "w8", "wr")


def plonk_proof() -> dict[str, Any]:
    doc: dict[str, Any] = {name: list(G1) for name in PLONK_POINTS}
    doc.update({name: str(i + 5) for i, name in enumerate(PLONK_EVALS)})
    return {**doc, "protocol": "plonk", "curve": "bn128"}


def plonk_vkey() -> dict[str, Any]:
    doc: dict[str, Any] = {"protocol": "plonk", "curve": "bn128", "nPublic": 2, "power": 8}
    doc.update({"k1": "2", "k2": "3"})
    doc.update({name: list(G1) for name in PLONK_SELECTORS})
    return {**doc, "X_2": copy.deepcopy(G2), "w": "7"}


def fflonk_proof() -> dict[str, Any]:
    return {
        "polynomials": {name: list(G1) for name in FFLONK_POINTS},
        "evaluations": {name: str(i + 1) for i, name in enumerate(FFLONK_EVALUATIONS)},
        "protocol": "fflonk",
        "curve": "bn128",
    }


def fflonk_vkey() -> dict[str, Any]:
    doc: dict[str, Any] = {"protocol": "fflonk", "curve": "bn128", "nPublic": 1, "power": 9}
    doc.update({name: str(i + 2) for i, name in enumerate(FFLONK_ROOTS)})
    return {**doc, "X_2": copy.deepcopy(G2), "C0": list(G1)}


Parser = Callable[[object, str], object]
DOCUMENTS: list[tuple[str, Callable[[], dict[str, Any]], Parser]] = [
    ("plonk proof", plonk_proof, parse_plonk_proof),
    ("plonk vkey", plonk_vkey, parse_plonk_verification_key),
    ("fflonk proof", fflonk_proof, parse_fflonk_proof),
    ("fflonk vkey", fflonk_vkey, parse_fflonk_verification_key),
]


def _fields(doc: dict[str, Any], prefix: str = "") -> list[str]:
    """Every field path of `doc`, nested objects' fields included (a.b)."""
    paths = []
    for key, value in doc.items():
        paths.append(prefix + key)
        if isinstance(value, dict):
            paths += _fields(value, f"{prefix}{key}.")
    return paths


def _set(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    *parents, last = path.split(".")
    target = doc
    for parent in parents:
        target = target[parent]
    target[last] = value
    return doc


def _drop(doc: dict[str, Any], path: str) -> dict[str, Any]:
    *parents, last = path.split(".")
    target = doc
    for parent in parents:
        target = target[parent]
    del target[last]
    return doc


def _every_field() -> list[Any]:
    return [
        pytest.param(make, parse, path, id=f"{kind}-{path}")
        for kind, make, parse in DOCUMENTS
        for path in _fields(make())
    ]


# --- valid documents ------------------------------------------------------------------------


def test_plonk_documents_parse_into_values() -> None:
    proof = parse_plonk_proof(plonk_proof())
    assert proof.a == proof.wxiw == G1_GENERATOR
    assert (proof.eval_a, proof.eval_zw) == (5, 10)
    vk = parse_plonk_verification_key(plonk_vkey())
    assert (vk.n_public, vk.power, vk.k1, vk.k2, vk.w) == (2, 8, 2, 3, 7)
    assert vk.qm == vk.s3 == G1_GENERATOR and vk.x_2 == G2_GENERATOR


def test_fflonk_documents_parse_into_values() -> None:
    proof = parse_fflonk_proof(fflonk_proof())
    assert proof.c1 == proof.w2 == G1_GENERATOR
    assert list(proof.evaluations) == list(FFLONK_EVALUATIONS)
    assert proof.evaluations["inv"] == len(FFLONK_EVALUATIONS)
    vk = parse_fflonk_verification_key(fflonk_vkey())
    assert (vk.n_public, vk.power, vk.wr) == (1, 9, 8)
    assert vk.c0 == G1_GENERATOR and vk.x_2 == G2_GENERATOR


@pytest.mark.parametrize(
    ("make", "parse", "field"),
    [
        (plonk_proof, parse_plonk_proof, "A"),
        (plonk_vkey, parse_plonk_verification_key, "Qc"),
        (fflonk_proof, parse_fflonk_proof, "polynomials.W2"),
        (fflonk_vkey, parse_fflonk_verification_key, "C0"),
    ],
)
def test_a_commitment_may_be_the_identity(
    make: Callable[[], dict[str, Any]], parse: Parser, field: str
) -> None:
    parsed = parse(_set(make(), field, list(G1_ZERO)), "doc.json")
    assert getattr(parsed, field.split(".")[-1].lower()) == G1_IDENTITY


# --- every field: missing, extra, wrong type --------------------------------------------------


@pytest.mark.parametrize(("make", "parse", "path"), _every_field())
def test_every_field_missing_is_named(
    make: Callable[[], dict[str, Any]], parse: Parser, path: str
) -> None:
    with pytest.raises(FormatError, match=exactly(f"doc.json: {path} is missing")):
        parse(_drop(make(), path), "doc.json")


@pytest.mark.parametrize(("make", "parse", "path"), _every_field())
def test_every_field_of_the_wrong_type_is_named(
    make: Callable[[], dict[str, Any]], parse: Parser, path: str
) -> None:
    with pytest.raises(FormatError, match=rf"^doc\.json: {path}(\[0\])? "):
        parse(_set(make(), path, True), "doc.json")


@pytest.mark.parametrize(
    ("make", "parse", "where"),
    [
        (plonk_proof, parse_plonk_proof, ""),
        (plonk_vkey, parse_plonk_verification_key, ""),
        (fflonk_proof, parse_fflonk_proof, ""),
        (fflonk_proof, parse_fflonk_proof, "polynomials."),
        (fflonk_proof, parse_fflonk_proof, "evaluations."),
        (fflonk_vkey, parse_fflonk_verification_key, ""),
    ],
)
def test_an_extra_field_is_refused(
    make: Callable[[], dict[str, Any]], parse: Parser, where: str
) -> None:
    doc = _set(make(), f"{where}extra", "1")
    message = f"doc.json: {where}extra is not a field snarkjs writes"
    with pytest.raises(FormatError, match=exactly(message)):
        parse(doc, "doc.json")


@pytest.mark.parametrize("document", [[], "plonk", None, 3])
def test_a_document_that_is_not_an_object(document: object) -> None:
    with pytest.raises(FormatError, match=r"^doc\.json: the document is invalid: "):
        parse_plonk_proof(document, "doc.json")


# --- ranges ---------------------------------------------------------------------------------

SCALARS = [
    (plonk_proof, parse_plonk_proof, "eval_zw"),
    (plonk_vkey, parse_plonk_verification_key, "w"),
    (plonk_vkey, parse_plonk_verification_key, "k1"),
    (fflonk_proof, parse_fflonk_proof, "evaluations.inv"),
    (fflonk_vkey, parse_fflonk_verification_key, "wr"),
]


@pytest.mark.parametrize(("make", "parse", "path"), SCALARS)
@pytest.mark.parametrize("value", [R, R + 1, P, 10**80])
def test_a_scalar_not_below_r_is_refused(
    make: Callable[[], dict[str, Any]], parse: Parser, path: str, value: int
) -> None:
    message = f"doc.json: {path} is not below the scalar field modulus r"
    with pytest.raises(InvalidValueError, match=exactly(message)):
        parse(_set(make(), path, str(value)), "doc.json")


@pytest.mark.parametrize(("make", "parse", "path"), SCALARS)
@pytest.mark.parametrize("text", ["-1", "01", " 1", "1.0", "0x1f", "1e3", ""])
def test_a_scalar_that_is_not_a_decimal_string_is_refused(
    make: Callable[[], dict[str, Any]], parse: Parser, path: str, text: str
) -> None:
    message = f"doc.json: {path} is not a decimal string"
    with pytest.raises(FormatError, match=exactly(message)):
        parse(_set(make(), path, text), "doc.json")


def test_a_number_instead_of_a_decimal_string_is_refused() -> None:
    with pytest.raises(FormatError, match=exactly("doc.json: eval_a is not a decimal string")):
        parse_plonk_proof(_set(plonk_proof(), "eval_a", 5), "doc.json")


@pytest.mark.parametrize(
    ("make", "parse", "path"),
    [
        (plonk_proof, parse_plonk_proof, "Wxiw"),
        (plonk_vkey, parse_plonk_verification_key, "S3"),
        (fflonk_proof, parse_fflonk_proof, "polynomials.C2"),
        (fflonk_vkey, parse_fflonk_verification_key, "C0"),
    ],
)
def test_a_coordinate_not_below_p_is_refused(
    make: Callable[[], dict[str, Any]], parse: Parser, path: str
) -> None:
    message = f"doc.json: {path}[1] is not below the base field modulus p"
    with pytest.raises(InvalidValueError, match=exactly(message)):
        parse(_set(make(), path, [G1[0], str(P + 2), "1"]), "doc.json")


@pytest.mark.parametrize(
    ("make", "parse"),
    [(plonk_vkey, parse_plonk_verification_key), (fflonk_vkey, parse_fflonk_verification_key)],
)
@pytest.mark.parametrize("count", [-1, 1.5, "2", True, None])
def test_n_public_must_be_a_natural_number(
    make: Callable[[], dict[str, Any]], parse: Parser, count: object
) -> None:
    with pytest.raises(FormatError, match=r"^doc\.json: nPublic is invalid: "):
        parse(_set(make(), "nPublic", count), "doc.json")


@pytest.mark.parametrize(
    ("make", "parse"),
    [(plonk_vkey, parse_plonk_verification_key), (fflonk_vkey, parse_fflonk_verification_key)],
)
@pytest.mark.parametrize("power", [0, 29, -3, 10**6, "8", False])
def test_power_is_between_1_and_28(
    make: Callable[[], dict[str, Any]], parse: Parser, power: object
) -> None:
    with pytest.raises(FormatError, match=r"^doc\.json: power is invalid: "):
        parse(_set(make(), "power", power), "doc.json")


# --- points ---------------------------------------------------------------------------------

G1_FIELDS = [
    *[(plonk_proof, parse_plonk_proof, name) for name in PLONK_POINTS],
    *[(plonk_vkey, parse_plonk_verification_key, name) for name in PLONK_SELECTORS],
    *[(fflonk_proof, parse_fflonk_proof, f"polynomials.{name}") for name in FFLONK_POINTS],
    (fflonk_vkey, parse_fflonk_verification_key, "C0"),
]


@pytest.mark.parametrize(("make", "parse", "path"), G1_FIELDS)
def test_every_g1_point_off_the_curve_is_refused(
    make: Callable[[], dict[str, Any]], parse: Parser, path: str
) -> None:
    message = f"doc.json: {path} is not on the curve"
    with pytest.raises(InvalidValueError, match=exactly(message)):
        parse(_set(make(), path, list(OFF_G1)), "doc.json")


@pytest.mark.parametrize(
    ("point", "error", "message"),
    [
        (["1", "2"], FormatError, "{f}[2] is missing"),
        (
            ["1", "2", "1", "1"],
            FormatError,
            "{f} is invalid: Tuple should have at most 3 items after validation, not 4",
        ),
        (["1", "2", "2"], FormatError, '{f}[2] must be "1" (or the point be ["0", "1", "0"])'),
        (["0", "0", "1"], InvalidValueError, "{f} is not on the curve"),
        ("1", FormatError, "{f} is invalid: Input should be a valid tuple"),
    ],
)
def test_a_malformed_g1_point_is_refused(
    point: object, error: type[Exception], message: str
) -> None:
    expected = "doc.json: " + message.format(f="T2")
    with pytest.raises(error, match=exactly(expected)):
        parse_plonk_proof(_set(plonk_proof(), "T2", point), "doc.json")


@pytest.mark.parametrize(
    ("make", "parse"),
    [(plonk_vkey, parse_plonk_verification_key), (fflonk_vkey, parse_fflonk_verification_key)],
)
@pytest.mark.parametrize(
    ("point", "error", "message"),
    [
        (OFF_G2, InvalidValueError, "X_2 is not on the curve"),
        (G2_ZERO, InvalidValueError, "X_2 is the point at infinity"),
        (
            [G2[0], G2[1], ["1", "1"]],
            FormatError,
            'X_2[2] must be ["1", "0"] (or the point the identity)',
        ),
        ([G2[0], G2[1]], FormatError, "X_2[2] is missing"),
        (
            [G2[0], [str(P), "0"], ["1", "0"]],
            InvalidValueError,
            "X_2[1][0] is not below the base field modulus p",
        ),
    ],
)
def test_x_2_must_be_a_finite_point_of_the_twist(
    make: Callable[[], dict[str, Any]],
    parse: Parser,
    point: object,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=exactly(f"doc.json: {message}")):
        parse(_set(make(), "X_2", point), "doc.json")


@pytest.mark.parametrize(
    ("make", "parse", "field", "value"),
    [
        (plonk_proof, parse_plonk_proof, "protocol", "groth16"),
        (plonk_proof, parse_plonk_proof, "curve", "bls12381"),
        (fflonk_proof, parse_fflonk_proof, "protocol", "plonk"),
        (plonk_vkey, parse_plonk_verification_key, "protocol", "fflonk"),
        (fflonk_vkey, parse_fflonk_verification_key, "curve", "BN128"),
    ],
)
def test_protocol_and_curve_are_literal(
    make: Callable[[], dict[str, Any]], parse: Parser, field: str, value: str
) -> None:
    expected = {"protocol": make()["protocol"], "curve": "bn128"}[field]
    message = f"doc.json: {field} must be '{expected}'"
    with pytest.raises(FormatError, match=exactly(message)):
        parse(_set(make(), field, value), "doc.json")


# --- files: protocol, nesting, duplicates, counts ----------------------------------------------


def _write(folder: Path, name: str, doc: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc, indent=1))
    return path


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"protocol": "plonk2"}, "protocol is 'plonk2': expected one of groth16, plonk, fflonk"),
        ({"curve": "bn128"}, "protocol is missing: expected one of groth16, plonk, fflonk"),
        ([1, 2], "protocol is missing: expected one of groth16, plonk, fflonk"),
        ({"protocol": 2}, "protocol is 2: expected one of groth16, plonk, fflonk"),
    ],
)
def test_an_unknown_protocol_is_refused(doc: object, message: str) -> None:
    with pytest.raises(FormatError, match=exactly(f"vk.json: {message}")):
        key_protocol(doc, "vk.json")


def test_read_key_protocol_names_each_protocol(tmp_path: Path) -> None:
    assert read_key_protocol(_write(tmp_path, "p.json", plonk_vkey())) == "plonk"
    assert read_key_protocol(_write(tmp_path, "f.json", fflonk_proof())) == "fflonk"
    assert read_key_protocol(_write(tmp_path, "g.json", {"protocol": "groth16"})) == "groth16"


def test_deep_nesting_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 200 + "]" * 200)
    with pytest.raises(FormatError, match=exactly(f"{path}: JSON nested deeper than 16 levels")):
        read_key_protocol(path)


def test_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    text = json.dumps(plonk_vkey())
    path.write_text(text.replace('"w": "7"', '"w": "7", "w": "8"'))
    with pytest.raises(FormatError, match=exactly(f"{path}: duplicate key 'w'")):
        read_key_protocol(path)


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., tuple[Path, Path, Path]]:
    def write(vkey: object, public: object, proof: object) -> tuple[Path, Path, Path]:
        return (
            _write(tmp_path, "vk.json", vkey),
            _write(tmp_path, "public.json", public),
            _write(tmp_path, "proof.json", proof),
        )

    return write


def test_a_plonk_verification_parses(files: Callable[..., tuple[Path, Path, Path]]) -> None:
    vk, inputs, proof = read_universal_verification_inputs(
        *files(plonk_vkey(), ["1", "2"], plonk_proof())
    )
    assert isinstance(proof, PlonkProof) and isinstance(vk, PlonkVerificationKey)
    assert vk.n_public == 2 and inputs == [1, 2] and proof.eval_b == 6


def test_an_fflonk_verification_parses(files: Callable[..., tuple[Path, Path, Path]]) -> None:
    vk, inputs, proof = read_universal_verification_inputs(
        *files(fflonk_vkey(), ["3"], fflonk_proof())
    )
    assert isinstance(proof, FflonkProof) and isinstance(vk, FflonkVerificationKey)
    assert vk.n_public == 1 and inputs == [3] and proof.c1 == G1_GENERATOR


@pytest.mark.parametrize(
    ("vkey", "proof", "named", "key"),
    [
        (plonk_vkey, fflonk_proof, "fflonk", "plonk"),
        (fflonk_vkey, plonk_proof, "plonk", "fflonk"),
        (plonk_vkey, lambda: {"protocol": "groth16"}, "groth16", "plonk"),
    ],
)
def test_a_proof_of_another_protocol_is_rejected(
    files: Callable[..., tuple[Path, Path, Path]],
    vkey: Callable[[], dict[str, Any]],
    proof: Callable[[], dict[str, Any]],
    named: str,
    key: str,
) -> None:
    vk, public, pf = files(vkey(), ["1", "2"], proof())
    message = f"{pf}: a {named} proof, but {vk} is a {key} key"
    with pytest.raises(VerificationError, match=exactly(message)):
        read_universal_verification_inputs(vk, public, pf)
    with pytest.raises(VerificationError, match=exactly(message)):
        read_verification_protocol(vk, pf)


def test_a_groth16_key_is_not_a_universal_one(
    files: Callable[..., tuple[Path, Path, Path]],
) -> None:
    vk, public, pf = files({"protocol": "groth16"}, ["1"], plonk_proof())
    message = f"{vk}: a Groth16 key: not a PLONK or fflonk one"
    with pytest.raises(FormatError, match=exactly(message)):
        read_universal_verification_inputs(vk, public, pf)


def test_a_proof_naming_no_known_protocol_is_left_to_the_parser(
    files: Callable[..., tuple[Path, Path, Path]],
) -> None:
    vk, _, pf = files(plonk_vkey(), ["1", "2"], {**plonk_proof(), "protocol": "plonk2"})
    assert read_verification_protocol(vk, pf) == "plonk"


@pytest.mark.parametrize("public", [["1"], ["1", "2", "3"], []])
def test_the_public_input_count_is_the_keys(
    files: Callable[..., tuple[Path, Path, Path]], public: list[str]
) -> None:
    vk, pub, pf = files(plonk_vkey(), public, plonk_proof())
    message = f"{pub}: {len(public)} public inputs, but {vk} expects 2"
    with pytest.raises(VerificationError, match=exactly(message)):
        read_universal_verification_inputs(vk, pub, pf)


@pytest.mark.parametrize(
    ("public", "error", "message"),
    [
        ([str(R), "1"], InvalidValueError, "[0] is not below the scalar field modulus r"),
        (["1", "0x2"], FormatError, "[1] is not a decimal string"),
        ({"0": "1"}, FormatError, "the document is invalid: Input should be a valid list"),
    ],
)
def test_public_signals_are_checked(
    files: Callable[..., tuple[Path, Path, Path]],
    public: object,
    error: type[Exception],
    message: str,
) -> None:
    vk, pub, pf = files(plonk_vkey(), public, plonk_proof())
    with pytest.raises(error, match=exactly(f"{pub}: {message}")):
        read_universal_verification_inputs(vk, pub, pf)


def test_a_damaged_proof_names_the_proof_file(
    files: Callable[..., tuple[Path, Path, Path]],
) -> None:
    vk, pub, pf = files(fflonk_vkey(), ["1"], _set(fflonk_proof(), "polynomials.W1", OFF_G1))
    with pytest.raises(
        InvalidValueError, match=exactly(f"{pf}: polynomials.W1 is not on the curve")
    ):
        read_universal_verification_inputs(vk, pub, pf)
