"""The prover service's HTTP API (FastAPI): jobs, verification, health, readiness and metrics.

Proofs run in the executor's workers, never on the event loop; the loop only checks inputs
against the circuit (a wasm call, no proving) and verifies POST /v1/verify proofs in a thread.
Every refusal is `ErrorResponse` with a CODES code and the request id; every request is one
JSON log line. Request bodies over the limit are refused from their Content-Length (413).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError

from toolchain.api.prove import MAX_INPUT_DEPTH
from toolchain.config import engine_name
from toolchain.errors import FormatError, VerificationError
from toolchain.formats.snarkjs_json import parse_proof, parse_public
from toolchain.native.engines import get_engine
from toolchain.native.verifier import verify_proof
from toolchain.service.apikeys import EVERY, ApiKeys, key_hash
from toolchain.service.circuits import LockedCircuit
from toolchain.service.jobs import Job, ProverService
from toolchain.service.metrics import CONTENT_TYPE
from toolchain.service.protocol import (
    API,
    CODES,
    MAX_WAIT_SECONDS,
    CircuitInfo,
    JobStatus,
    ProofRequest,
    Readiness,
    Refusal,
    VerifyRequest,
    VerifyResponse,
    WorkerState,
)
from toolchain.textlimits import JsonRefusal, load_json
from toolchain.web.plumbing import Wire, bearer, check_body, install

LOG = logging.getLogger("zkt.service")
M = TypeVar("M", bound=BaseModel)
# ?wait=S: seconds to hold the answer until the job is finished
Wait = Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)]
WIRE = Wire(CODES, LOG, invalid="malformed_json")
_ERRORS = WIRE.responses()


def create_app(service: ProverService, keys: ApiKeys, max_body: int, tools_found: bool) -> FastAPI:
    """The ASGI app over `service`: its consumers start and drain with the app's lifespan."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        service.start()
        yield
        await service.drain()

    app = FastAPI(
        title="zk-toolchain prover service", version="1", lifespan=lifespan,
        docs_url=None, redoc_url=None,
    )  # fmt: skip
    install(app, WIRE, lambda request: _check_body(request, max_body))
    app.include_router(_proof_routes(service, keys))
    app.include_router(_health_routes(service, tools_found))
    return app


def _check_body(request: Request, max_body: int) -> None:
    """Refusal body_too_large beyond `max_body` bytes (a body must say its length)."""
    check_body(request, max_body, chunked="body_too_large", limit=f"{max_body} bytes")


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI requestBody of a route that parses `model` itself (`parse_body`)."""
    schema = {"schema": model.model_json_schema()}
    return {"requestBody": {"content": {"application/json": schema}, "required": True}}


async def parse_body(request: Request, model: type[M]) -> M:
    """The body as `model`, read as untrusted JSON (depth, number sizes, duplicate keys
    limited as for an input file); Refusal malformed_json naming what is wrong."""
    try:
        data = load_json(await request.body(), max_depth=MAX_INPUT_DEPTH + 1)
    except JsonRefusal as exc:
        raise Refusal("malformed_json", f"body: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(["body", *(str(part) for part in first["loc"])])
        raise Refusal("malformed_json", f"{where}: {first['msg']}") from None


def _caller(keys: ApiKeys, request: Request) -> tuple[str | None, frozenset[str]]:
    """The request's API key as stored (its sha256; None when the service has no keys) and
    the circuits it may use (Refusal unauthorized for no key or an unknown one)."""
    key = bearer(request)
    circuits = keys.circuits_of(key)
    if circuits is None:
        raise Refusal("unauthorized", "send a known API key: Authorization: Bearer KEY")
    return (key_hash(key) if key and keys.allowed is not None else None), circuits


def _allowed(service: ProverService, keys: ApiKeys, request: Request, name: str) -> LockedCircuit:
    """The circuit `name` if the request's API key may use it (401, 403, 404 otherwise)."""
    _, circuits = _caller(keys, request)
    if EVERY not in circuits and name not in circuits:
        raise Refusal("forbidden", f"this API key may not use circuit {name[:128]!r}")
    return service.circuit(name)


def _proof_routes(service: ProverService, keys: ApiKeys) -> APIRouter:
    router = APIRouter(responses=_ERRORS)

    @router.post(
        API + "/proofs", status_code=202, responses={200: {"model": JobStatus}},
        openapi_extra=json_body(ProofRequest),
    )  # fmt: skip
    async def submit(request: Request, wait: Wait = 0) -> Response:
        """Queue a proof; with `wait`, answer 200 with the result if it is ready by then."""
        body = await parse_body(request, ProofRequest)
        circuit = _allowed(service, keys, request, body.circuit)
        owner, _ = _caller(keys, request)
        job = service.submit(circuit, body.inputs, request.state.request_id, owner)
        return await _answer(job, wait)

    @router.get(API + "/proofs/{job_id}", responses={202: {"model": JobStatus}})
    async def status(job_id: str, request: Request, wait: Wait = 0) -> Response:
        """The job: queued or running (202), done or failed (200); only to the API key that
        submitted it (another key's job is 404 like an unknown id)."""
        owner, _ = _caller(keys, request)
        job = service.job(job_id, owner)
        return await _answer(job, wait)

    @router.post(API + "/verify", openapi_extra=json_body(VerifyRequest))
    async def verify(request: Request) -> VerifyResponse:
        """Check a proof against the circuit's locked verification key."""
        body = await parse_body(request, VerifyRequest)
        circuit = _allowed(service, keys, request, body.circuit)
        start = time.perf_counter()
        valid = await asyncio.to_thread(_verify, circuit, body)
        seconds = time.perf_counter() - start
        m = service.metrics
        m.verification.labels(circuit.name).observe(seconds)
        m.verified.labels(circuit.name).inc()
        if not valid:
            m.verify_failures.labels(circuit.name).inc()
        return VerifyResponse(
            circuit=circuit.name, valid=valid, vkey_sha256=circuit.vkey_sha256, seconds=seconds
        )

    return router


async def _answer(job: Job | JobStatus, wait: float) -> Response:
    """The job's status after waiting up to `wait` s for an unfinished one: 200 when finished,
    else 202."""
    if isinstance(job, Job) and wait > 0:
        with suppress(TimeoutError):
            await asyncio.wait_for(job.finished.wait(), wait)
    status = job.status() if isinstance(job, Job) else job
    finished = status.status in ("done", "failed")
    return JSONResponse(
        status.model_dump(), status_code=200 if finished else 202,
        headers={"Location": f"{API}/proofs/{status.id}"},
    )  # fmt: skip


def _verify(circuit: LockedCircuit, body: VerifyRequest) -> bool:
    """Whether the proof verifies (Refusal malformed_json when it does not parse strictly)."""
    try:
        proof = parse_proof(body.proof, "proof")
        signals = parse_public(body.public_signals, "public_signals")
        engine = get_engine(engine_name(circuit.spec.engine))
        return verify_proof(circuit.vkey, signals, proof, engine)
    except FormatError as exc:
        raise Refusal("malformed_json", str(exc)) from None
    except VerificationError:
        return False


def _health_routes(service: ProverService, tools_found: bool) -> APIRouter:
    router = APIRouter()

    @router.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the server answers."""
        return {"status": "ok"}

    @router.get("/ready", responses={503: {"model": Readiness}})
    async def ready() -> JSONResponse:
        """Readiness: keys loaded, tools found, a worker alive, not draining (else 503 with
        the reason). Off the event loop: a cluster's state is asked of its scheduler."""
        state = await asyncio.to_thread(_readiness, service, tools_found)
        return JSONResponse(state.model_dump(), status_code=200 if state.ready else 503)

    @router.get("/metrics", response_class=Response)
    async def metrics() -> Response:
        """Prometheus text format (off the event loop, as /ready: zkp_active_provers)."""
        text = await asyncio.to_thread(service.metrics.exposition)
        return Response(text, media_type=CONTENT_TYPE)

    return router


def _readiness(service: ProverService, tools_found: bool) -> Readiness:
    workers = service.executor.states()
    loaded = bool(workers) and all(w.loaded for w in workers)
    circuits = [
        CircuitInfo(name=c.name, zkey_sha256=c.spec.zkey_sha256, vkey_sha256=c.vkey_sha256)
        for c in service.circuits.values()
    ]
    reason = _unready(service, workers, tools_found)
    return Readiness(
        ready=reason is None, reason=reason,
        draining=service.draining, keys_loaded=loaded, tools_found=tools_found,
        backend=next(iter(service.circuits.values())).spec.backend,
        executor=service.executor.name, queue_depth=service.queue.qsize(),
        queue_capacity=service.capacity, workers=workers, circuits=circuits,
    )  # fmt: skip


def _unready(service: ProverService, workers: list[WorkerState], tools_found: bool) -> str | None:
    """Why the service is not ready (None when it is): draining, a tool missing, a job table
    that cannot be written, no worker, a worker without every key loaded, or none alive."""
    if service.draining:
        return "draining: the service is shutting down"
    if not tools_found:
        return "a pinned tool is not installed (see zkt tools doctor)"
    if service.table_problem is not None:
        return service.table_problem
    if not workers:
        return service.executor.no_worker()
    unloaded = [w for w in workers if not w.loaded]
    if unloaded:
        return _blocked(unloaded[0])
    return None if any(w.alive for w in workers) else _blocked(workers[0])


def _blocked(worker: WorkerState) -> str:
    """What stops one worker, named by its name (a cluster's) or its pid."""
    return f"worker {worker.name or worker.pid}: {worker.reason}"
