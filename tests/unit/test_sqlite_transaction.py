"""`web.sqlite.transaction` on a real SQLite file: the error a failed change raises is its own,
nothing of it lands, and the connection takes the next change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from toolchain.web.sqlite import transaction


def open_table(path: Path) -> sqlite3.Connection:
    """Autocommit, WAL and synchronous=FULL, as both servers open their state."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (v TEXT)")
    conn.execute("INSERT INTO t VALUES ('kept')")
    return conn


def rows(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT v FROM t ORDER BY rowid")]


def test_a_full_table_raises_its_own_error_and_the_next_change_goes_through(
    tmp_path: Path,
) -> None:
    """SQLite's page cap at the file's size plays the full disk: SQLite rolls the transaction
    back itself, and a ROLLBACK after that would raise "no transaction is active" instead."""
    conn = open_table(tmp_path / "state.sqlite3")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    full = pytest.raises(sqlite3.OperationalError, match=r"^database or disk is full$")
    with full, transaction(conn):
        conn.execute("INSERT INTO t VALUES ('small')")
        conn.execute("INSERT INTO t VALUES (?)", ("x" * 50_000,))
    assert not conn.in_transaction and rows(conn) == ["kept"]
    conn.execute("PRAGMA max_page_count = 1073741823")
    with transaction(conn):
        conn.execute("INSERT INTO t VALUES ('next')")
    assert rows(conn) == ["kept", "next"]


def test_an_error_in_the_block_rolls_back_and_is_raised(tmp_path: Path) -> None:
    conn = open_table(tmp_path / "state.sqlite3")
    with pytest.raises(ValueError, match=r"^refused$"), transaction(conn):
        conn.execute("INSERT INTO t VALUES ('half')")
        raise ValueError("refused")
    assert not conn.in_transaction and rows(conn) == ["kept"]
