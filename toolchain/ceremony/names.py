"""Contribution names, as snarkjs records them in a .ptau or .zkey: what both phases accept."""

from __future__ import annotations

from toolchain.errors import UsageError

MAX_NAME_UNITS = 64  # snarkjs keeps the first 64 UTF-16 units of a contribution name


def check_name(name: str) -> None:
    """A contribution name must be non-blank and fit snarkjs's 64 UTF-16 units (it truncates)."""
    units = len(name.encode("utf-16-le")) // 2
    if not name.strip() or units > MAX_NAME_UNITS:
        raise UsageError(f"contribution name {name!r}: 1 to {MAX_NAME_UNITS} characters")
