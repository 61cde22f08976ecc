"""The native backend's verify(vkey, public, proof) on PLONK files: the committed snarkjs vectors
accepted, tampered files rejected, hostile files refused with one exact error naming the file,
fflonk refused with a pointer to snarkjs, and no file created or changed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import exactly, tree
from toolchain.backends.native import NativeBackend
from toolchain.errors import FormatError, InvalidValueError, UsageError, VerificationError
from toolchain.native.field import R

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
FILES = ("verification_key.json", "public.json", "proof.json")

Json = dict[str, object]
Edit = Callable[[Json, list[str], Json], object]


@pytest.fixture(params=["pure", "mcl"])
def backend(request: pytest.FixtureRequest) -> NativeBackend:
    if request.param == "mcl":
        request.getfixturevalue("mcl_engine")  # skip or fail as the mcl tests do
    return NativeBackend(request.param)


@pytest.fixture
def poly(tmp_path: Path) -> Path:
    """A copy of the poly PLONK vector's three files."""
    for name in FILES:
        shutil.copy(VECTORS / "poly" / "plonk" / name, tmp_path / name)
    return tmp_path


def run(backend: NativeBackend, folder: Path, edit: Edit | None = None) -> bool:
    """Verify the folder's files after `edit` changed the decoded key, inputs and proof in
    place (it may return a str: the raw text of proof.json); nothing may change on disk."""
    vkey, public, proof = (folder / name for name in FILES)
    if edit is not None:
        key_obj, public_obj, proof_obj = (json.loads(p.read_text()) for p in (vkey, public, proof))
        raw = edit(key_obj, public_obj, proof_obj)
        vkey.write_text(json.dumps(key_obj))
        public.write_text(json.dumps(public_obj))
        proof.write_text(raw if isinstance(raw, str) else json.dumps(proof_obj))
    before = tree(folder)
    try:
        return backend.verify(vkey, public, proof)
    finally:
        assert tree(folder) == before


def test_the_vectors_verify(backend: NativeBackend) -> None:
    for circuit in ("multiplier", "poly"):
        folder = VECTORS / circuit / "plonk"
        assert backend.verify(*(folder / name for name in FILES)) is True


def a_at_infinity(_key: Json, _public: list[str], proof: Json) -> None:
    proof["A"] = ["0", "1", "0"]  # the identity: a valid point, not the prover's


@pytest.mark.parametrize(
    "edit",
    [
        a_at_infinity,
        lambda _k, public, _p: public.__setitem__(0, "100"),
        lambda _k, _u, proof: proof.__setitem__("eval_zw", str((int(proof["eval_zw"]) + 1) % R)),
        lambda key, _u, _p: key.__setitem__("Qc", key["Qm"]),
        lambda _k, _u, proof: proof.update(Wxi=proof["Wxiw"], Wxiw=proof["Wxi"]),
    ],
    ids=["commitment", "public input", "evaluation", "key selector", "openings swapped"],
)
def test_tampered_files_are_rejected(backend: NativeBackend, poly: Path, edit: Edit) -> None:
    assert run(backend, poly, edit) is False


def test_the_other_circuits_proof_is_rejected(backend: NativeBackend, poly: Path) -> None:
    other = json.loads((VECTORS / "multiplier" / "plonk" / "proof.json").read_text())
    assert run(backend, poly, lambda _k, _u, proof: proof.update(other)) is False


@pytest.mark.parametrize(
    ("edit", "error", "file", "message"),
    [
        (
            lambda _k, public, _p: public.__setitem__(1, str(int(public[1]) + R)),
            InvalidValueError,
            "public.json",
            "[1] is not below the scalar field modulus r",
        ),
        (
            lambda _k, _u, proof: proof.__setitem__("eval_b", str(int(proof["eval_b"]) + R)),
            InvalidValueError,
            "proof.json",
            "eval_b is not below the scalar field modulus r",
        ),
        (
            lambda _k, _u, proof: proof["T2"].__setitem__(1, str(int(proof["T2"][1]) + 1)),
            InvalidValueError,
            "proof.json",
            "T2 is not on the curve",
        ),
        (
            lambda key, _u, _p: key.__setitem__("w", "1"),
            InvalidValueError,
            "verification_key.json",
            "key w is not a primitive 2^3-th root of unity",
        ),
        (
            lambda key, _u, _p: key.__setitem__("k2", "2"),
            InvalidValueError,
            "verification_key.json",
            "key k1 and k2 give the same coset of the domain",
        ),
        (
            lambda _k, public, _p: public.__delitem__(-1),
            VerificationError,
            "public.json",
            "2 public inputs, but {vkey} expects 3",
        ),
        (
            lambda _k, _u, proof: proof.__setitem__("protocol", "groth16"),
            VerificationError,
            "proof.json",
            "a groth16 proof, but {vkey} is a plonk key",
        ),
        (
            lambda _k, _u, proof: proof.__setitem__("extra", "1"),
            FormatError,
            "proof.json",
            "extra is not a field snarkjs writes",
        ),
        (
            lambda key, _u, _p: key.__delitem__("protocol"),
            FormatError,
            "verification_key.json",
            "protocol is missing: expected one of groth16, plonk, fflonk",
        ),
        (
            lambda _k, _u, _p: '{"A": ',
            FormatError,
            "proof.json",
            "malformed JSON at line 1: Expecting value",
        ),
    ],
    ids=[
        "input+r",
        "evaluation+r",
        "off curve",
        "w",
        "cosets",
        "count",
        "groth16 proof",
        "extra field",
        "no protocol",
        "not json",
    ],
)
def test_hostile_files_are_refused_naming_the_file(
    backend: NativeBackend,
    poly: Path,
    edit: Edit,
    error: type[Exception],
    file: str,
    message: str,
) -> None:
    text = f"{poly / file}: " + message.format(vkey=poly / "verification_key.json")
    with pytest.raises(error, match=exactly(text)):
        run(backend, poly, edit)


def test_fflonk_keys_are_sent_to_snarkjs(backend: NativeBackend, poly: Path) -> None:
    message = (
        "the native verifier checks Groth16 and PLONK proofs; verify fflonk with --backend snarkjs"
    )
    with pytest.raises(UsageError, match=exactly(message)):
        run(backend, poly, lambda key, _u, _p: key.__setitem__("protocol", "fflonk"))


def test_groth16_still_verifies(backend: NativeBackend) -> None:
    folder = VECTORS / "poly"
    assert backend.verify(*(folder / name for name in FILES)) is True
