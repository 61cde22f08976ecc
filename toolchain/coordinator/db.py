"""The coordinator's durable state: the SQLite schema and every query, in this one module.

SQLite in WAL mode with synchronous=FULL: a transaction is on disk when `transaction()` returns,
so whatever the server tells a client after it survives a crash. Tables:

    meta          key/value: `closed`, `alive` (the last time the server was seen running)
    participants  name, sha256 of the bearer token (the token itself is never stored),
                  retries used (rejoins after a missed deadline)
    invites       sha256 of the code, expiry, who used it (single use)
    queue         one row per participant who joined: state, place (seq), heartbeat, and for
                  the slot holder its start, deadline and the start of a verification pause
    steps         the accepted chain per circuit: index, kind, who, hashes, size, time, receipt
    turns         measured durations of finished turns (the ETA's input)

Another database can follow by reimplementing this module's `Database` methods.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolchain.web.sqlite import transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    retries_used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS invites (
    code_hash TEXT PRIMARY KEY,
    created REAL NOT NULL,
    expires REAL NOT NULL,
    used_by INTEGER REFERENCES participants(id)
);
CREATE TABLE IF NOT EXISTS queue (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id),
    state TEXT NOT NULL,
    seq INTEGER NOT NULL,
    joined REAL NOT NULL,
    heartbeat REAL,
    started REAL,
    deadline REAL,
    paused_at REAL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS steps (
    circuit TEXT NOT NULL,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    participant_id INTEGER REFERENCES participants(id),
    participant TEXT NOT NULL,
    contribution_hash TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    time TEXT NOT NULL,
    receipt TEXT,
    PRIMARY KEY (circuit, idx)
);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    seconds REAL NOT NULL,
    ended REAL NOT NULL
);
"""

HOLDING = ("active", "verifying")


@dataclass(frozen=True)
class Participant:
    """A registered participant."""

    id: int
    name: str
    retries_used: int


@dataclass(frozen=True)
class Invite:
    """An invite code's record (the code itself is stored hashed)."""

    code_hash: str
    expires: float
    used_by: int | None


@dataclass(frozen=True)
class QueueRow:
    """A participant's place: state, order, heartbeat; start and deadline while holding the slot."""

    participant_id: int
    state: str
    seq: int
    joined: float
    heartbeat: float | None = None
    started: float | None = None
    deadline: float | None = None
    paused_at: float | None = None
    message: str = ""


@dataclass(frozen=True)
class Step:
    """One accepted key of a circuit's chain (index 0: the initial key)."""

    circuit: str
    idx: int
    kind: str
    participant_id: int | None
    participant: str
    contribution_hash: str
    previous_hash: str
    sha256: str
    size: int
    time: str
    receipt: str | None = None


class Database:
    """The coordinator's SQLite file; one connection, used from one thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection (a later open sees every committed transaction)."""
        self._conn.close()

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic, durable change: committed (and synced) when the block ends."""
        return transaction(self._conn)

    def _one(self, sql: str, *args: object) -> Any:
        return self._conn.execute(sql, args).fetchone()

    def _all(self, sql: str, *args: object) -> list[Any]:
        return self._conn.execute(sql, args).fetchall()

    # --- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A meta value, or None."""
        row = self._one("SELECT value FROM meta WHERE key = ?", key)
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value."""
        self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- participants and invites -------------------------------------------------------------

    def add_participant(self, name: str, token_hash: str, now: float) -> int:
        """A new participant's id."""
        cur = self._conn.execute(
            "INSERT INTO participants (name, token_hash, created) VALUES (?, ?, ?)",
            (name, token_hash, now),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def name_taken(self, name: str) -> bool:
        """Whether a participant registered `name` (case-insensitively)."""
        return (
            self._one("SELECT 1 FROM participants WHERE lower(name) = lower(?)", name) is not None
        )

    def participant_by_token(self, token_hash: str) -> Participant | None:
        """The participant whose token hashes to `token_hash`."""
        return self._participant("token_hash", token_hash)

    def participant(self, participant_id: int) -> Participant:
        """The participant `participant_id` (it exists)."""
        found = self._participant("id", participant_id)
        assert found is not None
        return found

    def _participant(self, column: str, value: object) -> Participant | None:
        row = self._one(
            f"SELECT id, name, retries_used FROM participants WHERE {column} = ?", value
        )
        return None if row is None else Participant(*row)

    def use_retry(self, participant_id: int) -> None:
        """One more rejoin after a missed deadline."""
        self._conn.execute(
            "UPDATE participants SET retries_used = retries_used + 1 WHERE id = ?",
            (participant_id,),
        )

    def add_invite(self, code_hash: str, now: float, expires: float) -> None:
        """A new single-use invite."""
        self._conn.execute(
            "INSERT INTO invites (code_hash, created, expires) VALUES (?, ?, ?)",
            (code_hash, now, expires),
        )

    def invite(self, code_hash: str) -> Invite | None:
        """The invite whose code hashes to `code_hash`."""
        row = self._one(
            "SELECT code_hash, expires, used_by FROM invites WHERE code_hash = ?", code_hash
        )
        return None if row is None else Invite(*row)

    def use_invite(self, code_hash: str, participant_id: int) -> None:
        """Mark an invite used."""
        self._conn.execute(
            "UPDATE invites SET used_by = ? WHERE code_hash = ?", (participant_id, code_hash)
        )

    # --- the queue ----------------------------------------------------------------------------

    def queue_row(self, participant_id: int) -> QueueRow | None:
        """A participant's queue row."""
        rows = self._queue("WHERE participant_id = ?", participant_id)
        return rows[0] if rows else None

    def waiting(self) -> list[QueueRow]:
        """Everyone waiting, first in line first."""
        return self._queue("WHERE state = 'waiting' ORDER BY seq")

    def holder(self) -> QueueRow | None:
        """Whoever holds the slot (active or verifying an upload)."""
        rows = self._queue("WHERE state IN (?, ?)", *HOLDING)
        return rows[0] if rows else None

    def _queue(self, where: str, *args: object) -> list[QueueRow]:
        columns = (
            "participant_id, state, seq, joined, heartbeat, started, deadline, paused_at, message"
        )
        return [QueueRow(*row) for row in self._all(f"SELECT {columns} FROM queue {where}", *args)]

    def put_queue_row(self, row: QueueRow) -> None:
        """Insert or replace a participant's queue row."""
        self._conn.execute(
            "INSERT OR REPLACE INTO queue (participant_id, state, seq, joined, heartbeat, started,"
            " deadline, paused_at, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.participant_id,
                row.state,
                row.seq,
                row.joined,
                row.heartbeat,
                row.started,
                row.deadline,
                row.paused_at,
                row.message,
            ),
        )

    def next_seq(self) -> int:
        """The place at the back of the line."""
        return int(self._one("SELECT coalesce(max(seq), 0) + 1 FROM queue")[0])

    # --- the chain ----------------------------------------------------------------------------

    def add_step(self, step: Step) -> None:
        """Record an accepted key."""
        self._conn.execute(
            "INSERT INTO steps (circuit, idx, kind, participant_id, participant, contribution_hash,"
            " previous_hash, sha256, size, time, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                step.circuit,
                step.idx,
                step.kind,
                step.participant_id,
                step.participant,
                step.contribution_hash,
                step.previous_hash,
                step.sha256,
                step.size,
                step.time,
                step.receipt,
            ),
        )

    def steps(self, circuit: str) -> list[Step]:
        """A circuit's accepted keys, in order."""
        rows = self._all(
            "SELECT circuit, idx, kind, participant_id, participant, contribution_hash,"
            " previous_hash, sha256, size, time, receipt FROM steps WHERE circuit = ? ORDER BY idx",
            circuit,
        )
        return [Step(*row) for row in rows]

    def contributed(self, circuit: str, participant_id: int) -> bool:
        """Whether a circuit's chain holds a contribution by `participant_id`."""
        return (
            self._one(
                "SELECT 1 FROM steps WHERE circuit = ? AND participant_id = ?",
                circuit,
                participant_id,
            )
            is not None
        )

    # --- turn times ---------------------------------------------------------------------------

    def add_turn(self, participant_id: int, seconds: float, ended: float) -> None:
        """A finished turn's duration."""
        self._conn.execute(
            "INSERT INTO turns (participant_id, seconds, ended) VALUES (?, ?, ?)",
            (participant_id, seconds, ended),
        )

    def recent_turns(self, count: int) -> list[float]:
        """The durations of the last `count` finished turns."""
        rows = self._all("SELECT seconds FROM turns ORDER BY id DESC LIMIT ?", count)
        return [float(row[0]) for row in rows]
