"""Stage timing for the prover: who wants a proof's stages timed passes a `StageTimer`.

The prover and the polynomial code wrap each stage (a few per proof, never per element) in
`with stages("name"):`. Nobody listening is the default `untimed`, which hands back one shared
no-op context: no clock is read and nothing is recorded. `bench/profile.py` passes a
`StageTimer` and reads its `seconds`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Protocol

_NOTHING = nullcontext()


class Stages(Protocol):
    """What the prover calls around each stage: `with stages("msm A"): ...`."""

    def __call__(self, name: str) -> AbstractContextManager[object]:
        """Return the context that surrounds the stage `name`."""


def untimed(name: str) -> AbstractContextManager[object]:
    """The default: no clock, no record (one shared no-op context)."""
    return _NOTHING


class StageTimer:
    """Wall seconds per stage name, summed over repeats of a stage, in first-seen order."""

    def __init__(self) -> None:
        """Start with no stage recorded."""
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        """Time the body and add its wall seconds to `name`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.seconds[name] = self.seconds.get(name, 0.0) + elapsed
