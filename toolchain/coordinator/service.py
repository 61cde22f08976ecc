"""The coordinator without HTTP: identity, the FIFO queue and its slot, uploads, receipts, recovery.

Time comes from an injected clock, so the queue rules are tested without sleeping. Every change
is one database transaction, committed (and every key file stored) before the method returns
what a client is told. Queue rules:

- join puts a participant at the back; a waiting participant keeps the place by heartbeat
  (any GET /queue/me counts); one silent for MISSED_HEARTBEATS periods loses it (before the
  first heartbeat, LENIENT_HEARTBEATS periods). Rejoining after that is free.
- the head of the line gets the slot with a deadline of slot_seconds + seconds_per_mib per MiB
  of keys to download and upload; a missed deadline releases the slot, and joining again after
  it uses one of max_retries retries (the count left is in every QueueState, never silent).
- while an upload is verified the deadline is paused; once every circuit has the holder's
  contribution the turn ends (its duration feeds the ETA) and the next in line gets the slot.
- at start, `recover` re-verifies every chain natively, drops interrupted uploads and extends
  the holder's deadline by the downtime.
"""

from __future__ import annotations

import hashlib
import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from toolchain.ceremony import checks
from toolchain.ceremony.phase2 import read_key
from toolchain.config import CoordinatorOptions
from toolchain.coordinator import receipts
from toolchain.coordinator.db import Database, Participant, QueueRow, Step
from toolchain.coordinator.protocol import (
    ActiveTurn,
    CeremonyInfo,
    CircuitState,
    QueueState,
    QueueStateName,
    QueueStatus,
    Receipt,
    RegisterResponse,
    SignedReceipt,
    TranscriptEntry,
)
from toolchain.coordinator.store import ObjectStore
from toolchain.errors import IntegrityError
from toolchain.formats.zkey import contribution_record_size
from toolchain.web.models import Refusal

MIB = 1 << 20
MISSED_HEARTBEATS = 3
LENIENT_HEARTBEATS = 10
TURN_SAMPLES = 20
Clock = Callable[[], float]
StepKind = Literal["setup", "contribution", "beacon"]


@dataclass(frozen=True)
class Settings:
    """What the coordinator serves: from ceremony.toml."""

    ceremony: str
    circuits: tuple[str, ...]
    options: CoordinatorOptions
    min_contributions: int


@dataclass(frozen=True)
class Upload:
    """A reserved upload: who, which circuit, the accepted key it must extend, its exact size."""

    participant: Participant
    circuit: str
    accepted: Path
    index: int
    size: int


def token_hash(secret: str) -> str:
    """How tokens and invite codes are stored: their sha256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def iso(moment: float) -> str:
    """A unix time as ISO 8601 UTC, second precision (what receipts and transcripts show)."""
    return datetime.fromtimestamp(moment, UTC).replace(microsecond=0).isoformat()


class Coordinator:
    """The ceremony's state and rules; app.py puts HTTP in front of it."""

    def __init__(
        self,
        db: Database,
        store: ObjectStore,
        key: Ed25519PrivateKey,
        settings: Settings,
        clock: Clock = time.time,
    ) -> None:
        self.db, self.store, self.key, self.settings, self.clock = db, store, key, settings, clock
        self.public_key = receipts.public_key_hex(key)
        self._uploading: set[str] = set()
        self._verifying: set[str] = set()

    @property
    def options(self) -> CoordinatorOptions:
        """The [coordinator] table."""
        return self.settings.options

    @property
    def closed(self) -> bool:
        """Whether the ceremony was finalized (read from the database: finalize runs apart)."""
        return self.db.get_meta("closed") == "1"

    # --- the chain ----------------------------------------------------------------------------

    def add_initial(self, circuit: str, key: Path) -> None:
        """Key 0 of `circuit` (groth16 setup's, no contribution), stored and recorded."""
        parsed = read_key(key)
        if parsed.mpc.contributions:
            raise IntegrityError(f"{key}: an initial key has no contribution")
        sha256 = self.store.put_copy(key)
        cs_hash = parsed.mpc.cs_hash.hex()
        step = Step(circuit, 0, "setup", None, "groth16 setup", cs_hash, "", sha256,
                    key.stat().st_size, iso(self.clock()))  # fmt: skip
        with self.db.transaction():
            self.db.add_step(step)

    def has_chain(self, circuit: str) -> bool:
        """Whether `circuit` has its initial key recorded."""
        return bool(self.db.steps(circuit))

    def verify_chain(self, circuit: str) -> list[Step]:
        """Every stored key of `circuit` again: hash, then each step pairwise (native)."""
        steps = self.db.steps(circuit)
        keys = [read_key(self.store.check(s.sha256, s.size)) for s in steps]
        if keys[0].mpc.contributions or keys[0].mpc.cs_hash.hex() != steps[0].contribution_hash:
            raise IntegrityError(f"{circuit}: the stored initial key is not the recorded one")
        for previous, current, step in zip(keys, keys[1:], steps[1:], strict=False):
            added = checks.accept_step(previous, current)
            if (added.transcript.hex(), added.params.name) != (
                step.contribution_hash,
                step.participant,
            ):
                raise IntegrityError(f"{circuit}: key {step.idx} is not the recorded contribution")
        return steps

    def latest(self, circuit: str) -> Step:
        """The last accepted key of `circuit`."""
        return self.db.steps(self._known(circuit))[-1]

    def _known(self, circuit: str) -> str:
        if circuit not in self.settings.circuits:
            raise Refusal("unknown_circuit", f"no circuit {circuit!r} in this ceremony")
        return circuit

    def step(self, circuit: str, index: int) -> Step:
        """Accepted key `index` of `circuit`."""
        steps = self.db.steps(self._known(circuit))
        if not 0 <= index < len(steps):
            raise Refusal("not_found", f"{circuit} has no key {index} (latest {len(steps) - 1})")
        return steps[index]

    def key_file(self, circuit: str, index: int) -> tuple[Path, Step]:
        """The stored file of accepted key `index` of `circuit`."""
        step = self.step(circuit, index)
        return self.store.path(step.sha256), step

    def receipt(self, circuit: str, index: int) -> SignedReceipt:
        """The receipt of contribution `index` of `circuit`."""
        step = self.step(circuit, index)
        if step.receipt is None:
            raise Refusal("not_found", f"{circuit} key {index} is not a participant's contribution")
        return SignedReceipt.model_validate_json(step.receipt)

    def circuit_state(self, circuit: str) -> CircuitState:
        """One circuit's chain in short."""
        steps = self.db.steps(circuit)
        last = steps[-1]
        real = sum(s.kind == "contribution" for s in steps)
        return CircuitState(
            name=circuit,
            cs_hash=steps[0].contribution_hash,
            index=last.idx,
            contributions=real,
            sha256=last.sha256,
            size=last.size,
            contribution_hash=last.contribution_hash,
            last_contributor=last.participant if last.idx else None,
        )

    def transcript(self, circuit: str) -> list[TranscriptEntry]:
        """Every accepted key of `circuit`, with receipts."""
        return [_entry(step) for step in self.db.steps(self._known(circuit))]

    def info(self) -> CeremonyInfo:
        """GET /ceremony."""
        o = self.options
        return CeremonyInfo(
            ceremony=self.settings.ceremony,
            circuits=[self.circuit_state(c) for c in self.settings.circuits],
            coordinator_public_key=self.public_key,
            min_contributions=self.settings.min_contributions,
            invite_only=o.invite_only,
            slot_seconds=o.slot_seconds,
            heartbeat_seconds=o.heartbeat_seconds,
            max_retries=o.max_retries,
            closed=self.closed,
        )

    # --- identity -----------------------------------------------------------------------------

    def create_invites(self, count: int, hours: float | None = None) -> list[str]:
        """`count` single-use invite codes, valid `hours` (default: invite_hours)."""
        now = self.clock()
        expires = now + 3600 * (hours if hours is not None else self.options.invite_hours)
        codes = [secrets.token_urlsafe(16) for _ in range(count)]
        with self.db.transaction():
            for code in codes:
                self.db.add_invite(token_hash(code), now, expires)
        return codes

    def register(self, name: str, invite: str | None) -> RegisterResponse:
        """A new participant and their bearer token (shown once, stored hashed)."""
        if self.closed:
            raise Refusal("ceremony_closed", "the ceremony is finalized")
        if invite is None and self.options.invite_only:
            raise Refusal("invite_required", "this ceremony is invite-only: give an invite code")
        token = secrets.token_urlsafe(32)
        with self.db.transaction():
            code_hash = self._check_invite(invite)
            if self.db.name_taken(name):
                raise Refusal("name_taken", f"the name {name!r} is taken: choose another")
            pid = self.db.add_participant(name, token_hash(token), self.clock())
            if code_hash is not None:
                self.db.use_invite(code_hash, pid)
        return RegisterResponse(participant_id=pid, name=name, token=token)

    def _check_invite(self, invite: str | None) -> str | None:
        if invite is None:
            return None
        found = self.db.invite(token_hash(invite))
        if found is None or found.used_by is not None or found.expires <= self.clock():
            why = "unknown" if found is None else "used" if found.used_by else "expired"
            raise Refusal("invite_invalid", f"the invite code is {why}")
        return found.code_hash

    def authenticate(self, token: str | None) -> Participant:
        """The participant a bearer token belongs to."""
        found = self.db.participant_by_token(token_hash(token)) if token else None
        if found is None:
            raise Refusal("unauthorized", "a valid bearer token is required (POST /register)")
        return found

    # --- the queue ----------------------------------------------------------------------------

    def pending(self, participant_id: int) -> list[str]:
        """The circuits `participant_id` has not contributed to yet."""
        return [c for c in self.settings.circuits if not self.db.contributed(c, participant_id)]

    def upload_size(self, circuit: str, name: str) -> int:
        """The exact size of `circuit`'s next key when contributed by `name`."""
        return self.latest(circuit).size + contribution_record_size(name)

    def turn_seconds(self, participant: Participant) -> float:
        """A turn's time: slot_seconds plus seconds_per_mib per MiB downloaded and uploaded."""
        pending = self.pending(participant.id)
        traffic = sum(self.latest(c).size + self.upload_size(c, participant.name) for c in pending)
        return self.options.slot_seconds + self.options.seconds_per_mib * traffic / MIB

    def join(self, participant: Participant) -> QueueState:
        """Join the back of the line (again, after expiring only while retries are left)."""
        self._refuse_if_closed()
        with self.db.transaction():
            row = self.db.queue_row(participant.id)
            if row is None or row.state in ("expired", "left"):
                self._use_retry(participant, row)
                now = self.clock()
                self.db.put_queue_row(QueueRow(participant.id, "waiting", self.db.next_seq(), now))
            self._assign(self.clock())
        return self.state(participant.id)

    def _use_retry(self, participant: Participant, row: QueueRow | None) -> None:
        # Only a missed deadline (the row held the slot: `started`) costs a retry.
        if row is None or row.state != "expired" or row.started is None:
            return
        if self._retries_left(participant) <= 0:
            raise Refusal(
                "retries_exhausted",
                f"{participant.name} missed the deadline again: no retries left"
                f" (max_retries = {self.options.max_retries})",
            )
        self.db.use_retry(participant.id)

    def _retries_left(self, participant: Participant) -> int:
        used = self.db.participant(participant.id).retries_used
        return max(0, self.options.max_retries - used)

    def heartbeat(self, participant: Participant) -> QueueState:
        """Keep the place in line; the participant's state."""
        with self.db.transaction():
            row = self._row(participant)
            if row.state in ("waiting", "active", "verifying"):
                self.db.put_queue_row(replace(row, heartbeat=self.clock()))
        return self.state(participant.id)

    def leave(self, participant: Participant) -> QueueState:
        """Leave the line, or give the slot back (no retry is charged)."""
        with self.db.transaction():
            row = self._row(participant)
            if row.state == "verifying":
                raise Refusal("upload_in_progress", "an upload is being verified: wait for it")
            if row.state in ("waiting", "active"):
                self.db.put_queue_row(
                    replace(row, state="left", deadline=None, message="left the queue")
                )
            self._assign(self.clock())
        return self.state(participant.id)

    def _row(self, participant: Participant) -> QueueRow:
        row = self.db.queue_row(participant.id)
        if row is None:
            raise Refusal("not_found", f"{participant.name} is not in the queue: join first")
        return row

    def sweep(self) -> None:
        """Expire a missed deadline and silent waiters, hand the slot on, note the time."""
        now = self.clock()
        with self.db.transaction():
            self.db.set_meta("alive", repr(now))
            self._expire_holder(now)
            self._drop_silent(now)
            self._assign(now)

    def _expire_holder(self, now: float) -> None:
        row = self.db.holder()
        if row is None or row.state != "active" or row.deadline is None or row.deadline > now:
            return
        left = self._retries_left(self.db.participant(row.participant_id))
        message = f"missed the deadline; {left} retr{'y' if left == 1 else 'ies'} left"
        self.db.put_queue_row(replace(row, state="expired", deadline=None, message=message))

    def _drop_silent(self, now: float) -> None:
        period = self.options.heartbeat_seconds
        for row in self.db.waiting():
            heard = row.heartbeat if row.heartbeat is not None else row.joined
            allowed = period * (
                MISSED_HEARTBEATS if row.heartbeat is not None else LENIENT_HEARTBEATS
            )
            if now - heard > allowed:
                message = f"no heartbeat for {now - heard:.0f} s: lost the place; join again"
                self.db.put_queue_row(replace(row, state="expired", message=message))

    def _assign(self, now: float) -> None:
        if self.db.holder() is not None or self.closed:
            return
        for row in self.db.waiting():
            participant = self.db.participant(row.participant_id)
            if not self.pending(participant.id):
                self.db.put_queue_row(replace(row, state="done", message="contributed to all"))
                continue
            deadline = now + self.turn_seconds(participant)
            self.db.put_queue_row(
                replace(row, state="active", started=now, deadline=deadline, message="your turn")
            )
            return

    def state(self, participant_id: int) -> QueueState:
        """What GET /queue/me answers."""
        row = self.db.queue_row(participant_id)
        assert row is not None
        participant = self.db.participant(participant_id)
        waiting = self.db.waiting()
        ids = [r.participant_id for r in waiting]
        position = ids.index(participant_id) + 1 if participant_id in ids else None
        return QueueState(
            state=cast(
                QueueStateName, "closed" if self.closed and row.state != "done" else row.state
            ),
            position=position,
            queue_length=len(waiting),
            eta_seconds=None if position is None else self.eta(position),
            deadline=row.deadline if row.state in ("active", "verifying") else None,
            retries_left=self._retries_left(participant),
            heartbeat_seconds=self.options.heartbeat_seconds,
            circuits_pending=self.pending(participant_id),
            message=row.message,
        )

    def average_turn(self) -> float | None:
        """The mean of the last finished turns, None before the first."""
        turns = self.db.recent_turns(TURN_SAMPLES)
        return statistics.fmean(turns) if turns else None

    def eta(self, position: int) -> float:
        """Seconds until place `position` gets the slot: the holder's expected rest, then one
        average turn (slot_seconds before any was measured) per participant ahead."""
        now = self.clock()
        average = self.average_turn() or float(self.options.slot_seconds)
        holder, rest = self.db.holder(), 0.0
        if holder is not None and holder.started is not None and holder.deadline is not None:
            rest = max(0.0, min(holder.deadline, holder.started + average) - now)
        return rest + (position - 1) * average

    def status(self) -> QueueStatus:
        """GET /status."""
        holder, waiting = self.db.holder(), self.db.waiting()
        return QueueStatus(
            ceremony=self.settings.ceremony,
            closed=self.closed,
            queue_length=len(waiting),
            current_contributor=None
            if holder is None
            else self.db.participant(holder.participant_id).name,
            current_deadline=None if holder is None else holder.deadline,
            circuits=[self.circuit_state(c) for c in self.settings.circuits],
            average_turn_seconds=self.average_turn(),
            estimated_wait_seconds=self.eta(len(waiting) + 1),
        )

    # --- the turn and its uploads -------------------------------------------------------------

    def turn(self, participant: Participant) -> list[ActiveTurn]:
        """The keys the slot holder downloads and the exact sizes of the uploads."""
        self._holder_row(participant)
        return [self._active_turn(c, participant.name) for c in self.pending(participant.id)]

    def _active_turn(self, circuit: str, name: str) -> ActiveTurn:
        last = self.latest(circuit)
        return ActiveTurn(
            circuit=circuit,
            index=last.idx,
            sha256=last.sha256,
            size=last.size,
            upload_size=self.upload_size(circuit, name),
        )

    def _holder_row(self, participant: Participant) -> QueueRow:
        self._refuse_if_closed()
        row = self.db.holder()
        if row is None or row.participant_id != participant.id:
            raise Refusal("not_your_slot", f"{participant.name} does not hold the slot")
        return row

    def _refuse_if_closed(self) -> None:
        if self.closed:
            raise Refusal("ceremony_closed", "the ceremony is finalized: nothing more is accepted")

    def reserve_upload(self, participant: Participant, circuit: str, length: int | None) -> Upload:
        """Before the body is read: the holder, a pending circuit, no other upload, exact size."""
        self._known(circuit)
        self._holder_row(participant)
        if self.db.contributed(circuit, participant.id):
            raise Refusal("already_contributed", f"{circuit} has {participant.name}'s contribution")
        if circuit in self._uploading:
            raise Refusal("upload_in_progress", f"an upload for {circuit} is in progress")
        size = self.upload_size(circuit, participant.name)
        if length != size:
            raise Refusal(
                "wrong_size",
                f"Content-Length {length}: the next {circuit} key by {participant.name!r}"
                f" is exactly {size} bytes",
            )
        self._uploading.add(circuit)
        last = self.latest(circuit)
        return Upload(participant, circuit, self.store.path(last.sha256), last.idx + 1, size)

    def start_verifying(self, upload: Upload) -> None:
        """The body arrived: pause the holder's deadline while it is verified."""
        with self.db.transaction():
            row = self._holder_row(upload.participant)
            if row.state == "active":
                paused = replace(row, state="verifying", paused_at=self.clock())
                self.db.put_queue_row(paused)
        self._verifying.add(upload.circuit)

    def release(self, upload: Upload) -> None:
        """An upload refused or cut off: the chain is untouched, the deadline runs again."""
        with self.db.transaction():
            self._end_upload(upload, self.clock())

    def _end_upload(self, upload: Upload, now: float) -> None:
        self._uploading.discard(upload.circuit)
        self._verifying.discard(upload.circuit)
        row = self.db.queue_row(upload.participant.id)
        if row is None or row.state != "verifying" or self._verifying:
            return
        assert row.paused_at is not None and row.deadline is not None
        deadline = row.deadline + (now - row.paused_at)
        self.db.put_queue_row(replace(row, state="active", paused_at=None, deadline=deadline))

    def accept(self, upload: Upload, temp: Path, sha256: str, contribution: str) -> SignedReceipt:
        """Store a verified upload, record it with its signed receipt; the turn may end."""
        now = self.clock()
        last = self.latest(upload.circuit)
        signed = receipts.sign(self.key, self._receipt(upload, last, sha256, contribution, now))
        self.store.put(temp, sha256)  # on disk before the row that names it is committed
        with self.db.transaction():
            self._end_upload(upload, now)
            self._refuse_if_closed()
            self.db.add_step(
                Step(upload.circuit, upload.index, "contribution", upload.participant.id,
                     upload.participant.name, contribution, last.contribution_hash, sha256,
                     upload.size, signed.receipt.time, signed.model_dump_json())
            )  # fmt: skip
            self._finish_turn(upload.participant, now)
        return signed

    def _receipt(
        self, upload: Upload, last: Step, sha256: str, contribution: str, now: float
    ) -> Receipt:
        return Receipt(
            ceremony=self.settings.ceremony,
            circuit=upload.circuit,
            index=upload.index,
            participant=upload.participant.name,
            contribution_hash=contribution,
            previous_hash=last.contribution_hash,
            file_sha256=sha256,
            time=iso(now),
            coordinator_public_key=self.public_key,
        )

    def _finish_turn(self, participant: Participant, now: float) -> None:
        if self.pending(participant.id):
            return
        row = self.db.queue_row(participant.id)
        assert row is not None and row.started is not None
        self.db.add_turn(participant.id, now - row.started, now)
        done = replace(row, state="done", deadline=None, message="contributed to every circuit")
        self.db.put_queue_row(done)
        self._assign(now)

    # --- restart --------------------------------------------------------------------------------

    def recover(self) -> float:
        """At start: re-verify every chain, drop interrupted uploads, restore the queue, and
        extend the holder's deadline by the downtime (returned, in seconds)."""
        for circuit in self.settings.circuits:
            self.verify_chain(circuit)
        self.store.clear_temps()
        now = self.clock()
        alive = self.db.get_meta("alive")
        downtime = max(0.0, now - float(alive)) if alive else 0.0
        with self.db.transaction():
            self._resume_holder(now, downtime)
            for row in self.db.waiting():  # nobody could send a heartbeat while it was down
                self.db.put_queue_row(replace(row, heartbeat=now))
            self.db.set_meta("alive", repr(now))
        return downtime

    def _resume_holder(self, now: float, downtime: float) -> None:
        row = self.db.holder()
        if row is None or row.deadline is None:
            return
        paused = now - row.paused_at if row.paused_at is not None else downtime
        message = f"the coordinator restarted: deadline extended by {paused:.0f} s"
        resumed = replace(
            row, state="active", paused_at=None, deadline=row.deadline + paused, message=message
        )
        self.db.put_queue_row(resumed)


def _entry(step: Step) -> TranscriptEntry:
    return TranscriptEntry(
        index=step.idx,
        kind=cast(StepKind, step.kind),
        participant=step.participant,
        contribution_hash=step.contribution_hash,
        previous_hash=step.previous_hash,
        sha256=step.sha256,
        size=step.size,
        time=step.time,
        receipt=None if step.receipt is None else SignedReceipt.model_validate_json(step.receipt),
    )
