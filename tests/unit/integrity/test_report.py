"""The report: one row per artifact, the plain-text table, and which rows fail."""

from __future__ import annotations

import pytest

from toolchain.errors import IntegrityError
from toolchain.integrity.report import Report, Row, Status


def rows() -> list[Row]:
    return [
        Row("ptau", "ptau", "pot.ptau", Status.SKIPPED, "ptau not present"),
        Row("m/zkey", "zkey", "artifacts/m/final.zkey", Status.OK, "fine"),
        Row("m/vkey", "vkey", "artifacts/m/verification_key.json", Status.MISMATCH, "differs"),
        Row("m/verifier", "verifier", "artifacts/m/verifier.sol", Status.MISSING, "not found"),
    ]


def test_report_table_has_one_row_per_artifact() -> None:
    lines = Report(rows()).table().splitlines()
    assert lines[0].split() == ["artifact", "kind", "status", "detail"]
    assert len(lines) == 5
    assert lines[3].split()[:3] == ["artifacts/m/verification_key.json", "vkey", Status.MISMATCH]
    kind_at = lines[0].index("kind")
    assert all(
        line[kind_at:].startswith(row.kind) for line, row in zip(lines[1:], rows(), strict=True)
    )


def test_report_fails_on_mismatch_and_missing_only() -> None:
    report = Report(rows())
    assert [row.artifact for row in report.failures] == ["m/vkey", "m/verifier"]
    with pytest.raises(IntegrityError, match="2 artifact") as info:
        report.raise_for_failures()
    assert "artifacts/m/verification_key.json (vkey MISMATCH)" in str(info.value)
    assert "artifacts/m/verifier.sol (verifier MISSING)" in str(info.value)
    assert info.value.exit_code == 6
    Report(rows()[:2]).raise_for_failures()
