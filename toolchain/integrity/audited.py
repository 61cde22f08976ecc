"""The audit verdict an r1cs was locked with: what `artifacts verify` can check of it again.

policy   the one circuits.toml gives now (a changed policy means the lock is stale)
unique   propagation alone (deterministic, no input, no search) still determines every
         output of the locked r1cs: a hand-edited `unique` is caught
others   under-constrained, unknown and skipped need a search or nothing: recorded only
"""

from __future__ import annotations

from pathlib import Path

from pydantic import JsonValue

from toolchain.audit.system import system_of
from toolchain.audit.verdict import UNIQUE, unproven_outputs
from toolchain.config import CircuitEntry
from toolchain.errors import IntegrityError
from toolchain.formats.r1cs import read_r1cs
from toolchain.formats.sym import read_sym


def check_audit(recorded: JsonValue, entry: CircuitEntry, r1cs: Path, sym: Path) -> str:
    """The recorded policy is the registry's, and a recorded `unique` is proven again; nothing
    to say (no note) for a manifest locked before verdicts were recorded."""
    if recorded is None:
        return ""
    if not isinstance(recorded, dict) or not all(
        isinstance(recorded.get(key), str) for key in ("policy", "verdict")
    ):
        raise IntegrityError("its audit setting is not {policy, verdict}")
    policy, verdict = recorded["policy"], recorded["verdict"]
    if policy != entry.audit:
        raise IntegrityError(
            f'locked with audit = "{policy}", circuits.toml now says "{entry.audit}": lock again'
        )
    if verdict != UNIQUE:
        return f"audit {verdict} ({policy}), recorded: not re-checked"
    system = system_of(read_r1cs(r1cs), read_sym(sym) if sym.is_file() else None)
    left = unproven_outputs(system)
    if left:
        names = ", ".join(system.name(wire) for wire in left)
        raise IntegrityError(f"locked as audit unique, but propagation leaves {names} undetermined")
    return f"audit unique ({policy}): propagation proves every output determined"
