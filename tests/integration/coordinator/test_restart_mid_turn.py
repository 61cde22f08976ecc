"""A real `zkt ceremony join` survives a coordinator SIGKILL and restart while it holds the slot.

The server is killed the moment join reports its first circuit accepted (the second one is
then being downloaded or contributed to) and started again on the same port and data. join
rides out the outage with its retries, finishes the turn against the restarted server, both
receipts verify against it, and a further restart re-verifies every chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tests.integration.coordinator.conftest import CIRCUITS, Server
from tests.integration.coordinator.test_participant import finished, join, wait_for
from tests.integration.helpers import zkt

ACCEPTED = re.compile(r"^(\w+): contribution 1 accepted; receipt ", re.M)


def accepted_puts(server: Server) -> list[str]:
    """The circuits whose upload this server process accepted, from its log."""
    return [
        line["path"].rsplit("/", 1)[1]
        for line in server.log()
        if line["method"] == "PUT" and line["status"] == 200
    ]


def test_join_finishes_its_turn_across_a_restart(
    start_server: Callable[..., Server], coordinator_project: Path, tmp_path: Path
) -> None:
    server = start_server(coordinator_project)
    home = tmp_path / "participant"
    home.mkdir()
    process = join(server, "alice", home)
    match = ACCEPTED.search(wait_for(process, ": contribution 1 accepted"))
    assert match is not None
    server.kill()
    first, second = match[1], next(c for c in CIRCUITS if c != match[1])
    again = start_server(coordinator_project, port=server.port)

    code, out, err = finished(process)

    assert code == 0, err
    assert accepted_puts(server) == [first] and accepted_puts(again) == [second]
    written = [home / line for line in out.splitlines()]
    assert sorted(p.name for p in written) == sorted(f"{c}_0001.json" for c in CIRCUITS)
    for receipt in written:  # the one signed before the crash too
        done = zkt("ceremony", "verify-receipt", str(receipt), "--server", again.url, cwd=home)
        assert done.returncode == 0 and done.stdout.endswith("signed and in the chain: OK\n"), done
    status = again.client().get("/status").json()
    assert {c["name"]: c["contributions"] for c in status["circuits"]} == dict.fromkeys(CIRCUITS, 1)
    assert status["current_contributor"] is None

    again.kill()
    third = start_server(coordinator_project)
    assert "chains re-verified for 2 circuit(s)" in third.stderr.read_text()
