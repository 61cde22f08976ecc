"""The phase-1 challenge hash chain (blake2b-512), as snarkjs links Powers of Tau files.

Before any contribution the challenge is the hash of the blank accumulator ("First Contribution
Hash"). Each contribution answers the current challenge and leaves the next one (section 7
`next_challenge`): response = H(challenge ‖ points compressed ‖ public key uncompressed), next
challenge = H(response ‖ points uncompressed). Both phase1.py and the phase-1 verifier use it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from toolchain.formats.curve_codec import (
    encode_g1_compressed,
    encode_g1_uncompressed,
    encode_g2_compressed,
    encode_g2_uncompressed,
)
from toolchain.formats.ptau import PtauFile, PtauPublicKey
from toolchain.formats.ptau_points import (
    KEY_NAMES,
    POINT_SECTIONS,
    is_g2_section,
    iter_points,
    key_points,
)
from toolchain.native.curve import G1_GENERATOR, G2_GENERATOR

HASH_SIZE = 64


def first_challenge_hash(power: int) -> bytes:
    """The challenge before any contribution (snarkjs's "First Contribution Hash"): blake2b-512
    of blake2b-512("") and the blank accumulator's points (all generators), uncompressed."""
    n = 1 << power
    g1, g2 = encode_g1_uncompressed(G1_GENERATOR), encode_g2_uncompressed(G2_GENERATOR)
    hasher = hashlib.blake2b(hashlib.blake2b(digest_size=HASH_SIZE).digest(), digest_size=HASH_SIZE)
    for point, count in ((g1, 2 * n - 1), (g2, n), (g1, n), (g1, n), (g2, 1)):
        _update_repeated(hasher, point, count)
    return hasher.digest()


def current_challenge(ptau: PtauFile) -> bytes:
    """The challenge the next contribution builds on: the last one's next, or the first."""
    contributions = ptau.read_contributions()
    if contributions:
        return contributions[-1].next_challenge
    return first_challenge_hash(ptau.header.power)


def next_challenge(ptau: PtauFile, challenge: bytes, key: PtauPublicKey) -> bytes:
    """H(response ‖ points uncompressed), response = H(challenge ‖ points compressed ‖ key)."""
    response = hashlib.blake2b(challenge, digest_size=HASH_SIZE)
    _hash_points(response, ptau, compressed=True)
    response.update(public_key_bytes(key))
    following = hashlib.blake2b(response.digest(), digest_size=HASH_SIZE)
    _hash_points(following, ptau, compressed=False)
    return following.digest()


def public_key_bytes(key: PtauPublicKey) -> bytes:
    """toPtauPubKeyRpr uncompressed: the six G1 points, then the three G2 points."""
    g1 = [p for name in KEY_NAMES for p in key_points(key, name)[:2]]
    g2 = [key_points(key, name)[2] for name in KEY_NAMES]
    return b"".join(map(encode_g1_uncompressed, g1)) + b"".join(map(encode_g2_uncompressed, g2))


def _hash_points(hasher: Any, ptau: PtauFile, compressed: bool) -> None:
    for section_id in POINT_SECTIONS:
        g2 = is_g2_section(section_id)
        if compressed:
            encode: Callable[[Any], bytes] = encode_g2_compressed if g2 else encode_g1_compressed
        else:
            encode = encode_g2_uncompressed if g2 else encode_g1_uncompressed
        for points in iter_points(ptau, section_id):
            hasher.update(b"".join(map(encode, points)))


def _update_repeated(hasher: hashlib.blake2b, data: bytes, count: int) -> None:
    chunk = 1 << 14  # 2^28 points one by one would take minutes; 1-2 MB blocks do not
    block = data * chunk
    for _ in range(count // chunk):
        hasher.update(block)
    hasher.update(data * (count % chunk))
