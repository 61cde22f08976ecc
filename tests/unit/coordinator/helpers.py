"""A coordinator over the committed multiplier and poly vectors, with a clock tests move."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.unit.formats.helpers import vector
from toolchain.config import CoordinatorOptions
from toolchain.coordinator import receipts
from toolchain.coordinator.db import Database, Participant
from toolchain.coordinator.protocol import SignedReceipt
from toolchain.coordinator.service import Coordinator, Settings
from toolchain.coordinator.store import ObjectStore
from toolchain.formats.zkey import open_zkey
from toolchain.hashing import hash_file

# The vectors' contributions are snarkjs's, made under these names.
FIRST_NAME = "First phase2 contribution"
SECOND_NAME = "Second phase2 contribution"
CIRCUITS = ("multiplier", "poly")


@dataclass
class Clock:
    """A clock that moves only when told."""

    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def coordinator(data: Path, clock: Clock, **options: object) -> Coordinator:
    """A coordinator in `data` over the multiplier and poly initial keys (added on first use)."""
    data.mkdir(exist_ok=True)
    settings = Settings("test", CIRCUITS, CoordinatorOptions.model_validate(options), 1)
    c = Coordinator(
        Database(data / "state.sqlite3"),
        ObjectStore(data / "objects"),
        receipts.load_or_create_key(data),
        settings,
        clock,
    )
    for name in CIRCUITS:
        if not c.has_chain(name):
            c.add_initial(name, vector(name, f"{name}_0000.zkey"))
    return c


def upload(c: Coordinator, who: Participant, circuit: str, number: int) -> SignedReceipt:
    """`who` (the holder) uploads the vectors' key `number` of `circuit`, taken as verified."""
    key = vector(circuit, f"{circuit}_{number:04d}.zkey")
    reserved = c.reserve_upload(who, circuit, key.stat().st_size)
    c.start_verifying(reserved)
    temp = c.store.new_temp(key.name)
    shutil.copyfile(key, temp)
    added = open_zkey(key).read_mpc_params().contributions[-1].transcript.hex()
    return c.accept(reserved, temp, hash_file(key), added)
