"""snarkjs's hash-to-curve, checked against points ffjavascript printed."""

from __future__ import annotations

import struct

from toolchain.native.chacha import ChaCha
from toolchain.native.hash_to_curve import g1_from_rng, hash_to_g2


def test_hash_to_curve_matches_ffjavascript() -> None:
    # Printed by ffjavascript 0.3.1 (G1.fromRng, G2.fromRng) for the seed 00 01 … 1f.
    seed = struct.unpack(">8I", bytes(range(32)))
    assert g1_from_rng(ChaCha(seed)) == (
        15480443861575693460683885405833999077459819114556897722236832620851334310557,
        18580161866790971735523317729831174747820352204833830032669297381118852400352,
    )
    assert hash_to_g2(bytes(range(32))) == (
        (
            4331880802040179507408134841181032487087173600464364024802210002059667950604,
            4271516305872202364858900391755946161657037246250020514439168976697447665804,
        ),
        (
            14194165528950986229237743759035044030322996258565805903348263410557850081640,
            3572495062036222432809855904167672718120072387698078762897023322348755581936,
        ),
    )
