"""`zkt ptau prepare` shows a progress bar, not snarkjs's DEBUG flood; -v -v shows the flood."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.ceremony.conftest import Chain
from tests.integration.helpers import zkt


@pytest.mark.parametrize(("flags", "debug"), [((), False), (("-v",), False), (("-vv",), True)])
def test_prepare_debug_lines_only_with_two_v(
    accepted: Chain, tmp_path: Path, flags: tuple[str, ...], debug: bool
) -> None:
    out = tmp_path / "prepared.ptau"
    done = zkt("ptau", "prepare", str(accepted.last), str(out), *flags, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ("[DEBUG]" in done.stderr) is debug
    assert f"{out.name}: prepare accepted" in done.stderr
