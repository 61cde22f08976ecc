"""lock and verify with multiplier_2 registered as a hand-written source (no tool started)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.integrity.conftest import NAME
from tests.unit.integrity.helpers import failing, row_of
from toolchain.api.workspace import Workspace, open_workspace
from toolchain.integrity import lock as manifest_lock
from toolchain.integrity import verify as manifest_verify
from toolchain.integrity.model import manifest_path
from toolchain.integrity.report import Status

SOURCE = f"circuits/src/{NAME}.circom"
TEMPLATED = (
    'template = "multiplier"\ndescription = "Product of 2 private factors (pipeline smoke test)"'
)


def hand_written(ws: Workspace) -> Workspace:
    """multiplier_2's rendered text moved to circuits/src and registered as `source`."""
    root = ws.project.root
    (root / SOURCE).parent.mkdir(parents=True, exist_ok=True)
    (root / SOURCE).write_bytes(ws.project.source(NAME).read_bytes())
    set_entry(root, TEMPLATED, f'source = "{SOURCE}"', "params = { n = 2 }\n", "")
    return open_workspace(root)


def set_entry(root: Path, old: str, new: str, old_params: str, new_params: str) -> None:
    registry = root / "circuits" / "circuits.toml"
    text = registry.read_text()
    head, _, rest = text.partition(f'name = "{NAME}"\n')
    rest = rest.replace(old, new, 1).replace(old_params, new_params, 1)
    registry.write_text(f'{head}name = "{NAME}"\n{rest}')


def test_hand_written_source_is_locked_at_its_path(vector_ws: Workspace, ptau: Path) -> None:
    ws = hand_written(vector_ws)
    report = manifest_lock.lock(ws.project, ws.registry, ws.tools, ptau)
    assert not report.failures
    art = json.loads(manifest_path(ws.project).read_text())["artifacts"][f"{NAME}/source"]
    assert art["path"] == SOURCE and art["settings"] == {"hand_written": True, "public": []}
    verified = manifest_verify.verify(ws.project, ws.registry, ws.tools, ptau=ptau)
    assert row_of(verified, f"{NAME}/source") == (Status.OK, f"hand-written {SOURCE}")


def test_edited_or_re_templated_source_fails_verify(vector_ws: Workspace, ptau: Path) -> None:
    ws = hand_written(vector_ws)
    manifest_lock.lock(ws.project, ws.registry, ws.tools, ptau)
    path = ws.project.root / SOURCE
    path.write_text(path.read_text() + "// edited\n")
    report = manifest_verify.verify(ws.project, ws.registry, ws.tools, ptau=ptau)
    assert failing(report)[f"{NAME}/source"].startswith("content differs from the lock")
    path.write_bytes(vector_ws.project.source(NAME).read_bytes())
    set_entry(
        ws.project.root, f'source = "{SOURCE}"', TEMPLATED, "public", "params = { n = 2 }\npublic"
    )
    again = open_workspace(ws.project.root)
    report = manifest_verify.verify(again.project, again.registry, again.tools, ptau=ptau)
    assert "recorded at circuits/src/multiplier_2.circom, but" in failing(report)[f"{NAME}/source"]
