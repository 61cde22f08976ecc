"""The upload check the coordinator runs in a worker process: `checks.accept_upload`, answered
as a picklable `Verdict` (the new contribution's hash, or the refusal's code and message), and
`worker_ready`, the task that starts the worker (and loads this code) when the server starts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from toolchain.ceremony.checks import accept_upload
from toolchain.errors import ZktError


@dataclass(frozen=True)
class Verdict:
    """What a worker found: accepted (contribution_hash) or refused (code, message)."""

    contribution_hash: str | None
    code: str | None = None
    message: str = ""


def verify_upload(accepted: Path, candidate: Path, participant: str) -> Verdict:
    """`candidate` checked against the accepted key; never raises for a bad key."""
    try:
        added = accept_upload(accepted, candidate, participant)
    except ZktError as exc:
        return Verdict(None, exc.code or "internal", str(exc).splitlines()[0])
    return Verdict(added.transcript.hex())


def worker_ready() -> int:
    """Nothing but being run in the worker, which imports this module to run it: its pid."""
    return os.getpid()
