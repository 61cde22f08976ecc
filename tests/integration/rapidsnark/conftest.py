"""The real-binary tests need rapidsnark: deselected at collection when it is not found, with a
line after the collection count saying so (or naming the binary and its version)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.rapidsnark.binary import FIXTURE, report_line
from toolchain.backends.rapidsnark import find_program
from toolchain.errors import UsageError

_LINE = pytest.StashKey[str]()


def _program() -> Path | None:
    """The binary; a wrong $ZKT_RAPIDSNARK stops the run (it is asked for, not optional)."""
    try:
        return find_program()
    except UsageError as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needing = [item for item in items if FIXTURE in getattr(item, "fixturenames", ())]
    program = _program()
    config.stash[_LINE] = report_line(len(needing))
    if needing and program is None:
        items[:] = [item for item in items if FIXTURE not in getattr(item, "fixturenames", ())]
        config.hook.pytest_deselected(items=needing)


def pytest_report_collectionfinish(config: pytest.Config) -> list[str]:
    """After the collection count: the binary the tests run, or that they were not run."""
    return [config.stash[_LINE]] if _LINE in config.stash else []


@pytest.fixture(scope="session")
def rapidsnark_binary() -> Path:
    """The rapidsnark binary (tests asking for it are deselected where there is none)."""
    program = _program()
    assert program is not None  # deselected otherwise
    return program
