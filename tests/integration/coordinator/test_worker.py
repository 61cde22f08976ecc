"""The worker process that checks uploads is started with the server, before it listens: its
pid is in the start-up lines, it is the server's child, and it is still the same process after
it checked the first upload."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.coordinator.conftest import Server, auth, contributed_key, register


def parent_of(pid: int) -> int:
    """The parent pid of a live process (from /proc; fields after the parenthesised name)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def test_the_worker_is_up_before_the_server_listens(server: Server, tmp_path: Path) -> None:
    lines = server.stderr.read_text().splitlines()
    ready = [i for i, line in enumerate(lines) if line.startswith("verification worker ready")]
    serving = [i for i, line in enumerate(lines) if line.startswith("serving ")]
    assert len(ready) == 1 and len(serving) == 1 and ready[0] < serving[0], lines
    match = re.fullmatch(r"verification worker ready \(pid (\d+)\)", lines[ready[0]])
    assert match is not None
    worker = int(match[1])
    assert parent_of(worker) == server.process.pid

    token = register(server, "alice")
    http = server.client(headers=auth(token))
    assert http.post("/queue/join").json()["state"] == "active"
    key = contributed_key(server, token, "range_32", tmp_path / "alice.zkey", "alice")
    assert http.put("/contributions/range_32", content=key.read_bytes()).status_code == 200
    assert parent_of(worker) == server.process.pid  # the same worker checked it
