"""The mcl engine against the pure one: same assertions over every engine (`engine` fixture), the
proof that mcl runs on alt_bn128 (circom's curve, not mcl's default BN254)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.native.helpers import InMemory
from toolchain.errors import InvalidValueError
from toolchain.formats.snarkjs_json import read_proof, read_public, read_verification_key
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import read_zkey
from toolchain.native import engine_mcl
from toolchain.native.curve import (
    G1_GENERATOR,
    G1_IDENTITY,
    G2_GENERATOR,
    G2_IDENTITY,
    G1Affine,
    G2Affine,
)
from toolchain.native.engine import Engine
from toolchain.native.engine_mcl import MclEngine, MclLayout, encode_g1
from toolchain.native.engine_pure import PureEngine
from toolchain.native.engines import get_engine
from toolchain.native.field import P, R, to_mont
from toolchain.native.groth16 import Proof, VerificationKey, Zkey
from toolchain.native.prover import create_proof, public_signals
from toolchain.native.verifier import verify_proof

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
PURE = PureEngine(workers=1)
Vector = tuple[Zkey, list[int], VerificationKey, Proof, list[int]]


@pytest.fixture(scope="module", params=["multiplier", "poly"])
def vector(request: pytest.FixtureRequest) -> Vector:
    """Return a snarkjs-made vector: key, witness, verification key, proof, public signals."""
    d = VECTORS / request.param
    return (
        read_zkey(d / f"{request.param}_final.zkey"),
        read_wtns(d / "witness.wtns"),
        read_verification_key(d / "verification_key.json"),
        read_proof(d / "proof.json"),
        read_public(d / "public.json"),
    )


def random_g1(rng: random.Random) -> G1Affine:
    """Return a random G1 point, made by the pure engine."""
    return PURE.mul_g1(G1_GENERATOR, rng.randrange(1, R))


def random_g2(rng: random.Random) -> G2Affine:
    """Return a random G2 point, made by the pure engine."""
    return PURE.mul_g2(G2_GENERATOR, rng.randrange(1, R))


# --- every engine: group laws, MSMs, pairings against the pure engine --------------------------


def test_g1_group_laws_match_pure(engine: Engine, rng: random.Random) -> None:
    a, b, k = random_g1(rng), random_g1(rng), rng.randrange(R)
    assert engine.add_g1(a, b) == PURE.add_g1(a, b)
    assert engine.add_g1(a, a) == PURE.mul_g1(a, 2)
    assert engine.neg_g1(a) == PURE.neg_g1(a)
    assert engine.mul_g1(a, k) == PURE.mul_g1(a, k)
    assert engine.add_g1(a, engine.neg_g1(a)) == G1_IDENTITY
    assert engine.add_g1(a, G1_IDENTITY) == engine.add_g1(G1_IDENTITY, a) == a
    assert engine.mul_g1(a, 0) == engine.mul_g1(G1_IDENTITY, k) == G1_IDENTITY
    assert engine.neg_g1(G1_IDENTITY) == G1_IDENTITY


def test_g2_group_laws_match_pure(engine: Engine, rng: random.Random) -> None:
    a, b, k = random_g2(rng), random_g2(rng), rng.randrange(R)
    assert engine.add_g2(a, b) == PURE.add_g2(a, b)
    assert engine.add_g2(a, a) == PURE.mul_g2(a, 2)
    assert engine.mul_g2(a, k) == PURE.mul_g2(a, k)
    assert engine.mul_g2(a, R - 1) == PURE.mul_g2(a, R - 1)
    assert engine.add_g2(a, G2_IDENTITY) == engine.add_g2(G2_IDENTITY, a) == a
    assert engine.add_g2(a, engine.mul_g2(a, R - 1)) == G2_IDENTITY
    assert engine.mul_g2(a, 0) == engine.mul_g2(G2_IDENTITY, k) == G2_IDENTITY


def test_msm_matches_pure_on_random_inputs(engine: Engine, rng: random.Random) -> None:
    g1s = [random_g1(rng) for _ in range(40)] + [G1_IDENTITY]
    g2s = [random_g2(rng) for _ in range(12)] + [G2_IDENTITY]
    scalars = [rng.randrange(R) for _ in range(41)]
    scalars[3], scalars[4] = 0, R - 1
    assert engine.msm_g1(g1s, scalars) == PURE.msm_g1(g1s, scalars)
    assert engine.msm_g2(g2s, scalars[:13]) == PURE.msm_g2(g2s, scalars[:13])
    assert engine.msm_g1([], []) == G1_IDENTITY
    assert engine.msm_g2([G2_GENERATOR], [0]) == G2_IDENTITY


def test_large_msm_over_chunks_matches_discrete_logs(engine: Engine, rng: random.Random) -> None:
    # Enough terms for the mcl engine to cut the MSM into chunks on threads: points k_i·G with
    # known k_i make the expected sum one scalar multiplication.
    logs = [rng.randrange(1, R) for _ in range(3 * engine_mcl.MIN_TERMS_PER_CHUNK)]
    scalars = [rng.randrange(R) for _ in logs]
    points = engine.batch_mul_g1(G1_GENERATOR, logs)
    expected = sum(k * s for k, s in zip(logs, scalars, strict=True)) % R
    assert engine.msm_g1(points, scalars) == PURE.mul_g1(G1_GENERATOR, expected)


def test_batch_mul_matches_pure(engine: Engine, rng: random.Random) -> None:
    scalars = [rng.randrange(R) for _ in range(20)] + [0, 1, R - 1]
    assert engine.batch_mul_g1(G1_GENERATOR, scalars) == [
        PURE.mul_g1(G1_GENERATOR, k) for k in scalars
    ]
    assert engine.batch_mul_g2(G2_GENERATOR, scalars[-6:]) == [
        PURE.mul_g2(G2_GENERATOR, k) for k in scalars[-6:]
    ]
    assert engine.batch_mul_g1(G1_GENERATOR, []) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda e: e.mul_g1(G1_GENERATOR, R),
        lambda e: e.mul_g2(G2_GENERATOR, -1),
        lambda e: e.msm_g1([G1_GENERATOR], [R]),
        lambda e: e.msm_g2([G2_GENERATOR], [-1]),
        lambda e: e.batch_mul_g1(G1_GENERATOR, [1, R]),
    ],
)
def test_scalars_outside_zero_to_r_are_refused(
    engine: Engine, call: Callable[[Engine], object]
) -> None:
    with pytest.raises(InvalidValueError, match="out of range"):
        call(engine)


def test_msm_needs_one_scalar_per_point(engine: Engine) -> None:
    with pytest.raises(ValueError, match="one scalar per point"):
        engine.msm_g1([G1_GENERATOR], [1, 2])


def test_pairing_check_true_and_false(engine: Engine, rng: random.Random) -> None:
    a, b = rng.randrange(1, R), rng.randrange(1, R)
    pa, qb = PURE.mul_g1(G1_GENERATOR, a), PURE.mul_g2(G2_GENERATOR, b)
    ab = PURE.mul_g1(G1_GENERATOR, a * b % R)
    assert engine.pairing_check([(pa, qb), (PURE.neg_g1(ab), G2_GENERATOR)])  # bilinearity
    assert not engine.pairing_check([(pa, qb), (PURE.neg_g1(pa), G2_GENERATOR)])
    assert not engine.pairing_check([(G1_GENERATOR, G2_GENERATOR)])  # non-degenerate
    assert engine.pairing_check([(G1_IDENTITY, qb), (pa, G2_IDENTITY)])
    assert engine.pairing_check([])


def test_field_and_polynomial_operations_match_pure(engine: Engine, rng: random.Random) -> None:
    values = [rng.randrange(1, R) for _ in range(16)]
    assert engine.inverse_fr(values[0]) == PURE.inverse_fr(values[0])
    assert engine.batch_inverse_fr(values) == PURE.batch_inverse_fr(values)
    assert engine.ntt(values) == PURE.ntt(values)
    assert engine.intt(values) == PURE.intt(values)
    c = [u * v % R for u, v in zip(values, values[::-1], strict=True)]
    assert engine.h_evaluations(list(values), values[::-1], list(c)) == PURE.h_evaluations(
        list(values), values[::-1], list(c)
    )


def test_validation_is_ours(engine: Engine, make_twist_point: Callable[[int], G2Affine]) -> None:
    assert engine.parse_g1(*G1_GENERATOR) == G1_GENERATOR
    assert engine.parse_g2(*G2_GENERATOR) == G2_GENERATOR
    with pytest.raises(InvalidValueError, match="not on curve"):
        engine.parse_g1(1, 3)
    with pytest.raises(InvalidValueError, match=">= p"):
        engine.parse_g1(1 + P, 2)
    with pytest.raises(InvalidValueError, match="not in the prime-order subgroup"):
        engine.parse_g2(*make_twist_point(1))


# --- every engine: Groth16 on the committed snarkjs vectors ------------------------------------


def test_snarkjs_proof_verifies(engine: Engine, vector: Vector) -> None:
    _, _, vk, proof, public = vector
    assert verify_proof(vk, public, proof, engine=engine) is True
    changed = [(public[0] + 1) % R, *public[1:]]
    assert verify_proof(vk, changed, proof, engine=engine) is False


def test_proofs_cross_verify_and_match_between_engines(engine: Engine, vector: Vector) -> None:
    zkey, witness, vk, _, public = vector
    proof = create_proof(zkey, witness, 5, 7, engine)
    # Same blinding, same key, same witness: every engine must produce the very same proof.
    assert proof == create_proof(zkey, witness, 5, 7, PURE)
    other = PURE if isinstance(engine, MclEngine) else get_engine("auto")
    assert verify_proof(vk, public_signals(zkey, witness), proof, engine=other) is True
    assert public_signals(zkey, witness) == public


def test_hostile_proofs_are_refused(
    engine: Engine, vector: Vector, make_twist_point: Callable[[int], G2Affine]
) -> None:
    _, _, vk, proof, public = vector
    with pytest.raises(InvalidValueError, match="proof A is the point at infinity"):
        verify_proof(vk, public, replace(proof, a_g1=G1_IDENTITY), engine=engine)
    with pytest.raises(InvalidValueError, match="proof C is the point at infinity"):
        verify_proof(vk, public, replace(proof, c_g1=G1_IDENTITY), engine=engine)
    outsider = make_twist_point(1)
    with pytest.raises(InvalidValueError, match="proof B is not in the prime-order subgroup"):
        verify_proof(vk, public, replace(proof, b_g2=outsider), engine=engine)
    with pytest.raises(InvalidValueError, match="key delta is not in the prime-order subgroup"):
        verify_proof(replace(vk, delta_g2=outsider), public, proof, engine=engine)
    assert verify_proof(vk, public, replace(proof, a_g1=G1_GENERATOR), engine=engine) is False


# --- mcl only: it runs on alt_bn128, with our struct layout ------------------------------------


def test_mcl_reports_alt_bn128_moduli(mcl_engine: MclEngine) -> None:
    mcl = mcl_engine.mcl
    assert mcl.curve_type() == engine_mcl.MCL_BN_SNARK1
    assert (mcl.order("Field"), mcl.order("Curve")) == (P, R)
    assert mcl.version().count(".") == 1


def test_mcl_reads_our_generators_as_its_points(mcl_engine: MclEngine) -> None:
    g1, g2 = mcl_engine.mcl.g1, mcl_engine.mcl.g2
    (x0, x1), (y0, y1) = G2_GENERATOR
    assert g1.to_str(G1_GENERATOR) == "1 1 2"
    assert g2.to_str(G2_GENERATOR) == f"1 {x0} {x1} {y0} {y1}"  # Fp2 as c0 then c1
    assert g1.to_str(G1_IDENTITY) == g2.to_str(G2_IDENTITY) == "0"
    assert g1.is_valid(g1.pack([G1_GENERATOR])) and g2.is_valid(g2.pack([G2_GENERATOR]))
    # (−1, 1) generates mcl's default BN254 (y² = x³ + 2), which is not our curve.
    assert not g1.is_valid(g1.pack([(P - 1, 1)]))


def test_mcl_structs_are_montgomery_limbs_like_zkey_files() -> None:
    encoded = engine_mcl.encode_g1((1, 2))
    assert encoded == b"".join(to_mont(v, P).to_bytes(32, "little") for v in (1, 2, 1))
    assert engine_mcl.decode_g1(encoded) == (1, 2)
    assert engine_mcl.decode_g2(engine_mcl.encode_g2(G2_GENERATOR)) == G2_GENERATOR
    assert engine_mcl.encode_g2(G2_IDENTITY) == bytes(192)


def test_mcl_engine_restores_the_curve_another_user_switched(mcl_engine: MclEngine) -> None:
    mcl = mcl_engine.mcl
    assert mcl.init(0, 44) == 0  # what importing the wheel does: mcl's default BN254
    try:
        assert mcl.curve_type() == 0
        assert MclEngine().mul_g1(G1_GENERATOR, 3) == PURE.mul_g1(G1_GENERATOR, 3)
    finally:
        engine_mcl.ensure_alt_bn128(mcl)
    assert mcl.curve_type() == engine_mcl.MCL_BN_SNARK1


def test_chunks_cover_every_term_once() -> None:
    step = engine_mcl.MIN_TERMS_PER_CHUNK
    assert engine_mcl.chunk_bounds(5, 2) == [(0, 5)]
    assert engine_mcl.chunk_bounds(10 * step, 1) == [(0, 10 * step)]
    bounds = engine_mcl.chunk_bounds(10 * step + 1, 2)
    assert len(bounds) == 4
    assert [i for lo, hi in bounds for i in range(lo, hi)] == list(range(10 * step + 1))
    one_each = engine_mcl.chunk_bounds(10 * step + 1, 2, per_worker=1)  # a key table's MSM
    assert len(one_each) == 2
    assert [i for lo, hi in one_each for i in range(lo, hi)] == list(range(10 * step + 1))


def test_a_table_msm_runs_one_chunk_a_worker(
    mcl_engine: MclEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut: list[list[tuple[int, int]]] = []
    bounds = engine_mcl.chunk_bounds

    def recorded(
        n: int, workers: int, most: int | None = None, per_worker: int = 2
    ) -> list[tuple[int, int]]:
        cut.append(bounds(n, workers, most, per_worker))
        return cut[-1]

    monkeypatch.setattr(engine_mcl, "chunk_bounds", recorded)
    n = 4 * engine_mcl.MIN_TERMS_PER_CHUNK
    points = mcl_engine.batch_mul_g1(G1_GENERATOR, [1] * n)  # n copies of G
    cut.clear()
    table = MclLayout().g1(InMemory(b"".join(encode_g1(p)[:64] for p in points)), "table")
    assert MclEngine(workers=2).msm_g1(table, [1] * n) == mcl_engine.mul_g1(G1_GENERATOR, n)
    assert cut == [[(0, n // 2), (n // 2, n)]]
    cut.clear()  # the same points as tuples: packed per chunk, two chunks a worker
    assert MclEngine(workers=2).msm_g1(points, [1] * n) == mcl_engine.mul_g1(G1_GENERATOR, n)
    assert len(cut[0]) == 4


def test_chunks_are_capped_and_even() -> None:
    assert engine_mcl.chunk_bounds(10, 1, 4) == [(0, 4), (4, 8), (8, 10)]
    assert engine_mcl.chunk_bounds(8, 1, 8) == [(0, 8)]
    bounds = engine_mcl.chunk_bounds(100_000, 2, 1 << 14)
    assert len(bounds) == 7 and max(hi - lo for lo, hi in bounds) <= 1 << 14
    assert [i for lo, hi in bounds for i in range(lo, hi)] == list(range(100_000))


def test_dev_ptau_is_identical_under_both_engines(mcl_engine: MclEngine, tmp_path: Path) -> None:
    from toolchain.ceremony.devptau import write_dev_ptau

    write_dev_ptau(tmp_path / "pure.ptau", 4, "seed", PureEngine(workers=1))
    write_dev_ptau(tmp_path / "mcl.ptau", 4, "seed", mcl_engine)
    assert (tmp_path / "pure.ptau").read_bytes() == (tmp_path / "mcl.ptau").read_bytes()
