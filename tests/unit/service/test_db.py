"""The job table on a real SQLite file: results kept, unfinished jobs failed on recovery, the
MAX_KEPT bound, and files that are not a job table refused without a byte written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from toolchain.errors import ConfigError
from toolchain.service.db import RESTARTED, JobTable, check_state
from toolchain.service.protocol import JobStatus, Timings


def done(job_id: str) -> JobStatus:
    """A finished job's status, as the service answers it."""
    return JobStatus(
        id=job_id, circuit="c", status="done", proof={"pi_a": ["1", "2", "1"]},
        public_signals=["7"], vkey_sha256="1" * 64, retries=1,
        timings=Timings(queue=0.25, witness=0.1, prove=0.2, verify=0.3, total=0.6),
    )  # fmt: skip


def add(table: JobTable, job_id: str, owner: str | None = None) -> None:
    table.add(job_id, "c", "1" * 64, owner, "req-" + job_id, 1000.0)


def test_a_finished_job_reads_back_the_same_after_reopening(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite3")
    add(table, "a", owner="f" * 64)
    table.start("a", 1000.5, Timings(queue=0.25))
    table.finish(done("a"), 1001.0, keep=10)
    table.close()
    again = JobTable(tmp_path / "jobs.sqlite3")
    assert again.recover(2000.0, keep=10) == 0
    assert again.get("a") == ("f" * 64, done("a"))
    assert again.get("b") is None


def test_recovery_fails_the_jobs_left_queued_or_running(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite3")
    for job_id in ("queued", "running", "finished"):
        add(table, job_id)
    table.start("running", 1000.5, Timings(queue=0.5))
    table.finish(done("finished"), 1001.0, keep=10)
    table.close()
    again = JobTable(tmp_path / "jobs.sqlite3")
    assert again.recover(2000.0, keep=10) == 2
    for job_id, queue in (("queued", None), ("running", 0.5)):
        found = again.get(job_id)
        assert found is not None
        assert found[1] == JobStatus(
            id=job_id, circuit="c", status="failed", vkey_sha256="1" * 64,
            timings=Timings(queue=queue), reason=RESTARTED,
        )  # fmt: skip
    assert again.get("finished") == (None, done("finished"))


def test_only_the_latest_finished_jobs_are_kept(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite3")
    for job_id in "abcd":
        add(table, job_id)
    for job_id in "abc":
        table.finish(done(job_id), 1001.0, keep=2)
    assert [table.get(j) is not None for j in "abcd"] == [False, True, True, True]


def refused(path: Path) -> str:
    """check_state's message for `path`; the folder's files and bytes left as they were."""
    before = {p: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}
    with pytest.raises(ConfigError) as error:
        check_state(path)
    assert {p: p.read_bytes() for p in path.parent.iterdir() if p.is_file()} == before
    return str(error.value)


def test_a_file_that_is_not_a_job_table_is_refused_untouched(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all " * 100)
    assert refused(garbage) == (
        f"job table {garbage}: not a zkt serve job table (file is not a database)"
    )
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE jobs (x)")
    assert refused(other) == (
        f"job table {other}: not a zkt serve job table (SQLite user_version 0, 1 schema"
        " object(s)): give --state another file"
    )
    assert refused(tmp_path) == f"job table {tmp_path}: not a regular file"


def test_a_table_held_by_a_service_is_refused(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite3")
    assert refused(table.path) == f"job table {table.path}: in use by another zkt serve"
    table.close()
    check_state(table.path)  # free again


def test_an_absent_or_empty_file_is_a_new_table(tmp_path: Path) -> None:
    check_state(tmp_path / "absent.sqlite3")
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    check_state(tmp_path / "empty.sqlite3")
    assert not (tmp_path / "absent.sqlite3").exists()
    JobTable(tmp_path / "new" / "jobs.sqlite3").close()
    check_state(tmp_path / "new" / "jobs.sqlite3")
