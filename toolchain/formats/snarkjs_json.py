"""Strict models for snarkjs's Groth16 JSON: proof.json, public.json, verification_key.json.

The shapes snarkjs 0.7 writes (bfj, one-space indent, no trailing newline; `dump_*` reproduce
its bytes exactly):

    proof.json             {"pi_a": G1, "pi_b": G2, "pi_c": G1, "protocol": "groth16",
                            "curve": "bn128"}
    public.json            ["<decimal>", ...], each < r
    verification_key.json  {"protocol": "groth16", "curve": "bn128", "nPublic": int,
                            "vk_alpha_1": G1, "vk_beta_2": G2, "vk_gamma_2": G2,
                            "vk_delta_2": G2, "vk_alphabeta_12": GT, "IC": [G1, ...]}

    G1   ["x", "y", "1"]                            identity ["0", "1", "0"]
    G2   [["x.c0", "x.c1"], ["y.c0", "y.c1"], ["1", "0"]]
                                 identity [["0", "0"], ["1", "0"], ["0", "0"]]
    GT   [[c0, c1, c2], [c0, c1, c2]] of Fp2 pairs: Fp12 = Fp6[w]/(w² − v),
         Fp6 = Fp2[v]/(v³ − (9 + u)), as ffjavascript's toObject nests it

Every number is a string of decimal digits (no sign, no leading zero, no whitespace); scalars are
< r and coordinates < p; finite points must be on their curve (subgroup checks are the
verifier's). `nPublic` must equal len(IC) − 1. Errors name the file and the field, e.g.
`proof.json: pi_a[0] is not a decimal string`.

vk_alphabeta_12 is ffjavascript's pairing e(alpha, beta) (`native.pairing.snarkjs_pairing`; the
tests check `verification_key_from_zkey` against snarkjs's own export byte for byte).
`parse_verification_key` parses it but does not recompute it: the verifier never uses it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal, NoReturn, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from toolchain.errors import FormatError, InvalidValueError, VerificationError
from toolchain.formats.zkey import SECTION_IC, ZkeyFile
from toolchain.native.curve import (
    G1_IDENTITY,
    G2_IDENTITY,
    Fp2,
    G1Affine,
    G2Affine,
    is_on_curve_g1,
    is_on_curve_g2,
)
from toolchain.native.field import P, R
from toolchain.native.groth16 import Proof, VerificationKey, verification_key
from toolchain.native.verifier import check_points
from toolchain.textlimits import JsonRefusal, load_json

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_MAX_DIGITS = len(str(P))
# snarkjs's files nest at most 4 deep (vk_alphabeta_12); anything far deeper is hostile.
_MAX_DEPTH = 16
T = TypeVar("T")
PointT = TypeVar("PointT", G1Affine, G2Affine)


def _decimal(value: object, modulus: int, name: str) -> int:
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        raise PydanticCustomError("decimal", "is not a decimal string")
    if len(value) > _MAX_DIGITS or int(value) >= modulus:
        raise PydanticCustomError("range", f"is not below {name}")
    return int(value)


def _coordinate(value: object) -> int:
    return _decimal(value, P, "the base field modulus p")


def _scalar(value: object) -> int:
    return _decimal(value, R, "the scalar field modulus r")


Coordinate = Annotated[int, PlainValidator(_coordinate)]
Scalar = Annotated[int, PlainValidator(_scalar)]
Fp2Json = tuple[Coordinate, Coordinate]
G1Json = tuple[Coordinate, Coordinate, Coordinate]
G2Json = tuple[Fp2Json, Fp2Json, Fp2Json]
GtJson = tuple[tuple[Fp2Json, Fp2Json, Fp2Json], tuple[Fp2Json, Fp2Json, Fp2Json]]


class ProofJson(BaseModel):
    """proof.json exactly as snarkjs writes it (values validated, not yet points)."""

    # defer_build: built on first use (a native `zkt prove` writes proof JSON, reads none)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    pi_a: G1Json
    pi_b: G2Json
    pi_c: G1Json
    protocol: Literal["groth16"]
    curve: Literal["bn128"]


class VerificationKeyJson(BaseModel):
    """verification_key.json exactly as `snarkjs zkey export verificationkey` writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    protocol: Literal["groth16"]
    curve: Literal["bn128"]
    nPublic: Annotated[int, Strict(), Field(ge=0)]
    vk_alpha_1: G1Json
    vk_beta_2: G2Json
    vk_gamma_2: G2Json
    vk_delta_2: G2Json
    vk_alphabeta_12: GtJson
    IC: Annotated[list[G1Json], Field(min_length=1)]


_PROOF = TypeAdapter(ProofJson)
_VKEY = TypeAdapter(VerificationKeyJson)
_PUBLIC = TypeAdapter(list[Scalar])


# --- parsing -----------------------------------------------------------------------------------


def parse_proof(obj: object, source: str = "proof.json") -> Proof:
    """Validate a decoded proof.json object; `source` prefixes error messages."""
    model = validate_model(_PROOF, obj, source)
    return Proof(
        a_g1=g1_point(model.pi_a, "pi_a", source),
        b_g2=g2_point(model.pi_b, "pi_b", source),
        c_g1=g1_point(model.pi_c, "pi_c", source),
    )


def parse_public(obj: object, source: str = "public.json") -> list[int]:
    """Validate a decoded public.json object: a list of decimal strings below r."""
    return validate_model(_PUBLIC, obj, source)


def parse_verification_key(obj: object, source: str = "verification_key.json") -> VerificationKey:
    """Validate a decoded verification_key.json object."""
    model = validate_model(_VKEY, obj, source)
    if model.nPublic != len(model.IC) - 1:
        raise FormatError(
            f"{source}: nPublic is {model.nPublic} but IC has {len(model.IC)} points "
            f"(expected nPublic + 1)"
        )
    return VerificationKey(
        alpha_g1=g1_point(model.vk_alpha_1, "vk_alpha_1", source, finite=True),
        beta_g2=g2_point(model.vk_beta_2, "vk_beta_2", source, finite=True),
        gamma_g2=g2_point(model.vk_gamma_2, "vk_gamma_2", source, finite=True),
        delta_g2=g2_point(model.vk_delta_2, "vk_delta_2", source, finite=True),
        gamma_abc_g1=[g1_point(p, f"IC[{i}]", source) for i, p in enumerate(model.IC)],
        stored_alphabeta=model.vk_alphabeta_12,
    )


def read_proof(path: Path) -> Proof:
    """Read and validate a proof.json file."""
    return parse_proof(load_json_file(Path(path)), str(path))


def read_public(path: Path) -> list[int]:
    """Read and validate a public.json file."""
    return parse_public(load_json_file(Path(path)), str(path))


def read_verification_key(path: Path) -> VerificationKey:
    """Read and validate a verification_key.json file."""
    return parse_verification_key(load_json_file(Path(path)), str(path))


def read_verification_inputs(
    vkey: Path, public: Path, proof: Path
) -> tuple[VerificationKey, list[int], Proof]:
    """The three files of a verification, checked as the native verifier checks them (counts,
    ranges, curve, identity, G2 subgroup), whichever backend then verifies: errors name the file."""
    vk, inputs, parsed = read_verification_key(vkey), read_public(public), read_proof(proof)
    if len(inputs) != vk.n_public:
        raise VerificationError(
            f"{public}: {len(inputs)} public inputs, but {vkey} expects {vk.n_public}"
        )
    try:
        check_points(vk, parsed)
    except InvalidValueError as exc:
        source = proof if str(exc).startswith("proof") else vkey
        raise InvalidValueError(f"{source}: {exc}") from None
    return vk, inputs, parsed


def validate_model(adapter: TypeAdapter[T], obj: object, source: str) -> T:
    """`obj` validated by `adapter`; the first problem is one FormatError (InvalidValueError for
    a value out of range) naming `source` and the field."""
    try:
        return adapter.validate_python(obj)
    except ValidationError as exc:
        _raise_first(exc, source)


def _raise_first(exc: ValidationError, source: str) -> NoReturn:
    errors = exc.errors()
    first = errors[0]
    where = _render_loc(first["loc"])
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    kind = first["type"]
    if kind in ("decimal", "range"):
        error = InvalidValueError if kind == "range" else FormatError
        raise error(f"{source}: {where} {first['msg']}{more}") from None
    raise FormatError(f"{source}: {where} {_describe(first)}{more}") from None


def _render_loc(loc: tuple[int | str, ...]) -> str:
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    return text.lstrip(".") or "the document"


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field snarkjs writes"
    if kind == "literal_error":
        return f"must be {error.get('ctx', {}).get('expected')}"
    return f"is invalid: {error['msg']}"


def load_json_file(path: Path) -> object:
    """Decode a JSON file strictly: UTF-8, no duplicate keys, no NaN/Infinity, shallow, short."""
    try:
        return load_json(path.read_bytes(), max_depth=_MAX_DEPTH)
    except JsonRefusal as exc:
        raise FormatError(f"{path}: {exc}") from None


def g1_point(raw: tuple[int, int, int], field: str, source: str, finite: bool = False) -> G1Affine:
    """A G1Json value as an affine point on the curve (the identity refused when `finite`)."""
    x, y, z = raw
    if z == 0 and (x, y) == (0, 1):
        return _identity(G1_IDENTITY, field, source, finite)
    if z != 1:
        raise FormatError(f'{source}: {field}[2] must be "1" (or the point be ["0", "1", "0"])')
    if (x, y) == G1_IDENTITY or not is_on_curve_g1((x, y)):
        raise InvalidValueError(f"{source}: {field} is not on the curve")
    return x, y


def g2_point(raw: tuple[Fp2, Fp2, Fp2], field: str, source: str, finite: bool = False) -> G2Affine:
    """A G2Json value as an affine point on the twist (subgroup checks are the verifier's)."""
    x, y, z = raw
    if z == (0, 0) and (x, y) == ((0, 0), (1, 0)):
        return _identity(G2_IDENTITY, field, source, finite)
    if z != (1, 0):
        raise FormatError(f'{source}: {field}[2] must be ["1", "0"] (or the point the identity)')
    if (x, y) == G2_IDENTITY or not is_on_curve_g2((x, y)):
        raise InvalidValueError(f"{source}: {field} is not on the curve")
    return x, y


def _identity(identity: PointT, field: str, source: str, finite: bool) -> PointT:
    if finite:
        raise InvalidValueError(f"{source}: {field} is the point at infinity")
    return identity


# --- writing -----------------------------------------------------------------------------------


def dump_proof(proof: Proof) -> str:
    """proof.json text, byte for byte as snarkjs writes it."""
    return _render(
        {
            "pi_a": _g1_json(proof.a_g1),
            "pi_b": _g2_json(proof.b_g2),
            "pi_c": _g1_json(proof.c_g1),
            "protocol": "groth16",
            "curve": "bn128",
        }
    )


def dump_public(signals: list[int]) -> str:
    """public.json text, byte for byte as snarkjs writes it."""
    return _render([str(v) for v in signals])


def dump_verification_key(vk: VerificationKey) -> str:
    """verification_key.json text, byte for byte as `snarkjs zkey export verificationkey`."""
    return _render(
        {
            "protocol": "groth16",
            "curve": "bn128",
            "nPublic": vk.n_public,
            "vk_alpha_1": _g1_json(vk.alpha_g1),
            "vk_beta_2": _g2_json(vk.beta_g2),
            "vk_gamma_2": _g2_json(vk.gamma_g2),
            "vk_delta_2": _g2_json(vk.delta_g2),
            "vk_alphabeta_12": [[[str(c) for c in fp2] for fp2 in fp6] for fp6 in vk.alphabeta_12],
            "IC": [_g1_json(p) for p in vk.gamma_abc_g1],
        }
    )


def _g1_json(point: G1Affine) -> list[str]:
    if point == G1_IDENTITY:
        return ["0", "1", "0"]
    return [str(point[0]), str(point[1]), "1"]


def _g2_json(point: G2Affine) -> list[list[str]]:
    if point == G2_IDENTITY:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    (x0, x1), (y0, y1) = point
    return [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]


def _render(value: object, depth: int = 0) -> str:
    """JSON with a one-space indent as bfj writes it (an empty list is "[\\n]", not "[]")."""
    if isinstance(value, dict):
        items = [f"{json.dumps(k)}: {_render(v, depth + 1)}" for k, v in value.items()]
        return _block("{", items, "}", depth)
    if isinstance(value, list):
        return _block("[", [_render(v, depth + 1) for v in value], "]", depth)
    return json.dumps(value)


def _block(opening: str, items: list[str], closing: str, depth: int) -> str:
    pad = " " * depth
    if not items:
        return f"{opening}\n{pad}{closing}"
    body = ",\n".join(f"{pad} {item}" for item in items)
    return f"{opening}\n{body}\n{pad}{closing}"


# --- deriving the verification key ---------------------------------------------------------


def verification_key_from_zkey(zkey: ZkeyFile) -> VerificationKey:
    """The key `snarkjs zkey export verificationkey` derives from a .zkey (alphabeta on use)."""
    return verification_key(zkey.header, zkey.read_g1_section(SECTION_IC))
