"""The native PLONK verifier on the committed snarkjs PLONK vectors (tests/vectors/<c>/plonk):
valid proofs accepted on both engines, the transcript equal to snarkjs's, every tamper refused."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import exactly
from tests.unit.native.helpers import twist_point
from toolchain.errors import InvalidValueError, VerificationError
from toolchain.formats.universal_json import read_universal_verification_inputs
from toolchain.native.curve import (
    G1_GENERATOR,
    G1_IDENTITY,
    G2_IDENTITY,
    G1Affine,
    is_in_subgroup_g2,
)
from toolchain.native.engine import Engine
from toolchain.native.engine_mcl import MclEngine
from toolchain.native.field import R, root_of_unity
from toolchain.native.plonk import (
    compute_challenges,
    lagrange_evaluations,
    public_input_evaluation,
    verify_plonk,
)
from toolchain.native.universal import PlonkProof, PlonkVerificationKey

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
CIRCUITS = ("multiplier", "poly")
COMMITMENTS = ("a", "b", "c", "z", "t1", "t2", "t3", "wxi", "wxiw")
EVALUATIONS = ("eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw")
SELECTORS = ("qm", "ql", "qr", "qo", "qc", "s1", "s2", "s3")

Vector = tuple[PlonkVerificationKey, list[int], PlonkProof]


def load(circuit: str) -> Vector:
    """The committed key, public inputs and proof of one circuit, parsed strictly."""
    folder = VECTORS / circuit / "plonk"
    vk, public, proof = read_universal_verification_inputs(
        folder / "verification_key.json", folder / "public.json", folder / "proof.json"
    )
    assert isinstance(vk, PlonkVerificationKey) and isinstance(proof, PlonkProof)
    return vk, public, proof


def doubled(point: G1Affine, engine: Engine) -> G1Affine:
    """Another valid point: 2·P (the identity stays itself, so callers skip it)."""
    return engine.add_g1(point, point)


@pytest.fixture(params=CIRCUITS)
def vector(request: pytest.FixtureRequest) -> Vector:
    return load(request.param)


@pytest.fixture
def mcl(mcl_engine: MclEngine) -> MclEngine:
    """The fast engine for the many tamper cases (the pure engine runs the vectors and a few)."""
    return mcl_engine


def test_vectors_verify_on_every_engine(vector: Vector, engine: Engine) -> None:
    assert verify_plonk(*vector, engine=engine) is True


def test_tampered_commitment_fails_on_every_engine(vector: Vector, engine: Engine) -> None:
    vk, public, proof = vector
    tampered = replace(proof, wxi=doubled(proof.wxi, engine))
    assert verify_plonk(vk, public, tampered, engine) is False


def test_transcript_and_evaluations_equal_snarkjs() -> None:
    """`snarkjs plonk verify -v` on the poly vector printed these (hex) values."""
    vk, public, proof = load("poly")
    ch = compute_challenges(vk, public, proof)
    expected = {
        "beta": "2415cbf6d2fe9f4d7eac210c1c2f9bba297b3c5c078ad504e493afd9049c3a2b",
        "gamma": "149d82724938ca4dbdcc5181bdd9ca6d71e18b02b0ac56c299fa81a2fe157020",
        "alpha": "181e4ad779e64bbda9d7aa4a2f99bf0692a464d5a7ccbe28298f07e1f1206a5e",
        "xi": "1d95f8a319a1c1fbd384155a3f3998754ca0ab232719a23ad6f58eafba2a7487",
        "v": "c19728dc0013dd250201b41b78a18538b90a98ec0a1bac81eeac7a5145dd85d",
        "u": "2e57690699b8a3e2a2925594895b6884c9808ea8183518c9cb9599f9aa274033",
    }
    assert {name: f"{getattr(ch, name):x}" for name in expected} == expected
    zh = (pow(ch.xi, 1 << vk.power, R) - 1) % R
    lagrange = lagrange_evaluations(vk.power, ch.xi, zh, 3)
    assert [f"{value:x}" for value in lagrange] == [
        "1095b28eea6c34bcc3dff8057a4b40ef605dcb0846888ec8f0c33b35af20e4c5",
        "2342575c79a306cf402f6361228af6dbda2cf3b55d40391ccf118959686276a1",
        "16671f18ebc8e43d63cb3beb4cfeec8c9814af3698b5a455920dcdf09137623f",
    ]
    pi = public_input_evaluation(public, lagrange)
    assert f"{pi:x}" == "e774d933752de6028f67c9e280874cb06ada31314aad5f57fa275cd3f6daf7a"


@pytest.mark.parametrize("name", COMMITMENTS)
def test_each_commitment_changed_fails(vector: Vector, mcl: MclEngine, name: str) -> None:
    vk, public, proof = vector
    tampered = replace(proof, **{name: doubled(getattr(proof, name), mcl)})
    assert tampered != proof
    assert verify_plonk(vk, public, tampered, mcl) is False


@pytest.mark.parametrize("name", COMMITMENTS)
def test_each_commitment_set_to_identity_fails(vector: Vector, mcl: MclEngine, name: str) -> None:
    vk, public, proof = vector
    assert verify_plonk(vk, public, replace(proof, **{name: G1_IDENTITY}), mcl) is False


@pytest.mark.parametrize("name", EVALUATIONS)
def test_each_evaluation_plus_one_fails(vector: Vector, mcl: MclEngine, name: str) -> None:
    vk, public, proof = vector
    tampered = replace(proof, **{name: (getattr(proof, name) + 1) % R})
    assert verify_plonk(vk, public, tampered, mcl) is False


@pytest.mark.parametrize("name", EVALUATIONS)
def test_each_evaluation_plus_r_is_refused(vector: Vector, mcl: MclEngine, name: str) -> None:
    """snarkjs reduces such a value and accepts the proof; an alias of a valid proof is refused."""
    vk, public, proof = vector
    tampered = replace(proof, **{name: getattr(proof, name) + R})
    with pytest.raises(InvalidValueError, match=exactly(f"proof {name} is not in [0, r)")):
        verify_plonk(vk, public, tampered, mcl)


def test_each_public_input_changed_fails(vector: Vector, mcl: MclEngine) -> None:
    vk, public, proof = vector
    for index in range(len(public)):
        changed = [*public]
        changed[index] = (changed[index] + 1) % R
        assert verify_plonk(vk, changed, proof, mcl) is False


def test_each_public_input_plus_r_is_refused_before_the_math(
    vector: Vector, monkeypatch: pytest.MonkeyPatch
) -> None:
    vk, public, proof = vector
    monkeypatch.setattr("toolchain.native.plonk.compute_challenges", _never)
    for index in range(len(public)):
        aliased = [*public]
        aliased[index] += R
        with pytest.raises(
            InvalidValueError, match=exactly(f"public input {index} is not in [0, r)")
        ):
            verify_plonk(vk, aliased, proof, MclEngine(workers=1))


def _never(*_args: object) -> None:
    raise AssertionError("the transcript was computed for inputs that must be refused first")


def test_wrong_public_count_is_refused(vector: Vector, mcl: MclEngine) -> None:
    vk, public, proof = vector
    for count in (len(public) - 1, len(public) + 1):
        inputs = [*public, 0][:count]
        message = f"the verification key expects {vk.n_public} public inputs, got {count}"
        with pytest.raises(VerificationError, match=exactly(message)):
            verify_plonk(vk, inputs, proof, mcl)


def test_a_proof_for_the_other_circuit_fails(mcl: MclEngine) -> None:
    mult_vk, mult_public, mult_proof = load("multiplier")
    poly_vk, poly_public, poly_proof = load("poly")
    assert verify_plonk(mult_vk, mult_public, poly_proof, mcl) is False
    assert verify_plonk(poly_vk, poly_public, mult_proof, mcl) is False
    assert verify_plonk(poly_vk, [*mult_public, 0, 0], mult_proof, mcl) is False


@pytest.mark.parametrize("name", SELECTORS)
def test_each_changed_key_commitment_fails(vector: Vector, mcl: MclEngine, name: str) -> None:
    vk, public, proof = vector
    point = getattr(vk, name)
    changed = doubled(point, mcl) if point != G1_IDENTITY else G1_GENERATOR
    assert verify_plonk(replace(vk, **{name: changed}), public, proof, mcl) is False


def test_a_key_from_the_other_circuit_fails(mcl: MclEngine) -> None:
    mult_vk, mult_public, mult_proof = load("multiplier")
    poly_vk, _, _ = load("poly")
    other = replace(poly_vk, n_public=mult_vk.n_public)
    assert verify_plonk(other, mult_public, mult_proof, mcl) is False


@pytest.mark.parametrize(
    ("w", "message"),
    [
        (0, "key w is not a primitive 2^3-th root of unity"),
        (1, "key w is not a primitive 2^3-th root of unity"),
        (root_of_unity(2), "key w is not a primitive 2^3-th root of unity"),
        (root_of_unity(4), "key w is not a primitive 2^3-th root of unity"),
        (R - 1, "key w is not a primitive 2^3-th root of unity"),
        (pow(root_of_unity(3), 3, R), "key w is a 2^3-th root of unity, but not the generator "
         "snarkjs proves over"),
    ],
)  # fmt: skip
def test_a_key_whose_w_is_not_the_domain_generator_is_refused(
    vector: Vector, mcl: MclEngine, w: int, message: str
) -> None:
    vk, public, proof = vector
    assert vk.power == 3
    with pytest.raises(InvalidValueError, match=exactly(message)):
        verify_plonk(replace(vk, w=w), public, proof, mcl)


def test_a_key_with_a_larger_domain_is_refused_or_fails(vector: Vector, mcl: MclEngine) -> None:
    vk, public, proof = vector
    bigger = replace(vk, power=4, w=root_of_unity(4))
    assert verify_plonk(bigger, public, proof, mcl) is False
    with pytest.raises(InvalidValueError, match="key w is not a primitive 2\\^4-th root"):
        verify_plonk(replace(vk, power=4), public, proof, mcl)


@pytest.mark.parametrize("power", [0, 29, 10**6])
def test_a_key_with_an_impossible_power_is_refused(
    vector: Vector, mcl: MclEngine, power: int
) -> None:
    vk, public, proof = vector
    with pytest.raises(InvalidValueError, match=exactly(f"key power {power} is not in [1, 28]")):
        verify_plonk(replace(vk, power=power), public, proof, mcl)


@pytest.mark.parametrize(
    ("k1", "k2", "message"),
    [
        (0, 3, "key k1 gives no coset of the domain disjoint from it"),
        (1, 3, "key k1 gives no coset of the domain disjoint from it"),
        (root_of_unity(3), 3, "key k1 gives no coset of the domain disjoint from it"),
        (2, R, "key k2 gives no coset of the domain disjoint from it"),
        (2, 2, "key k1 and k2 give the same coset of the domain"),
        (2, 2 * root_of_unity(3) % R, "key k1 and k2 give the same coset of the domain"),
    ],
)
def test_a_key_with_overlapping_cosets_is_refused(
    vector: Vector, mcl: MclEngine, k1: int, k2: int, message: str
) -> None:
    vk, public, proof = vector
    with pytest.raises(InvalidValueError, match=exactly(message)):
        verify_plonk(replace(vk, k1=k1, k2=k2), public, proof, mcl)


def test_a_key_with_more_inputs_than_rows_is_refused(vector: Vector, mcl: MclEngine) -> None:
    vk, _, proof = vector
    with pytest.raises(
        InvalidValueError, match=exactly("key nPublic 9 exceeds the domain size 2^3")
    ):
        verify_plonk(replace(vk, n_public=9), [1] * 9, proof, mcl)


@pytest.mark.parametrize("x_2", [G2_IDENTITY, twist_point(5)])
def test_a_key_whose_x2_is_not_in_g2_is_refused(
    vector: Vector, mcl: MclEngine, x_2: object
) -> None:
    vk, public, proof = vector
    message = "key X_2 is not a finite point of the prime-order subgroup of G2"
    with pytest.raises(InvalidValueError, match=exactly(message)):
        verify_plonk(replace(vk, x_2=x_2), public, proof, mcl)


def random_proof(rng: random.Random, engine: Engine) -> PlonkProof:
    """A well-formed proof of random points (multiples of the generator) and evaluations."""
    points = engine.batch_mul_g1(G1_GENERATOR, [rng.randrange(1, R) for _ in COMMITMENTS])
    values = {name: rng.randrange(R) for name in EVALUATIONS}
    return PlonkProof(**dict(zip(COMMITMENTS, points, strict=True)), **values)


def test_random_valid_looking_proofs_never_verify(mcl: MclEngine, rng: random.Random) -> None:
    """Property: 200 random proofs, and 200 valid proofs with one random field replaced, fail."""
    for _ in range(100):
        for circuit in CIRCUITS:
            vk, public, proof = load(circuit)
            assert verify_plonk(vk, public, random_proof(rng, mcl), mcl) is False
            name = rng.choice(COMMITMENTS + EVALUATIONS)
            other = getattr(random_proof(rng, mcl), name)
            assert verify_plonk(vk, public, replace(proof, **{name: other}), mcl) is False


def test_a_refused_key_is_refused_every_time(vector: Vector, mcl: MclEngine) -> None:
    """[x]₂'s subgroup check is remembered per point, a refusal as a refusal."""
    vk, public, proof = vector
    bad = replace(vk, x_2=twist_point(7))
    is_in_subgroup_g2.cache_clear()
    for _ in range(2):
        with pytest.raises(InvalidValueError, match="key X_2 is not a finite point"):
            verify_plonk(bad, public, proof, mcl)
    assert verify_plonk(vk, public, proof, mcl) and verify_plonk(vk, public, proof, mcl)
    assert (is_in_subgroup_g2.cache_info().misses, is_in_subgroup_g2.cache_info().hits) == (2, 2)
