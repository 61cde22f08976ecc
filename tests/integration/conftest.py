"""Integration tests run the real, pinned circom and snarkjs; a missing tool fails them."""

from __future__ import annotations

import pytest

from tests.conftest import copy_project
from toolchain import api
from toolchain.api import Workspace, open_workspace


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The whole example registry compiled once (wasmtime route) in a throwaway project."""
    ws = open_workspace(copy_project(tmp_path_factory.mktemp("compiled")))
    results = api.compile_circuits(ws)
    assert {r.status for r in results} == {"compiled"}
    return ws
