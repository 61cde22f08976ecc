"""The prover service's job table: a SQLite file that outlives the process.

SQLite in WAL mode with synchronous=FULL, as the coordinator's database: a job is on disk when
`add` returns, before the client is told its id, and its result before a waiting client gets
it. The file is held exclusively (locking_mode EXCLUSIVE) while the service runs: a second
`zkt serve` on the same file is refused instead of failing the first one's jobs. One table:

    jobs  id, circuit, the verification key's sha256, owner (the sha256 of the API key that
          submitted it), request id, state, wall-clock times (created, started, finished),
          retries, timings (JSON), and the result: proof and public signals (JSON) or the
          failure reason; `done_seq` orders finished jobs, for the MAX_KEPT bound

Never the inputs: they may be private witness data. So a job found queued or running when the
service starts cannot be run again: `recover` marks it failed (RESTARTED). `check_state` reads a
file before the service starts (ConfigError naming what is wrong, nothing written): it must be
absent, empty, or this module's table (`PRAGMA user_version` VERSION), intact and not in use.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from toolchain.errors import ConfigError
from toolchain.service.protocol import JobStatus, Timings
from toolchain.web.sqlite import transaction

VERSION = 1  # PRAGMA user_version of a file this module wrote
RESTARTED = "the service restarted before this job finished"
SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    circuit TEXT NOT NULL,
    vkey_sha256 TEXT NOT NULL,
    owner TEXT,
    request_id TEXT NOT NULL,
    state TEXT NOT NULL,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    done_seq INTEGER UNIQUE,
    retries INTEGER NOT NULL DEFAULT 0,
    timings TEXT NOT NULL DEFAULT '{}',
    proof TEXT,
    public_signals TEXT,
    reason TEXT
);
"""
STATUS_COLUMNS = "id, circuit, state, proof, public_signals, vkey_sha256, timings, retries, reason"


def check_state(path: Path) -> None:
    """ConfigError unless the file at `path` is absent, empty, or an intact job table that no
    other service holds (reads only: nothing is created or changed)."""
    if not path.exists():
        return
    conn = _connect(path)
    try:
        _check(conn, path)
    finally:
        conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    """A connection that waits for no lock (a held file is in use: refused at once)."""
    if not path.is_file() and path.exists():
        raise ConfigError(f"job table {path}: not a regular file")
    try:
        return sqlite3.connect(path, isolation_level=None, timeout=0)
    except sqlite3.Error as exc:
        raise ConfigError(f"job table {path}: cannot open it: {exc}") from None


def _check(conn: sqlite3.Connection, path: Path) -> None:
    """ConfigError unless `conn`'s file is empty or VERSION's table, and intact."""
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise ConfigError(f"job table {path}: in use by another zkt serve") from None
        raise ConfigError(f"job table {path}: cannot read it: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise ConfigError(f"job table {path}: not a zkt serve job table ({exc})") from None
    if version != VERSION and (version or tables):
        raise ConfigError(
            f"job table {path}: not a zkt serve job table (SQLite user_version {version},"
            f" {tables} schema object(s)): give --state another file"
        )
    if verdict != "ok":
        raise ConfigError(f"job table {path}: corrupt ({verdict})")


class JobTable:
    """The job table of one service; one connection, used from the event loop's thread."""

    def __init__(self, path: Path) -> None:
        """Open (create) the table at `path` after `check_state`; held until `close`."""
        check_state(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = _connect(path)
        self._conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(SCHEMA)
        self._conn.execute(f"PRAGMA user_version={VERSION}")

    def close(self) -> None:
        """Close the connection (and let another service open the file)."""
        self._conn.close()

    def add(self, job_id: str, circuit: str, vkey_sha256: str, owner: str | None,
            request_id: str, created: float) -> None:  # fmt: skip
        """A job accepted: queued."""
        self._conn.execute(
            "INSERT INTO jobs (id, circuit, vkey_sha256, owner, request_id, state, created)"
            " VALUES (?, ?, ?, ?, ?, 'queued', ?)",
            (job_id, circuit, vkey_sha256, owner, request_id, created),
        )

    def start(self, job_id: str, started: float, timings: Timings) -> None:
        """A job handed to a worker: running, its time in the queue known."""
        self._conn.execute(
            "UPDATE jobs SET state = 'running', started = ?, timings = ? WHERE id = ?",
            (started, timings.model_dump_json(), job_id),
        )

    def finish(self, status: JobStatus, finished: float, keep: int) -> None:
        """A job done or failed, with its result; only the `keep` latest finished are kept."""
        proof, signals = (
            None if value is None else json.dumps(value)
            for value in (status.proof, status.public_signals)
        )
        with transaction(self._conn):
            self._conn.execute(
                "UPDATE jobs SET state = ?, finished = ?, done_seq = ?, retries = ?, timings = ?,"
                " proof = ?, public_signals = ?, reason = ? WHERE id = ?",
                (status.status, finished, self._next_seq(), status.retries,
                 status.timings.model_dump_json(), proof, signals, status.reason, status.id),
            )  # fmt: skip
            self._forget(keep)

    def recover(self, now: float, keep: int) -> int:
        """Fail every job left queued or running by the previous process (RESTARTED): their
        inputs are gone. The number of jobs failed."""
        unfinished = [row[0] for row in self._conn.execute(
            "SELECT id FROM jobs WHERE state IN ('queued', 'running') ORDER BY created"
        )]  # fmt: skip
        with transaction(self._conn):
            for job_id in unfinished:
                self._conn.execute(
                    "UPDATE jobs SET state = 'failed', finished = ?, done_seq = ?, reason = ?"
                    " WHERE id = ?",
                    (now, self._next_seq(), RESTARTED, job_id),
                )
            self._forget(keep)
        return len(unfinished)

    def get(self, job_id: str) -> tuple[str | None, JobStatus] | None:
        """The job's owner and status, or None when the table does not hold it."""
        row = self._conn.execute(
            f"SELECT owner, {STATUS_COLUMNS} FROM jobs WHERE id = ?", (job_id,)
        ).fetchone()
        return None if row is None else (row[0], _status(row[1:]))

    def _next_seq(self) -> int:
        row = self._conn.execute("SELECT coalesce(max(done_seq), 0) + 1 FROM jobs").fetchone()
        return int(row[0])

    def _forget(self, keep: int) -> None:
        """Delete the finished jobs older than the `keep` latest."""
        self._conn.execute(
            "DELETE FROM jobs WHERE done_seq <= (SELECT max(done_seq) FROM jobs) - ?", (keep,)
        )


def _status(row: tuple[Any, ...]) -> JobStatus:
    """A JobStatus from the STATUS_COLUMNS of a row."""
    job_id, circuit, state, proof, signals, vkey_sha256, timings, retries, reason = row
    return JobStatus(
        id=job_id, circuit=circuit, status=state,
        proof=None if proof is None else json.loads(proof),
        public_signals=None if signals is None else json.loads(signals),
        vkey_sha256=vkey_sha256, timings=Timings.model_validate_json(timings),
        retries=retries, reason=reason,
    )  # fmt: skip
