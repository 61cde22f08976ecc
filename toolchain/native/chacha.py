"""ffjavascript's ChaCha20 random stream, and snarkjs's beacon stream built on it (pure)."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

# snarkjs's beacon CLI accepts exponents up to 63; larger ones overflow its own loop counters.
MAX_BEACON_EXP = 63
_CONSTANTS = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)


class ChaCha:
    """ffjavascript's ChaCha20 generator: 8-word key, zero nonce, 128-bit block counter."""

    def __init__(self, seed: Sequence[int]) -> None:
        """Key the stream with eight 32-bit words."""
        self.state = [*_CONSTANTS, *seed, 0, 0, 0, 0]
        self.block: list[int] = []

    def next_u32(self) -> int:
        """The next 32-bit word of the stream."""
        if not self.block:
            self.block = _chacha_block(self.state)
            _increment_counter(self.state)
        return self.block.pop(0)

    def next_u64(self) -> int:
        """Two words, the first one high (ffjavascript's nextU64)."""
        return (self.next_u32() << 32) | self.next_u32()

    def next_bool(self) -> bool:
        """The low bit of the next word."""
        return bool(self.next_u32() & 1)


def chacha_from_digest(digest: bytes) -> ChaCha:
    """A stream keyed by a digest's first 32 bytes, read as eight big-endian words."""
    return ChaCha(struct.unpack(">8I", digest[:32]))


def beacon_rng(beacon_hash: bytes, iterations_exp: int) -> ChaCha:
    """snarkjs's rngFromBeaconParams: SHA-256 iterated 2^exp times, then a ChaCha stream."""
    digest = beacon_hash
    for _ in range(1 << iterations_exp):
        digest = hashlib.sha256(digest).digest()
    return chacha_from_digest(digest)


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (32 - n))) & 0xFFFFFFFF


def _quarter_round(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF
    s[b] = _rotl(s[b] ^ s[c], 7)


def _chacha_block(state: list[int]) -> list[int]:
    work = list(state)
    for _ in range(10):
        for a, b, c, d in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15)):
            _quarter_round(work, a, b, c, d)
        for a, b, c, d in ((0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
            _quarter_round(work, a, b, c, d)
    return [(w + s) & 0xFFFFFFFF for w, s in zip(work, state, strict=True)]


def _increment_counter(state: list[int]) -> None:
    # Words 12-15 form one little-endian counter: a carry runs into the next word.
    for i in range(12, 16):
        state[i] = (state[i] + 1) & 0xFFFFFFFF
        if state[i]:
            return
