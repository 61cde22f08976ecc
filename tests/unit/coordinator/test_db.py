"""The SQLite state: WAL and full sync, committed rows survive a reopen, a failed block leaves
nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.coordinator.db import Database, QueueRow, Step


def test_pragmas_and_reopen(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.sqlite3")
    assert db._one("PRAGMA journal_mode")[0] == "wal"
    assert db._one("PRAGMA synchronous")[0] == 2  # FULL
    with db.transaction():
        pid = db.add_participant("alice", "h" * 64, 1.0)
        db.put_queue_row(QueueRow(pid, "waiting", db.next_seq(), 1.0))
        db.add_step(Step("c", 0, "setup", None, "groth16 setup", "ab", "", "cd", 10, "t"))
    db.close()
    again = Database(tmp_path / "s.sqlite3")
    assert again.participant_by_token("h" * 64) == again.participant(pid)
    assert [r.participant_id for r in again.waiting()] == [pid]
    assert again.next_seq() == 2
    assert again.steps("c")[0].sha256 == "cd"


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.sqlite3")
    with pytest.raises(RuntimeError, match=r"^boom$"), db.transaction():
        db.add_participant("alice", "h", 1.0)
        raise RuntimeError("boom")
    assert not db.name_taken("alice")


def test_invites_are_single_use_records(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.sqlite3")
    with db.transaction():
        db.add_invite("x", 1.0, 5.0)
        pid = db.add_participant("bob", "t", 1.0)
        db.use_invite("x", pid)
    invite = db.invite("x")
    assert invite is not None and (invite.expires, invite.used_by) == (5.0, pid)
    assert db.invite("y") is None
