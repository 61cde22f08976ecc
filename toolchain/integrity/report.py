"""The verdict of a lock or verify run: one row per artifact, and the plain-text table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from toolchain.errors import IntegrityError


class Status(StrEnum):
    """An artifact's verdict; the value is what the table and JSON show."""

    OK = "OK"
    MISMATCH = "MISMATCH"
    MISSING = "MISSING"
    SKIPPED = "SKIPPED"  # an absent ptau only


@dataclass(frozen=True)
class Row:
    """One artifact's verdict: OK, MISMATCH, MISSING, or SKIPPED (an absent ptau only)."""

    artifact: str
    kind: str
    label: str
    status: Status
    detail: str


@dataclass(frozen=True)
class Report:
    """Every artifact's row, in pipeline order."""

    rows: list[Row]

    @property
    def failures(self) -> list[Row]:
        """The rows that fail verification (MISMATCH or MISSING)."""
        return [row for row in self.rows if row.status in (Status.MISMATCH, Status.MISSING)]

    def table(self) -> str:
        """A plain-text table: artifact, kind, status, detail; one row per artifact."""
        cells = [("artifact", "kind", "status", "detail")]
        cells += [(row.label, row.kind, row.status, row.detail) for row in self.rows]
        widths = [max(len(line[col]) for line in cells) for col in range(3)]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line[:3], widths, strict=True))
            + f"  {line[3]}"
            for line in cells
        )

    def raise_for_failures(self) -> None:
        """IntegrityError (exit 6) naming every failing artifact, if any fails."""
        if self.failures:
            named = ", ".join(f"{row.label} ({row.kind} {row.status})" for row in self.failures)
            raise IntegrityError(f"{len(self.failures)} artifact(s) failed verification: {named}")
