"""Solidity calldata of PLONK and fflonk proofs, byte for byte as snarkjs 0.7.6 prints it.

`snarkjs zkey export soliditycalldata` formats each protocol its own way (Groth16's is
`ceremony.phase2.solidity_calldata`); every value is 32 bytes of hex, zero-padded:

    PLONK    ["0x<A.x>", "0x<A.y>","0x<B.x>",...,"0x<eval_zw>"]["0x<input>",...]
             A B C Z T1 T2 T3 Wxi Wxiw as (x, y), then eval_a b c s1 s2 zw; the first pair is
             split by ", ", the rest by "," (no separator between the two lists)
    fflonk   [0x<C1.x>, 0x<C1.y>,0x<C2.x>,...,0x<inv>],[0x<input>,...]
             C1 C2 W1 W2 as (x, y), then the evaluations in FFLONK_EVALUATIONS order: unquoted

A commitment at infinity prints as snarkjs's JSON has it, (0, 1).
"""

from __future__ import annotations

from toolchain.native.curve import G1_IDENTITY, G1Affine
from toolchain.native.universal import FFLONK_EVALUATIONS, FflonkProof, PlonkProof


def _word(value: int, quoted: bool) -> str:
    text = f"0x{value:064x}"
    return f'"{text}"' if quoted else text


def _coordinates(point: G1Affine) -> tuple[int, int]:
    return (0, 1) if point == G1_IDENTITY else point


def _words(proof_values: list[int], public: list[int], quoted: bool, joint: str) -> str:
    words = [_word(v, quoted) for v in proof_values]
    inputs = ",".join(_word(v, quoted) for v in public)
    return f"[{words[0]}, {','.join(words[1:])}]{joint}[{inputs}]"


def plonk_calldata(proof: PlonkProof, public: list[int]) -> str:
    """What `snarkjs zkey export soliditycalldata` prints for a PLONK proof."""
    points = (proof.a, proof.b, proof.c, proof.z, proof.t1, proof.t2, proof.t3, proof.wxi,
              proof.wxiw)  # fmt: skip
    evaluations = (proof.eval_a, proof.eval_b, proof.eval_c, proof.eval_s1, proof.eval_s2,
                   proof.eval_zw)  # fmt: skip
    values = [v for p in points for v in _coordinates(p)] + list(evaluations)
    return _words(values, public, quoted=True, joint="")


def fflonk_calldata(proof: FflonkProof, public: list[int]) -> str:
    """What `snarkjs zkey export soliditycalldata` prints for an fflonk proof."""
    points = (proof.c1, proof.c2, proof.w1, proof.w2)
    values = [v for p in points for v in _coordinates(p)]
    values += [proof.evaluations[name] for name in FFLONK_EVALUATIONS]
    return _words(values, public, quoted=False, joint=",")
