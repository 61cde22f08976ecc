"""ffjavascript's ChaCha20 stream, checked against words it printed."""

from __future__ import annotations

import struct

from toolchain.native.chacha import ChaCha


def test_chacha_first_words_match_ffjavascript() -> None:
    rng = ChaCha(struct.unpack(">8I", bytes(range(32))))
    assert [rng.next_u32(), rng.next_u32()] == [1816182965, 134578817]
