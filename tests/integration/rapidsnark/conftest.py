"""The real-binary tests need rapidsnark: deselected at collection when it is not found, with a
line after the collection count saying so (or naming the binary and its version). Under xdist
the workers collect, so each hands its line to the controller, which prints it in its summary
(`tests/conftest.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.rapidsnark.binary import FIXTURE, REPORT_KEY, report_line
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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker's line goes to the controller, which never collects."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None and _LINE in session.config.stash:
        output[REPORT_KEY] = session.config.stash[_LINE]


@pytest.fixture(scope="session")
def rapidsnark_binary() -> Path:
    """The rapidsnark binary (tests asking for it are deselected where there is none)."""
    program = _program()
    assert program is not None  # deselected otherwise
    return program
