"""Strict models for snarkjs's PLONK and fflonk JSON: proof.json and verification_key.json.

The shapes snarkjs 0.7.6 writes (`plonk prove`, `fflonk prove`, `zkey export verificationkey`);
G1, G2 and the decimal rules are `snarkjs_json`'s, public.json is shared with Groth16:

    PLONK proof    {"A" "B" "C" "Z" "T1" "T2" "T3" "Wxi" "Wxiw": G1,
                    "eval_a" "eval_b" "eval_c" "eval_s1" "eval_s2" "eval_zw": scalar,
                    "protocol": "plonk", "curve": "bn128"}
    PLONK vkey     {"protocol": "plonk", "curve": "bn128", "nPublic": int, "power": int,
                    "k1" "k2": scalar, "Qm" "Ql" "Qr" "Qo" "Qc" "S1" "S2" "S3": G1,
                    "X_2": G2, "w": scalar}
    fflonk proof   {"polynomials": {"C1" "C2" "W1" "W2": G1},
                    "evaluations": {"ql" "qr" "qm" "qo" "qc" "s1" "s2" "s3" "a" "b" "c" "z"
                                    "zw" "t1w" "t2w" "inv": scalar},
                    "protocol": "fflonk", "curve": "bn128"}
    fflonk vkey    {"protocol": "fflonk", "curve": "bn128", "nPublic": int, "power": int,
                    "k1" "k2" "w" "w3" "w4" "w8" "wr": scalar, "X_2": G2, "C0": G1}

Points must be on their curve; commitments may be the identity (a selector that is zero
everywhere commits to it), X_2 may not. `power` is at most 28 (snarkjs's largest ptau). Whether
the roots match the power is the verifier's check, not the parser's. `key_protocol` reads just
the "protocol" of a verification key, so callers can pick the parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, TypeAdapter

from toolchain.config import PROTOCOLS, Protocol
from toolchain.errors import FormatError, VerificationError
from toolchain.formats.snarkjs_json import (
    G1Json,
    G2Json,
    Scalar,
    g1_point,
    g2_point,
    load_json_file,
    read_public,
    validate_model,
)
from toolchain.native.universal import (
    FFLONK_EVALUATIONS,
    FflonkProof,
    FflonkVerificationKey,
    PlonkProof,
    PlonkVerificationKey,
)

MAX_POWER = 28
_Count = Annotated[int, Strict(), Field(ge=0)]
_Power = Annotated[int, Strict(), Field(ge=1, le=MAX_POWER)]


class _Json(BaseModel):
    # defer_build: built on first use (a Groth16 process never validates these)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class PlonkProofJson(_Json):
    """A PLONK proof.json exactly as `snarkjs plonk prove` writes it."""

    A: G1Json
    B: G1Json
    C: G1Json
    Z: G1Json
    T1: G1Json
    T2: G1Json
    T3: G1Json
    Wxi: G1Json
    Wxiw: G1Json
    eval_a: Scalar
    eval_b: Scalar
    eval_c: Scalar
    eval_s1: Scalar
    eval_s2: Scalar
    eval_zw: Scalar
    protocol: Literal["plonk"]
    curve: Literal["bn128"]


class PlonkVerificationKeyJson(_Json):
    """A PLONK verification_key.json exactly as `snarkjs zkey export verificationkey` writes it."""

    protocol: Literal["plonk"]
    curve: Literal["bn128"]
    nPublic: _Count
    power: _Power
    k1: Scalar
    k2: Scalar
    Qm: G1Json
    Ql: G1Json
    Qr: G1Json
    Qo: G1Json
    Qc: G1Json
    S1: G1Json
    S2: G1Json
    S3: G1Json
    X_2: G2Json
    w: Scalar


class FflonkCommitmentsJson(_Json):
    """fflonk proof.json's "polynomials"."""

    C1: G1Json
    C2: G1Json
    W1: G1Json
    W2: G1Json


class FflonkEvaluationsJson(_Json):
    """fflonk proof.json's "evaluations", every one of FFLONK_EVALUATIONS."""

    ql: Scalar
    qr: Scalar
    qm: Scalar
    qo: Scalar
    qc: Scalar
    s1: Scalar
    s2: Scalar
    s3: Scalar
    a: Scalar
    b: Scalar
    c: Scalar
    z: Scalar
    zw: Scalar
    t1w: Scalar
    t2w: Scalar
    inv: Scalar


class FflonkProofJson(_Json):
    """An fflonk proof.json exactly as `snarkjs fflonk prove` writes it."""

    polynomials: FflonkCommitmentsJson
    evaluations: FflonkEvaluationsJson
    protocol: Literal["fflonk"]
    curve: Literal["bn128"]


class FflonkVerificationKeyJson(_Json):
    """An fflonk verification_key.json as `snarkjs zkey export verificationkey` writes it."""

    protocol: Literal["fflonk"]
    curve: Literal["bn128"]
    nPublic: _Count
    power: _Power
    k1: Scalar
    k2: Scalar
    w: Scalar
    w3: Scalar
    w4: Scalar
    w8: Scalar
    wr: Scalar
    X_2: G2Json
    C0: G1Json


_PLONK_PROOF = TypeAdapter(PlonkProofJson)
_PLONK_VKEY = TypeAdapter(PlonkVerificationKeyJson)
_FFLONK_PROOF = TypeAdapter(FflonkProofJson)
_FFLONK_VKEY = TypeAdapter(FflonkVerificationKeyJson)
_PLONK_COMMITMENTS = ("A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw")
_PLONK_SELECTORS = ("Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3")


def key_protocol(obj: object, source: str = "verification_key.json") -> Protocol:
    """The "protocol" of a decoded verification key (or proof): groth16, plonk or fflonk."""
    protocol = obj.get("protocol") if isinstance(obj, dict) else None
    if protocol not in PROTOCOLS:
        shown = repr(protocol)[:40] if protocol is not None else "missing"
        raise FormatError(f"{source}: protocol is {shown}: expected one of {', '.join(PROTOCOLS)}")
    return protocol  # type: ignore[no-any-return]


def read_key_protocol(path: Path) -> Protocol:
    """The protocol a verification_key.json (or proof.json) file names."""
    return key_protocol(load_json_file(Path(path)), str(path))


def read_verification_protocol(vkey: Path, proof: Path) -> Protocol:
    """The protocol of a verification: the key's; VerificationError when the proof names another
    known one (a proof that names none, or an unknown one, is left to the protocol's parser);
    FormatError for a proof that is a list (public signals: the two files swapped)."""
    protocol = read_key_protocol(vkey)
    proof_obj = load_json_file(Path(proof))
    if isinstance(proof_obj, list):  # the commonest slip: the two files given the other way
        raise FormatError(
            f"{proof}: a JSON list, as public signals are, not a proof (PROOF comes before PUBLIC)"
        )
    named = proof_obj.get("protocol") if isinstance(proof_obj, dict) else None
    if named in PROTOCOLS and named != protocol:
        raise VerificationError(f"{proof}: a {named} proof, but {vkey} is a {protocol} key")
    return protocol


def parse_plonk_proof(obj: object, source: str = "proof.json") -> PlonkProof:
    """Validate a decoded PLONK proof.json object; `source` prefixes error messages."""
    model = validate_model(_PLONK_PROOF, obj, source)
    points = {n.lower(): g1_point(getattr(model, n), n, source) for n in _PLONK_COMMITMENTS}
    return PlonkProof(
        **points,
        eval_a=model.eval_a,
        eval_b=model.eval_b,
        eval_c=model.eval_c,
        eval_s1=model.eval_s1,
        eval_s2=model.eval_s2,
        eval_zw=model.eval_zw,
    )


def parse_plonk_verification_key(
    obj: object, source: str = "verification_key.json"
) -> PlonkVerificationKey:
    """Validate a decoded PLONK verification_key.json object."""
    model = validate_model(_PLONK_VKEY, obj, source)
    points = {n.lower(): g1_point(getattr(model, n), n, source) for n in _PLONK_SELECTORS}
    return PlonkVerificationKey(
        n_public=model.nPublic,
        power=model.power,
        k1=model.k1,
        k2=model.k2,
        w=model.w,
        x_2=g2_point(model.X_2, "X_2", source, finite=True),
        **points,
    )


def parse_fflonk_proof(obj: object, source: str = "proof.json") -> FflonkProof:
    """Validate a decoded fflonk proof.json object."""
    model = validate_model(_FFLONK_PROOF, obj, source)
    polys = model.polynomials
    return FflonkProof(
        c1=g1_point(polys.C1, "polynomials.C1", source),
        c2=g1_point(polys.C2, "polynomials.C2", source),
        w1=g1_point(polys.W1, "polynomials.W1", source),
        w2=g1_point(polys.W2, "polynomials.W2", source),
        evaluations={name: getattr(model.evaluations, name) for name in FFLONK_EVALUATIONS},
    )


def parse_fflonk_verification_key(
    obj: object, source: str = "verification_key.json"
) -> FflonkVerificationKey:
    """Validate a decoded fflonk verification_key.json object."""
    model = validate_model(_FFLONK_VKEY, obj, source)
    return FflonkVerificationKey(
        n_public=model.nPublic,
        power=model.power,
        k1=model.k1,
        k2=model.k2,
        w=model.w,
        w3=model.w3,
        w4=model.w4,
        w8=model.w8,
        wr=model.wr,
        x_2=g2_point(model.X_2, "X_2", source, finite=True),
        c0=g1_point(model.C0, "C0", source),
    )


UniversalKey = PlonkVerificationKey | FflonkVerificationKey
UniversalProof = PlonkProof | FflonkProof


def read_universal_verification_inputs(
    vkey: Path, public: Path, proof: Path
) -> tuple[UniversalKey, list[int], UniversalProof]:
    """The three files of a PLONK or fflonk verification, checked before any backend sees them:
    both name the same protocol, every value parses strictly, the input count is the key's."""
    key_obj, proof_obj = load_json_file(Path(vkey)), load_json_file(Path(proof))
    protocol = key_protocol(key_obj, str(vkey))
    if protocol == "groth16":
        raise FormatError(f"{vkey}: a Groth16 key: not a PLONK or fflonk one")
    named = key_protocol(proof_obj, str(proof))
    if named != protocol:
        raise VerificationError(f"{proof}: a {named} proof, but {vkey} is a {protocol} key")
    vk: UniversalKey
    parsed: UniversalProof
    if protocol == "plonk":
        vk = parse_plonk_verification_key(key_obj, str(vkey))
        parsed = parse_plonk_proof(proof_obj, str(proof))
    else:
        vk = parse_fflonk_verification_key(key_obj, str(vkey))
        parsed = parse_fflonk_proof(proof_obj, str(proof))
    inputs = read_public(Path(public))
    if len(inputs) != vk.n_public:
        raise VerificationError(
            f"{public}: {len(inputs)} public inputs, but {vkey} expects {vk.n_public}"
        )
    return vk, inputs, parsed
