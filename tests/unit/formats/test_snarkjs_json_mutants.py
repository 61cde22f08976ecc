"""snarkjs JSON refusals pinned to the letter: each names its file and field, in its own class.

Written against the survivors of `nox -s mutate` (docs/mutation.md): a refusal matched by a
fragment let a mutant drop the file name, the field or the point check without a test noticing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import exactly
from tests.unit.formats.helpers import vector
from tests.unit.native.helpers import twist_point
from toolchain.errors import FormatError, InvalidValueError, VerificationError
from toolchain.formats.snarkjs_json import (
    parse_proof,
    parse_public,
    parse_verification_key,
    read_proof,
    read_public,
    read_verification_inputs,
    read_verification_key,
)
from toolchain.native.curve import G1_IDENTITY, G2_IDENTITY

G1_INFINITY = ["0", "1", "0"]
G2_INFINITY = [["0", "0"], ["1", "0"], ["0", "0"]]


def load(name: str) -> Any:
    return copy.deepcopy(json.loads(vector("poly", name).read_text()))


def refused(error: type[Exception], message: str, parse: Callable[[], object]) -> None:
    """`parse` raises exactly `error` (not a subclass) with exactly `message`."""
    with pytest.raises(error, match=exactly(message)) as caught:
        parse()
    assert type(caught.value) is error


def files(tmp_path: Path, **edits: Any) -> tuple[Path, Path, Path]:
    """The poly vkey, public and proof written to tmp_path, each replaced where `edits` says."""
    written = []
    for name in ("verification_key", "public", "proof"):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(edits.get(name, load(f"{name}.json"))))
        written.append(path)
    vkey, public, proof = written
    return vkey, public, proof


def off_curve_g1() -> list[str]:
    return ["1", "1", "1"]


def off_curve_g2() -> list[list[str]]:
    return [["1", "1"], ["1", "1"], ["1", "0"]]


# --- points: each field named, each in its class ---------------------------------------------


@pytest.mark.parametrize("field", ["pi_a", "pi_b", "pi_c"])
def test_proof_points_off_the_curve_name_the_file_and_field(field: str) -> None:
    obj = load("proof.json")
    obj[field] = off_curve_g2() if field == "pi_b" else off_curve_g1()
    message = f"proof.json: {field} is not on the curve"
    refused(InvalidValueError, message, lambda: parse_proof(obj))


@pytest.mark.parametrize("field", ["vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2"])
def test_key_points_off_the_curve_name_the_file_and_field(field: str) -> None:
    obj = load("verification_key.json")
    obj[field] = off_curve_g1() if field == "vk_alpha_1" else off_curve_g2()
    message = f"verification_key.json: {field} is not on the curve"
    refused(InvalidValueError, message, lambda: parse_verification_key(obj))


@pytest.mark.parametrize("field", ["vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2"])
def test_key_points_at_infinity_are_refused_one_by_one(field: str) -> None:
    obj = load("verification_key.json")
    obj[field] = G1_INFINITY if field == "vk_alpha_1" else G2_INFINITY
    message = f"verification_key.json: {field} is the point at infinity"
    refused(InvalidValueError, message, lambda: parse_verification_key(obj))


def test_ic_points_are_named_by_index_and_may_be_the_identity() -> None:
    obj = load("verification_key.json")
    obj["IC"][2] = off_curve_g1()
    message = "verification_key.json: IC[2] is not on the curve"
    refused(InvalidValueError, message, lambda: parse_verification_key(obj))
    obj["IC"][2] = G1_INFINITY  # only alpha, beta, gamma and delta must be finite
    assert parse_verification_key(obj).gamma_abc_g1[2] == G1_IDENTITY


def test_proof_points_at_infinity_are_left_to_the_verifier() -> None:
    obj = load("proof.json")
    obj.update(pi_a=G1_INFINITY, pi_b=G2_INFINITY, pi_c=G1_INFINITY)
    proof = parse_proof(obj)
    assert (proof.a_g1, proof.b_g2, proof.c_g1) == (G1_IDENTITY, G2_IDENTITY, G1_IDENTITY)


@pytest.mark.parametrize(
    ("field", "z", "message"),
    [
        ("pi_a", "0", 'proof.json: pi_a[2] must be "1" (or the point be ["0", "1", "0"])'),
        ("pi_b", ["0", "0"], 'proof.json: pi_b[2] must be ["1", "0"] (or the point the identity)'),
    ],
)
def test_a_zero_z_makes_only_the_identity(field: str, z: object, message: str) -> None:
    # z = 0 with the coordinates of a real point is no encoding snarkjs writes.
    obj = load("proof.json")
    obj[field][2] = z
    refused(FormatError, message, lambda: parse_proof(obj))


@pytest.mark.parametrize(
    ("field", "xy"),
    [("pi_a", ["0", "1"]), ("pi_b", [["0", "0"], ["1", "0"]])],
)
def test_identity_coordinates_with_z_one_are_not_a_point(field: str, xy: list[object]) -> None:
    obj = load("proof.json")
    obj[field][:2] = xy
    refused(InvalidValueError, f"proof.json: {field} is not on the curve", lambda: parse_proof(obj))


# --- shape errors: their class and wording ----------------------------------------------------


def test_a_non_decimal_value_is_a_format_error_not_a_range_error() -> None:
    obj = load("proof.json")
    obj["pi_c"][1] = "0x1"
    refused(FormatError, "proof.json: pi_c[1] is not a decimal string", lambda: parse_proof(obj))


@pytest.mark.parametrize("name", ["Xtra", "XX"])
def test_an_unknown_field_is_named_as_written(name: str) -> None:
    obj = load("proof.json")
    obj[name] = "1"
    message = f"proof.json: {name} is not a field snarkjs writes"
    refused(FormatError, message, lambda: parse_proof(obj))


def test_literal_fields_name_the_expected_value() -> None:
    obj = load("proof.json")
    obj["protocol"] = "plonk"
    refused(FormatError, "proof.json: protocol must be 'groth16'", lambda: parse_proof(obj))


def test_several_problems_count_the_rest() -> None:
    refused(
        FormatError,
        "public.json: [0] is not a decimal string (and 2 more problems)",
        lambda: parse_public([1, 2, 3]),
    )


# --- files: the path prefixes every refusal ---------------------------------------------------


def test_file_readers_name_the_path(tmp_path: Path) -> None:
    vkey_obj = load("verification_key.json")
    vkey_obj["IC"][1][0] = "x"
    vkey, public, proof = files(tmp_path, verification_key=vkey_obj, public=["1", "y"])
    refused(FormatError, f"{public}: [1] is not a decimal string", lambda: read_public(public))
    message = f"{vkey}: IC[1][0] is not a decimal string"
    refused(FormatError, message, lambda: read_verification_key(vkey))
    assert read_proof(proof) == parse_proof(load("proof.json"))


# --- the three files of a verification --------------------------------------------------------


def test_verification_inputs_are_read_together(tmp_path: Path) -> None:
    vkey, public, proof = files(tmp_path)
    vk, inputs, parsed = read_verification_inputs(vkey, public, proof)
    assert vk == parse_verification_key(load("verification_key.json"))
    assert inputs == parse_public(load("public.json")) == [99, 2, 5]
    assert parsed == parse_proof(load("proof.json"))


@pytest.mark.parametrize("which", ["verification_key", "public", "proof"])
def test_each_verification_input_is_read_from_its_own_file(tmp_path: Path, which: str) -> None:
    damaged = {"verification_key": {"nPublic": 3}, "public": {"0": "1"}, "proof": []}
    vkey, public, proof = files(tmp_path, **{which: damaged[which]})
    path = {"verification_key": vkey, "public": public, "proof": proof}[which]
    detail = {
        "verification_key": "protocol is missing (and 7 more problems)",
        "public": "the document is invalid: Input should be a valid list",
        "proof": "the document is invalid: Input should be a valid dictionary or instance of"
        " ProofJson",
    }[which]
    refused(FormatError, f"{path}: {detail}", lambda: read_verification_inputs(vkey, public, proof))


@pytest.mark.parametrize("count", [2, 4])
def test_a_public_count_other_than_the_keys_is_refused(tmp_path: Path, count: int) -> None:
    vkey, public, proof = files(tmp_path, public=[str(v) for v in range(count)])
    message = f"{public}: {count} public inputs, but {vkey} expects 3"
    refused(VerificationError, message, lambda: read_verification_inputs(vkey, public, proof))


def test_a_proof_point_failing_the_verifiers_check_names_the_proof(tmp_path: Path) -> None:
    proof_obj = load("proof.json")
    proof_obj["pi_a"] = G1_INFINITY
    vkey, public, proof = files(tmp_path, proof=proof_obj)
    message = f"{proof}: proof A is the point at infinity"
    refused(InvalidValueError, message, lambda: read_verification_inputs(vkey, public, proof))


@pytest.mark.parametrize("field", ["beta", "gamma", "delta"])
def test_a_key_point_outside_g2_names_the_key(tmp_path: Path, field: str) -> None:
    (x0, x1), (y0, y1) = twist_point(1)  # on the twist, outside the order-r subgroup
    vkey_obj = load("verification_key.json")
    vkey_obj[f"vk_{field}_2"] = [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]
    vkey, public, proof = files(tmp_path, verification_key=vkey_obj)
    message = f"{vkey}: key {field} is not in the prime-order subgroup of G2"
    refused(InvalidValueError, message, lambda: read_verification_inputs(vkey, public, proof))
