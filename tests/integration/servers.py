"""Real servers in integration tests: what the coordinator's and the prover service's share.

- `free_port()`: a TCP port nobody listens on right now.
- `spawn(argv, cwd, log, group=False)`: a server subprocess writing stdout and stderr to `log`
  (in its own session with `group`, so `kill` takes its workers too).
- `ServerProcess`: the subprocess's `.port`, `.process`, `.stderr` (the log file), `.url`,
  `.client()` (httpx on `client_url`, closed with the server), `.kill()` (SIGKILL, as a crash
  would), `.log()` (the JSON log lines as dicts) and `.wait_until_up(path, seconds, name)`.
  Each conftest's dataclass builds on it, with its own fields and client base URL.
- `Started`: the servers a fixture started; `.up(server, path, seconds, name)` keeps one and
  waits until it answers, `.kill_all()` at the fixture's end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import httpx


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(argv: list[str], cwd: Path, log: Path, group: bool = False) -> subprocess.Popen[bytes]:
    """Start a server, its stdout and stderr to `log` (in a session of its own with `group`)."""
    with open(log, "wb") as out:
        return subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=out, start_new_session=group)


class ServerProcess:
    """One server subprocess on 127.0.0.1: the methods of a conftest's dataclass, which declares
    these attributes among its own fields, in the order its callers construct it."""

    port: int
    process: subprocess.Popen[bytes]
    stderr: Path
    clients: list[httpx.Client]
    timeout: ClassVar[float] = 60

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def client_url(self) -> str:
        """Where `client()`'s requests go: the root URL unless a subclass says otherwise."""
        return self.url

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client on `client_url`, closed with the server."""
        made = httpx.Client(base_url=self.client_url, timeout=self.timeout, **kwargs)
        self.clients.append(made)
        return made

    def kill(self) -> None:
        """SIGKILL, as a crash would (the whole process group when it has its own session)."""
        if self.process.poll() is None:
            if os.getpgid(self.process.pid) == self.process.pid:
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        for made in self.clients:
            made.close()

    def log(self) -> list[dict[str, Any]]:
        """The server's JSON log lines (other stderr lines are left out)."""
        lines = self.stderr.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def wait_until_up(self, path: str, seconds: float, name: str) -> None:
        """Until GET `path` answers 200; AssertionError with the log if the server exits first,
        or (killed) if it is not up within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{name} exited:\n{self.stderr.read_text()}")
            try:
                if httpx.get(self.url + path, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"{name} not up after {seconds} s:\n{self.stderr.read_text()}")


S = TypeVar("S", bound=ServerProcess)


class Started(list[S]):
    """The servers a fixture started."""

    def up(self, server: S, path: str, seconds: float, name: str) -> S:
        """Keep `server` (to kill at the end) and wait until GET `path` answers 200."""
        self.append(server)
        server.wait_until_up(path, seconds, name)
        return server

    def kill_all(self) -> None:
        """SIGKILL every server started."""
        for server in self:
            server.kill()
