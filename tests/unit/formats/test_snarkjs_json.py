"""proof.json / public.json / verification_key.json: parsing, byte-exact writing, derivation."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.formats.helpers import CIRCUITS, vector
from toolchain.errors import FormatError, InvalidValueError
from toolchain.formats.snarkjs_json import (
    dump_proof,
    dump_public,
    dump_verification_key,
    parse_proof,
    parse_public,
    parse_verification_key,
    read_proof,
    read_public,
    read_verification_key,
    verification_key_from_zkey,
)
from toolchain.formats.zkey import open_zkey
from toolchain.native.curve import G1_GENERATOR, G1_IDENTITY, G2_IDENTITY
from toolchain.native.field import P, R
from toolchain.native.groth16 import Proof


def load(circuit: str, name: str) -> Any:
    return json.loads(vector(circuit, name).read_text())


# --- the real files -------------------------------------------------------------------------


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_snarkjs_files_round_trip_byte_for_byte(circuit: str) -> None:
    proof = read_proof(vector(circuit, "proof.json"))
    public = read_public(vector(circuit, "public.json"))
    vk = read_verification_key(vector(circuit, "verification_key.json"))
    assert dump_proof(proof) == vector(circuit, "proof.json").read_text()
    assert dump_public(public) == vector(circuit, "public.json").read_text()
    assert dump_verification_key(vk) == vector(circuit, "verification_key.json").read_text()
    assert vk.n_public == len(public)


def test_known_public_values() -> None:
    assert read_public(vector("multiplier", "public.json")) == [33]
    assert read_public(vector("poly", "public.json")) == [99, 2, 5]


@pytest.mark.parametrize("circuit", CIRCUITS)
def test_verification_key_derived_from_zkey_is_snarkjs_export(circuit: str) -> None:
    vk = verification_key_from_zkey(open_zkey(vector(circuit, f"{circuit}_final.zkey")))
    assert dump_verification_key(vk) == vector(circuit, "verification_key.json").read_text()


def test_identity_points_are_written_and_read_as_snarkjs_does() -> None:
    proof = Proof(a_g1=G1_IDENTITY, b_g2=G2_IDENTITY, c_g1=G1_GENERATOR)
    text = dump_proof(proof)
    obj = json.loads(text)
    assert obj["pi_a"] == ["0", "1", "0"]
    assert obj["pi_b"] == [["0", "0"], ["1", "0"], ["0", "0"]]
    assert parse_proof(obj) == proof


def test_empty_public_list_is_written_as_bfj_does() -> None:
    assert dump_public([]) == "[\n]"
    assert parse_public([]) == []


# --- hostile proof.json ---------------------------------------------------------------------


def proof_obj() -> dict[str, Any]:
    return copy.deepcopy(load("poly", "proof.json"))


@pytest.mark.parametrize(
    "bad", [5, "0x1f", "+5", " 5", "5 ", "05", "", "5.0", "1e3", "٥", "-1", None, ["5"]]
)
def test_non_decimal_coordinates_are_rejected(bad: object) -> None:
    obj = proof_obj()
    obj["pi_a"][0] = bad
    with pytest.raises(FormatError, match=r"^proof\.json: pi_a\[0\] is not a decimal string$"):
        parse_proof(obj)


@pytest.mark.parametrize("value", [P, P + 1, 10**76 * 9, int("9" * 80)])
def test_coordinates_at_or_above_p_are_rejected(value: int) -> None:
    obj = proof_obj()
    obj["pi_b"][1][0] = str(value)
    with pytest.raises(InvalidValueError, match=r"pi_b\[1\]\[0\] is not below the base field"):
        parse_proof(obj)


@pytest.mark.parametrize("digits", [78, 4301, 10_000])
def test_numbers_longer_than_any_field_element_are_refused_by_length(digits: int) -> None:
    # Past 4,300 digits int() itself refuses (a bare ValueError): the length guard comes first.
    obj = proof_obj()
    obj["pi_a"][0] = "9" * digits
    with pytest.raises(
        InvalidValueError,
        match=r"^proof\.json: pi_a\[0\] is not below the base field modulus p$",
    ):
        parse_proof(obj)
    with pytest.raises(
        InvalidValueError,
        match=r"^public\.json: \[0\] is not below the scalar field modulus r$",
    ):
        parse_public(["9" * digits])


def test_coordinate_just_below_p_is_accepted_by_the_model_but_off_curve() -> None:
    obj = proof_obj()
    obj["pi_c"][0] = str(P - 1)
    with pytest.raises(InvalidValueError, match="pi_c is not on the curve"):
        parse_proof(obj)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda o: o.update(protocol="plonk"), "protocol must be 'groth16'"),
        (lambda o: o.update(curve="bls12381"), "curve must be 'bn128'"),
        (lambda o: o.pop("pi_c"), "pi_c is missing"),
        (lambda o: o.update(extra="x"), "extra is not a field snarkjs writes"),
        (lambda o: o["pi_a"].append("1"), r"pi_a is invalid"),
        (lambda o: o["pi_a"].__setitem__(2, "2"), r'pi_a\[2\] must be "1"'),
        (lambda o: o["pi_b"].__setitem__(2, ["1", "1"]), r"pi_b\[2\] must be"),
        (lambda o: o.__setitem__("pi_a", ["1", "2", "0"]), r'pi_a\[2\] must be "1"'),
    ],
)
def test_proof_shape_errors(edit: Any, message: str) -> None:
    obj = proof_obj()
    edit(obj)
    with pytest.raises(FormatError, match=message):
        parse_proof(obj)


def test_not_an_object() -> None:
    with pytest.raises(FormatError, match=r"proof\.json: the document is invalid"):
        parse_proof(["pi_a"])


def test_several_problems_are_counted() -> None:
    obj = proof_obj()
    obj["pi_a"][0] = 1
    obj["pi_c"][1] = 2
    with pytest.raises(FormatError, match=r"\(and 1 more problems\)"):
        parse_proof(obj)


# --- hostile public.json and verification_key.json ------------------------------------------


def test_public_signals_must_be_below_r() -> None:
    assert parse_public([str(R - 1)]) == [R - 1]
    with pytest.raises(InvalidValueError, match=r"public\.json: \[1\] is not below the scalar"):
        parse_public(["1", str(R)])
    with pytest.raises(FormatError, match=r"\[0\] is not a decimal string"):
        parse_public([1])
    with pytest.raises(FormatError, match="the document is invalid"):
        parse_public({"0": "1"})


def vk_obj() -> dict[str, Any]:
    return copy.deepcopy(load("poly", "verification_key.json"))


@pytest.mark.parametrize(
    ("edit", "error", "message"),
    [
        (lambda o: o.update(nPublic=2), FormatError, "nPublic is 2 but IC has 4 points"),
        (lambda o: o.update(nPublic="3"), FormatError, "nPublic is invalid"),
        (lambda o: o.update(nPublic=True), FormatError, "nPublic is invalid"),
        (lambda o: o.update(nPublic=-1), FormatError, "nPublic is invalid"),
        (lambda o: o.update(IC=[]), FormatError, "IC is invalid"),
        (lambda o: o.update(protocol="fflonk"), FormatError, "protocol must be"),
        (lambda o: o["IC"][1].__setitem__(1, str(P)), InvalidValueError, r"IC\[1\]\[1\] is not"),
        (lambda o: o["vk_alphabeta_12"][1][2].__setitem__(0, "x"), FormatError, "alphabeta"),
        (lambda o: o.update(vk_alpha_1=["0", "1", "0"]), InvalidValueError, "point at infinity"),
        (lambda o: o["vk_delta_2"][0].__setitem__(0, "1"), InvalidValueError, "not on the curve"),
        (
            lambda o: o.update(vk_alphabeta_21=o["vk_alphabeta_12"]),
            FormatError,
            r"^verification_key\.json: vk_alphabeta_21 is not a field snarkjs writes$",
        ),
    ],
)
def test_verification_key_errors(edit: Any, error: type[Exception], message: str) -> None:
    obj = vk_obj()
    edit(obj)
    with pytest.raises(error, match=message):
        parse_verification_key(obj)


# --- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"pi_a": [', "malformed JSON at line 1"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"pi_a": 1, "pi_a": 2}', "duplicate key 'pi_a'"),
        (b'["1", NaN]', "NaN is not a JSON value"),
        (b"[" * 100000 + b"]" * 100000, "nested deeper than 16 levels"),
        (b'["[[[[[[[[[[[[[[[[[[[[[[[[[[["]', r"\[0\] is not a decimal string|is invalid"),
    ],
)
def test_malformed_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    for reader in (read_proof, read_public, read_verification_key):
        with pytest.raises(FormatError, match=message):
            reader(path)


def test_file_errors_name_the_path(tmp_path: Path) -> None:
    path = tmp_path / "proof.json"
    obj = proof_obj()
    obj["pi_a"][1] = "12a"
    path.write_text(json.dumps(obj))
    with pytest.raises(FormatError, match=rf"^{path}: pi_a\[1\] is not a decimal string$"):
        read_proof(path)
