"""A real `zkt ceremony join` resumes the partial downloads a previous join process left when it
died: they are kept in RECEIPTS/.downloads/<sha256>.zkey.part. The test lays out what a join
killed mid-download leaves (the first half of each current key; for range_32 a half that is
not the key's), then runs join: multiplier_2's key is continued with a Range request, range_32's
fails the sha256 check and is downloaded again in full; both contributions are accepted and the
downloads are gone once contributed to."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx

from tests.integration.coordinator.conftest import CIRCUITS, Server
from tests.integration.coordinator.test_participant import finished, join


def left_by_a_dead_join(server: Server, cache: Path) -> dict[str, Path]:
    """Half of each circuit's key 0 under its sha256 (range_32's half is other bytes)."""
    cache.mkdir(parents=True)
    partials = {}
    for circuit in CIRCUITS:
        key = httpx.get(f"{server.api}/circuits/{circuit}/keys/0", timeout=30).content
        half = key[: len(key) // 2]
        partial = cache / f"{hashlib.sha256(key).hexdigest()}.zkey.part"
        partial.write_bytes(half if circuit == "multiplier_2" else bytes(len(half)))
        partials[circuit] = partial
    return partials


def key_downloads(server: Server, circuit: str) -> list[int]:
    """The statuses of this server's answers to GET key 0 of `circuit`, in order."""
    path = f"/api/v1/circuits/{circuit}/keys/0"
    return [line["status"] for line in server.log() if line["path"] == path]


def test_join_resumes_the_partial_download_of_a_dead_join(server: Server, tmp_path: Path) -> None:
    home = tmp_path / "participant"
    home.mkdir()
    cache = home / "receipts" / "alice" / ".downloads"
    partials = left_by_a_dead_join(server, cache)
    before = {circuit: key_downloads(server, circuit) for circuit in CIRCUITS}

    code, out, err = finished(join(server, "alice", home))

    assert code == 0, err
    mine = partials["multiplier_2"].relative_to(home)
    assert f"multiplier_2: resuming the download of key 0 from {mine}\n" in err
    assert "range_32: the partial download did not check out: downloading it again\n" in err
    assert key_downloads(server, "multiplier_2") == [*before["multiplier_2"], 206]
    assert key_downloads(server, "range_32") == [*before["range_32"], 206, 200]
    assert sorted(Path(line).name for line in out.splitlines()) == [
        f"{circuit}_0001.json" for circuit in CIRCUITS
    ]
    assert not cache.exists()
