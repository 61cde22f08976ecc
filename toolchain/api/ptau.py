"""Powers of Tau: pick and fetch published files, write a dev one, run a phase-1 ceremony."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace
from toolchain.ceremony import devptau, phase1, ptau_fetch
from toolchain.ceremony.chain import label
from toolchain.ceremony.entropy import Secret
from toolchain.ceremony.phase1 import Response
from toolchain.ceremony.phase1 import Step as Step  # re-exported: the CLI annotates with it
from toolchain.ceremony.ptau_fetch import PtauRelease
from toolchain.ceremony.snarkjs_step import PrepareMeter, Progress
from toolchain.formats.ptau import open_ptau
from toolchain.fsutil import refuse_existing
from toolchain.runner.tools import Tools


def pick_ptau(ws: Workspace, name: str) -> PtauRelease:
    """The smallest published ptau that fits the Groth16 setup of circuit `name`."""
    (result,) = compile_circuits(ws, (name,))
    return ptau_fetch.release_for_power(
        ptau_fetch.pick_power(result.header.n_constraints, result.header.n_public)
    )


def fetch_ptau(power: int, out: Path | None, mirrors: list[str] | None) -> Path:
    """Download the published ptau of `power` (hash-checked) to `out`, or into the cache."""
    if out is None:
        return ptau_fetch.ensure_ptau(power, mirrors)
    return ptau_fetch.fetch_ptau(power, out, mirrors)


def dev_ptau(power: int, out: Path, seed: str, *, force: bool = False) -> Path:
    """Write an INSECURE prepared ptau whose secrets derive from `seed` (tests, development)."""
    refuse_existing(out, force=force)
    devptau.write_dev_ptau(out, power, seed)
    return out


def new_ptau(
    tools: Tools,
    power: int,
    out: Path,
    transcript: Path | None,
    progress: Progress | None,
    *,
    force: bool = False,
) -> Step:
    """Start a phase-1 ceremony: the blank ptau of 2^power (recorded in `transcript`)."""
    refuse_existing(out, force=force)
    return phase1.new_ptau(tools, power, out, transcript=transcript, progress=progress)


def contribute_ptau(
    tools: Tools,
    ptau_in: Path,
    ptau_out: Path,
    contributor: str,
    entropy: Secret,
    transcript: Path | None,
    progress: Progress | None,
    *,
    force: bool = False,
) -> Step:
    """One phase-1 contribution, accepted only as exactly one more on `ptau_in`."""
    refuse_existing(ptau_out, ptau_in, force=force)
    return phase1.contribute(
        tools, ptau_in, ptau_out, contributor, entropy, transcript=transcript, progress=progress
    )


def export_challenge(
    tools: Tools, ptau: Path, challenge: Path, progress: Progress | None, *, force: bool = False
) -> bytes:
    """Write `ptau`'s current challenge for an offline contributor; returns its hash."""
    refuse_existing(challenge, ptau, force=force)
    return phase1.export_challenge(tools, ptau, challenge, progress=progress)


def contribute_challenge(
    tools: Tools,
    challenge: Path,
    response: Path,
    entropy: Secret,
    progress: Progress | None,
    *,
    force: bool = False,
) -> Response:
    """Answer `challenge` offline (no ptau, no project), writing `response`."""
    refuse_existing(response, challenge, force=force)
    return phase1.contribute_challenge(tools, challenge, response, entropy, progress=progress)


def import_response(
    tools: Tools,
    ptau_prev: Path,
    response: Path,
    ptau_out: Path,
    contributor: str,
    transcript: Path | None,
    progress: Progress | None,
    *,
    force: bool = False,
) -> Step:
    """Accept an offline response to `ptau_prev`'s current challenge, writing `ptau_out`."""
    refuse_existing(ptau_out, ptau_prev, response, force=force)
    return phase1.import_response(
        tools, ptau_prev, response, ptau_out, contributor, transcript=transcript, progress=progress
    )


def beacon_ptau(
    tools: Tools,
    ptau_in: Path,
    ptau_out: Path,
    beacon_hash: str,
    iterations_exp: int,
    name: str,
    transcript: Path | None,
    progress: Progress | None,
    *,
    force: bool = False,
) -> Step:
    """Close phase 1 with a public random beacon (hex hash, SHA-256 iterated 2^exp times)."""
    refuse_existing(ptau_out, ptau_in, force=force)
    return phase1.beacon(
        tools,
        ptau_in,
        ptau_out,
        beacon_hash,
        iterations_exp,
        name,
        transcript=transcript,
        progress=progress,
    )


def prepare_ptau(
    tools: Tools,
    ptau_in: Path,
    ptau_out: Path,
    transcript: Path | None,
    progress: Progress | None,
    *,
    force: bool = False,
) -> Step:
    """Prepare `ptau_in` for phase 2 (the Lagrange sections groth16 setup reads)."""
    refuse_existing(ptau_out, ptau_in, force=force)
    return phase1.prepare(tools, ptau_in, ptau_out, transcript=transcript, progress=progress)


def prepare_meter(ptau_in: Path) -> Callable[[str], float | None]:
    """Reads how far `prepare_ptau(ptau_in, ...)` is from each of its progress lines (0 to 1)."""
    return PrepareMeter(open_ptau(ptau_in).header.power).fraction


@dataclass(frozen=True)
class Listed:
    """One contribution of a verified ptau, as it is listed: name, beacon or not, next challenge."""

    label: str
    is_beacon: bool
    next_challenge: bytes


@dataclass(frozen=True)
class PtauVerified:
    """What `verify_ptau` accepted: power, prepared or not, the contributions, the one added."""

    power: int
    prepared: bool
    contributions: list[Listed]
    added: str | None


def verify_ptau(
    tools: Tools, ptau: Path, previous: Path | None, progress: Progress | None
) -> PtauVerified:
    """snarkjs powersoftau verify, plus (with `previous`) exactly one new checked contribution."""
    report = phase1.verify(tools, ptau, previous, progress=progress)
    listed = [Listed(label(c), c.params.is_beacon, c.next_challenge) for c in report.contributions]
    added = label(report.added) if report.added is not None else None
    return PtauVerified(report.power, report.prepared, listed, added)
