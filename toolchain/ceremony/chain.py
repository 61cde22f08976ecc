"""Rollback rules snarkjs lacks: a ceremony file must extend the accepted one by one contribution.

`snarkjs powersoftau verify` and `zkey verify` check that each contribution follows from the one
before it, back to genesis. They cannot tell a chain that extends the accepted file from one
rebuilt from genesis by someone who knew none of the earlier secrets, even when it reuses the
earlier contributors' names. These checks compare a candidate with the last accepted file:
every accepted contribution must be present and equal (field by field, so byte for byte), in
order, followed by exactly one new contribution. They work on parsed contribution lists
(ptau section 7, zkey section 10); phase 2 also compares the circuit hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from toolchain.errors import VerificationError
from toolchain.formats.curve_codec import ContributionParams
from toolchain.formats.ptau import PtauContribution, PtauFile
from toolchain.formats.zkey import MpcParams, ZkeyContribution


class Contribution(Protocol):
    """What the rules need of a contribution: equality and its name/type trailer."""

    @property
    def params(self) -> ContributionParams:
        """Its type, name and beacon parameters."""
        ...


C = TypeVar("C", bound=Contribution)


def label(contribution: Contribution) -> str:
    """A contribution's name for messages: its recorded name, or `unnamed`."""
    return contribution.params.name or "unnamed"


def check_extends(previous: Sequence[C], current: Sequence[C], what: str) -> C:
    """The one contribution `current` adds to `previous`; VerificationError for anything else."""
    _check_unchanged(previous, current, what)
    added = len(current) - len(previous)
    if added == 1:
        return current[-1]
    if added == 0:
        raise VerificationError(
            f"{what}: nothing new: the same {len(current)} contributions as the accepted file",
            code="not_one_contribution",
        )
    if added < 0:
        raise VerificationError(
            f"{what}: {len(current)} contributions, the accepted file has {len(previous)}:"
            " contributions were dropped (a rollback)",
            code="not_one_contribution",
        )
    names = ", ".join(label(c) for c in current[len(previous) :])
    raise VerificationError(
        f"{what}: {added} contributions at once ({names}): accept them one at a time,"
        " each checked against the file before it",
        code="not_one_contribution",
    )


def _check_unchanged(previous: Sequence[C], current: Sequence[C], what: str) -> None:
    for number, (accepted, candidate) in enumerate(zip(previous, current, strict=False), 1):
        if candidate != accepted:
            raise VerificationError(
                f"{what}: contribution {number} ({label(candidate)}) differs from the accepted"
                " one: the chain was rebuilt, not extended",
                code="chain_rebuilt",
            )


def check_same_circuit(previous_cs_hash: bytes, current_cs_hash: bytes, what: str) -> None:
    """VerificationError unless a phase-2 key is for the same circuit (and ptau) as the accepted."""
    if current_cs_hash != previous_cs_hash:
        raise VerificationError(
            f"{what}: circuit hash {current_cs_hash.hex()[:16]}… differs from the accepted key's"
            f" {previous_cs_hash.hex()[:16]}…: a key for another circuit or initial setup",
            code="wrong_circuit",
        )


def check_mpc_extends(previous: MpcParams, current: MpcParams, what: str) -> ZkeyContribution:
    """Same circuit hash, and exactly one phase-2 contribution added to the accepted chain."""
    check_same_circuit(previous.cs_hash, current.cs_hash, what)
    return check_extends(previous.contributions, current.contributions, what)


def check_ptau_extends(accepted: PtauFile, candidate: PtauFile) -> PtauContribution:
    """The one contribution the ptau `candidate` adds to the accepted ptau `accepted`."""
    if candidate.header.power != accepted.header.power:
        raise VerificationError(
            f"{candidate.path}: power {candidate.header.power}, the accepted file"
            f" {accepted.path} has power {accepted.header.power}"
        )
    return check_extends(
        accepted.read_contributions(), candidate.read_contributions(), str(candidate.path)
    )
