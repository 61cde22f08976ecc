"""SQLite for both servers' state files: one atomic, durable change (`transaction`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One atomic, durable change on `conn` (autocommit mode, synchronous=FULL): committed, and
    so synced, when the block ends; rolled back when it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
