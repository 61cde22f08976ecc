"""The queue rules on a clock the tests move: places, heartbeats, the slot and its deadline,
retries, uploads, ETA and recovery after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.coordinator.helpers import (
    CIRCUITS,
    FIRST_NAME,
    SECOND_NAME,
    Clock,
    coordinator,
    upload,
)
from toolchain.coordinator import receipts
from toolchain.coordinator.service import (
    LENIENT_HEARTBEATS,
    MISSED_HEARTBEATS,
    Coordinator,
    Refusal,
)
from toolchain.errors import IntegrityError


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def coord(tmp_path: Path, clock: Clock) -> Coordinator:
    return coordinator(tmp_path / "data", clock, slot_seconds=100, seconds_per_mib=0)


def code_of(call: object, *args: object) -> str:
    """The code of the Refusal `call(*args)` raises."""
    with pytest.raises(Refusal) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.code


def test_first_in_line_gets_the_slot_others_wait(coord: Coordinator, clock: Clock) -> None:
    a = coord.authenticate(coord.register(FIRST_NAME, None).token)
    b = coord.authenticate(coord.register("bob", None).token)
    assert coord.join(a).state == "active"
    waiting = coord.join(b)
    assert (waiting.state, waiting.position, waiting.eta_seconds) == ("waiting", 1, 100.0)
    assert coord.state(a.id).deadline == clock.now + 100
    assert coord.status().current_contributor == FIRST_NAME
    assert code_of(coord.turn, b) == "not_your_slot"


def test_the_deadline_grows_with_the_keys(tmp_path: Path, clock: Clock) -> None:
    coord = coordinator(tmp_path / "d", clock, slot_seconds=100, seconds_per_mib=3600)
    a = coord.authenticate(coord.register("alice", None).token)
    coord.join(a)
    traffic = sum(t.size + t.upload_size for t in coord.turn(a))
    assert coord.state(a.id).deadline == pytest.approx(clock.now + 100 + 3600 * traffic / 2**20)


def test_a_full_turn_ends_and_hands_the_slot_on(coord: Coordinator, clock: Clock) -> None:
    a = coord.authenticate(coord.register(FIRST_NAME, None).token)
    b = coord.authenticate(coord.register(SECOND_NAME, None).token)
    coord.join(a), coord.join(b)
    turn = coord.turn(a)
    assert [t.circuit for t in turn] == list(CIRCUITS) and turn[0].index == 0
    clock.now += 30
    signed = [upload(coord, a, c, 1) for c in CIRCUITS]
    receipts.verify(signed[0], coord.public_key)
    assert coord.state(a.id).state == "done"
    assert coord.state(b.id).state == "active"
    assert coord.average_turn() == 30
    assert [s.contributions for s in coord.status().circuits] == [1, 1]
    assert coord.receipt("multiplier", 1) == signed[0]
    assert code_of(coord.receipt, "multiplier", 0) == "not_found"


def test_uploads_are_checked_before_the_body(coord: Coordinator) -> None:
    a = coord.authenticate(coord.register(FIRST_NAME, None).token)
    coord.join(a)
    size = coord.turn(a)[0].upload_size
    assert code_of(coord.reserve_upload, a, "multiplier", size + 1) == "wrong_size"
    assert code_of(coord.reserve_upload, a, "nope", size) == "unknown_circuit"
    reserved = coord.reserve_upload(a, "multiplier", size)
    assert code_of(coord.reserve_upload, a, "multiplier", size) == "upload_in_progress"
    coord.release(reserved)
    upload(coord, a, "multiplier", 1)
    assert code_of(coord.reserve_upload, a, "multiplier", size) == "already_contributed"


def test_verification_pauses_the_deadline(coord: Coordinator, clock: Clock) -> None:
    a = coord.authenticate(coord.register(FIRST_NAME, None).token)
    deadline = coord.join(a).deadline
    assert deadline is not None
    reserved = coord.reserve_upload(a, "multiplier", coord.turn(a)[0].upload_size)
    coord.start_verifying(reserved)
    clock.now += 500
    coord.sweep()
    assert coord.state(a.id).state == "verifying"
    coord.release(reserved)
    assert coord.state(a.id).deadline == deadline + 500


def test_rejoining_after_missed_deadlines_uses_the_retries(tmp_path: Path, clock: Clock) -> None:
    coord = coordinator(tmp_path / "d", clock, slot_seconds=10, seconds_per_mib=0, max_retries=1)
    a = coord.authenticate(coord.register("alice", None).token)
    b = coord.authenticate(coord.register("bob", None).token)
    coord.join(a), coord.join(b)
    clock.now += 11
    coord.sweep()
    expired = coord.state(a.id)
    assert (expired.state, expired.retries_left) == ("expired", 1)
    assert expired.message == "missed the deadline; 1 retry left"
    assert coord.state(b.id).state == "active"
    again = coord.join(a)  # at the back
    assert (again.state, again.position, again.retries_left) == ("waiting", 1, 0)
    coord.leave(b)
    clock.now += 11
    coord.sweep()
    assert coord.state(a.id).message == "missed the deadline; 0 retries left"
    assert code_of(coord.join, a) == "retries_exhausted"
    assert coord.join(b).state == "active"  # leaving costs nothing


def test_silent_waiters_lose_their_place(coord: Coordinator, clock: Clock) -> None:
    a = coord.authenticate(coord.register("alice", None).token)
    b = coord.authenticate(coord.register("bob", None).token)
    c = coord.authenticate(coord.register("carol", None).token)
    coord.join(a), coord.join(b), coord.join(c)
    period = coord.options.heartbeat_seconds
    clock.now += period * MISSED_HEARTBEATS - 1
    coord.heartbeat(b)
    clock.now += period * (LENIENT_HEARTBEATS - MISSED_HEARTBEATS) + 2
    coord.sweep()  # carol never sent one: lenient until now; bob's last was too long ago
    assert [coord.state(p.id).state for p in (b, c)] == ["expired", "expired"]
    assert coord.state(b.id).retries_left == 2  # losing the place costs no retry


def test_leaving_hands_the_slot_on(coord: Coordinator) -> None:
    a = coord.authenticate(coord.register("alice", None).token)
    b = coord.authenticate(coord.register("bob", None).token)
    coord.join(a), coord.join(b)
    assert coord.leave(a).state == "left"
    assert coord.state(b.id).state == "active"
    assert coord.join(a).position == 1


def test_invites(tmp_path: Path, clock: Clock) -> None:
    coord = coordinator(tmp_path / "d", clock, invite_only=True)
    first, second = coord.create_invites(2, hours=1)
    assert code_of(coord.register, "alice", None) == "invite_required"
    assert code_of(coord.register, "alice", "made-up") == "invite_invalid"
    coord.register("alice", first)
    assert code_of(coord.register, "bob", first) == "invite_invalid"
    clock.now += 3601
    assert code_of(coord.register, "bob", second) == "invite_invalid"


def test_names_and_tokens(coord: Coordinator) -> None:
    token = coord.register("alice", None).token
    assert code_of(coord.register, "ALICE", None) == "name_taken"
    assert code_of(coord.authenticate, token + "x") == "unauthorized"
    assert code_of(coord.authenticate, None) == "unauthorized"
    assert token not in coord.db.path.read_bytes().decode("latin-1")


def test_a_restart_keeps_the_chain_and_extends_the_slot(tmp_path: Path, clock: Clock) -> None:
    coord = coordinator(tmp_path / "d", clock, slot_seconds=100, seconds_per_mib=0)
    a = coord.authenticate(coord.register(FIRST_NAME, None).token)
    deadline = coord.join(a).deadline
    assert deadline is not None
    signed = upload(coord, a, "multiplier", 1)
    coord.sweep()
    coord.db.close()
    clock.now += 40  # down for 40 s
    again = coordinator(tmp_path / "d", clock, slot_seconds=100, seconds_per_mib=0)
    assert again.recover() == 40
    assert again.state(a.id).deadline == deadline + 40
    assert again.pending(a.id) == ["poly"]
    receipts.verify(again.receipt("multiplier", 1), again.public_key)
    assert again.receipt("multiplier", 1) == signed


def test_a_damaged_stored_key_fails_recovery(tmp_path: Path, clock: Clock) -> None:
    coord = coordinator(tmp_path / "d", clock)
    path, _ = coord.key_file("poly", 0)
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(IntegrityError, match=r"missing or not the key the database recorded$"):
        coord.recover()
