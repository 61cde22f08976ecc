"""A `zkt ceremony join` run again after its process died resumes as the name it registered.

join keeps its registration in RECEIPTS/.registration.json (0600, the token never shown) until
every circuit has its receipt. Against the real coordinator: a join SIGKILLed while it waits for
its slot, run again, joins with the saved token (no second registration in the coordinator's
database), contributes and removes the file; a join interrupted with Ctrl-C (it left the queue)
does the same; a join that died before the receipts of its accepted uploads fetches them. A saved
registration of another name, one whose token the coordinator never
issued, one that is not a registration, and one the group or others may read are refused as
one line, nothing written or sent.
"""

from __future__ import annotations

import json
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import tree
from tests.integration.coordinator.conftest import (
    CIRCUITS,
    Server,
    auth,
    contributed_key,
    register,
)
from tests.integration.coordinator.test_participant import (
    ABORTED,
    holder_of_the_slot,
    join,
    wait_for,
)
from tests.integration.coordinator.test_participant import fast_project as fast_project
from tests.integration.coordinator.test_participant import home as home
from tests.integration.helpers import zkt

USAGE, FORMAT = 2, 5
CEREMONY = "coordinator test ceremony"
ANEW = "move the file away to register anew"


def saved(home: Path, name: str) -> Path:
    """Where join keeps `name`'s registration (the tests' --receipts receipts/NAME)."""
    return home / "receipts" / name / ".registration.json"


def participants(server: Server) -> list[str]:
    """The names registered in the coordinator's database, in order."""
    uri = f"file:{server.data / 'state.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        return [row[0] for row in db.execute("SELECT name FROM participants ORDER BY id")]


def resumed_to_the_end(server: Server, home: Path, name: str) -> str:
    """join `name` again: it resumes, contributes to every circuit, removes the registration;
    its stderr."""
    done = join(server, name, home)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    path = Path("receipts") / name / ".registration.json"
    assert f"resuming as {name}, registered earlier ({path})\n" in err, err
    assert sorted(Path(line).name for line in out.splitlines()) == [
        f"{circuit}_0001.json" for circuit in CIRCUITS
    ]
    assert not saved(home, name).exists()
    return out + err


def test_a_join_killed_while_waiting_resumes_without_registering_again(
    start_server: Callable[..., Server], fast_project: Path, home: Path
) -> None:
    server = start_server(fast_project)
    holder = holder_of_the_slot(server)
    first = join(server, "dave", home)
    wait_for(first, "waiting: position 1 of 1")
    first.kill()
    shown = "".join(first.communicate(timeout=30))
    kept = json.loads(saved(home, "dave").read_text())
    assert saved(home, "dave").stat().st_mode & 0o777 == 0o600
    assert {k: v for k, v in kept.items() if k != "token"} == {
        "server": server.url, "ceremony": CEREMONY, "name": "dave", "participant_id": 2,
    }  # fmt: skip
    left = httpx.post(server.api + "/queue/leave", headers=auth(holder), timeout=30)
    assert left.json()["state"] == "left", left.text

    shown += resumed_to_the_end(server, home, "dave")

    assert participants(server) == ["holder", "dave"]
    assert kept["token"] not in shown


def test_a_join_interrupted_with_ctrl_c_resumes_after_leaving_the_queue(
    start_server: Callable[..., Server], fast_project: Path, home: Path
) -> None:
    server = start_server(fast_project)
    holder = holder_of_the_slot(server)
    first = join(server, "dora", home)
    wait_for(first, "waiting: position 1 of 1")
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=60)
    assert first.returncode == ABORTED and "interrupted: left the queue" in err, err
    httpx.post(server.api + "/queue/leave", headers=auth(holder), timeout=30)

    resumed_to_the_end(server, home, "dora")

    assert participants(server) == ["holder", "dora"]


def refused(
    server: Server, home: Path, content: str, code: int, message: str, mode: int = 0o600
) -> None:
    """join --name frank over a registration file holding `content` (with `mode`): exactly
    `message`, exit `code`, nothing written, nobody registered, the file's token never shown."""
    path = saved(home, "frank")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    path.chmod(mode)
    before = tree(home)
    done = zkt("ceremony", "join", "--server", server.url, "--name", "frank", "--receipts",
               "receipts/frank", cwd=home)  # fmt: skip
    assert done.returncode == code, done.stderr
    assert done.stderr.strip().splitlines()[-1] == f"zkt: error: {message}", done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "    at " not in done.stderr
    assert tree(home) == before
    assert "frank" not in participants(server)
    token = json.loads(content).get("token") if content.startswith("{") else None
    assert token is None or token not in done.stdout + done.stderr


def test_a_saved_registration_that_is_not_this_joins_is_refused(server: Server, home: Path) -> None:
    where = "receipts/frank/.registration.json"
    erin = {"server": server.url, "ceremony": CEREMONY, "name": "erin", "participant_id": 1,
            "token": register(server, "erin")}  # fmt: skip
    other = (
        f"{where}: the registration of 'erin' in '{CEREMONY}' at {server.url}, not of 'frank'"
        f" in '{CEREMONY}' at {server.url}: give another --receipts folder, or {ANEW}"
    )
    refused(server, home, json.dumps(erin), USAGE, other)
    forged = {**erin, "name": "frank", "token": "forged-token-the-coordinator-never-issued"}
    unknown = f"{where}: the coordinator does not know this registration's token (unauthorized)"
    refused(server, home, json.dumps(forged), USAGE, f"{unknown}: {ANEW}")
    fields = "not a saved registration (4 validation errors for Registration)"
    refused(server, home, json.dumps({"name": "frank"}), FORMAT, f"{where}: {fields}: {ANEW}")
    large = "not a saved registration (JSON larger than 4096 bytes)"
    refused(server, home, "x" * 5000, FORMAT, f"{where}: {large}: {ANEW}")
    frank = {**erin, "name": "frank"}
    for mode in (0o640, 0o604, 0o620):  # the group or others may read (or write) the token
        shown = (
            f"{where}: open to others (mode {mode:o}, not 600): its token may be known to"
            " others: move it away and join under another name, or `chmod 600` it if no one"
            " else could have read it"
        )
        refused(server, home, json.dumps(frank), USAGE, shown, mode)


def test_a_join_that_died_before_its_receipts_fetches_them_when_run_again(
    start_server: Callable[..., Server], fast_project: Path, home: Path, tmp_path: Path
) -> None:
    """The first join dies; its uploads are accepted after (here made with its saved token, as
    an upload the coordinator was still verifying would be): run again, the coordinator says
    it is done, and join stores the signed receipts, checked, and removes the registration."""
    server = start_server(fast_project)
    holder = holder_of_the_slot(server)
    first = join(server, "gina", home)
    wait_for(first, "waiting: position 1 of 1")
    first.kill()
    first.communicate(timeout=30)
    token = json.loads(saved(home, "gina").read_text())["token"]
    httpx.post(server.api + "/queue/join", headers=auth(token), timeout=30)
    httpx.post(server.api + "/queue/leave", headers=auth(holder), timeout=30)
    for circuit in CIRCUITS:
        key = contributed_key(server, token, circuit, tmp_path / f"{circuit}.zkey", "gina")
        answer = httpx.put(f"{server.api}/contributions/{circuit}", content=key.read_bytes(),
                           headers=auth(token), timeout=120)  # fmt: skip
        assert answer.status_code == 200, answer.text

    again = join(server, "gina", home)
    out, err = again.communicate(timeout=300)

    assert again.returncode == 0, err
    assert "resuming as gina, registered earlier" in err and "contributed to every circuit" in err
    for circuit in CIRCUITS:
        receipt = Path("receipts") / "gina" / f"{circuit}_0001.json"
        assert f"{circuit}: contribution 1 was accepted before; receipt {receipt}\n" in err, err
        checked = zkt("ceremony", "verify-receipt", str(receipt), "--server", server.url,
                      cwd=home)  # fmt: skip
        assert checked.returncode == 0, checked.stderr
    assert len(out.splitlines()) == 2 and not saved(home, "gina").exists()
    assert participants(server) == ["holder", "gina"] and token not in out + err
