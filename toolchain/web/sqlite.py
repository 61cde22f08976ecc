"""SQLite for both servers' state files: one atomic, durable change (`transaction`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One atomic, durable change on `conn` (autocommit mode, synchronous=FULL): committed, and
    so synced, when the block ends; rolled back when it (or the commit) raises. SQLite rolls a
    transaction back by itself on some errors (a full disk among them): then the error raised is
    that one, not the rollback's "no transaction is active"."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
