"""The real-binary tests need rapidsnark: deselected at collection when it is not found, with a
line after the collection count saying so (or naming the binary and its version)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.rapidsnark.binary import FIXTURE, report_line
from toolchain.backends.rapidsnark import find_program
from toolchain.errors import UsageError

_COUNT = pytest.StashKey[int]()


def _program() -> Path | None:
    """The binary; a wrong $ZKT_RAPIDSNARK stops the run (it is asked for, not optional)."""
    try:
        return find_program()
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needing = [item for item in items if FIXTURE in getattr(item, "fixturenames", ())]
    config.stash[_COUNT] = len(needing)
    if needing and _program() is None:
        items[:] = [item for item in items if FIXTURE not in getattr(item, "fixturenames", ())]
        config.hook.pytest_deselected(items=needing)


def pytest_report_collectionfinish(config: pytest.Config) -> str:
    return report_line(config.stash.get(_COUNT, 0))


@pytest.fixture(scope="session")
def rapidsnark_binary() -> Path:
    """The rapidsnark binary (tests asking for it are deselected where there is none)."""
    program = _program()
    assert program is not None  # deselected otherwise
    return program
