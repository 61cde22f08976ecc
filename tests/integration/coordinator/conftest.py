"""Real coordinator servers for integration tests (shared with the participant client's tests).

Fixtures and helpers, all documented for reuse:

- `coordinator_template` (session): a throwaway project (tests/conftest.py copy_project) whose
  ceremony.toml serves two small circuits, CIRCUITS = multiplier_2 and range_32, from an
  INSECURE dev ptau of power 9, min_contributions = 2, a high rate limit; compiled and set up
  once (local key 0 and record 0 of each circuit, no contributions, no artifacts).
- `coordinator_project` (function): a fresh copy of the template (a Path); change its
  [coordinator] table with `set_coordinator_options(project, slot_seconds=5, ...)` BEFORE
  starting a server on it.
- `start_server` (function): a factory `start_server(project, data=None, port=None) -> Server`
  that starts `zkt ceremony serve` as a real subprocess on 127.0.0.1 with a free port (or
  `port`; data dir: the project's default unless given), waits until GET /api/v1/status
  answers, and SIGKILLs every server it started when the test ends. Call it again on the same
  project/data to restart (with `port=old.port` for clients that keep the old URL).
- `server` (function): `start_server(coordinator_project)`, for tests that need one server.
- `Server`: `.url` (http://127.0.0.1:PORT), `.api` (url + /api/v1), `.client()` (an
  httpx.Client on `.api`), `.kill()` (SIGKILL, waits), `.log()` (the JSON log lines as dicts),
  `.project`, `.data`.
- `register(server, name, invite=None) -> str` (the bearer token), `auth(token)` (headers),
  `contributed_key(server, token, circuit, out)`: downloads the circuit's current key as the
  slot holder sees it in GET /turn and contributes with the pinned snarkjs
  (phase2.contribute) under the registered name, returning the contributed file;
  `chain_of(server)`: what GET /status and GET /transcript say of every circuit, to assert an
  unchanged accepted chain.

`free_port`, the subprocess wrapper `Server` builds on and the wait until it answers are
tests/integration/servers.py's, shared with the prover service's tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO, copy_project
from tests.integration.servers import ServerProcess, Started, spawn
from tests.integration.servers import free_port as free_port  # re-exported: test_participant
from toolchain.api.ceremony import setup
from toolchain.api.workspace import open_workspace
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.ceremony.phase2 import contribute
from toolchain.runner.tools import Tools

CIRCUITS = ("multiplier_2", "range_32")
API = "/api/v1"
START_SECONDS = 120

CEREMONY_TOML = """[ceremony]
name = "coordinator test ceremony"
circuits = ["multiplier_2", "range_32"]
min_contributions = 2

[phase1]
source = "dev"
power = 9
seed = "coordinator tests"

[beacon]
hash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
iterations_exp = 10
source = "Bitcoin block 0 hash (tests)"

[coordinator]
rate_per_minute = 100000
"""


def set_coordinator_options(project: Path, **options: object) -> None:
    """Rewrite the [coordinator] table of `project`'s ceremony.toml (rate_per_minute stays
    100000 unless given)."""
    values = {"rate_per_minute": 100000, **options}
    lines = [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path = project / "ceremony" / "ceremony.toml"
    text = path.read_text().split("[coordinator]")[0]
    path.write_text(text + "[coordinator]\n" + "\n".join(lines) + "\n")


@pytest.fixture(scope="session")
def coordinator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project set up for the coordinator once: compiled, dev ptau, key 0 of each circuit."""
    project = copy_project(tmp_path_factory.mktemp("coordinator") / "template")
    (project / "ceremony").mkdir()
    (project / "ceremony" / "ceremony.toml").write_text(CEREMONY_TOML)
    setup(open_workspace(project), CIRCUITS, None)
    return project


@pytest.fixture
def coordinator_project(coordinator_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the set-up template project."""
    return Path(shutil.copytree(coordinator_template, tmp_path / "project", symlinks=True))


@dataclass
class Server(ServerProcess):
    """One `zkt ceremony serve` subprocess."""

    project: Path
    data: Path
    port: int
    process: subprocess.Popen[bytes]
    stderr: Path
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def api(self) -> str:
        return self.url + API

    @property
    def client_url(self) -> str:
        """`client()` talks to the API base URL."""
        return self.api


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    """Factory: start `zkt ceremony serve` on `project` (`data`, `port`); all killed at the end."""
    started: Started[Server] = Started()

    def start(project: Path, data: Path | None = None, port: int | None = None) -> Server:
        folder = data or project / ".zkt" / "coordinator"
        port, log = port or free_port(), project / f"serve-{len(started)}.log"
        argv = [sys.executable, "-m", "toolchain", "ceremony", "serve", "--host", "127.0.0.1",
                "--port", str(port), "--data", str(folder)]  # fmt: skip
        process = spawn(argv, project, log)
        server = Server(project, folder, port, process, log)
        return started.up(server, API + "/status", START_SECONDS, "zkt ceremony serve")

    yield start
    started.kill_all()


@pytest.fixture
def server(start_server: Callable[..., Server], coordinator_project: Path) -> Server:
    """One server on a fresh copy of the template project."""
    return start_server(coordinator_project)


def auth(token: str) -> dict[str, str]:
    """The Authorization header of a participant."""
    return {"Authorization": f"Bearer {token}"}


def register(server: Server, name: str, invite: str | None = None) -> str:
    """Register `name` (with `invite`) and return the bearer token."""
    body: dict[str, str] = {"name": name} | ({"invite": invite} if invite else {})
    answer = httpx.post(server.api + "/register", json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["token"])


def tools() -> Tools:
    """The pinned tools of this run."""
    return Tools(Path(os.environ.get("ZKT_TOOLS_DIR") or REPO / ".zkt" / "tools"))


def download_key(server: Server, circuit: str, index: int, out: Path) -> Path:
    """GET a key to `out`."""
    answer = httpx.get(f"{server.api}/circuits/{circuit}/keys/{index}", timeout=60)
    assert answer.status_code == 200, answer.text
    out.write_bytes(answer.content)
    return out


def contributed_key(server: Server, token: str, circuit: str, out: Path, name: str) -> Path:
    """The slot holder's contribution to `circuit`'s current key, by the pinned snarkjs."""
    turns = httpx.get(server.api + "/turn", headers=auth(token), timeout=30).json()
    turn = next(t for t in turns if t["circuit"] == circuit)
    current = download_key(server, circuit, turn["index"], out.with_suffix(".in.zkey"))
    contribute(tools(), current, out, name, fresh_entropy())
    assert out.stat().st_size == turn["upload_size"]
    return out


def chain_of(server: Server) -> dict[str, Any]:
    """The accepted chain as GET /status (per circuit) and GET /transcript show it."""
    status = httpx.get(server.api + "/status", timeout=30).json()
    circuits = {c["name"]: c for c in status["circuits"]}
    transcripts = {
        name: httpx.get(f"{server.api}/transcript/{name}", timeout=30).json() for name in CIRCUITS
    }
    return {"circuits": circuits, "transcripts": transcripts}


def error_code(answer: httpx.Response) -> str:
    """The CODES code of a refusal, checking the error body's shape."""
    body = answer.json()
    assert set(body) == {"error"} and body["error"]["request_id"], body
    return str(body["error"]["code"])


TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,}$")
