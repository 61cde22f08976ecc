"""The example circuits' committed audit verdicts (docs/audit-report.md) still hold: the smaller
instances of each template are audited again here (the larger ones share their templates)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO, copy_project
from tests.integration.helpers import zkt

AUDITED = (
    "multiplier_2",
    "poseidon_preimage_1",
    "merkle_4",
    "range_32",
    "membership_4",
    "sum_of_squares",
)


def _report() -> dict[str, list[str]]:
    rows = (REPO / "docs" / "audit-report.md").read_text().splitlines()
    cells = [
        [cell.strip() for cell in row.strip("|").split("|")] for row in rows if row.startswith("| ")
    ]
    return {row[0]: row[1:] for row in cells[1:]}


def test_the_report_covers_every_circuit() -> None:
    toml = (REPO / "circuits" / "circuits.toml").read_text()
    names = [line.split('"')[1] for line in toml.splitlines() if line.startswith("name = ")]
    assert sorted(_report()) == sorted(names)


def test_the_example_circuits_audit_as_reported(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    done = zkt("audit", *AUDITED, "--json", "--seconds", "5", cwd=root)
    assert done.returncode == 0, done.stderr
    report = _report()
    for entry in json.loads(done.stdout):
        row = [
            entry["verdict"],
            str(len(entry["outputs"])),
            str(len(entry["undetermined_outputs"])),
            str(entry["undetermined_intermediates"]),
        ]
        assert row == report[entry["circuit"]], entry["circuit"]
