"""The prover service's HTTP API as pydantic models: the wire format and the OpenAPI spec.

Every path is under `/v1` (plus `/health`, `/ready`, `/metrics`). With API keys configured,
requests carry `Authorization: Bearer KEY`. Every refusal is `ErrorResponse`, whose `code` is one
of `CODES`: stable strings a client may branch on; the message is for people.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from toolchain.web.models import ErrorBody as ErrorBody  # re-exported: the refusal's wire shape
from toolchain.web.models import ErrorResponse as ErrorResponse
from toolchain.web.models import Model
from toolchain.web.models import Refusal as Refusal  # re-exported: jobs and the app raise it

API = "/v1"
MAX_WAIT_SECONDS = 300.0

# Every refusal code, with the HTTP status it comes with.
CODES: dict[str, int] = {
    "bad_request": 400,  # a method or path the API does not have
    "unauthorized": 401,  # no API key, or one the service does not know
    "forbidden": 403,  # the key may not use this circuit
    "unknown_circuit": 404,
    "not_found": 404,
    "body_too_large": 413,
    "malformed_json": 422,  # the body is not JSON, or not the request's shape
    "invalid_input": 422,  # the circuit inputs do not fit: the message names the signal
    "queue_full": 429,  # with Retry-After
    "draining": 503,  # the service is shutting down: no new jobs
    "unavailable": 503,  # the job table cannot be written (a full disk): nothing queued
    "internal": 500,
}

JobState = Literal["queued", "running", "done", "failed"]


class ProofRequest(Model):
    """A proof to make: the circuit's name and its input signals (as in an input.json)."""

    circuit: str = Field(max_length=128)
    inputs: dict[str, Any]


class Timings(Model):
    """Seconds spent by one job: queued, then each stage of its proof, and in all."""

    queue: float | None = None
    witness: float | None = None
    prove: float | None = None
    verify: float | None = None
    total: float | None = None


class JobStatus(Model):
    """One job: queued, running, done (the verified proof) or failed (the reason)."""

    id: str
    circuit: str
    status: JobState
    proof: dict[str, Any] | None = None
    public_signals: list[str] | None = None
    vkey_sha256: str
    timings: Timings = Timings()
    retries: int = 0
    reason: str | None = None


class VerifyRequest(Model):
    """A proof to check against a circuit's locked verification key."""

    circuit: str = Field(max_length=128)
    proof: dict[str, Any]
    public_signals: list[Any]


class VerifyResponse(Model):
    """The verdict, and the key it was reached with."""

    circuit: str
    valid: bool
    vkey_sha256: str
    seconds: float


class WorkerState(Model):
    """One prover worker: a local slot's process, or a cluster worker's address and name;
    alive, every key loaded, and why it cannot prove (None when it can)."""

    slot: int
    pid: int | None
    alive: bool
    loaded: bool
    address: str | None = None
    name: str | None = None
    reason: str | None = None


class CircuitInfo(Model):
    """A circuit the service proves: its locked key hashes."""

    name: str
    zkey_sha256: str
    vkey_sha256: str


class Readiness(Model):
    """GET /ready: ready when every worker has every key loaded, at least one is alive, the
    tools are found and the service is not draining; `reason` says why not."""

    ready: bool
    reason: str | None = None
    draining: bool
    keys_loaded: bool
    tools_found: bool
    backend: str
    executor: str
    queue_depth: int
    queue_capacity: int
    workers: list[WorkerState]
    circuits: list[CircuitInfo]
