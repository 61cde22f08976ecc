"""Hostile copies of committed ceremony vectors: whole sections replaced, contributions forged.

Forged contributions are built the way snarkjs builds them (transcript, hashToG2, secret times
both bases), so each hostile key fails exactly the check it targets.
"""

from __future__ import annotations

import struct
from pathlib import Path

from tests.unit.formats.helpers import rebuild, replace_section, split_sections, vector
from toolchain.ceremony import verify_phase2 as nv
from toolchain.config import BeaconOptions
from toolchain.formats.curve_codec import ContributionParams, encode_g1, encode_g2
from toolchain.formats.zkey import (
    SECTION_C,
    SECTION_CONTRIBUTIONS,
    SECTION_H,
    SECTION_HEADER,
    MpcParams,
    ZkeyContribution,
    open_zkey,
)
from toolchain.native.chacha import beacon_rng
from toolchain.native.curve import G1_GENERATOR, G2_GENERATOR, G1Affine, G2Affine
from toolchain.native.engine import Engine
from toolchain.native.field import R
from toolchain.native.hash_to_curve import fr_from_rng, g1_from_rng, hash_to_g2


def tampered(path: Path, out: Path, **payloads: bytes) -> Path:
    """A copy of a key with whole sections replaced, given as section_<id>=payload."""
    magic, version, sections = split_sections(path)
    for key, payload in payloads.items():
        sections = replace_section(sections, int(key.removeprefix("section_")), payload)
    return rebuild(out, magic, version, sections)


def section(path: Path, section_id: int) -> bytes:
    """The payload of one section of a binary file."""
    return dict(split_sections(path)[2])[section_id]


INITIAL = vector("multiplier", "multiplier_0000.zkey")
FIRST = vector("multiplier", "multiplier_0001.zkey")
SECOND = vector("multiplier", "multiplier_0002.zkey")
FINAL = vector("multiplier", "multiplier_final.zkey")
# Offsets of header fields in the header payload (see formats/zkey.py): n8q, q, n8r, r, nVars,
# nPublic, domainSize, alpha1, beta1, beta2, gamma2, delta1, delta2.
N_PUBLIC_AT = 4 + 32 + 4 + 32 + 4
BETA_G2_AT = N_PUBLIC_AT + 8 + 64 + 64
GAMMA_G2_AT = BETA_G2_AT + 128
DELTA_G1_AT = GAMMA_G2_AT + 128
DELTA_G2_AT = DELTA_G1_AT + 64


def encode_params(params: ContributionParams) -> bytes:
    """A contribution trailer as snarkjs writes it (the inverse of parse_contribution_params)."""
    block = b""
    if params.name is not None:
        name = params.name.encode()
        block += bytes([1, len(name)]) + name
    if params.num_iterations_exp is not None and params.beacon_hash is not None:
        block += bytes([2, params.num_iterations_exp])
        block += bytes([3, len(params.beacon_hash)]) + params.beacon_hash
    return struct.pack("<II", params.type, len(block)) + block


def encode_mpc(mpc: MpcParams) -> bytes:
    """A section-10 payload (the inverse of parse_mpc_params)."""
    out = mpc.cs_hash + struct.pack("<I", len(mpc.contributions))
    for c in mpc.contributions:
        out += encode_g1(c.delta_after_g1) + encode_g1(c.g1_s) + encode_g1(c.g1_sx)
        out += encode_g2(c.g2_spx) + c.transcript + encode_params(c.params)
    return out


def mpc_of(path: Path) -> MpcParams:
    return open_zkey(path).read_mpc_params()


def with_mpc(path: Path, out: Path, mpc: MpcParams) -> Path:
    return tampered(path, out, **{f"section_{SECTION_CONTRIBUTIONS}": encode_mpc(mpc)})


def patch_point(path: Path, out: Path, section_id: int, index: int, point: G1Affine) -> Path:
    """A copy with one G1 point of a point section replaced."""
    data = bytearray(section(path, section_id))
    data[index * 64 : (index + 1) * 64] = encode_g1(point)
    return tampered(path, out, **{f"section_{section_id}": bytes(data)})


MALLORY = ContributionParams(0, "mallory", None, None)


def forged_contribution(
    engine: Engine,
    mpc: MpcParams,
    delta_before: G1Affine,
    secret: int,
    pok_secret: int,
    g1_s: G1Affine | None = None,
    params: ContributionParams = MALLORY,
) -> ZkeyContribution:
    """A contribution made as snarkjs makes one; `pok_secret` != `secret` breaks its proof."""
    g1_s = engine.mul_g1(G1_GENERATOR, 1234567) if g1_s is None else g1_s
    g1_sx = engine.mul_g1(g1_s, secret)
    base = MpcParams(mpc.cs_hash, [*mpc.contributions, _placeholder(g1_s, g1_sx)])
    transcript = nv.expected_transcripts(base)[-1]
    g2_spx = engine.mul_g2(hash_to_g2(transcript), pok_secret)
    return ZkeyContribution(
        delta_after_g1=engine.mul_g1(delta_before, secret),
        g1_s=g1_s,
        g1_sx=g1_sx,
        g2_spx=g2_spx,
        transcript=transcript,
        params=params,
    )


def _placeholder(g1_s: G1Affine, g1_sx: G1Affine) -> ZkeyContribution:
    # Only g1_s and g1_sx enter a contribution's own transcript.
    return ZkeyContribution(
        g1_s, g1_s, g1_sx, G2_GENERATOR, b"", ContributionParams(0, None, None, None)
    )


def extend(
    engine: Engine,
    path: Path,
    out: Path,
    *,
    rescale: bool,
    pok_secret: int | None = None,
    k: int = 987654321,
    beacon: tuple[bytes, int] | None = None,
) -> Path:
    """`path` plus one forged contribution with secret k; L and H divided by k when `rescale`.

    With `beacon` (hash, iteration exponent) it is that beacon, its secret and key derived as
    snarkjs derives them."""
    mpc, header = mpc_of(path), open_zkey(path).header
    g1_s, params = None, MALLORY
    if beacon is not None:
        rng = beacon_rng(*beacon)
        k, g1_s = fr_from_rng(rng), g1_from_rng(rng)
        params = ContributionParams(1, "beacon", beacon[1], beacon[0])
    c = forged_contribution(
        engine, mpc, header.delta_g1, k, k if pok_secret is None else pok_secret, g1_s, params
    )
    head = bytearray(section(path, SECTION_HEADER))
    head[DELTA_G1_AT:DELTA_G2_AT] = encode_g1(c.delta_after_g1)
    head[DELTA_G2_AT : DELTA_G2_AT + 128] = encode_g2(engine.mul_g2(header.delta_g2, k))
    payloads = {
        f"section_{SECTION_HEADER}": bytes(head),
        f"section_{SECTION_CONTRIBUTIONS}": encode_mpc(
            MpcParams(mpc.cs_hash, [*mpc.contributions, c])
        ),
    }
    if rescale:
        k_inv = pow(k, -1, R)
        for sid in (SECTION_C, SECTION_H):
            points = open_zkey(path).read_g1_section(sid)
            payloads[f"section_{sid}"] = b"".join(
                encode_g1(engine.mul_g1(p, k_inv)) for p in points
            )
    return tampered(path, out, **payloads)


def patch_header(path: Path, out: Path, at: int, new: bytes) -> Path:
    """A copy of a key with the header payload's bytes at `at` replaced by `new`."""
    head = bytearray(section(path, SECTION_HEADER))
    head[at : at + len(new)] = new
    return tampered(path, out, **{f"section_{SECTION_HEADER}": bytes(head)})


def patch_g2_header(path: Path, out: Path, at: int, point: G2Affine) -> Path:
    """A copy of a key with the header's G2 point at `at` replaced."""
    return patch_header(path, out, at, encode_g2(point))


def committed_beacon(**changes: object) -> BeaconOptions:
    """The beacon the vector chain ends with, as ceremony.toml would commit it (or changed)."""
    params = mpc_of(FINAL).contributions[-1].params
    assert params.beacon_hash is not None and params.num_iterations_exp == 10
    fields = {"hash": params.beacon_hash.hex(), "iterations_exp": 10, **changes}
    return BeaconOptions.model_validate(fields)
