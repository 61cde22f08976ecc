"""The coordinator's HTTP API as pydantic models: what the server answers and the client reads.

Every path is under `/api/v1`. Participants authenticate with `Authorization: Bearer TOKEN`
(the token `POST /register` returned once). Every refusal is `ErrorResponse`, whose `code` is
one of `CODES`: stable strings a client may branch on and tests assert; the message is for people.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from toolchain.web.models import ErrorBody as ErrorBody  # re-exported: the refusal's wire shape
from toolchain.web.models import ErrorResponse as ErrorResponse
from toolchain.web.models import Model

API = "/api/v1"

# A participant's name: what snarkjs records in the key and the receipts show.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$"

# Every refusal code, with the HTTP status it comes with.
CODES: dict[str, int] = {
    # requests and identity
    "bad_request": 400,
    "unauthorized": 401,  # no token, or a token the coordinator never issued
    "invite_required": 403,  # invite-only ceremony, no invite code given
    "invite_invalid": 403,  # unknown, already used or expired invite code
    "retries_exhausted": 403,  # missed deadlines used up the participant's retries
    "unknown_circuit": 404,
    "not_found": 404,
    "name_taken": 409,
    "not_your_slot": 409,  # upload or slot action by someone who does not hold the slot
    "upload_in_progress": 409,  # a second concurrent upload for the same circuit
    "already_contributed": 409,  # this circuit already has this participant's contribution
    "ceremony_closed": 409,  # finalized: nothing more is accepted
    "body_too_large": 413,
    "wrong_size": 400,  # Content-Length is not the size the next key must have
    "incomplete_upload": 400,  # the body ended before Content-Length bytes
    "rate_limited": 429,  # with Retry-After
    # acceptance of an uploaded key (422): the named checks of ceremony/checks.py
    "bad_container": 422,  # not a zkey: magic, version, sections, sizes
    "invalid_point": 422,  # a point not canonical, off curve, outside the subgroup or identity
    "wrong_circuit": 422,  # circuit hash differs: another circuit's key
    "chain_rebuilt": 422,  # an accepted contribution differs: rebuilt from genesis or edited
    "not_one_contribution": 422,  # zero, several, or fewer contributions than accepted
    "wrong_name": 422,  # the new contribution is not named as the participant registered
    "beacon_refused": 422,  # participants contribute secrets; the beacon is the coordinator's
    "delta_unchanged": 422,  # δ equals γ (or the contribution's secret is 1)
    "bad_proof_of_knowledge": 422,
    "bad_delta_step": 422,  # δ_after is not δ_before times the proven secret
    "header_changed": 422,  # a header value other than δ differs from the accepted key
    "section_changed": 422,  # IC, coefficients, A, B1 or B2 differ from the accepted key
    "bad_rescale": 422,  # L or H is not the accepted key's scaled by the δ ratio
    "internal": 500,
}


class CircuitState(Model):
    """One circuit's chain as the coordinator has accepted it."""

    name: str
    cs_hash: str  # hex: the circuit hash in the key (section 10)
    index: int  # the latest accepted key's number (0: the initial key)
    contributions: int  # real contributions accepted (the beacon excluded)
    sha256: str  # of the latest accepted key file
    size: int  # its size in bytes
    contribution_hash: str  # hex: the latest contribution's transcript hash (cs_hash at 0)
    last_contributor: str | None = None


class CeremonyInfo(Model):
    """GET /ceremony: what a participant needs before joining."""

    ceremony: str
    circuits: list[CircuitState]
    coordinator_public_key: str  # Ed25519, raw 32 bytes in hex: receipts verify with it
    min_contributions: int
    invite_only: bool
    slot_seconds: int  # base time a turn gets (the deadline also grows with the key sizes)
    heartbeat_seconds: int
    max_retries: int
    closed: bool


class RegisterRequest(Model):
    """POST /register."""

    name: str = Field(pattern=NAME_PATTERN)
    invite: str | None = Field(default=None, max_length=128)


class RegisterResponse(Model):
    """The bearer token, shown once: the coordinator stores only its hash."""

    participant_id: int
    name: str
    token: str


QueueStateName = Literal["waiting", "active", "verifying", "done", "expired", "left", "closed"]


class QueueState(Model):
    """GET /queue/me, and the answer to join, heartbeat and leave.

    waiting: in line (`position` 1 is next); active: holds the slot until `deadline`;
    verifying: an upload is being checked (the deadline is paused); done: contributed to every
    circuit; expired: missed a deadline or stopped sending heartbeats (join again while
    `retries_left` > 0); left: left the queue; closed: the ceremony is finalized.
    """

    state: QueueStateName
    position: int | None = None  # 1-based while waiting
    queue_length: int
    eta_seconds: float | None = None  # estimated wait until the slot, from measured turn times
    deadline: float | None = None  # unix time, while active
    retries_left: int
    heartbeat_seconds: int
    circuits_pending: list[str]  # circuits this participant has not contributed to yet
    message: str = ""


class ActiveTurn(Model):
    """A circuit in the current turn: which key to download and what the upload must be."""

    circuit: str
    index: int  # the key to download: GET /circuits/{circuit}/keys/{index}
    sha256: str
    size: int
    upload_size: int  # the exact size the contributed key must have (Content-Length)


class QueueStatus(Model):
    """GET /status: public, no token."""

    ceremony: str
    closed: bool
    queue_length: int
    current_contributor: str | None
    current_deadline: float | None
    circuits: list[CircuitState]
    average_turn_seconds: float | None
    estimated_wait_seconds: float | None  # for someone joining now


class Receipt(Model):
    """What the coordinator signs when it accepts a contribution."""

    ceremony: str
    circuit: str
    index: int  # the accepted key's number
    participant: str
    contribution_hash: str  # hex: the new contribution's transcript hash
    previous_hash: str  # hex: the previous contribution's (the circuit hash for index 1)
    file_sha256: str  # of the accepted key file
    time: str  # ISO 8601, UTC
    coordinator_public_key: str  # hex, raw Ed25519


class SignedReceipt(Model):
    """A receipt and the coordinator's Ed25519 signature over `receipts.signed_bytes`."""

    receipt: Receipt
    signature: str  # hex, 64 bytes


class TranscriptEntry(Model):
    """GET /transcript/{circuit}: one accepted key."""

    index: int
    kind: Literal["setup", "contribution", "beacon"]
    participant: str
    contribution_hash: str
    previous_hash: str
    sha256: str
    size: int
    time: str
    receipt: SignedReceipt | None = None  # none for the initial key and the beacon
