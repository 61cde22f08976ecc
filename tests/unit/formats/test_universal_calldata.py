"""PLONK and fflonk Solidity calldata in snarkjs's layouts (tests/integration checks the bytes
against `snarkjs zkey export soliditycalldata` on real proofs)."""

from __future__ import annotations

from toolchain.formats.universal_calldata import fflonk_calldata, plonk_calldata
from toolchain.native.curve import G1_IDENTITY
from toolchain.native.universal import FFLONK_EVALUATIONS, FflonkProof, PlonkProof


def word(value: int) -> str:
    return f"0x{value:064x}"


def test_plonk_layout() -> None:
    a, b, c, z, t1, t2, t3, wxi, wxiw = [(2 * i + 1, 2 * i + 2) for i in range(9)]
    proof = PlonkProof(a, b, c, z, t1, t2, t3, wxi, wxiw, 19, 20, 21, 22, 23, 24)
    quoted = [f'"{word(v)}"' for v in range(1, 25)]
    inputs = f'"{word(7)}","{word(8)}"'
    expected = f"[{quoted[0]}, {','.join(quoted[1:])}][{inputs}]"
    assert plonk_calldata(proof, [7, 8]) == expected


def test_fflonk_layout() -> None:
    evaluations = {name: 10 + i for i, name in enumerate(FFLONK_EVALUATIONS)}
    proof = FflonkProof((1, 2), (3, 4), (5, 6), (7, 8), evaluations)
    values = [word(v) for v in [*range(1, 9), *range(10, 26)]]
    assert fflonk_calldata(proof, [9]) == f"[{values[0]}, {','.join(values[1:])}],[{word(9)}]"


def test_no_public_inputs_and_a_commitment_at_infinity() -> None:
    evaluations = dict.fromkeys(FFLONK_EVALUATIONS, 0)
    proof = FflonkProof(G1_IDENTITY, (3, 4), (5, 6), (7, 8), evaluations)
    text = fflonk_calldata(proof, [])
    assert text.startswith(f"[{word(0)}, {word(1)},{word(3)},")
    assert text.endswith("],[]")
