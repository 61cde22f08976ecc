"""Fixtures the coordinator unit tests share."""

from __future__ import annotations

import pytest

from toolchain.config import engine_name
from toolchain.native.engine import Engine
from toolchain.native.engines import get_engine


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The fastest engine here, for the hostile keys."""
    return get_engine(engine_name(None))
