"""The native backend's keys: read once per content and engine, and every proof made from one
checked against it before it is kept (`load_key`, `check_made_proof`)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from toolchain.backends import native
from toolchain.backends.native import NativeBackend, check_made_proof, load_key
from toolchain.errors import FormatError, InvalidValueError, VerificationError
from toolchain.formats.snarkjs_json import read_proof, read_public
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import SECTION_A, open_zkey
from toolchain.native.curve import G1_GENERATOR
from toolchain.native.engine_mcl import MclEngine
from toolchain.native.engine_pure import PureEngine
from toolchain.native.mcl_points import PointTable

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
MULTIPLIER = VECTORS / "multiplier"
ZKEY = MULTIPLIER / "multiplier_final.zkey"


@pytest.fixture(autouse=True)
def no_cached_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no key loaded."""
    monkeypatch.setattr(native, "_LOADED", native.OrderedDict())


def test_a_key_is_read_once_per_content_and_engine(tmp_path: Path, mcl_engine: MclEngine) -> None:
    copy = tmp_path / "copy.zkey"
    shutil.copy(ZKEY, copy)
    first = load_key(ZKEY, mcl_engine)
    assert load_key(copy, mcl_engine) is first  # the same bytes elsewhere: the same key
    assert isinstance(first.zkey.a_query, PointTable)
    pure = load_key(ZKEY, PureEngine(workers=1))
    assert pure is not first and isinstance(pure.zkey.a_query, list)
    assert pure.vkey == first.vkey


def test_a_changed_key_is_read_again_and_only_two_are_kept(
    tmp_path: Path, mcl_engine: MclEngine
) -> None:
    key = tmp_path / "k.zkey"
    shutil.copy(ZKEY, key)
    before = load_key(key, mcl_engine)
    shutil.copy(VECTORS / "poly" / "poly_final.zkey", key)
    after = load_key(key, mcl_engine)
    assert after is not before and after.zkey.header != before.zkey.header
    load_key(ZKEY, PureEngine(workers=1))
    assert len(native._LOADED) == 2 and load_key(key, mcl_engine) is after


def _vector_proof() -> tuple:  # type: ignore[type-arg]
    proof = read_proof(MULTIPLIER / "proof.json")
    return proof, read_public(MULTIPLIER / "public.json")


def test_a_good_proof_passes_the_check(mcl_engine: MclEngine) -> None:
    proof, public = _vector_proof()
    check_made_proof(ZKEY, "x", load_key(ZKEY, mcl_engine).vkey, public, proof, mcl_engine)


def test_an_off_curve_point_names_the_maker_and_the_key(mcl_engine: MclEngine) -> None:
    proof, public = _vector_proof()
    x, y = proof.c_g1
    bad = replace(proof, c_g1=(x, (y + 1) % (2**254)))
    with pytest.raises(InvalidValueError) as caught:
        check_made_proof(
            ZKEY, "the native prover", load_key(ZKEY, mcl_engine).vkey, public, bad, mcl_engine
        )
    assert str(caught.value) == (
        f"{ZKEY}: the native prover made a proof whose pi_c is not on the curve: the key is damaged"
    )


def test_a_proof_that_does_not_verify_is_refused(mcl_engine: MclEngine) -> None:
    proof, public = _vector_proof()
    wrong = replace(proof, a_g1=G1_GENERATOR)
    with pytest.raises(VerificationError) as caught:
        check_made_proof(
            ZKEY, "snarkjs", load_key(ZKEY, mcl_engine).vkey, public, wrong, mcl_engine
        )
    assert str(caught.value) == (
        f"{ZKEY}: the proof snarkjs made from it does not verify against it: the key is damaged"
        " or not this circuit's"
    )


def test_native_prove_refuses_a_key_with_a_point_off_its_curve(tmp_path: Path) -> None:
    # One bit flipped in A's point 2 (signal 2, whose witness value is not zero): the mcl
    # layout reads the key without curve checks, so the proof made from it is what refuses.
    section = open_zkey(ZKEY).container.section(SECTION_A)
    data = bytearray(ZKEY.read_bytes())
    data[section.offset + 2 * 64 + 40] ^= 1
    damaged = tmp_path / "damaged.zkey"
    damaged.write_bytes(data)
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    with pytest.raises(InvalidValueError) as caught:
        NativeBackend("mcl").prove(damaged, MULTIPLIER / "witness.wtns", proof, public)
    assert str(caught.value) == (
        f"{damaged}: the native prover made a proof whose pi_a is not on the curve: the key is"
        " damaged"
    )
    assert not proof.exists() and not public.exists()


def test_a_preloaded_key_proves_a_witness_in_memory(tmp_path: Path) -> None:
    backend = NativeBackend("mcl")
    backend.preload(ZKEY)
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    backend.prove_witness(ZKEY, read_wtns(MULTIPLIER / "witness.wtns"), proof, public)
    # checked against the key before it was written; the same public signals as snarkjs's
    assert read_public(public) == read_public(MULTIPLIER / "public.json")
    assert len(native._LOADED) == 1  # read once, on the preload thread


def test_a_preload_failure_is_raised_where_the_key_is_taken(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.zkey"
    damaged.write_bytes(ZKEY.read_bytes()[:-1])
    backend = NativeBackend("mcl")
    backend.preload(damaged)  # nothing raised yet: the witness is computed meanwhile
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    with pytest.raises(FormatError) as caught:
        backend.prove_witness(damaged, read_wtns(MULTIPLIER / "witness.wtns"), proof, public)
    with pytest.raises(FormatError) as unloaded:
        load_key(damaged, PureEngine(workers=1))
    assert str(caught.value) == str(unloaded.value)
    assert not proof.exists() and not public.exists()
