"""Jobs outlive the process: the job table (SQLite) across a drain, a SIGKILL and a restart,
and a state file that is not a job table refused before the service starts."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.helpers import zkt
from tests.integration.service.conftest import Service, product
from tests.integration.service.test_jobs import factors, job_state, stopped, wait_for
from toolchain.service.db import RESTARTED


def test_a_finished_job_answers_the_same_after_a_restart(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project)
    job = service.client().post("/v1/proofs?wait=60", json=factors(3, 11)).json()
    assert job["status"] == "done" and job["public_signals"] == [product(3, 11)]
    state = served_project / "build/service/jobs.sqlite3"
    second = zkt("serve", "--port", "1", cwd=served_project)
    assert second.returncode == 2 and "Traceback" not in second.stdout + second.stderr
    assert second.stderr == f"zkt: error: job table {state}: in use by another zkt serve\n"
    service.process.send_signal(signal.SIGTERM)
    service.process.wait(60)
    again = start_service(served_project).client()
    answer = again.get(f"/v1/proofs/{job['id']}")
    assert answer.status_code == 200 and answer.json() == job
    unknown = again.get("/v1/proofs/" + "0" * 32)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_jobs_unfinished_at_a_crash_read_failed_after_the_restart(
    start_service: Callable[..., Service], served_project: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state" / "jobs.sqlite3"
    service = start_service(served_project, "--state", str(state))
    http = service.client()
    with stopped(service.worker_pids()[0]):
        accepted = [http.post("/v1/proofs", json=factors(2, n)) for n in (3, 4)]
        assert [a.status_code for a in accepted] == [202, 202]
        running, queued = (a.json()["id"] for a in accepted)
        wait_for(lambda: job_state(http, running) == "running")
        service.kill()
    again = start_service(served_project, "--state", str(state)).client()
    for job_id in (running, queued):
        failed = again.get(f"/v1/proofs/{job_id}")
        assert failed.status_code == 200
        body = failed.json()
        assert (body["status"], body["reason"], body["proof"]) == ("failed", RESTARTED, None)
    assert again.get(f"/v1/proofs/{running}").json()["timings"]["queue"] >= 0
    done = again.post("/v1/proofs?wait=60", json=factors(5, 5)).json()
    assert done["status"] == "done" and done["public_signals"] == [product(5, 5)]


def foreign_database(path: Path) -> None:
    """A SQLite file of another program (here: a table named jobs, of another shape)."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE jobs (name TEXT)")
    sqlite3.connect(path).close()


def garbage(path: Path) -> None:
    """Bytes that are not SQLite."""
    path.write_bytes(b"zkt serve jobs, or so it says " * 64)


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (garbage, "not a zkt serve job table (file is not a database)"),
        (foreign_database, "not a zkt serve job table (SQLite user_version 0, 1 schema"
                           " object(s)): give --state another file"),
    ],
)  # fmt: skip
def test_a_state_file_that_is_not_a_job_table_stops_the_start(
    served_project: Path, tmp_path: Path, make: Callable[[Path], None], why: str
) -> None:
    state = tmp_path / "state" / "jobs.sqlite3"
    state.parent.mkdir()
    make(state)
    before = {p: p.read_bytes() for p in state.parent.iterdir()}
    project = sorted(p.name for p in served_project.rglob("*"))
    done = zkt("serve", "--port", "1", "--state", str(state), cwd=served_project)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"zkt: error: job table {state}: {why}\n"
    assert "Traceback" not in done.stdout + done.stderr
    assert {p: p.read_bytes() for p in state.parent.iterdir()} == before
    assert sorted(p.name for p in served_project.rglob("*")) == project
